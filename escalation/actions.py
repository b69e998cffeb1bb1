"""Actions that change a conversation: check, record, commit, then publish (STYLE §3.2).

Every state change goes through `_move`, which checks SPEC §4, stores a TransitionRecord and
publishes ConversationChanged after the commit, so no one sees a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from escalation import repository
from escalation.bus import ConversationChanged, MessageBus, MessagePosted
from escalation.errors import AlreadyTakenError, InvalidMessageError, TransitionRefusedError
from escalation.models import (
    AuditEntry,
    AuthorKind,
    CaseNote,
    CaseRecord,
    Conversation,
    Message,
    Staff,
    TransitionRecord,
)
from escalation.retention import erase_texts, erased_identity
from escalation.states import ConversationState, check_transition
from nlu.types import SIGNAL_LEVEL, RiskSignal

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000
FIRST_TEXT_PREVIEW_CHARS = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotation:
    """What the NLU said about a child's message, kept with it for counselors and statistics."""

    intent: str | None = None
    confidence: float | None = None
    risk_level: int = 0
    risk_signals: tuple[str, ...] = ()


def staff_actor(staff: Staff) -> str:
    return f"staff:{staff.id}"


async def start_conversation(
    session: AsyncSession,
    *,
    channel: str,
    child_key: str | None,
    now: datetime,
    channel_address: str | None = None,
    language: str = "ar",
) -> Conversation:
    conversation = Conversation(
        channel=channel,
        child_key=child_key,
        channel_address=channel_address,
        language=language,
        created_at=now,
        updated_at=now,
        risk_signals=[],
        dialogue_state={},
    )
    session.add(conversation)
    await session.commit()
    log.info("conversation started id=%s channel=%s", conversation.id, channel)
    return conversation


async def _next_seq(session: AsyncSession, conversation: Conversation) -> int:
    """Atomically take the next message number of a conversation (safe across workers)."""
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(last_seq=Conversation.last_seq + 1)
        .returning(Conversation.last_seq)
        .execution_options(synchronize_session=False)
    )
    seq = int((await session.execute(statement)).scalar_one())
    set_committed_value(conversation, "last_seq", seq)
    return seq


def _raise_risk(conversation: Conversation, annotation: Annotation, text: str) -> bool:
    """A conversation's risk is the maximum seen so far; it never drops by itself (SPEC §3).

    The message that raised the level is kept as the conversation's preview (`risk_text`): a
    counselor scanning the queue needs «جمعت الحبوب», not the «مرحبا» that opened the chat.
    """
    known = set(conversation.risk_signals or [])
    new = known | set(annotation.risk_signals)
    level = max([conversation.risk_level, annotation.risk_level, *(SIGNAL_LEVEL[RiskSignal(s)] for s in new)])
    changed = level != conversation.risk_level or new != known
    if level > conversation.risk_level and text:
        conversation.risk_text = text[:FIRST_TEXT_PREVIEW_CHARS]
    if changed:
        conversation.risk_level = int(level)
        conversation.risk_signals = sorted(new)
    return changed


async def record_message(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    author_kind: AuthorKind,
    text: str,
    now: datetime,
    client_id: str | None = None,
    staff_id: int | None = None,
    buttons: Sequence[dict[str, str]] | None = None,
    media_kind: str | None = None,
    annotation: Annotation | None = None,
) -> tuple[Message, bool]:
    """Store one message (once per client_id), raise the conversation's risk, then publish it.

    Returns the message and whether it is new; a resent client_id returns the stored one.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidMessageError("text too long")
    if client_id is not None:
        existing = await repository.find_message_by_client_id(session, conversation.id, client_id)
        if existing is not None:
            return existing, False
    seq = await _next_seq(session, conversation)
    message = Message(
        conversation_id=conversation.id,
        seq=seq,
        client_id=client_id,
        author_kind=author_kind.value,
        staff_id=staff_id,
        text=text,
        buttons=list(buttons) if buttons else None,
        media_kind=media_kind,
        created_at=now,
    )
    risk_changed = False
    if annotation is not None:
        message.intent = annotation.intent
        message.intent_confidence = annotation.confidence
        message.risk_level = annotation.risk_level
        message.risk_signals = list(annotation.risk_signals)
        risk_changed = _raise_risk(conversation, annotation, text)
    if author_kind is AuthorKind.CHILD and conversation.first_child_text is None and text:
        conversation.first_child_text = text[:FIRST_TEXT_PREVIEW_CHARS]
    conversation.updated_at = now
    session.add(message)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if client_id is None:
            raise
        existing = await repository.find_message_by_client_id(session, conversation.id, client_id)
        if existing is None:
            raise
        return existing, False
    await bus.publish(_posted(conversation, message))
    if risk_changed:
        await bus.publish(changed_event(conversation, "risk raised"))
    return message, True


def _posted(conversation: Conversation, message: Message) -> MessagePosted:
    return MessagePosted(
        conversation_id=conversation.id,
        channel=conversation.channel,
        message_id=message.id,
        seq=message.seq,
        author_kind=message.author_kind,
        text=message.text,
        created_at=message.created_at.isoformat(),
        buttons=list(message.buttons or []),  # type: ignore[arg-type]
        media_kind=message.media_kind,
        risk_level=message.risk_level,
    )


def changed_event(conversation: Conversation, reason: str) -> ConversationChanged:
    """The bus event that tells the queue and open chat views to refresh this conversation."""
    return ConversationChanged(
        conversation_id=conversation.id,
        channel=conversation.channel,
        state=conversation.state,
        risk_level=conversation.risk_level,
        counselor_id=conversation.counselor_id,
        reason=reason,
    )


def _move(
    session: AsyncSession,
    conversation: Conversation,
    target: ConversationState,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    move = check_transition(conversation.state_enum, target, actor=actor, reason=reason, at=now)
    conversation.state = move.target.value
    conversation.updated_at = now
    session.add(TransitionRecord.of(conversation.id, move))


async def request_counselor(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """bot → waiting: queue the conversation for a counselor."""
    _move(session, conversation, ConversationState.WAITING, actor=actor, reason=reason, now=now)
    conversation.waiting_since = now
    await session.commit()
    # Publish after the commit: no counselor may see a queue entry that was rolled back.
    log.info("conversation queued id=%s risk=%s", conversation.id, conversation.risk_level)
    await bus.publish(changed_event(conversation, reason))


async def cancel_request(
    session: AsyncSession, bus: MessageBus, conversation: Conversation, *, now: datetime
) -> None:
    """waiting → bot: only the child may cancel."""
    _move(session, conversation, ConversationState.BOT, actor="child", reason="cancelled", now=now)
    conversation.waiting_since = None
    await session.commit()
    await bus.publish(changed_event(conversation, "cancelled"))


async def assign_counselor(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    counselor: Staff,
    now: datetime,
) -> None:
    """waiting → live. Two counselors clicking at once: exactly one wins, the other gets AlreadyTakenError."""
    if conversation.state == ConversationState.LIVE.value:
        raise AlreadyTakenError(f"conversation {conversation.id}")
    move = check_transition(
        conversation.state_enum,
        ConversationState.LIVE,
        actor=staff_actor(counselor),
        reason="taken",
        at=now,
    )
    claimed = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.state == ConversationState.WAITING.value)
        .values(state=ConversationState.LIVE.value, counselor_id=counselor.id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        # The rollback expired every loaded object; reload what callers still use (no lazy IO later).
        await session.refresh(conversation)
        if counselor in session:
            await session.refresh(counselor)
        raise AlreadyTakenError(f"conversation {conversation.id}")
    session.add(TransitionRecord.of(conversation.id, move))
    await session.commit()
    await session.refresh(conversation)
    log.info("conversation taken id=%s staff=%s", conversation.id, counselor.id)
    await bus.publish(changed_event(conversation, "taken"))


async def release_to_queue(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """live → waiting: a transfer, or the counselor was gone too long."""
    _move(session, conversation, ConversationState.WAITING, actor=actor, reason=reason, now=now)
    conversation.counselor_id = None
    conversation.waiting_since = now
    await session.commit()
    await bus.publish(changed_event(conversation, reason))


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFields:
    """The case fields of CONTENT-BRIEF §9 beyond the categories (codes checked by the console)."""

    component: str | None = None  # online / offline / both
    platform: str | None = None
    demands: tuple[str, ...] = ()
    perpetrator: str | None = None
    emergency_contacted: bool = False
    art53_report: bool = False
    follow_up_on: date | None = None

    def columns(self) -> dict[str, object]:
        """CaseRecord's columns, named like the fields (a new field cannot be left out)."""
        return {**asdict(self), "demands": list(self.demands)}


async def close_conversation(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    staff: Staff,
    category: str,
    now: datetime,
    secondary: Iterable[str] = (),
    summary: str = "",
    referrals: Iterable[str] = (),
    contact_type: str | None = None,
    fields: CaseFields | None = None,
) -> CaseRecord:
    """live → closed with a category from CONTENT-BRIEF §9; the case record stays."""
    if not category.strip():
        raise TransitionRefusedError(conversation.state, ConversationState.CLOSED)
    _move(
        session,
        conversation,
        ConversationState.CLOSED,
        actor=staff_actor(staff),
        reason=f"closed: {category}"[:200],
        now=now,
    )
    conversation.closed_at = now
    case = CaseRecord(
        conversation_id=conversation.id,
        primary_category=category,
        secondary_categories=list(secondary),
        referrals=list(referrals),
        contact_type=contact_type,
        summary=summary,
        highest_risk=conversation.risk_level,
        closed_by=staff.id,
        closed_at=now,
        **(fields or CaseFields()).columns(),
    )
    session.add(case)
    await session.commit()
    log.info("conversation closed id=%s staff=%s", conversation.id, staff.id)
    await bus.publish(changed_event(conversation, "closed"))
    return case


async def add_note(
    session: AsyncSession, conversation: Conversation, *, staff: Staff, text: str, now: datetime
) -> CaseNote:
    if not text.strip() or len(text) > MAX_TEXT_CHARS:
        raise InvalidMessageError("note must have 1–4000 characters")
    note = CaseNote(conversation_id=conversation.id, staff_id=staff.id, text=text.strip(), created_at=now)
    session.add(note)
    await session.commit()
    return note


async def audit(
    session: AsyncSession,
    *,
    staff: Staff | None,
    action: str,
    now: datetime,
    conversation_id: int | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEntry(
            staff_id=staff.id if staff else None,
            action=action,
            conversation_id=conversation_id,
            detail=detail[:200],
            at=now,
        )
    )
    await session.commit()


async def erase_conversation(
    session: AsyncSession, bus: MessageBus, conversation: Conversation, *, now: datetime
) -> None:
    """The child's /delete: messages, notes and identifiers go; the anonymous case statistics stay."""
    if conversation.state == ConversationState.WAITING.value:
        _move(session, conversation, ConversationState.BOT, actor="child", reason="deleted by child", now=now)
        conversation.waiting_since = None
    await erase_texts(session, [conversation.id])
    for column, value in erased_identity(now).items():
        setattr(conversation, column, value)
    conversation.updated_at = now
    await session.commit()
    log.info("conversation erased id=%s", conversation.id)
    await bus.publish(changed_event(conversation, "erased"))


async def mark_unreachable(session: AsyncSession, conversation: Conversation, *, now: datetime) -> None:
    """The channel refuses delivery for good (e.g. the child blocked the Telegram bot)."""
    conversation.unreachable = True
    conversation.updated_at = now
    await session.commit()
