"""The dialogue engine: each child message → NLU → policy → stored replies + conversation effects.

One engine serves every channel (widget, Telegram, terminal). Channels give it an `Inbound`; it
stores the child's message (once per client_id), decides, stores the bot's replies and publishes
them on the bus, from where each channel delivers them (widget socket, Telegram sender).
PLACEHOLDER (issue 2): welcome + "talk to a person" only; issue 4 brings NLU and the full policy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation import actions, repository
from escalation.bus import MessageBus
from escalation.identity import pseudonymize
from escalation.models import AuthorKind, Conversation, Message
from escalation.relay import post_child_message
from escalation.states import ConversationState

log = logging.getLogger(__name__)

ASK_HUMAN_PAYLOAD = "/ask_human"
CANCEL_PAYLOAD = "/cancel"


@dataclass(frozen=True, slots=True, kw_only=True)
class Inbound:
    """One thing a child did on a channel: text, a button payload or a media notice."""

    channel: str
    address: str  # widget: resume token; telegram: chat id; terminal: session name
    client_id: str | None = None
    text: str = ""
    payload: str | None = None  # a button or command, e.g. "/ask_human"
    media_kind: str | None = None  # "photo", "video", ... never the file itself


@dataclass(frozen=True, slots=True, kw_only=True)
class HandleResult:
    conversation: Conversation
    child_message: Message | None
    replies: Sequence[Message] = field(default_factory=tuple)
    duplicate: bool = False

    @property
    def state(self) -> str:
        return self.conversation.state


def utc_now() -> datetime:
    return datetime.now(UTC)


class DialogueEngine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: MessageBus,
        *,
        secret: str,
    ) -> None:
        self.sessions = sessions
        self.bus = bus
        self.secret = secret

    def child_key(self, channel: str, address: str) -> str:
        return pseudonymize(self.secret, channel, address)

    async def current_conversation(self, channel: str, address: str) -> Conversation | None:
        async with self.sessions() as session:
            return await repository.find_open_conversation(
                session, channel=channel, child_key=self.child_key(channel, address)
            )

    async def open_conversation(self, session: AsyncSession, inbound: Inbound) -> tuple[Conversation, bool]:
        key = self.child_key(inbound.channel, inbound.address)
        found = await repository.find_open_conversation(session, channel=inbound.channel, child_key=key)
        if found is not None:
            return found, False
        address = inbound.address if inbound.channel == "telegram" else None
        created = await actions.start_conversation(
            session, channel=inbound.channel, child_key=key, channel_address=address, now=utc_now()
        )
        return created, True

    async def handle(self, inbound: Inbound) -> HandleResult:
        async with self.sessions() as session:
            conversation, is_new = await self.open_conversation(session, inbound)
            text = inbound.text or (inbound.payload or "")
            child, created = await post_child_message(
                session,
                self.bus,
                conversation,
                text=text,
                now=utc_now(),
                client_id=inbound.client_id,
                media_kind=inbound.media_kind,
            )
            if not created:
                return HandleResult(conversation=conversation, child_message=child, duplicate=True)
            replies: list[Message] = []
            if is_new:
                replies.append(await self._say(session, conversation, WELCOME_AR))
            wants_person = inbound.payload == ASK_HUMAN_PAYLOAD or text.strip() in SAFE_WORDS
            if wants_person and conversation.state == ConversationState.BOT.value:
                await actions.request_counselor(
                    session, self.bus, conversation, actor="child", reason="ask_human", now=utc_now()
                )
                replies.append(await self._say(session, conversation, QUEUED_AR))
            return HandleResult(conversation=conversation, child_message=child, replies=replies)

    async def _say(self, session: AsyncSession, conversation: Conversation, text: str) -> Message:
        message, _ = await actions.record_message(
            session,
            self.bus,
            conversation,
            author_kind=AuthorKind.BOT,
            text=text,
            now=utc_now(),
            buttons=[{"title": "تحدث مع شخص", "payload": ASK_HUMAN_PAYLOAD}],
        )
        return message


SAFE_WORDS = frozenset({"مساعدة", "مساعده", "help", "/help", "/human"})
WELCOME_AR = (
    "أهلًا بك في «سند». أنا برنامج محادثة آلي ولست إنسانًا، وأستطيع أن أوصلك بمرشد حقيقي. "
    "اكتب «مساعدة» في أي وقت لتتحدث مع شخص."
)
QUEUED_AR = "أنا أطلب لك مرشدًا الآن، وقد يستغرق ذلك بضع دقائق."


def build_engine(
    sessions: async_sessionmaker[AsyncSession], bus: MessageBus, settings: object, *, secret: str
) -> DialogueEngine:
    """Build the engine from operator settings (duck-typed: bot/ must not import sanad)."""
    return DialogueEngine(sessions, bus, secret=secret)
