"""Queue order of SPEC §4 as a pure function: highest risk first, then longest waiting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar


class Queued(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def risk_level(self) -> int: ...
    @property
    def waiting_since(self) -> datetime | None: ...


Q = TypeVar("Q", bound=Queued)


def queue_key(item: Queued) -> tuple[int, float, int]:
    """Sort key: risk descending, waiting since ascending, id as the tie-breaker."""
    since = item.waiting_since.timestamp() if item.waiting_since else float("inf")
    return (-int(item.risk_level), since, item.id)


def order_queue(items: Iterable[Q]) -> list[Q]:
    return sorted(items, key=queue_key)


def waiting_secs(item: Queued, now: datetime) -> int:
    if item.waiting_since is None:
        return 0
    return max(0, int((now - item.waiting_since).total_seconds()))


def position_in_queue(items: Sequence[Queued], conversation_id: int) -> int | None:
    """1-based position of a conversation in an already ordered queue."""
    for index, item in enumerate(items, start=1):
        if item.id == conversation_id:
            return index
    return None
