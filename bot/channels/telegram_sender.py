"""The Telegram channel, outbound: bus events on topic channel:telegram → sendMessage / sendChatAction.

Bot replies and counselor replies are both MessagePosted events; the sender looks up the chat of
the conversation (Conversation.channel_address) and sends the text with the buttons as an inline
keyboard. Each conversation has its own lane (a queue and a worker), so replies keep their order
and a chat that Telegram slows down with 429 `retry_after` does not hold back anyone else.
403 (the child blocked the bot) marks the conversation unreachable. Delivery is best effort like
the bus itself: the database is the record, a reply lost to a crash is not re-sent.

With several workers (Redis bus) every worker receives every event; each conversation is held by
one worker (`MessageBus.hold`), which alone sends to that chat, so nothing is sent twice and
replies stay in order. A hold lapses HOLD_SECS after that worker's last delivery and is released
when the worker stops; replies to a chat held by a worker that crashed are lost for that long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, Protocol

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendChatAction, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation import actions, repository
from escalation.bus import Event, MessagePosted, Subscription, Typing
from escalation.models import AuthorKind, utc_now

log = logging.getLogger(__name__)

MAX_CALLBACK_DATA_BYTES = 64
MAX_ATTEMPTS = 5  # 429s and network errors; then the message is given up (and logged)
NETWORK_BACKOFF_SECS = (1.0, 2.0, 5.0, 10.0)
TYPING_REFRESH_SECS = 4.0  # Telegram shows "typing…" for about 5 s per sendChatAction
LANE_IDLE_SECS = 60.0  # a conversation's worker ends after this long without anything to send

HOLD_SECS = 10.0  # a worker keeps a chat while it keeps sending to it; a crashed worker's lapse


class Hold(Protocol):
    async def __call__(self, key: str, *, ttl_secs: float) -> bool: ...


Sleep = Callable[[float], Awaitable[None]]
Outbound = MessagePosted | Typing
Delivery = Literal["sent", "forbidden", "failed"]


def inline_keyboard(buttons: Sequence[dict[str, str]]) -> InlineKeyboardMarkup | None:
    """One button per row (Arabic titles are long); a payload over 64 bytes cannot be a button."""
    rows = []
    for button in buttons:
        title, payload = button.get("title", ""), button.get("payload", "")
        if not title or not payload or len(payload.encode()) > MAX_CALLBACK_DATA_BYTES:
            log.warning("telegram button dropped: payload of %d bytes", len(payload.encode()))
            continue
        rows.append([InlineKeyboardButton(text=title, callback_data=payload)])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def send_with_retries(
    bot: Bot, method: TelegramMethod[Any], *, conversation_id: int, sleep: Sleep = asyncio.sleep
) -> Delivery:
    """Send, waiting out 429 `retry_after` and network trouble; "forbidden" when the child blocked us."""
    name = method.__api_method__
    for attempt in range(MAX_ATTEMPTS):
        try:
            await bot(method)
            return "sent"
        except TelegramRetryAfter as exc:
            log.warning(
                "telegram 429 %s conversation=%s retry_after=%s", name, conversation_id, exc.retry_after
            )
            if isinstance(method, SendChatAction):
                return "failed"  # a late "typing…" is worse than none
            await sleep(exc.retry_after)
        except TelegramForbiddenError:
            return "forbidden"
        except (TelegramNetworkError, TelegramServerError) as exc:
            delay = NETWORK_BACKOFF_SECS[min(attempt, len(NETWORK_BACKOFF_SECS) - 1)]
            log.warning(
                "telegram %s failed conversation=%s error=%s", name, conversation_id, type(exc).__name__
            )
            await sleep(delay)
        except TelegramAPIError as exc:  # 400 and the like: retrying will not help
            log.warning(
                "telegram refused %s conversation=%s error=%s", name, conversation_id, type(exc).__name__
            )
            return "failed"
    log.error("telegram gave up on %s conversation=%s after %d attempts", name, conversation_id, MAX_ATTEMPTS)
    return "failed"


def message_method(chat_id: int, text: str, buttons: Sequence[dict[str, str]]) -> SendMessage:
    return SendMessage(chat_id=chat_id, text=text, reply_markup=inline_keyboard(buttons))


class TelegramSender:
    """Delivers a conversation's outbound events to its Telegram chat, in order, one lane each."""

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        *,
        hold: Hold | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self._hold = hold
        self._sleep = sleep
        self._lanes: dict[int, asyncio.Queue[Outbound]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._typing_sent: dict[int, float] = {}
        self._task: asyncio.Task[Any] | None = None
        self._subscription: Subscription | None = None

    def attach(self, task: asyncio.Task[Any], subscription: Subscription) -> None:
        self._task, self._subscription = task, subscription

    async def run(self, subscription: Subscription) -> None:
        async for event in subscription:
            self.accept(event)

    def accept(self, event: Event) -> None:
        if isinstance(event, MessagePosted) and event.author_kind != AuthorKind.CHILD.value:
            self._lane(event.conversation_id).put_nowait(event)
        elif isinstance(event, Typing) and event.who == "counselor" and event.active:
            last = self._typing_sent.get(event.conversation_id, float("-inf"))
            if time.monotonic() - last >= TYPING_REFRESH_SECS:
                self._typing_sent[event.conversation_id] = time.monotonic()
                self._lane(event.conversation_id).put_nowait(event)

    def _lane(self, conversation_id: int) -> asyncio.Queue[Outbound]:
        queue = self._lanes.get(conversation_id)
        if queue is None:
            queue = self._lanes[conversation_id] = asyncio.Queue()
            self._workers[conversation_id] = asyncio.create_task(
                self._work(conversation_id, queue), name=f"telegram-lane-{conversation_id}"
            )
        return queue

    async def _work(self, conversation_id: int, queue: asyncio.Queue[Outbound]) -> None:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), LANE_IDLE_SECS)
            except TimeoutError:
                if queue.empty():  # no await between this check and removal: no event can slip in
                    self._lanes.pop(conversation_id, None)
                    self._workers.pop(conversation_id, None)
                    self._typing_sent.pop(conversation_id, None)
                    return
                continue
            try:
                await self.deliver(event)
            except Exception as exc:  # a lane must outlive one bad message; log the kind only
                log.error(
                    "telegram delivery failed conversation=%s error=%s", conversation_id, type(exc).__name__
                )
            finally:
                queue.task_done()

    async def deliver(self, event: Outbound) -> None:
        if self._hold is not None and not await self._hold(
            f"telegram:conversation:{event.conversation_id}", ttl_secs=HOLD_SECS
        ):
            return  # another worker delivers this conversation (in order); see the module docstring
        chat_id = await self._chat_id(event.conversation_id)
        if chat_id is None:
            log.info("telegram: conversation=%s has no chat (erased?), not sent", event.conversation_id)
            return
        if isinstance(event, Typing):
            await self._call(event.conversation_id, SendChatAction(chat_id=chat_id, action=ChatAction.TYPING))
            return
        if not event.text.strip():
            return
        await self._call(event.conversation_id, message_method(chat_id, event.text, event.buttons))

    async def _chat_id(self, conversation_id: int) -> int | None:
        async with self.sessions() as session:
            conversation = await repository.find_conversation(session, conversation_id)
        if conversation is None or not conversation.channel_address:
            return None
        try:
            return int(conversation.channel_address)
        except ValueError:
            return None

    async def _call(self, conversation_id: int, method: TelegramMethod[Any]) -> bool:
        outcome = await send_with_retries(
            self.bot, method, conversation_id=conversation_id, sleep=self._sleep
        )
        if outcome == "forbidden":
            await self._mark_unreachable(conversation_id)
        return outcome == "sent"

    async def _mark_unreachable(self, conversation_id: int) -> None:
        log.warning(
            "telegram: the child blocked the bot, conversation=%s marked unreachable", conversation_id
        )
        async with self.sessions() as session:
            conversation = await repository.find_conversation(session, conversation_id)
            if conversation is not None:
                await actions.mark_unreachable(session, conversation, now=utc_now())

    async def drain(self, timeout: float) -> None:
        """Wait (at most `timeout`) until everything already accepted has been sent."""
        for _ in range(3):
            await asyncio.sleep(0)  # let run() move events still in the subscription into lanes
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in list(self._lanes.values()))), timeout)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._subscription is not None:
            await self._subscription.close()
        workers = list(self._workers.values())
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._workers.clear()
        self._lanes.clear()
