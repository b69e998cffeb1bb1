"""The state machine of SPEC §4: every allowed move passes, every other move is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from escalation.errors import TransitionRefusedError
from escalation.queue import waiting_secs
from escalation.states import ALLOWED_TRANSITIONS, ConversationState, check_transition

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
REFUSED = sorted(set(product(ConversationState, repeat=2)) - ALLOWED_TRANSITIONS)


def test_spec_moves_are_exactly_the_allowed_ones() -> None:
    s = ConversationState
    assert {
        (s.BOT, s.WAITING),
        (s.WAITING, s.LIVE),
        (s.LIVE, s.WAITING),
        (s.WAITING, s.BOT),
        (s.LIVE, s.CLOSED),
    } == ALLOWED_TRANSITIONS


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED_TRANSITIONS))
def test_allowed_transition_is_recorded_with_who_when_why(source, target) -> None:
    move = check_transition(source, target, actor="child", reason="asked", at=NOW)

    assert (move.source, move.target, move.actor, move.reason, move.at) == (
        source,
        target,
        "child",
        "asked",
        NOW,
    )


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_transition_outside_spec_is_refused(source, target) -> None:
    with pytest.raises(TransitionRefusedError) as refused:
        check_transition(source, target, actor="system", reason="test", at=NOW)

    assert refused.value.code == "transition_refused"


class Item:
    def __init__(self, minutes_ago: int | None) -> None:
        self.waiting_since = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)


def test_waiting_time_counts_from_the_moment_the_child_was_queued() -> None:
    assert waiting_secs(Item(30), NOW) == 30 * 60
    assert waiting_secs(Item(None), NOW) == 0
