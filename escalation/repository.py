"""Queries over conversations, messages and staff. Queries never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.errors import NotFoundError
from escalation.models import (
    AuditEntry,
    CaseNote,
    CaseRecord,
    Conversation,
    Message,
    Staff,
    TransitionRecord,
)
from escalation.states import ConversationState


async def find_conversation(session: AsyncSession, conversation_id: int) -> Conversation | None:
    return await session.get(Conversation, conversation_id)


async def get_conversation(session: AsyncSession, conversation_id: int) -> Conversation:
    conversation = await find_conversation(session, conversation_id)
    if conversation is None:
        raise NotFoundError(f"conversation {conversation_id}")
    return conversation


async def find_open_conversation(
    session: AsyncSession, *, channel: str, child_key: str
) -> Conversation | None:
    """The child's newest conversation that is not closed, if any."""
    query = (
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.child_key == child_key)
        .where(Conversation.state != ConversationState.CLOSED.value)
        .where(Conversation.erased_at.is_(None))
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    return (await session.scalars(query)).first()


def _queue_query() -> Select[tuple[Conversation]]:
    return (
        select(Conversation)
        .where(Conversation.state == ConversationState.WAITING.value)
        .order_by(Conversation.risk_level.desc(), Conversation.waiting_since, Conversation.id)
    )


async def list_queue(session: AsyncSession, *, limit: int = 200) -> Sequence[Conversation]:
    """Waiting conversations in the order counselors must take them (SPEC §4)."""
    return (await session.scalars(_queue_query().limit(limit))).all()


async def queue_position(session: AsyncSession, conversation: Conversation) -> int | None:
    """1-based place in the queue, or None when the conversation is not waiting."""
    if conversation.state != ConversationState.WAITING.value or conversation.waiting_since is None:
        return None
    ahead = (
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.state == ConversationState.WAITING.value,
            or_(
                Conversation.risk_level > conversation.risk_level,
                (Conversation.risk_level == conversation.risk_level)
                & (Conversation.waiting_since < conversation.waiting_since),
                (Conversation.risk_level == conversation.risk_level)
                & (Conversation.waiting_since == conversation.waiting_since)
                & (Conversation.id < conversation.id),
            ),
        )
    )
    return int(await session.scalar(ahead) or 0) + 1


async def list_live(session: AsyncSession, *, counselor_id: int | None = None) -> Sequence[Conversation]:
    query = select(Conversation).where(Conversation.state == ConversationState.LIVE.value)
    if counselor_id is not None:
        query = query.where(Conversation.counselor_id == counselor_id)
    return (await session.scalars(query.order_by(Conversation.risk_level.desc(), Conversation.id))).all()


async def list_messages(
    session: AsyncSession, conversation_id: int, *, after_seq: int = 0, limit: int = 1000
) -> Sequence[Message]:
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def find_message_by_client_id(
    session: AsyncSession, conversation_id: int, client_id: str
) -> Message | None:
    query = select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
    return (await session.scalars(query)).first()


async def list_transitions(session: AsyncSession, conversation_id: int) -> Sequence[TransitionRecord]:
    query = (
        select(TransitionRecord)
        .where(TransitionRecord.conversation_id == conversation_id)
        .order_by(TransitionRecord.id)
    )
    return (await session.scalars(query)).all()


async def list_notes(session: AsyncSession, conversation_id: int) -> Sequence[CaseNote]:
    query = select(CaseNote).where(CaseNote.conversation_id == conversation_id).order_by(CaseNote.id)
    return (await session.scalars(query)).all()


async def find_case(session: AsyncSession, conversation_id: int) -> CaseRecord | None:
    query = select(CaseRecord).where(CaseRecord.conversation_id == conversation_id)
    return (await session.scalars(query)).first()


async def list_conversations(
    session: AsyncSession,
    *,
    search: str | None = None,
    state: str | None = None,
    counselor_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[Conversation]:
    """Past and present conversations, newest first; `search` looks in messages, notes and cases."""
    query = select(Conversation).where(Conversation.erased_at.is_(None))
    if state:
        query = query.where(Conversation.state == state)
    if counselor_id is not None:
        query = query.where(Conversation.counselor_id == counselor_id)
    if search:
        pattern = f"%{search}%"
        in_messages = select(Message.conversation_id).where(Message.text.ilike(pattern))
        in_notes = select(CaseNote.conversation_id).where(CaseNote.text.ilike(pattern))
        in_cases = select(CaseRecord.conversation_id).where(
            or_(CaseRecord.primary_category.ilike(pattern), CaseRecord.summary.ilike(pattern))
        )
        conditions = [
            Conversation.id.in_(in_messages),
            Conversation.id.in_(in_notes),
            Conversation.id.in_(in_cases),
        ]
        if search.isdigit():
            conditions.append(Conversation.id == int(search))
        query = query.where(or_(*conditions))
    query = query.order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    return (await session.scalars(query.limit(limit).offset(offset))).all()


async def find_staff(session: AsyncSession, staff_id: int) -> Staff | None:
    return await session.get(Staff, staff_id)


async def find_staff_by_username(session: AsyncSession, username: str) -> Staff | None:
    query = select(Staff).where(func.lower(Staff.username) == username.lower())
    return (await session.scalars(query)).first()


async def list_staff(session: AsyncSession) -> Sequence[Staff]:
    return (await session.scalars(select(Staff).order_by(Staff.username))).all()


async def count_staff(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Staff)) or 0)


async def list_audit(session: AsyncSession, *, conversation_id: int) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.conversation_id == conversation_id).order_by(AuditEntry.id)
    return (await session.scalars(query)).all()
