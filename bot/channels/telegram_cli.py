"""`sanad telegram set-webhook | delete-webhook | poll`: register the webhook, or long-poll getUpdates.

`poll` builds its own engine, sessions and bus from the settings (bot/ must not import sanad) and
runs next to `sanad serve`, which still delivers counselor replies. With the in-process bus each
process sends what it published; with Redis every process sees every event, so only the web app
sends (one sender per deployment, no double messages) and `poll` only receives.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramConflictError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import DeleteWebhook, GetUpdates, SetWebhook, TelegramMethod
from aiogram.types import Update

from bot.channels.telegram import (
    ALLOWED_UPDATES,
    WEBHOOK_PATH,
    TelegramChannel,
    make_bot,
    read_update,
    start_telegram,
)
from bot.engine import build_engine
from escalation.bus import InProcessBus, MessageBus
from escalation.db import make_engine, make_sessions
from escalation.tasks import TaskSupervisor

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECS = 25  # Telegram holds getUpdates open this long when there is nothing new
ERROR_BACKOFF_SECS = (1.0, 2.0, 5.0, 10.0, 30.0)
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanad telegram", description="Telegram channel")
    sub = parser.add_subparsers(dest="command", required=True)
    hook = sub.add_parser("set-webhook", help="point Telegram at <public_url>/telegram/webhook")
    hook.add_argument("--drop-pending", action="store_true", help="discard updates waiting at Telegram")
    sub.add_parser("delete-webhook", help="remove the webhook (polling needs this; poll does it itself)")
    sub.add_parser("poll", help="long-poll getUpdates until Ctrl-C (no public URL needed)")
    return parser


def run(argv: Sequence[str], settings: Any, *, secret: str, migrate: Callable[[], None] | None = None) -> int:
    """Entry point from `sanad telegram …`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    if not settings.telegram_token:
        sys.stderr.write("sanad telegram: set SANAD_TELEGRAM_TOKEN to the token from @BotFather\n")
        return 2
    if args.command == "set-webhook":
        return asyncio.run(set_webhook(settings, drop_pending=args.drop_pending))
    if args.command == "delete-webhook":
        return asyncio.run(delete_webhook(settings))
    if migrate is not None:
        migrate()
    return asyncio.run(_poll_until_signal(settings, secret=secret))


def webhook_url(settings: Any) -> str:
    return settings.public_url.rstrip("/") + WEBHOOK_PATH


async def set_webhook(settings: Any, *, drop_pending: bool = False) -> int:
    secret = settings.telegram_webhook_secret or ""
    if not SECRET_TOKEN.match(secret):
        sys.stderr.write("sanad telegram: set SANAD_TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)\n")
        return 2
    url = webhook_url(settings)
    if not url.startswith("https://"):
        sys.stderr.write(
            f"warning: Telegram only calls https:// webhooks; {url} works with local servers only\n"
        )
    method = SetWebhook(
        url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=drop_pending
    )
    if not await _call_once(settings, method):
        return 1
    sys.stdout.write(f"webhook set: {url}\n")
    return 0


async def delete_webhook(settings: Any) -> int:
    if not await _call_once(settings, DeleteWebhook(drop_pending_updates=False)):
        return 1
    sys.stdout.write("webhook deleted\n")
    return 0


async def _call_once(settings: Any, method: Any) -> bool:
    bot = make_bot(settings.telegram_token, settings.telegram_api_url)
    try:
        await bot(method)
        return True
    except TelegramAPIError as exc:
        sys.stderr.write(f"sanad telegram: Telegram refused {method.__api_method__}: {exc.message}\n")
        return False
    finally:
        await bot.session.close()


async def _poll_until_signal(settings: Any, *, secret: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await run_polling(settings, secret=secret, stop=stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _make_bus(settings: Any) -> MessageBus:
    if settings.redis_url:
        from escalation.redis_bus import RedisBus

        bus = RedisBus(settings.redis_url)
        await bus.start()
        return bus
    return InProcessBus()


async def run_polling(settings: Any, *, secret: str, stop: asyncio.Event) -> int:
    """What `sanad telegram poll` does, until `stop` is set: 0 when stopped, 2 on a refused token."""
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    bus = await _make_bus(settings)
    tasks = TaskSupervisor()
    dialogue = build_engine(sessions, bus, settings, secret=secret)
    runtime = await start_telegram(
        settings, dialogue=dialogue, sessions=sessions, bus=bus, tasks=tasks, deliver=not settings.redis_url
    )
    try:
        await runtime.bot(DeleteWebhook(drop_pending_updates=False))  # getUpdates is refused while one is set
        me = await runtime.bot.me()
        log.info("telegram polling as @%s", me.username)
        await poll_updates(runtime.channel, stop)
        return 0
    except TelegramUnauthorizedError:
        sys.stderr.write("sanad telegram: Telegram refused the token (SANAD_TELEGRAM_TOKEN)\n")
        return 2
    finally:
        await runtime.close()
        await tasks.close()
        await bus.close()
        await engine.dispose()


async def poll_updates(channel: TelegramChannel, stop: asyncio.Event) -> None:
    """Long-poll getUpdates and process each update in order until `stop` is set."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            updates = await _next_updates(channel.bot, offset, stop)
        except TelegramUnauthorizedError:
            raise
        except TelegramRetryAfter as exc:
            await _pause(stop, exc.retry_after)
            continue
        except (TelegramAPIError, TimeoutError) as exc:  # network, 5xx, 409 (another poller) …
            delay = ERROR_BACKOFF_SECS[min(failures, len(ERROR_BACKOFF_SECS) - 1)]
            failures += 1
            conflict = " (another poller or a webhook?)" if isinstance(exc, TelegramConflictError) else ""
            log.warning(
                "telegram getUpdates failed error=%s%s; retrying in %ss", type(exc).__name__, conflict, delay
            )
            await _pause(stop, delay)
            continue
        failures = 0
        for data in updates or ():
            offset = int(data["update_id"]) + 1
            update = read_update(channel.bot, data)
            if update is not None:
                await _process_logged(channel, update)
    if offset is not None:  # confirm what was processed, so a restart does not see it again
        with contextlib.suppress(TelegramAPIError, TimeoutError):
            await channel.bot(GetUpdates(offset=offset, limit=1, timeout=0))


async def _process_logged(channel: TelegramChannel, update: Update) -> None:
    try:
        await channel.process(update)
    except Exception as exc:  # one bad update must not stop polling; the kind only (text may be quoted)
        log.error("telegram update failed update_id=%s error=%s", update.update_id, type(exc).__name__)


class GetRawUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as plain dicts, so each update is read on its own (see read_update)."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


async def _next_updates(bot: Bot, offset: int | None, stop: asyncio.Event) -> list[dict[str, Any]] | None:
    """One getUpdates call, abandoned as soon as `stop` is set (then None)."""
    method = GetRawUpdates(offset=offset, timeout=POLL_TIMEOUT_SECS, allowed_updates=list(ALLOWED_UPDATES))
    fetch = asyncio.ensure_future(bot(method, request_timeout=int(bot.session.timeout + POLL_TIMEOUT_SECS)))
    stopped = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if fetch not in done:
        return None
    return fetch.result()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
