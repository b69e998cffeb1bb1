"""Queue arithmetic that needs no database: how long a conversation has waited.

The queue ORDER of SPEC §4 (risk first, then longest waiting) lives in one place only, the SQL of
`repository.list_queue` / `repository.queue_position`, so every worker and page agrees on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Queued(Protocol):
    @property
    def waiting_since(self) -> datetime | None: ...


def waiting_secs(item: Queued, now: datetime) -> int:
    if item.waiting_since is None:
        return 0
    return max(0, int((now - item.waiting_since).total_seconds()))
