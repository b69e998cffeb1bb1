"""Unanswered imminent risk: a level-3 child still waiting after SANAD_IMMINENT_ALERT_SECS.

`claim_unanswered_imminent` finds such waits and claims each with a conditional UPDATE of
`alerted_at`, so with several workers exactly one of them alerts a given wait per period. The
caller (bot.alerts) gives the child the emergency numbers again on the first alert of a wait;
every alert re-publishes the conversation on the queue topic, where the console marks it overdue
and sounds again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.actions import changed_event
from escalation.bus import MessageBus
from escalation.models import Conversation
from escalation.states import ConversationState
from nlu.types import RiskLevel

log = logging.getLogger(__name__)

ALERT_REASON = "imminent_unanswered"


@dataclass(frozen=True, slots=True)
class Claimed:
    conversation: Conversation
    first_of_wait: bool  # no alert yet since the child started waiting this time


def _due(now: datetime, after: timedelta) -> object:
    return (
        (Conversation.state == ConversationState.WAITING.value)
        & (Conversation.risk_level >= int(RiskLevel.IMMINENT))
        & (Conversation.waiting_since <= now - after)
        & or_(
            Conversation.alerted_at.is_(None),
            Conversation.alerted_at < Conversation.waiting_since,
            Conversation.alerted_at <= now - after,
        )
    )


async def claim_unanswered_imminent(
    session: AsyncSession, *, now: datetime, after_secs: float
) -> list[Claimed]:
    """Claim every level-3 wait older than `after_secs` not alerted in the last `after_secs`."""
    after = timedelta(seconds=after_secs)
    candidates = (await session.scalars(select(Conversation).where(_due(now, after)))).all()
    claimed: list[Claimed] = []
    for conversation in candidates:
        waiting_since = conversation.waiting_since
        previous = conversation.alerted_at
        result = await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, _due(now, after))
            .values(alerted_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another worker claimed it, or a counselor took it meanwhile
        await session.refresh(conversation)
        first = previous is None or waiting_since is None or previous < waiting_since
        claimed.append(Claimed(conversation=conversation, first_of_wait=first))
    return claimed


async def publish_alert(bus: MessageBus, conversation: Conversation) -> None:
    log.warning("imminent-risk chat unanswered id=%s", conversation.id)
    await bus.publish(changed_event(conversation, ALERT_REASON))
