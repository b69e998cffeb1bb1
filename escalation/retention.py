"""Retention (CONTENT-BRIEF §8): transcripts go a fixed number of days after a chat ends.

Children are told "we delete the chat N days after it is closed; only anonymous numbers stay".
`purge_expired` keeps that promise for

* closed conversations whose `closed_at` is older than the retention period, and
* conversations that never left the bot (nothing to close) and were idle that long.

Chats that are waiting or live are never purged, whatever their age. A purge removes the
messages, counselor notes, the case summary (free text) and the child's identifiers; the case
record's categories, referrals and highest risk, the transitions and the audit trail stay as
de-identified statistics. It is idempotent and safe to run from several workers at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.models import CaseNote, CaseRecord, Conversation, Message
from escalation.states import ConversationState
from escalation.tasks import run_every

log = logging.getLogger(__name__)

BATCH = 200


def expired_clause(cutoff: datetime) -> object:
    """Conversations due for purging at `cutoff` (now minus the retention period)."""
    return and_(
        Conversation.erased_at.is_(None),
        or_(
            and_(Conversation.state == ConversationState.CLOSED.value, Conversation.closed_at < cutoff),
            and_(Conversation.state == ConversationState.BOT.value, Conversation.updated_at < cutoff),
        ),
    )


def erased_identity(now: datetime) -> dict[str, object]:
    """The conversation columns an erasure clears (the child's identifiers and words), and when."""
    return {
        "child_key": None,
        "channel_address": None,
        "first_child_text": None,
        "risk_text": None,
        "dialogue_state": {},
        "erased_at": now,
    }


async def erase_texts(session: AsyncSession, conversation_ids: list[int]) -> None:
    """Delete what a child or counselor wrote in these conversations; keep the statistics.

    Does not commit: the caller also clears the conversation's identifiers in the same transaction.
    """
    await session.execute(delete(Message).where(Message.conversation_id.in_(conversation_ids)))
    await session.execute(delete(CaseNote).where(CaseNote.conversation_id.in_(conversation_ids)))
    await session.execute(
        update(CaseRecord).where(CaseRecord.conversation_id.in_(conversation_ids)).values(summary="")
    )


async def _erase_expired(session: AsyncSession, conversation_ids: list[int], *, now: datetime) -> None:
    await erase_texts(session, conversation_ids)
    await session.execute(
        update(Conversation)
        .where(Conversation.id.in_(conversation_ids))
        .values(**erased_identity(now))
        .execution_options(synchronize_session=False)
    )


async def purge_expired(
    session: AsyncSession, *, now: datetime, retention_days: int, batch: int = BATCH
) -> int:
    """Erase every conversation past its retention period; returns how many were erased."""
    cutoff = now - timedelta(days=retention_days)
    purged = 0
    while True:
        ids = list(
            (
                await session.scalars(
                    select(Conversation.id).where(expired_clause(cutoff)).order_by(Conversation.id).limit(batch)
                )
            ).all()
        )
        if not ids:
            break
        await _erase_expired(session, ids, now=now)
        await session.commit()
        purged += len(ids)
        if len(ids) < batch:
            break
    if purged:
        log.info("retention: erased %d conversation(s) older than %d days", purged, retention_days)
    return purged


async def run_retention(
    sessions: async_sessionmaker[AsyncSession],
    *,
    retention_days: int,
    every_secs: float,
    clock: Callable[[], datetime],
) -> None:
    """Purge at start and then every `every_secs`, until cancelled."""

    async def one_round() -> None:
        async with sessions() as session:
            await purge_expired(session, now=clock(), retention_days=retention_days)

    await run_every(one_round, every_secs=every_secs, what="retention")
