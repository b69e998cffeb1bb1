"""What console pages show, loaded through the repository: the queue, a chat, the conversation list.

Shared by the page routes and the live sockets, so a page and its live update draw the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from console import taxonomy
from console.access import holds
from escalation import repository
from escalation.bus import MessagePosted
from escalation.models import CaseNote, CaseRecord, Conversation, Message, Staff, TransitionRecord
from escalation.queue import waiting_secs
from escalation.states import ConversationState

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class QueueView:
    queue: Sequence[Conversation]
    mine: Sequence[Conversation]
    now: datetime

    def waited(self, conversation: Conversation) -> int:
        return waiting_secs(conversation, self.now)

    @property
    def shown_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in (*self.queue, *self.mine))

    def context(self) -> dict[str, Any]:
        return {"queue": self.queue, "mine": self.mine, "now": self.now, "waited": self.waited}


async def load_queue(session: AsyncSession, staff: Staff, now: datetime) -> QueueView:
    queue = await repository.list_queue(session)
    mine = await repository.list_live(session, counselor_id=staff.id)
    return QueueView(queue=queue, mine=mine, now=now)


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as the chat bubble needs it, built from a bus event (no database read)."""

    seq: int
    author_kind: str
    text: str
    created_at: datetime
    media_kind: str | None = None
    risk_level: int = 0
    risk_signals: Sequence[str] = ()
    buttons: Sequence[dict[str, str]] = field(default_factory=tuple)

    @classmethod
    def of(cls, event: MessagePosted) -> MessageView:
        return cls(
            seq=event.seq,
            author_kind=event.author_kind,
            text=event.text,
            created_at=datetime.fromisoformat(event.created_at),
            media_kind=event.media_kind,
            risk_level=event.risk_level,
            buttons=tuple(event.buttons),
        )


@dataclass(frozen=True, slots=True)
class ChatView:
    conversation: Conversation
    messages: Sequence[Message]
    notes: Sequence[CaseNote]
    transitions: Sequence[TransitionRecord]
    case: CaseRecord | None
    staff_names: dict[int, str]
    viewer_holds: bool
    suggested_category: str | None
    suggested_contact_type: str

    def context(self) -> dict[str, Any]:
        return {
            "conversation": self.conversation,
            "messages": self.messages,
            "notes": self.notes,
            "transitions": self.transitions,
            "case": self.case,
            "staff_names": self.staff_names,
            "holds": self.viewer_holds,
            "last_seq": self.messages[-1].seq if self.messages else 0,
            "suggested_category": self.suggested_category,
            "suggested_contact_type": self.suggested_contact_type,
            "taxonomy": taxonomy,
        }


async def load_chat(session: AsyncSession, staff: Staff, conversation: Conversation) -> ChatView:
    messages = await repository.list_messages(session, conversation.id, limit=5000)
    intents = [m.intent for m in messages]
    return ChatView(
        conversation=conversation,
        messages=messages,
        notes=await repository.list_notes(session, conversation.id),
        transitions=await repository.list_transitions(session, conversation.id),
        case=await repository.find_case(session, conversation.id),
        staff_names={s.id: s.display_name for s in await repository.list_staff(session)},
        viewer_holds=holds(staff, conversation),
        suggested_category=taxonomy.suggest_category(conversation.risk_signals or [], intents),
        suggested_contact_type=taxonomy.suggest_contact_type(intents),
    )


@dataclass(frozen=True, slots=True)
class ListQuery:
    search: str
    state: str
    page: int

    @classmethod
    def parse(cls, q: str | None, state: str | None, page: int | None) -> ListQuery:
        known = {s.value for s in ConversationState}
        return cls(
            search=(q or "").strip()[:100],
            state=state if state in known else "",
            page=max(1, min(page or 1, 10_000)),
        )


async def load_conversation_list(
    session: AsyncSession, staff: Staff, query: ListQuery
) -> tuple[Sequence[Conversation], bool]:
    """One page, newest first, and whether another page follows.

    Supervisors see every conversation; a counselor sees the ones they hold or held to the end,
    and, when filtering by "waiting", the whole queue (which they may take).
    """
    mine_only = not staff.can_supervise and query.state != ConversationState.WAITING.value
    rows = await repository.list_conversations(
        session,
        search=query.search or None,
        state=query.state or None,
        counselor_id=staff.id if mine_only else None,
        limit=PAGE_SIZE + 1,
        offset=(query.page - 1) * PAGE_SIZE,
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
