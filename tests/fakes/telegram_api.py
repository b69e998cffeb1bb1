"""A local HTTP server that speaks enough of the Telegram Bot API for real aiogram to talk to it.

Serves /bot<token>/<method> for getMe, getUpdates (queued updates, offset and long-poll timeout
honoured, 409 while a webhook is set), setWebhook, deleteWebhook, getWebhookInfo, sendMessage,
answerCallbackQuery, sendChatAction and getFile (recorded so a test can prove it never came).
It records every call, can fail a method once with 429 + retry_after, answers 403 for blocked
chats, and can deliver an update to the registered webhook the way Telegram does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT_USER = {"id": 700000001, "is_bot": True, "first_name": "Sanad", "username": "SanadTestBot"}
JSON_FIELDS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "reply_parameters"}
INT_FIELDS = {"chat_id", "offset", "limit", "timeout", "message_id", "max_connections"}
MAX_LONG_POLL_SECS = 5.0  # cap the fake's wait so a forgotten poller never holds a test for long


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegramApi:
    token: str
    calls: list[ApiCall] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    blocked_chats: set[int] = field(default_factory=set)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._closing = False
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(5000)

    # --- the server ---------------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def running(cls, token: str) -> AsyncIterator[FakeTelegramApi]:
        api = cls(token=token)
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", api._handle)
        app.router.add_get("/bot{token}/{method}", api._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        api.port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        try:
            yield api
        finally:
            api._closing = True
            await api._notify()
            await runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(ApiCall(method, params))
        await self._notify()
        failure = self._take_failure(method, params)
        if failure is not None:
            extra = {"parameters": {"retry_after": failure.retry_after}} if failure.retry_after else {}
            return _error(failure.status, failure.description, **extra)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result: Any = handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        if method == "sendMessage" and params.get("chat_id") in self.blocked_chats:
            return Failure(403, "Forbidden: bot was blocked by the user")
        queued = self.failures.get(method)
        return queued.pop(0) if queued else None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- Bot API methods ----------------------------------------------------------------------

    def _m_getme(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            **BOT_USER,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset:  # Telegram forgets every update below the offset: they are confirmed
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_LONG_POLL_SECS)
        async with self._changed:
            while not self.updates and not self._closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), max(deadline - time.monotonic(), 0.01))
                except TimeoutError:
                    break
        return self.updates[: int(params.get("limit") or 100)]

    def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {
            "url": params["url"],
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
        }
        if params.get("drop_pending_updates") in ("true", "True", True):
            self.updates.clear()
        return True

    def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates") in ("true", "True", True):
            self.updates.clear()
        return True

    def _m_getwebhookinfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private", "first_name": "Child"},
            "from": BOT_USER,
            "text": params["text"],
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _m_answercallbackquery(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_sendchataction(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"file_id": params.get("file_id"), "file_unique_id": "u", "file_path": "photos/f.jpg"}

    # --- arranging ----------------------------------------------------------------------------

    def fail_once(self, method: str, *, status: int = 429, retry_after: int | None = 1) -> None:
        description = f"Too Many Requests: retry after {retry_after}" if status == 429 else f"Error {status}"
        self.failures.setdefault(method, []).append(Failure(status, description, retry_after))

    def block(self, chat_id: int) -> None:
        self.blocked_chats.add(chat_id)

    def next_update_id(self) -> int:
        return 800000 + next(self._ids)

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (wakes a waiting long poll)."""
        self.updates.append(update)
        await self._notify()
        return update

    async def deliver_to_webhook(
        self, update: dict[str, Any], *, secret: str | None = "registered", body: bytes | None = None
    ) -> int:
        """POST an update to the registered webhook as Telegram does; returns the HTTP status."""
        assert self.webhook is not None, "no webhook registered"
        token = self.webhook["secret_token"] if secret == "registered" else secret
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        data = body if body is not None else json.dumps(update).encode()
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.webhook["url"], data=data, headers=headers) as response,
        ):
            return response.status

    # --- asserting ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [params for params in self.calls_to("sendMessage") if params.get("chat_id") == chat_id]

    async def wait_for(
        self,
        method: str,
        where: Callable[[dict[str, Any]], bool] = lambda _: True,
        *,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[dict[str, Any]]:
        """The first `count` calls of `method` matching `where`; fails after `timeout` (a deadline,
        not a speed requirement: it only keeps a broken test from hanging)."""

        async def enough() -> list[dict[str, Any]]:
            async with self._changed:
                while len(found := [p for p in self.calls_to(method) if where(p)]) < count:
                    await self._changed.wait()
                return found[:count]

        try:
            return await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise AssertionError(f"no {count}× {method} within {timeout}s; calls were {seen}") from None


def _error(status: int, description: str, **extra: Any) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description, **extra}
    return web.json_response(body, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
    else:
        raw = dict(await request.post()) if request.can_read_body else {}
        raw.update(request.query)
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in JSON_FIELDS:
        return json.loads(value)
    if key in INT_FIELDS and value.lstrip("-").isdigit():
        return int(value)
    return value


# --- update builders (what Telegram sends) -----------------------------------------------------


def child_user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Child", "language_code": "ar"}


def message_update(
    api: FakeTelegramApi,
    chat_id: int,
    *,
    update_id: int | None = None,
    chat_type: str = "private",
    **content: Any,
) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    chat.update({"first_name": "Child"} if chat_type == "private" else {"title": "A group"})
    return {
        "update_id": update_id or api.next_update_id(),
        "message": {
            "message_id": next(api._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": child_user(chat_id),
            **content,
        },
    }


def text_update(api: FakeTelegramApi, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    return message_update(api, chat_id, text=text, **kwargs)


def photo_update(
    api: FakeTelegramApi, chat_id: int, *, file_id: str, caption: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    sizes = [
        {
            "file_id": f"{file_id}-{w}",
            "file_unique_id": f"{file_id}-u{w}",
            "width": w,
            "height": w,
            "file_size": w * 40,
        }
        for w in (90, 320, 1280)
    ]
    sizes[-1]["file_id"] = file_id
    extra = {"caption": caption} if caption else {}
    return message_update(api, chat_id, photo=sizes, **extra, **kwargs)


def callback_update(api: FakeTelegramApi, chat_id: int, data: str) -> dict[str, Any]:
    message = {
        "message_id": next(api._message_ids),
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Child"},
        "from": BOT_USER,
        "text": "…",
    }
    return {
        "update_id": api.next_update_id(),
        "callback_query": {
            "id": f"cbq{api.next_update_id()}",
            "from": child_user(chat_id),
            "chat_instance": "ci-1",
            "message": message,
            "data": data,
        },
    }
