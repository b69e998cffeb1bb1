"""The Telegram channel, inbound: Bot API updates (webhook or polling) → `DialogueEngine.handle`.

Every update goes through `TelegramChannel.process`: a repeated update_id is dropped; update kinds
other than `message` and `callback_query`, and chats that are not private, are ignored with one
log line; the rest reach aiogram handlers that only build an `Inbound`. Handlers never answer:
the engine stores and publishes each reply, and `TelegramSender` (telegram_sender.py) delivers it
from the bus, so bot and counselor replies take the same road (429 and 403 handled there).

Privacy (CONTENT-BRIEF §8): media is never downloaded (no getFile) and no file_id is kept, only
the kind ("photo", "voice" …); a caption is the child's own words and goes on as a separate text
message. Logs carry update ids, conversation ids and kinds, never chat ids, names or text.

Exception: after a confirmed /delete the conversation keeps no address for the sender to find, so
the handler sends that last (unstored) reply itself, from `HandleResult.replies`.
Webhook answers: 403 wrong/missing secret (or none configured), 400 not an update, 200 processed or
unreadable-and-logged, 500 when the engine failed (Telegram retries; client_id makes that safe).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType, ContentType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, Message, Update
from fastapi import FastAPI, Request, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram_sender import (
    MAX_CALLBACK_DATA_BYTES,
    TelegramSender,
    message_method,
    send_with_retries,
)
from bot.engine import DialogueEngine, HandleResult, Inbound
from escalation.bus import MessageBus, channel_topic
from escalation.errors import InvalidMessageError
from escalation.tasks import TaskSupervisor

log = logging.getLogger(__name__)

TELEGRAM = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
COMMANDS = frozenset({"/start", "/help", "/human", "/stop", "/delete"})
MAX_UPDATE_BYTES = 1 << 20  # a real update is a few KB; refuse anything absurd before parsing
RECENT_UPDATES = 4096  # update_ids remembered to drop Telegram's redeliveries
SHUTDOWN_DRAIN_SECS = 3.0  # at shutdown, replies still queued get this long to go out

# Only the kind of what was sent is kept; never the file, its file_id, coordinates or contact.
MEDIA_KINDS: dict[str, str] = {
    ContentType.PHOTO: "photo",
    ContentType.LIVE_PHOTO: "photo",
    ContentType.VIDEO: "video",
    ContentType.VIDEO_NOTE: "video_note",
    ContentType.VOICE: "voice",
    ContentType.AUDIO: "audio",
    ContentType.DOCUMENT: "document",
    ContentType.STICKER: "sticker",
    ContentType.ANIMATION: "animation",
    ContentType.PAID_MEDIA: "other",
    ContentType.STORY: "other",
    ContentType.LOCATION: "location",
    ContentType.VENUE: "location",
    ContentType.CONTACT: "contact",
    ContentType.POLL: "other",
    ContentType.DICE: "other",
    ContentType.GAME: "other",
    ContentType.CHECKLIST: "other",
}

Outcome = Literal["handled", "duplicate", "ignored"]


def command_of(text: str) -> str | None:
    """`/help`, `/help@SanadBot` or `/start deep-link` → "/help" / "/start"; other text → None."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return word if word in COMMANDS else None


def message_id_of(message: Message) -> str:
    # Per-conversation dedup key; the chat id is left out: channel_address already holds it once.
    return f"tg:m:{message.message_id}"


async def on_text(message: Message, text: str, dialogue: DialogueEngine, bot: Bot) -> None:
    command = command_of(text)
    inbound = Inbound(
        channel=TELEGRAM,
        address=str(message.chat.id),
        client_id=message_id_of(message),
        text="" if command else text,
        payload=command,
    )
    await answer_if_erased(bot, message.chat.id, await dialogue.handle(inbound))


async def answer_if_erased(bot: Bot, chat_id: int, result: HandleResult) -> None:
    """After /delete the conversation has no address left for the sender: answer here, unstored."""
    if result.conversation.erased_at is None:
        return
    for reply in result.replies:
        method = message_method(chat_id, reply.text, list(reply.buttons or []))  # type: ignore[arg-type]
        await send_with_retries(bot, method, conversation_id=result.conversation.id)


async def on_other_content(message: Message, dialogue: DialogueEngine) -> None:
    """Media and other non-text content: record the kind only, never touch the file."""
    kind = MEDIA_KINDS.get(message.content_type)
    if kind is None:
        log.info("telegram message ignored content_type=%s", message.content_type)
        return
    address = str(message.chat.id)
    await dialogue.handle(
        Inbound(channel=TELEGRAM, address=address, client_id=message_id_of(message), media_kind=kind)
    )
    if message.caption and message.caption.strip():  # the child's words: risk detection must see them
        await dialogue.handle(
            Inbound(
                channel=TELEGRAM,
                address=address,
                client_id=f"{message_id_of(message)}:caption",
                text=message.caption,
            )
        )


async def on_button(query: CallbackQuery, data: str, dialogue: DialogueEngine, bot: Bot) -> None:
    with contextlib.suppress(TelegramAPIError):  # only stops the button's spinner; never blocks the child
        await query.answer()
    if query.message is None or len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
        return
    chat_id = query.message.chat.id
    inbound = Inbound(channel=TELEGRAM, address=str(chat_id), client_id=f"tg:cb:{query.id}", payload=data)
    await answer_if_erased(bot, chat_id, await dialogue.handle(inbound))


def make_router() -> Router:
    """A fresh router per Dispatcher (an aiogram router can have only one parent)."""
    router = Router(name="telegram.child")
    router.message.register(on_text, F.text.as_("text"))
    router.message.register(on_other_content)
    router.callback_query.register(on_button, F.data.as_("data"))
    return router


class RecentIds:
    """The last `size` update ids seen, to drop redeliveries without growing forever."""

    def __init__(self, size: int = RECENT_UPDATES) -> None:
        self._size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, update_id: int) -> bool:
        """True the first time an id is seen."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True

    def discard(self, update_id: int) -> None:
        self._ids.pop(update_id, None)


def update_kind(update: Update) -> str:
    for kind in ALLOWED_UPDATES:
        if getattr(update, kind, None) is not None:
            return kind
    extra = [key for key, value in update.model_dump(exclude_none=True).items() if key != "update_id"]
    return extra[0] if extra else "unknown"


def read_update(bot: Bot, data: dict[str, Any]) -> Update | None:
    """An aiogram Update, or None (logged) when aiogram cannot read it: one update Telegram shaped
    differently from what this aiogram knows must not block the ones after it."""
    try:
        return Update.model_validate(data, context={"bot": bot})
    except ValidationError:
        kind = next((key for key in data if key != "update_id"), "unknown")
        log.warning("telegram update ignored update_id=%s kind=%s: unreadable", data.get("update_id"), kind)
        return None


def chat_of(update: Update) -> Chat | None:
    if update.message is not None:
        return update.message.chat
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat
    return None


class TelegramChannel:
    """Turns Bot API updates into engine calls; the same object serves webhook and polling."""

    def __init__(self, bot: Bot, dialogue: DialogueEngine, *, webhook_secret: str | None = None) -> None:
        self.bot = bot
        self.webhook_secret = webhook_secret
        self.dispatcher = Dispatcher(disable_fsm=True, dialogue=dialogue)
        self.dispatcher.include_router(make_router())
        self._recent = RecentIds()

    async def process(self, update: Update) -> Outcome:
        """Handle one update once; raises if the engine failed (the update may then be retried)."""
        if not self._recent.add(update.update_id):
            log.info("telegram update duplicate update_id=%s", update.update_id)
            return "duplicate"
        kind = update_kind(update)
        if kind not in ALLOWED_UPDATES:
            log.info("telegram update ignored update_id=%s kind=%s", update.update_id, kind)
            return "ignored"
        chat = chat_of(update)
        if chat is None or chat.type != ChatType.PRIVATE:
            log.info(
                "telegram update ignored update_id=%s kind=%s: not a private chat", update.update_id, kind
            )
            return "ignored"
        try:
            result = await self.dispatcher.feed_update(self.bot, update)
        except InvalidMessageError:
            log.info("telegram message refused update_id=%s: invalid text", update.update_id)
            await self._say_unreadable(chat.id)
            return "handled"
        except BaseException:
            self._recent.discard(update.update_id)  # let Telegram's retry through; client_id dedups
            raise
        return "ignored" if result is UNHANDLED else "handled"

    async def _say_unreadable(self, chat_id: int) -> None:
        """A kind reply when the engine refuses a message (STYLE §4); nothing is stored."""
        with contextlib.suppress(TelegramAPIError):
            await self.bot.send_message(chat_id, UNREADABLE_TEXT)


UNREADABLE_TEXT = (
    "عذرًا، لم أستطع قراءة هذه الرسالة. جرّب رسالة أقصر، أو اكتب «مساعدة» لتتحدث مع شخص.\n"
    "Sorry, I couldn't read that message. Try a shorter one, or type “help” to talk to a person."
)


def make_bot(token: str, api_url: str | None = None) -> Bot:
    """A Bot on Telegram's servers, or on `api_url` (a local Bot API server, or the tests' fake)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    return Bot(token=token, session=session)


@dataclass
class TelegramRuntime:
    """What one process runs for Telegram: the bot, the inbound channel and (maybe) the sender."""

    bot: Bot
    channel: TelegramChannel
    sender: TelegramSender | None

    async def close(self, *, drain_secs: float = SHUTDOWN_DRAIN_SECS) -> None:
        """Let replies already decided go out (briefly), then stop sending and close the session."""
        if self.sender is not None:
            await self.sender.drain(drain_secs)
            await self.sender.close()
        await self.bot.session.close()


async def start_telegram(
    settings: Any,
    *,
    dialogue: DialogueEngine,
    sessions: async_sessionmaker[AsyncSession],
    bus: MessageBus,
    tasks: TaskSupervisor,
    deliver: bool = True,
) -> TelegramRuntime:
    """Build the bot and channel; with `deliver`, start the sender on topic channel:telegram."""
    bot = make_bot(settings.telegram_token, settings.telegram_api_url)
    channel = TelegramChannel(bot, dialogue, webhook_secret=settings.telegram_webhook_secret)
    sender = None
    if deliver:
        sender = TelegramSender(bot, sessions, hold=bus.hold)
        subscription = await bus.subscribe(channel_topic(TELEGRAM))  # before returning: no reply missed
        sender.attach(tasks.spawn(sender.run(subscription), name="telegram-sender"), subscription)
    return TelegramRuntime(bot=bot, channel=channel, sender=sender)


def secret_matches(given: str | None, expected: str | None) -> bool:
    if not expected or given is None:
        return False  # no configured secret: the webhook accepts nothing
    return hmac.compare_digest(given.encode(), expected.encode())


async def read_limited(request: Request, limit: int = MAX_UPDATE_BYTES) -> bytes | None:
    """The request body, or None when it is larger than `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


async def telegram_webhook(request: Request) -> Response:
    """Telegram's POST: check the secret header, parse, process, then answer (Telegram retries non-2xx)."""
    runtime: TelegramRuntime | None = getattr(request.app.state, "telegram", None)
    if runtime is None or not secret_matches(
        request.headers.get(SECRET_HEADER), runtime.channel.webhook_secret
    ):
        return Response(status_code=403)
    body = await read_limited(request)
    if body is None:
        return Response(status_code=413)
    try:
        data = json.loads(body)
    except ValueError:
        return Response(status_code=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return Response(status_code=400)
    update = read_update(runtime.bot, data)
    if update is None:
        return Response(status_code=200)  # logged; a retry would not read any better
    try:
        await runtime.channel.process(update)
    except Exception as exc:  # an edge: log the kind only (exception text may quote the child)
        log.error(
            "telegram webhook update failed update_id=%s error=%s", update.update_id, type(exc).__name__
        )
        return Response(status_code=500)
    return Response(status_code=200)


def install_telegram(app: FastAPI) -> None:
    """Mount POST /telegram/webhook and run the Telegram sender inside the app's lifespan."""
    settings = app.state.settings
    app.add_api_route(WEBHOOK_PATH, telegram_webhook, methods=["POST"], include_in_schema=False)

    async def start(app: FastAPI) -> None:
        app.state.telegram = await start_telegram(
            settings,
            dialogue=app.state.dialogue,
            sessions=app.state.sessions,
            bus=app.state.bus,
            tasks=app.state.tasks,
        )
        if not settings.telegram_webhook_secret:
            log.warning("telegram webhook refuses all updates: SANAD_TELEGRAM_WEBHOOK_SECRET is not set")

    async def stop(app: FastAPI) -> None:
        runtime: TelegramRuntime | None = getattr(app.state, "telegram", None)
        if runtime is not None:
            await runtime.close()

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)
