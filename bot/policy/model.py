"""What the policy reads (`Turn`, `Situation`) and returns (`Decision`, `Reply`, `Say`), and the
counselor hours it is told about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from typing import Any

from escalation.states import ConversationState
from nlu.types import ParseResult


@dataclass(frozen=True, slots=True)
class Say:
    """One response of the content file, with values for its placeholders."""

    name: str
    values: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One message to the child: its parts are rendered and joined in order (crisis first)."""

    parts: tuple[Say, ...]
    topics: tuple[str, ...] = ()  # the clarification's two topic intents


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """What the child did: a text (with its NLU result), a button/command, or a media file."""

    text: str = ""
    command: str | None = None
    media_kind: str | None = None
    parse: ParseResult | None = None
    oversized: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """The conversation as it was before this message."""

    state: ConversationState = ConversationState.BOT
    risk_level: int = 0
    notes: Mapping[str, Any] = field(default_factory=dict)
    language: str = "ar"
    feminine: bool = False
    first_contact: bool = False
    in_hours: bool = True
    waiting_since: str | None = None  # ISO time of the current wait
    responses: frozenset[str] = frozenset()  # names in the content file (for "/<name>" buttons)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    replies: tuple[Reply, ...] = ()
    escalate: str | None = None  # bot → waiting, with this reason
    cancel: bool = False  # waiting → bot
    erase: bool = False  # /delete confirmed
    store_child: bool = True  # False: the message is not kept at all (oversized)
    store_replies: bool = True  # False: replies are delivered, not kept (after erasing)
    intent: str | None = None  # recorded on the child's message
    confidence: float | None = None
    risk_level: int = 0  # the message's risk, with what the dialogue adds
    risk_signals: tuple[str, ...] = ()
    notes: Mapping[str, Any] = field(default_factory=dict)
    language: str = "ar"  # reply language, "ar" or "en", remembered on the conversation
    feminine: bool = False

    @property
    def reply_names(self) -> list[str]:
        return [part.name for reply in self.replies for part in reply.parts]


# ------------------------------------------------------------------------------ counselor hours


def parse_hours(spec: str) -> tuple[time, time] | None:
    """ "08:00-22:00" → (08:00, 22:00); "00:00-24:00" → None (always on shift)."""
    start_text, end_text = (part.strip() for part in spec.split("-", 1))
    start = time.fromisoformat(start_text.zfill(5))
    if end_text == "24:00":
        return None if start == time(0, 0) else (start, time(0, 0))
    return start, time.fromisoformat(end_text.zfill(5))


def in_counselor_hours(now: datetime, spec: str, zone: tzinfo) -> bool:
    """Whether the aware time `now` falls in the counselor hours; a range may cross midnight."""
    hours = parse_hours(spec)
    if hours is None:
        return True
    start, end = hours
    local = now.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end
