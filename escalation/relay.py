"""The one place a message crosses between a child's channel and the counselor holding the chat.

Child → counselor: the channel stores the child's message; its MessagePosted event reaches the
counselor's chat socket. Counselor → child: `post_counselor_message` checks the counselor holds
the conversation, stores the message, and its event reaches the child's widget socket or the
Telegram sender (topic `channel:<name>`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from escalation.actions import Annotation, record_message
from escalation.bus import MessageBus, Typing
from escalation.errors import NotFoundError, TransitionRefusedError
from escalation.models import AuthorKind, Conversation, Message, Staff
from escalation.states import ConversationState


def holds(staff: Staff, conversation: Conversation) -> bool:
    return conversation.counselor_id == staff.id and conversation.state == ConversationState.LIVE.value


async def post_counselor_message(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    staff: Staff,
    text: str,
    now: datetime,
    client_id: str | None = None,
) -> tuple[Message, bool]:
    if conversation.counselor_id != staff.id:
        raise NotFoundError(f"conversation {conversation.id}")
    if conversation.state != ConversationState.LIVE.value:
        raise TransitionRefusedError(conversation.state, ConversationState.LIVE)
    return await record_message(
        session,
        bus,
        conversation,
        author_kind=AuthorKind.COUNSELOR,
        text=text,
        now=now,
        client_id=client_id,
        staff_id=staff.id,
    )


async def post_child_message(
    session: AsyncSession,
    bus: MessageBus,
    conversation: Conversation,
    *,
    text: str,
    now: datetime,
    client_id: str | None = None,
    annotation: Annotation | None = None,
    media_kind: str | None = None,
) -> tuple[Message, bool]:
    return await record_message(
        session,
        bus,
        conversation,
        author_kind=AuthorKind.CHILD,
        text=text,
        now=now,
        client_id=client_id,
        annotation=annotation,
        media_kind=media_kind,
    )


async def signal_typing(bus: MessageBus, conversation: Conversation, *, who: str, active: bool) -> None:
    await bus.publish(
        Typing(conversation_id=conversation.id, channel=conversation.channel, who=who, active=active)
    )
