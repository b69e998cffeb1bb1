"""The imminent-risk watch: no child at level 3 waits unanswered without hearing from us.

Every few seconds `remind_unanswered` claims level-3 waits older than SANAD_IMMINENT_ALERT_SECS
(escalation.alerts). On the first alert of a wait the child gets `utter_waiting_imminent` (the
emergency numbers again, in their language and form); every alert re-publishes the conversation
to the queue, where the console marks it overdue and sounds again (console/static/queue.js).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from escalation import actions
from escalation.alerts import claim_unanswered_imminent, publish_alert
from escalation.models import AuthorKind
from escalation.tasks import run_every

if TYPE_CHECKING:
    from bot.engine import DialogueEngine

REMINDER = "utter_waiting_imminent"


async def remind_unanswered(dialogue: DialogueEngine, *, after_secs: float) -> int:
    """One round: remind and alert every due wait; returns how many were alerted."""
    now = dialogue.clock()
    async with dialogue.sessions() as session:
        claimed = await claim_unanswered_imminent(session, now=now, after_secs=after_secs)
        for item in claimed:
            conversation = item.conversation
            if item.first_of_wait and not conversation.unreachable:
                reply = dialogue.content.render(
                    REMINDER, conversation.language or "ar", feminine=conversation.feminine
                )
                await actions.record_message(
                    session,
                    dialogue.bus,
                    conversation,
                    author_kind=AuthorKind.BOT,
                    text=reply.text.strip(),
                    now=now,
                    buttons=[],
                )
            await publish_alert(dialogue.bus, conversation)
    return len(claimed)


def watch_period(after_secs: float) -> float:
    """How often to look: a tenth of the alert delay, between 1 and 15 seconds."""
    return min(15.0, max(1.0, after_secs / 10))


async def run_imminent_watch(dialogue: DialogueEngine, *, after_secs: float) -> None:
    """Rounds of `remind_unanswered` until cancelled."""
    await run_every(
        lambda: remind_unanswered(dialogue, after_secs=after_secs),
        every_secs=watch_period(after_secs),
        what="imminent-risk watch",
    )
