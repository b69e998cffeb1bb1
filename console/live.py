"""The console's live sockets: the queue page and an open chat, both fed by the message bus.

Queue socket (`/console/queue/socket`): on connect and after every change that touches the
queue or the counselor's own chats, the server sends `{"type": "queue", "queue_html",
"mine_html", "count", "ids"}`; bursts of changes collapse into one render.

Chat socket (`/console/conversations/{id}/socket?after=<seq>`): the server first sends what was
stored after `after`, then live `message` frames (with the bubble's HTML), `typing` of the child,
and `state` changes; it closes with 4404 when the viewer loses access. The browser sends
`{"type": "text", "client_id": uuid, "text"}` (only the counselor holding the chat may) →
`{"type": "ack", "client_id", "seq"}` after the message is stored; and `{"type": "typing",
"active": bool}`. Anything else gets `{"type": "error", "code": "invalid_frame"}` and the socket
stays open. Both sockets authenticate by the session cookie and refuse foreign Origins, and check
the session again before every later push (a queue render, a live message, a state change; not a
typing dot) and before storing each counselor message: once it has ended (a logout anywhere ends
it: console/auth.py) the socket closes with 4401 and shows nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from console.access import access_conversation, holds
from console.deps import console_session, load_staff
from console.pages import base_context, render_template
from console.views import MessageView, load_queue
from escalation import actions, relay, repository
from escalation.alerts import ALERT_REASON
from escalation.bus import (
    QUEUE_TOPIC,
    ConversationChanged,
    MessagePosted,
    Subscription,
    Typing,
    conversation_topic,
)
from escalation.errors import EscalationError, NotFoundError
from escalation.models import Message, Staff, utc_now
from escalation.states import ConversationState

log = logging.getLogger(__name__)
router = APIRouter()

MAX_FRAME_CHARS = 16_000  # a frame longer than any valid one is refused before parsing
CLOSE_UNAUTHORISED = 4401
CLOSE_NOT_FOUND = 4404


class CounselorText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["text"]
    client_id: UUID
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=actions.MAX_TEXT_CHARS)
    ]


class CounselorTyping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["typing"]
    active: bool


INBOUND: TypeAdapter[CounselorText | CounselorTyping] = TypeAdapter(
    Annotated[CounselorText | CounselorTyping, Field(discriminator="type")]
)


class Sender:
    """One writer at a time: the pusher task and the receive loop share the socket."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self._lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._lock:
            await self.websocket.send_json(frame)


def same_origin(websocket: WebSocket) -> bool:
    """Browsers always send Origin; a page on another site must not ride the staff cookie."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    allowed = {
        websocket.headers.get("host", "").lower(),
        urlsplit(websocket.app.state.settings.public_url).netloc,
    }
    return urlsplit(origin).netloc.lower() in allowed


async def socket_staff(websocket: WebSocket) -> Staff | None:
    if not same_origin(websocket):
        return None
    async with websocket.app.state.sessions() as session:
        staff = await load_staff(session, console_session(websocket), websocket.app.state.secret)
    websocket.state.staff = staff
    return staff


async def _until_disconnect(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] == "websocket.receive":
        pass


class SessionEndedError(Exception):
    """The staff member logged out (anywhere), changed password or was disabled since connecting."""


async def _still_signed_in(session: AsyncSession, websocket: WebSocket) -> bool:
    return await load_staff(session, console_session(websocket), websocket.app.state.secret) is not None


async def _signed_in(websocket: WebSocket) -> bool:
    async with websocket.app.state.sessions() as session:
        return await _still_signed_in(session, websocket)


async def _run_pusher(name: str, websocket: WebSocket, body: Callable[[], Any]) -> None:
    """Atop a connection's background loop: a closed socket ends it quietly, an ended session
    closes it with 4401 before anything more is pushed, anything else is logged."""
    try:
        await body()
    except (WebSocketDisconnect, RuntimeError, ConnectionError):
        return
    except SessionEndedError:
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_UNAUTHORISED)
        return
    except Exception:
        log.exception("console %s socket pusher failed", name)
        with contextlib.suppress(Exception):
            await websocket.close(code=1011)


# ---- queue ---------------------------------------------------------------------------------


@router.websocket("/queue/socket")
async def queue_socket(websocket: WebSocket) -> None:
    staff = await socket_staff(websocket)
    if staff is None:
        await websocket.close(code=CLOSE_UNAUTHORISED)
        return
    await websocket.accept()
    sub = await websocket.app.state.bus.subscribe(QUEUE_TOPIC)  # before the first render: miss nothing
    sender = Sender(websocket)
    pusher = asyncio.create_task(_run_pusher("queue", websocket, lambda: _push_queue(sender, sub, staff)))
    try:
        await _until_disconnect(websocket)
    except WebSocketDisconnect:
        pass
    finally:
        pusher.cancel()
        await sub.close()


async def _push_queue(sender: Sender, sub: Subscription, staff: Staff) -> None:
    dirty = asyncio.Event()
    shown: set[int] = set()
    alerts: set[int] = set()  # unanswered imminent chats announced since the last push

    async def listen() -> None:
        async for event in sub:
            if isinstance(event, ConversationChanged) and _touches_queue(event, shown, staff):
                if event.reason == ALERT_REASON:
                    alerts.add(event.conversation_id)
                dirty.set()

    listener = asyncio.create_task(listen())
    try:
        dirty.set()
        while True:
            await dirty.wait()
            dirty.clear()
            shown.clear()
            alerted = sorted(alerts)
            alerts.clear()
            shown.update(await _send_queue(sender, staff, alerted))
    finally:
        listener.cancel()


def _touches_queue(event: ConversationChanged, shown: set[int], staff: Staff) -> bool:
    if event.state == ConversationState.WAITING.value:
        return True
    return event.conversation_id in shown or event.counselor_id == staff.id


async def _send_queue(sender: Sender, staff: Staff, alerted: list[int]) -> set[int]:
    websocket = sender.websocket
    async with websocket.app.state.sessions() as session:
        if not await _still_signed_in(session, websocket):
            raise SessionEndedError
        view = await load_queue(session, staff, utc_now())
    context = {**base_context(websocket), **view.context()}
    await sender.send(
        {
            "type": "queue",
            "queue_html": render_template(websocket.app, "queue/_queue.html", context),
            "mine_html": render_template(websocket.app, "queue/_mine.html", context),
            "count": len(view.queue),
            "ids": [c.id for c in view.queue],
            "alerted": [i for i in alerted if i in view.shown_ids],
        }
    )
    return set(view.shown_ids)


# ---- chat ----------------------------------------------------------------------------------


@router.websocket("/conversations/{conversation_id}/socket")
async def chat_socket(websocket: WebSocket, conversation_id: int) -> None:
    staff = await socket_staff(websocket)
    if staff is None:
        await websocket.close(code=CLOSE_UNAUTHORISED)
        return
    async with websocket.app.state.sessions() as session:
        try:
            await access_conversation(session, staff, conversation_id)
        except NotFoundError:
            await websocket.close(code=CLOSE_NOT_FOUND)
            return
        # CONTENT-BRIEF §8: every transcript view is audited, silent joins included.
        await actions.audit(
            session, staff=staff, action="watch", conversation_id=conversation_id, now=utc_now()
        )
    await websocket.accept()
    sub = await websocket.app.state.bus.subscribe(conversation_topic(conversation_id))
    sender = Sender(websocket)
    after = _int_param(websocket.query_params.get("after"))
    pusher = asyncio.create_task(
        _run_pusher("chat", websocket, lambda: _push_chat(sender, sub, staff, conversation_id, after))
    )
    chat = _ChatInbound(sender, staff, conversation_id)
    try:
        await chat.run()
    except WebSocketDisconnect:
        pass
    finally:
        pusher.cancel()
        await sub.close()
        await chat.stop_typing()


def _int_param(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else 0


async def _push_chat(
    sender: Sender, sub: Subscription, staff: Staff, conversation_id: int, after: int
) -> None:
    websocket = sender.websocket
    async with websocket.app.state.sessions() as session:
        backlog = await repository.list_messages(session, conversation_id, after_seq=after, limit=5000)
    sent: set[int] = set()
    for message in backlog:
        await sender.send(_message_frame(websocket, message))
        sent.add(message.seq)
    async for event in sub:
        if isinstance(event, MessagePosted | ConversationChanged) and not await _signed_in(websocket):
            raise SessionEndedError
        if isinstance(event, MessagePosted) and event.seq not in sent:
            await sender.send(_message_frame(websocket, MessageView.of(event)))
            sent.add(event.seq)
        elif isinstance(event, Typing) and event.who == "child":
            await sender.send({"type": "typing", "who": "child", "active": event.active})
        elif isinstance(event, ConversationChanged) and not await _send_state(sender, staff, event):
            await websocket.close(code=CLOSE_NOT_FOUND)
            return


async def _send_state(sender: Sender, staff: Staff, event: ConversationChanged) -> bool:
    """Tell the page about a state or risk change; False when this viewer may no longer see it."""
    async with sender.websocket.app.state.sessions() as session:
        try:
            conversation = await access_conversation(session, staff, event.conversation_id)
        except NotFoundError:
            allowed, viewer_holds = False, False
        else:
            allowed, viewer_holds = True, holds(staff, conversation)
    await sender.send(
        {
            "type": "state",
            "state": event.state,
            "risk_level": event.risk_level,
            "holds": viewer_holds,
            "reason": event.reason,
            "risk_html": render_template(
                sender.websocket.app,
                "_risk_badge.html",
                {**base_context(sender.websocket), "level": event.risk_level},
            ),
        }
    )
    return allowed


def _message_frame(websocket: WebSocket, message: Message | MessageView) -> dict[str, Any]:
    context = {**base_context(websocket), "message": message}
    return {
        "type": "message",
        "seq": message.seq,
        "author_kind": message.author_kind,
        "text": message.text,
        "media_kind": message.media_kind,
        "risk_level": message.risk_level,
        "created_at": message.created_at.isoformat(),
        "html": render_template(websocket.app, "chat/_message_frame.html", context),
    }


class _ChatInbound:
    """Frames from the counselor's browser: validate, act, acknowledge (STYLE §3.5)."""

    def __init__(self, sender: Sender, staff: Staff, conversation_id: int) -> None:
        self.sender = sender
        self.staff = staff
        self.conversation_id = conversation_id
        self.typing = False

    @property
    def app(self) -> Any:
        return self.sender.websocket.app

    async def run(self) -> None:
        while (message := await self.sender.websocket.receive())["type"] == "websocket.receive":
            raw = message.get("text")
            try:  # binary, non-JSON, unknown, oversized or empty frames all fail here
                if raw is None or len(raw) > MAX_FRAME_CHARS:
                    raise ValueError("not a text frame of acceptable size")
                frame = INBOUND.validate_json(raw)
            except (ValidationError, ValueError):
                await self.sender.send({"type": "error", "code": "invalid_frame"})
                continue
            if isinstance(frame, CounselorText):
                if not await self.post(frame):
                    await self.sender.websocket.close(code=CLOSE_UNAUTHORISED)
                    return
            else:
                await self.signal(frame.active)

    async def post(self, frame: CounselorText) -> bool:
        """Store and acknowledge one counselor message; False when the session has ended since
        the socket opened (logged out anywhere, password changed, account disabled): nothing is
        stored and the socket closes with 4401."""
        client_id = f"staff:{self.staff.id}:{frame.client_id}"  # never collides with a child's id
        async with self.app.state.sessions() as session:
            if not await _still_signed_in(session, self.sender.websocket):
                return False
            try:
                conversation = await repository.get_conversation(session, self.conversation_id)
                stored, _ = await relay.post_counselor_message(
                    session,
                    self.app.state.bus,
                    conversation,
                    staff=self.staff,
                    text=frame.text,
                    now=utc_now(),
                    client_id=client_id,
                )
            except EscalationError as exc:
                await self.sender.send({"type": "error", "code": exc.code, "client_id": str(frame.client_id)})
                return True
        self.typing = False
        await self.sender.send({"type": "ack", "client_id": str(frame.client_id), "seq": stored.seq})
        return True

    async def signal(self, active: bool) -> None:
        """Only the counselor holding the chat shows as typing; a watching supervisor stays silent."""
        async with self.app.state.sessions() as session:
            conversation = await repository.find_conversation(session, self.conversation_id)
        if conversation is None or not holds(self.staff, conversation):
            return
        self.typing = active
        await relay.signal_typing(self.app.state.bus, conversation, who="counselor", active=active)

    async def stop_typing(self) -> None:
        if self.typing:
            with contextlib.suppress(Exception):
                await self.signal(False)
