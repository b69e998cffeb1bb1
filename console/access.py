"""Gates: the only way console code obtains a conversation (STYLE §3.4).

Missing and forbidden give the same answer (NotFoundError → 404), so ids reveal nothing.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from escalation import repository
from escalation.errors import NotFoundError
from escalation.models import Conversation, Staff
from escalation.states import ConversationState


async def access_conversation(session: AsyncSession, staff: Staff, conversation_id: int) -> Conversation:
    conversation = await repository.find_conversation(session, conversation_id)
    if conversation is None:
        raise NotFoundError(f"conversation {conversation_id}")
    if staff.can_supervise:
        return conversation
    if conversation.state == ConversationState.WAITING.value:
        return conversation
    if conversation.counselor_id == staff.id:
        return conversation
    raise NotFoundError(f"conversation {conversation_id}")


def holds(staff: Staff, conversation: Conversation) -> bool:
    """The staff member is the counselor of this live conversation (may write in it)."""
    return conversation.counselor_id == staff.id and conversation.state == ConversationState.LIVE.value
