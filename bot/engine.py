"""The dialogue engine: each child message → NLU → policy → stored replies + conversation effects.

One engine serves every channel (widget, Telegram, terminal). A channel gives it an `Inbound`; it
stores the child's message once per client_id (with the NLU's intent and risk, which raise the
conversation's risk), asks the pure `bot.policy` what to do, applies the effects through
`escalation.actions` (queue, cancel, erase) and stores each bot reply as a Message, which
publishes it on the bus; the channels deliver from the bus (the widget socket, the Telegram
sender) or from `HandleResult.replies` (the terminal).

Two kinds of reply are delivered but never stored — `Message` objects with `seq == 0` and no id,
published as `MessagePosted(message_id=0, seq=0)` on the conversation's topics:
* "too long": the child's oversized text is not kept, so neither is the answer to it;
* "deleted": after `/delete` is confirmed the conversation must keep no new rows. Its address is
  erased too, so a channel that looks the address up (Telegram) answers from `HandleResult`.
The child's text never reaches a log line: only ids, intents, levels and counts do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import policy
from escalation import actions, repository
from escalation.bus import MessageBus, MessagePosted
from escalation.identity import pseudonymize
from escalation.models import AuthorKind, Channel, Conversation, Message
from escalation.states import ConversationState
from nlu.types import NluBackend, ParseResult

if TYPE_CHECKING:
    from bot.content import Content, RenderedReply

log = logging.getLogger(__name__)

ASK_HUMAN_PAYLOAD = policy.ASK_HUMAN
CANCEL_PAYLOAD = policy.CANCEL
ASK_HUMAN_TITLES = {"ar": "تحدّث مع شخص", "en": "Talk to a person"}
DEFAULT_MAX_MESSAGE_CHARS = 2000


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

    @property
    def erased(self) -> bool:
        return self.conversation.erased_at is not None


def utc_now() -> datetime:
    return datetime.now(UTC)


class ContentLike(Protocol):
    """What the engine needs from bot.content.Content."""

    @property
    def names(self) -> tuple[str, ...]: ...
    def render(self, name: str, lang: str, *, feminine: bool = False, **values: Any) -> RenderedReply: ...
    def clarify(self, first: str, second: str, lang: str, *, feminine: bool = False) -> RenderedReply: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """The operator settings the dialogue depends on."""

    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    expected_wait_minutes: int = 5
    counselor_hours: str = "08:00-22:00"
    zone: tzinfo = UTC
    retention_days: int = 90


class DialogueEngine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bus: MessageBus,
        *,
        secret: str,
        nlu: NluBackend,
        content: ContentLike,
        rules: Rules | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.sessions = sessions
        self.bus = bus
        self.secret = secret
        self.nlu = nlu
        self.content = content
        self.rules = rules or Rules()
        self.clock = clock
        self.responses = frozenset(content.names)

    async def warm_up(self) -> None:
        """Load (or, on a first run, train) the NLU model now instead of on the first message."""
        if isinstance(self.nlu, LazyNlu):
            await self.nlu.backend()

    def child_key(self, channel: str, address: str) -> str:
        return pseudonymize(self.secret, channel, address)

    async def current_conversation(self, channel: str, address: str) -> Conversation | None:
        async with self.sessions() as session:
            return await repository.find_open_conversation(
                session, channel=channel, child_key=self.child_key(channel, address)
            )

    async def open_conversation(self, session: AsyncSession, inbound: Inbound) -> tuple[Conversation, bool]:
        """The child's open conversation, or a new one (after `closed` the bot is back)."""
        key = self.child_key(inbound.channel, inbound.address)
        found = await repository.find_open_conversation(session, channel=inbound.channel, child_key=key)
        if found is not None:
            return found, False
        address = inbound.address if inbound.channel == Channel.TELEGRAM.value else None
        created = await actions.start_conversation(
            session, channel=inbound.channel, child_key=key, channel_address=address, now=self.clock()
        )
        return created, True

    async def handle(self, inbound: Inbound) -> HandleResult:
        async with self.sessions() as session:
            conversation, _ = await self.open_conversation(session, inbound)
            if inbound.client_id is not None:
                seen = await repository.find_message_by_client_id(session, conversation.id, inbound.client_id)
                if seen is not None:
                    return HandleResult(conversation=conversation, child_message=seen, duplicate=True)
            turn = await self._turn(inbound)
            situation = self._situation(conversation)
            decision = policy.decide(turn, situation)
            log.info(
                "child message conversation=%s state=%s intent=%s level=%s",
                conversation.id,
                conversation.state,
                decision.intent,
                decision.risk_level,
            )
            return await self._apply(session, conversation, inbound, decision)

    async def _turn(self, inbound: Inbound) -> policy.Turn:
        text = inbound.text.strip()
        command = inbound.payload or (text if text.startswith("/") else None)
        if inbound.media_kind:
            return policy.Turn(media_kind=inbound.media_kind)
        if len(inbound.text) > min(self.rules.max_message_chars, actions.MAX_TEXT_CHARS):
            return policy.Turn(text=inbound.text, oversized=True)
        parse = await self._parse(text) if text and not text.startswith("/") else None
        return policy.Turn(text=text, command=command, parse=parse)

    async def _parse(self, text: str) -> ParseResult | None:
        try:
            return await self.nlu.parse(text)
        except Exception:  # the NLU failing must not silence the bot: it offers a person instead
            log.exception("nlu parse failed; answering without it")
            return None

    def _situation(self, conversation: Conversation) -> policy.Situation:
        now = self.clock()
        waiting = conversation.waiting_since.isoformat() if conversation.waiting_since else None
        return policy.Situation(
            state=ConversationState(conversation.state),
            risk_level=conversation.risk_level,
            notes=dict(conversation.dialogue_state or {}),
            language=conversation.language or "ar",
            feminine=conversation.feminine,
            first_contact=conversation.last_seq == 0,
            in_hours=policy.in_counselor_hours(now, self.rules.counselor_hours, self.rules.zone),
            waiting_since=waiting,
            responses=self.responses,
        )

    async def _apply(
        self,
        session: AsyncSession,
        conversation: Conversation,
        inbound: Inbound,
        decision: policy.Decision,
    ) -> HandleResult:
        now = self.clock()
        conversation.language = decision.language
        conversation.feminine = decision.feminine
        conversation.dialogue_state = dict(decision.notes)  # a new dict: JSON columns track assignment
        child: Message | None = None
        if decision.store_child:
            child, created = await actions.record_message(
                session,
                self.bus,
                conversation,
                author_kind=AuthorKind.CHILD,
                text="" if inbound.media_kind else (inbound.text or inbound.payload or ""),
                now=now,
                client_id=inbound.client_id,
                media_kind=inbound.media_kind,
                annotation=actions.Annotation(
                    intent=decision.intent,
                    confidence=decision.confidence,
                    risk_level=decision.risk_level,
                    risk_signals=decision.risk_signals,
                ),
            )
            if not created:  # the same client_id raced in: its first copy was answered
                return HandleResult(conversation=conversation, child_message=child, duplicate=True)
        values = await self._effects(session, conversation, decision, now)
        replies = [
            await self._say(session, conversation, reply, decision, values, now, store=decision.store_replies)
            for reply in decision.replies
        ]
        return HandleResult(conversation=conversation, child_message=child, replies=tuple(replies))

    async def _effects(
        self, session: AsyncSession, conversation: Conversation, decision: policy.Decision, now: datetime
    ) -> dict[str, Any]:
        """Queue, cancel or erase; returns the values the replies may quote (wait, position)."""
        values: dict[str, Any] = {
            "retention_days": self.rules.retention_days,
            "counselor_hours": self.rules.counselor_hours,
            "wait_minutes": self.rules.expected_wait_minutes,
        }
        if decision.erase:
            await actions.erase_conversation(session, self.bus, conversation, now=now)
            return values
        if decision.cancel and conversation.state == ConversationState.WAITING.value:
            await actions.cancel_request(session, self.bus, conversation, now=now)
        if decision.escalate and conversation.state == ConversationState.BOT.value:
            await actions.request_counselor(
                session, self.bus, conversation, actor="child", reason=decision.escalate, now=now
            )
        if conversation.state != ConversationState.WAITING.value:
            await session.commit()  # language, feminine, notes
            return values
        # Honest if rough: the expected wait for one conversation times the place in the queue.
        position = await repository.queue_position(session, conversation) or 1
        values["wait_minutes"] = max(1, self.rules.expected_wait_minutes) * position
        return values

    async def _say(
        self,
        session: AsyncSession,
        conversation: Conversation,
        reply: policy.Reply,
        decision: policy.Decision,
        values: Mapping[str, Any],
        now: datetime,
        *,
        store: bool,
    ) -> Message:
        in_bot = conversation.state == ConversationState.BOT.value and not decision.erase
        text, buttons = self.render(
            reply, decision.language, feminine=decision.feminine, values=values, with_person=in_bot
        )
        if store:
            message, _ = await actions.record_message(
                session,
                self.bus,
                conversation,
                author_kind=AuthorKind.BOT,
                text=text,
                now=now,
                buttons=buttons,
            )
            return message
        return await self._deliver_unstored(conversation, text, buttons, now)

    def render(
        self,
        reply: policy.Reply,
        lang: str,
        *,
        feminine: bool,
        values: Mapping[str, Any],
        with_person: bool = True,
    ) -> tuple[str, list[dict[str, str]]]:
        """One message: the parts' texts joined in order, their buttons merged (first title wins).

        `with_person` adds "talk to a person" if no part has it: the content gives it to every
        reply except those sent while a counselor is being called or is present.
        """
        texts: list[str] = []
        buttons: dict[str, str] = {}
        for part in reply.parts:
            if part.name == policy.CLARIFY and len(reply.topics) == policy.CLARIFY_TOPICS:
                rendered = self.content.clarify(*reply.topics, lang, feminine=feminine)
            else:
                rendered = self.content.render(
                    part.name, lang, feminine=feminine, **{**values, **part.values}
                )
            texts.append(rendered.text.strip())
            for button in rendered.buttons:
                buttons.setdefault(button.payload, button.title)
        if with_person and ASK_HUMAN_PAYLOAD not in buttons:  # a person one tap away (CONTENT-BRIEF §4)
            buttons[ASK_HUMAN_PAYLOAD] = ASK_HUMAN_TITLES["en" if lang == "en" else "ar"]
        listed = [{"title": title, "payload": payload} for payload, title in buttons.items()]
        return "\n\n".join(texts), listed

    async def _deliver_unstored(
        self, conversation: Conversation, text: str, buttons: list[dict[str, str]], now: datetime
    ) -> Message:
        message = Message(
            conversation_id=conversation.id,
            seq=0,
            author_kind=AuthorKind.BOT.value,
            text=text,
            buttons=buttons,
            created_at=now,
        )
        await self.bus.publish(
            MessagePosted(
                conversation_id=conversation.id,
                channel=conversation.channel,
                message_id=0,
                seq=0,
                author_kind=AuthorKind.BOT.value,
                text=text,
                created_at=now.isoformat(),
                buttons=buttons,
            )
        )
        return message


class LazyNlu:
    """An NLU backend built on first use, off the event loop (loading may train: a few seconds)."""

    def __init__(self, build: Callable[[], NluBackend]) -> None:
        self._build = build
        self._backend: NluBackend | None = None
        self._lock = asyncio.Lock()

    async def backend(self) -> NluBackend:
        if self._backend is None:
            async with self._lock:
                if self._backend is None:
                    self._backend = await asyncio.to_thread(self._build)
        return self._backend

    async def parse(self, text: str) -> ParseResult:
        return await (await self.backend()).parse(text)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown timezone %r; counselor hours are read in UTC", name)
        return UTC


def rules_from(settings: object) -> Rules:
    return Rules(
        max_message_chars=int(getattr(settings, "max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)),
        expected_wait_minutes=int(getattr(settings, "expected_wait_minutes", 5)),
        counselor_hours=str(getattr(settings, "counselor_hours", "08:00-22:00")),
        zone=_zone(str(getattr(settings, "timezone", "UTC"))),
        retention_days=int(getattr(settings, "retention_days", 90)),
    )


def nlu_from(settings: object) -> LazyNlu:
    """The NLU the settings name (embedded model or Rasa), built lazily on the first message."""

    def build() -> NluBackend:
        from nlu.backends import make_backend
        from nlu.parse import DEFAULT_DATA_DIR

        return make_backend(
            str(getattr(settings, "nlu_backend", "embedded")),
            rasa_url=getattr(settings, "rasa_url", None),
            model_path=Path(getattr(settings, "model_path", "var/nlu-model.joblib")),
            data_dir=DEFAULT_DATA_DIR,
        )

    return LazyNlu(build)


def build_engine(
    sessions: async_sessionmaker[AsyncSession], bus: MessageBus, settings: object, *, secret: str
) -> DialogueEngine:
    """Build the engine from operator settings (duck-typed: bot/ must not import sanad).

    The content is loaded and validated now (a missing response is a start-up error naming it);
    the NLU model loads (or trains) on the first child message.
    """
    from bot.content import load_content

    content: Content = load_content(getattr(settings, "content_path", None))
    return DialogueEngine(
        sessions, bus, secret=secret, nlu=nlu_from(settings), content=content, rules=rules_from(settings)
    )
