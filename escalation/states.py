"""The conversation state machine of SPEC §4 as plain code: states, allowed moves, the check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from escalation.errors import TransitionRefusedError


class ConversationState(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    LIVE = "live"
    CLOSED = "closed"


_S = ConversationState
ALLOWED_TRANSITIONS: frozenset[tuple[ConversationState, ConversationState]] = frozenset(
    {
        (_S.BOT, _S.WAITING),  # asked for a person, or risk reached "high"
        (_S.WAITING, _S.LIVE),  # a counselor took it
        (_S.LIVE, _S.WAITING),  # transferred, or the counselor was gone too long
        (_S.WAITING, _S.BOT),  # the child cancelled
        (_S.LIVE, _S.CLOSED),  # closed with a category
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    source: ConversationState
    target: ConversationState
    actor: str  # "child", "system" or "staff:<id>"
    reason: str
    at: datetime


def check_transition(
    source: ConversationState, target: ConversationState, *, actor: str, reason: str, at: datetime
) -> Transition:
    """Return the transition if SPEC §4 allows it, else raise TransitionRefusedError."""
    if (source, target) not in ALLOWED_TRANSITIONS:
        raise TransitionRefusedError(source, target)
    return Transition(source=source, target=target, actor=actor, reason=reason, at=at)
