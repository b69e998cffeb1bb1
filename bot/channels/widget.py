"""The web widget channel: the embeddable script, the demo host page and the child's WebSocket.

One `<script src="https://sanad.example/widget.js" defer></script>` on any page draws the chat
(widget_static/widget.js, in an open shadow root). The browser keeps only an opaque, signed resume
token in localStorage; everything else comes back from the server by sequence number.

Socket `/widget/socket?resume=<token>`, JSON text frames (STYLE §3.5):

  server → {"type": "hello", "resume", "state", "last_seq", "thread", "max_chars", "queue_position"?}
           sent on connect, and again (same token, new `thread`) when a closed chat gives way to
           a new one: the browser then starts counting seqs from 0.
  child  → {"type": "text", "client_id": uuid, "text"} | {"type": "ask_human", "client_id"}
           | {"type": "button", "client_id", "payload"} | {"type": "typing", "active"}
           | {"type": "sync", "after_seq"}
  server → {"type": "ack", "client_id", "seq"}  only after the message is stored; a resent
           client_id gets the same seq and nothing is stored twice.
           {"type": "message", "seq", "author", "text", "buttons", "created_at", "client_id"?}
           (seq 0: a notice delivered but never stored, e.g. after the child erased the chat)
           {"type": "state", "state", "queue_position"?}  {"type": "typing", "who", "active"}
           {"type": "clear"}  the child erased the conversation: wipe the screen (a hello follows)
           {"type": "error", "code", "message", "client_id"?}  the socket stays open; codes:
           invalid_frame, binary_frame, too_long, empty, not_stored, unavailable.

Delivery: each socket remembers the seqs it has sent and the floor the browser reported in
`sync`, so a message reaches a socket once whether it comes from the database replay or the bus.
Frames over HARD_FRAME_CAP_BYTES close the socket with 1009 (uvicorn's ws_max_size does the same).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from bot.engine import ASK_HUMAN_PAYLOAD, DialogueEngine, HandleResult, Inbound
from escalation import repository
from escalation.actions import MAX_TEXT_CHARS
from escalation.bus import (
    QUEUE_TOPIC,
    ConversationChanged,
    Event,
    MessagePosted,
    Subscription,
    Typing,
    conversation_topic,
)
from escalation.errors import EscalationError
from escalation.identity import new_resume_token
from escalation.models import Channel, Conversation, Message
from escalation.relay import signal_typing
from escalation.states import ConversationState

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC_DIR = HERE / "widget_static"
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
HARD_FRAME_CAP_BYTES = 64 * 1024  # no honest chat frame comes near this; bigger ones end the socket
QUEUE_REFRESH_SECS = 3.0  # queue positions are recounted at most this often per waiting child
RATE_WINDOW_SECS = 60.0
RATE_MAX_MESSAGES = 30  # per socket and window: far above a child typing, far below a flood
TYPING_REPEAT_SECS = 2.0  # a child's "still typing" reaches the console at most this often
REPLAY_PAGE = 500
PAYLOAD_PATTERN = r"^/[A-Za-z0-9_:.\-]{1,64}$"
ERASED_REASON = "erased"  # escalation.actions.erase_conversation publishes it
LIVE_STATES = frozenset({ConversationState.WAITING.value, ConversationState.LIVE.value})

router = APIRouter()


class ChildText(BaseModel):
    type: Literal["text"]
    client_id: UUID
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class AskForPerson(BaseModel):
    type: Literal["ask_human"]
    client_id: UUID


class ButtonPress(BaseModel):
    type: Literal["button"]
    client_id: UUID
    payload: str = Field(pattern=PAYLOAD_PATTERN)


class ChildTyping(BaseModel):
    type: Literal["typing"]
    active: bool


class SyncRequest(BaseModel):
    type: Literal["sync"]
    after_seq: int = Field(ge=0)


InboundFrame = ChildText | AskForPerson | ButtonPress | ChildTyping | SyncRequest
INBOUND: TypeAdapter[InboundFrame] = TypeAdapter(
    Annotated[InboundFrame, Field(discriminator="type")]  # type: ignore[arg-type]
)

ERROR_TEXT = {
    "invalid_frame": "This message could not be read. Please try again.",
    "binary_frame": "Only text can be sent here; pictures and files are never received.",
    "too_long": "This message is too long. Please send it in shorter parts.",
    "empty": "This message is empty.",
    "unavailable": "Something went wrong on our side. Please try again.",
    "not_stored": "This message was not kept.",
    "slow_down": "Too many messages at once. Please wait a moment.",
}


class FrameError(Exception):
    """A frame the widget refuses; the socket stays open and nothing is stored."""

    def __init__(self, code: str, client_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.client_id = client_id


def parse_frame(message: dict[str, Any], *, max_chars: int) -> InboundFrame:
    """Validate one received WebSocket message into a frame, or raise FrameError."""
    raw = message.get("text")
    if raw is None:
        raise FrameError("binary_frame")
    try:
        frame = INBOUND.validate_json(raw)
    except ValidationError as exc:
        too_long = any(error["type"] == "string_too_long" for error in exc.errors())
        raise FrameError("too_long" if too_long else "invalid_frame", claimed_client_id(raw)) from None
    if isinstance(frame, ChildText):
        if len(frame.text) > max_chars:
            raise FrameError("too_long", str(frame.client_id))
        if not frame.text.strip():
            raise FrameError("empty", str(frame.client_id))
    return frame


def claimed_client_id(raw: str) -> str | None:
    """The client_id of a refused frame, when it has a readable one, so the browser stops resending."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    value = data.get("client_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= 80 else None


def client_id_of(frame: InboundFrame) -> str | None:
    return str(frame.client_id) if isinstance(frame, ChildText | AskForPerson | ButtonPress) else None


def frame_size(message: dict[str, Any]) -> int:
    if message.get("text") is not None:
        return len(message["text"].encode())
    return len(message.get("bytes") or b"")


def _sign(secret: str, raw: str) -> str:
    digest = hmac.new(secret.encode(), f"widget-resume:{raw}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def issue_resume_token(secret: str) -> str:
    raw = new_resume_token()
    return f"{raw}.{_sign(secret, raw)}"


def check_resume_token(secret: str, token: str | None) -> str | None:
    """The token if this server issued it; None for missing, malformed or forged ones."""
    if not token or len(token) > 120:
        return None
    raw, dot, signature = token.partition(".")
    if not dot or not raw or not hmac.compare_digest(signature, _sign(secret, raw)):
        return None
    return token


def thread_marker(secret: str, conversation: Conversation | None) -> str | None:
    """An opaque name for the conversation, so the browser notices a new one without learning ids."""
    if conversation is None:
        return None
    digest = hmac.new(secret.encode(), f"widget-thread:{conversation.id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def message_frame(message: Message) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "message",
        "seq": message.seq,
        "author": message.author_kind,
        "text": message.text,
        "buttons": list(message.buttons or []),
        "created_at": message.created_at.isoformat(),
    }
    if message.client_id:
        frame["client_id"] = message.client_id
    return frame


def posted_frame(event: MessagePosted) -> dict[str, Any]:
    return {
        "type": "message",
        "seq": event.seq,
        "author": event.author_kind,
        "text": event.text,
        "buttons": list(event.buttons),
        "created_at": event.created_at,
    }


@dataclass(eq=False)
class ChildSocket:
    """One browser tab's socket: what it has been sent, and the conversation it follows."""

    websocket: WebSocket
    dialogue: DialogueEngine
    token: str
    max_chars: int
    conversation: Conversation | None = None
    sent: set[int] = field(default_factory=set)
    floor: int = 0  # the browser said it holds every seq up to here
    state: str | None = None
    position: int | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    subscription: Subscription | None = None
    pusher: asyncio.Task[None] | None = None
    refresher: asyncio.Task[None] | None = None
    typing_sent: tuple[bool, float] = (False, 0.0)
    recent: deque[float] = field(default_factory=deque)  # when the last messages came in
    greeted: bool = False
    closed: bool = False

    @property
    def secret(self) -> str:
        return str(self.websocket.app.state.secret)

    async def send(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            await self.websocket.send_text(json.dumps(frame, ensure_ascii=False))
        except (WebSocketDisconnect, RuntimeError):
            self.closed = True

    async def send_error(self, code: str, client_id: str | None = None) -> None:
        frame = {"type": "error", "code": code, "message": ERROR_TEXT[code]}
        if client_id is not None:
            frame["client_id"] = client_id
        await self.send(frame)

    async def hello(self) -> None:
        self.greeted = True
        conversation = self.conversation
        self.state = conversation.state if conversation else ConversationState.BOT.value
        self.position = await self.queue_position()
        frame: dict[str, Any] = {
            "type": "hello",
            "resume": self.token,
            "state": self.state,
            "last_seq": conversation.last_seq if conversation else 0,
            "thread": thread_marker(self.secret, conversation),
            "max_chars": self.max_chars,
        }
        if self.position is not None:
            frame["queue_position"] = self.position
        await self.send(frame)

    async def follow(self, conversation: Conversation) -> None:
        """Listen to this conversation's news (first message, or a new chat after a closed one).

        Seqs restart with every conversation, so a socket that already said hello says it again
        with the new `thread`, and forgets what it sent before.
        """
        await self.stop_following()
        self.conversation = conversation
        self.sent, self.floor = set(), 0
        self.subscription = await self.dialogue.bus.subscribe(
            conversation_topic(conversation.id), QUEUE_TOPIC
        )
        self.pusher = asyncio.create_task(self.push(self.subscription), name="widget-pusher")
        if self.greeted:
            await self.hello()

    async def stop_following(self) -> None:
        for task in (self.pusher, self.refresher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.pusher = self.refresher = None
        if self.subscription is not None:
            await self.subscription.close()
            self.subscription = None

    async def send_message(self, seq: int, frame: dict[str, Any]) -> None:
        """Send a message frame unless this socket already sent it or the browser has it."""
        if seq in self.sent or seq <= self.floor:
            return
        self.sent.add(seq)
        await self.send(frame)

    async def replay(self, after_seq: int) -> None:
        """Everything stored after the browser's last seq, from the database (the record)."""
        self.floor = max(self.floor, after_seq)
        if self.conversation is None:
            return
        cursor = after_seq
        while True:
            async with self.dialogue.sessions() as session:
                page = await repository.list_messages(
                    session, self.conversation.id, after_seq=cursor, limit=REPLAY_PAGE
                )
            for message in page:
                await self.send_message(message.seq, message_frame(message))
            if len(page) < REPLAY_PAGE:
                return
            cursor = page[-1].seq

    async def queue_position(self) -> int | None:
        if self.conversation is None or self.state != ConversationState.WAITING.value:
            return None
        async with self.dialogue.sessions() as session:
            fresh = await repository.find_conversation(session, self.conversation.id)
            return None if fresh is None else await repository.queue_position(session, fresh)

    async def push_state(self, state: str) -> None:
        """Tell the browser the conversation's state (and place in the queue) when either changed."""
        async with self.lock:
            previous = (self.state, self.position)
            self.state = state
            self.position = await self.queue_position()
            if (self.state, self.position) == previous:
                return
            frame: dict[str, Any] = {"type": "state", "state": state}
            if self.position is not None:
                frame["queue_position"] = self.position
            await self.send(frame)

    async def push(self, subscription: Subscription) -> None:
        """Bus → browser, for as long as this socket follows the conversation."""
        try:
            async for event in subscription:
                if await self.forward(event):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("widget pusher failed")

    async def forward(self, event: Event) -> bool:
        """Send one bus event on; True when the conversation is gone and the pusher must stop."""
        own = (
            self.conversation is not None and getattr(event, "conversation_id", None) == self.conversation.id
        )
        if isinstance(event, MessagePosted) and own and event.seq > 0:  # seq 0: never stored, see deliver
            async with self.lock:
                await self.send_message(event.seq, posted_frame(event))
        elif isinstance(event, ConversationChanged) and own and event.reason == ERASED_REASON:
            async with self.lock:
                await self.forget()
            return True
        elif isinstance(event, ConversationChanged) and own:
            await self.push_state(event.state)
        elif isinstance(event, ConversationChanged) and self.state == ConversationState.WAITING.value:
            self.refresh_position_soon()
        elif isinstance(event, Typing) and own and event.who == "counselor":
            await self.send({"type": "typing", "who": "counselor", "active": event.active})
        return False

    async def forget(self) -> None:
        """The child erased the conversation: wipe it from the screen and start afresh."""
        await self.send({"type": "clear"})
        if self.subscription is not None:
            await self.subscription.close()
        self.subscription = None
        self.conversation = None
        self.sent, self.floor = set(), 0
        await self.hello()

    def refresh_position_soon(self) -> None:
        """Someone else's queue move may change this child's place; recount, but not for every move."""
        if self.refresher is None or self.refresher.done():
            self.refresher = asyncio.create_task(self._refresh_later(), name="widget-queue-position")

    async def _refresh_later(self) -> None:
        await asyncio.sleep(QUEUE_REFRESH_SECS)
        if self.state is not None:
            await self.push_state(self.state)

    async def receive_from_child(self, inbound: Inbound) -> None:
        """Store through the engine, acknowledge, then send what was stored in seq order."""
        async with self.lock:  # held so the pusher cannot overtake the ack with the same message
            result = await self.dialogue.handle(inbound)
            began = self.conversation is None or self.conversation.id != result.conversation.id
            if began:
                await self.follow(result.conversation)  # a first message: the chat begins now
            await self.deliver(result, client_id=inbound.client_id or "", began=began)
        await self.push_state(result.conversation.state)

    async def deliver(self, result: HandleResult, *, client_id: str, began: bool) -> None:
        child = result.child_message
        if child is None:  # the engine refused to keep it: the browser must not resend it
            await self.send_error("not_stored", client_id)
        else:
            await self.send({"type": "ack", "client_id": client_id, "seq": child.seq})
        if result.conversation.erased_at is not None:
            await self.stop_following()
            await self.forget()
        elif began:
            await self.replay(0)  # a new conversation: whatever the engine stored, in seq order
        else:
            if child is not None:
                await self.send_message(child.seq, message_frame(child))
            for reply in result.replies:
                await self.send_message(reply.seq, message_frame(reply))
        for reply in result.replies:
            if reply.seq == 0:  # delivered but never stored (e.g. "your chat was deleted")
                await self.send(message_frame(reply))

    async def relay_typing(self, active: bool) -> None:
        if self.conversation is None or self.state not in LIVE_STATES:
            return
        now = asyncio.get_running_loop().time()
        last_active, last_at = self.typing_sent
        if active == last_active and now - last_at < TYPING_REPEAT_SECS:
            return
        self.typing_sent = (active, now)
        await signal_typing(self.dialogue.bus, self.conversation, who="child", active=active)

    def check_rate(self, frame: InboundFrame) -> None:
        """Refuse a flood of messages before it reaches the database (typing and sync are free)."""
        client_id = client_id_of(frame)
        if client_id is None:
            return
        now = asyncio.get_running_loop().time()
        while self.recent and now - self.recent[0] > RATE_WINDOW_SECS:
            self.recent.popleft()
        if len(self.recent) >= RATE_MAX_MESSAGES:
            raise FrameError("slow_down", client_id)
        self.recent.append(now)

    async def dispatch(self, frame: InboundFrame) -> None:
        if isinstance(frame, SyncRequest):
            async with self.lock:
                await self.replay(frame.after_seq)
        elif isinstance(frame, ChildTyping):
            await self.relay_typing(frame.active)
        else:
            await self.receive_from_child(self.inbound(frame))

    def inbound(self, frame: ChildText | AskForPerson | ButtonPress) -> Inbound:
        text = frame.text if isinstance(frame, ChildText) else ""
        payload = frame.payload if isinstance(frame, ButtonPress) else None
        if isinstance(frame, AskForPerson):
            payload = ASK_HUMAN_PAYLOAD
        return Inbound(
            channel=Channel.WIDGET.value,
            address=self.token,
            client_id=str(frame.client_id),
            text=text,
            payload=payload,
        )


async def open_child_socket(websocket: WebSocket) -> ChildSocket:
    app = websocket.app
    dialogue: DialogueEngine = app.state.dialogue
    secret = str(app.state.secret)
    token = check_resume_token(secret, websocket.query_params.get("resume")) or issue_resume_token(secret)
    max_chars = min(int(app.state.settings.max_message_chars), MAX_TEXT_CHARS)
    link = ChildSocket(websocket=websocket, dialogue=dialogue, token=token, max_chars=max_chars)
    conversation = await dialogue.current_conversation(Channel.WIDGET.value, token)
    if conversation is not None:
        await link.follow(conversation)
    await link.hello()
    return link


async def serve_frames(link: ChildSocket) -> None:
    """Read frames until the browser goes; one bad frame costs an error frame, not the socket."""
    while not link.closed:
        message = await link.websocket.receive()
        if message["type"] != "websocket.receive":
            return
        if frame_size(message) > HARD_FRAME_CAP_BYTES:
            await link.websocket.close(code=1009)
            return
        try:
            frame = parse_frame(message, max_chars=link.max_chars)
            link.check_rate(frame)
        except FrameError as exc:
            await link.send_error(exc.code, exc.client_id)
            continue
        try:
            await link.dispatch(frame)
        except EscalationError as exc:
            log.info("widget frame refused code=%s", exc.code)
            await link.send_error("unavailable", client_id_of(frame))
        except Exception:  # atop the connection loop: one failed frame must not end the chat
            log.exception("widget frame failed")
            await link.send_error("unavailable", client_id_of(frame))


@router.websocket("/widget/socket")
async def widget_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    link = await open_child_socket(websocket)
    try:
        await serve_frames(link)
    except WebSocketDisconnect:
        pass
    finally:
        link.closed = True
        await link.stop_following()


NO_STORE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
PAGE_HEADERS = {**NO_STORE, "Referrer-Policy": "no-referrer"}


@router.get("/widget.js", include_in_schema=False)
async def widget_script() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "widget.js", media_type="text/javascript; charset=utf-8", headers=NO_STORE
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def demo_page(request: Request) -> HTMLResponse:
    """A neutral community-centre page with the widget, as a child would meet it."""
    return TEMPLATES.TemplateResponse(request, "widget/demo.html", {}, headers=PAGE_HEADERS)


@router.get("/widget/neutral", response_class=HTMLResponse, include_in_schema=False)
async def neutral_page(request: Request) -> HTMLResponse:
    """Where quick exit lands: a plain weather page that says nothing about Sanad."""
    return TEMPLATES.TemplateResponse(request, "widget/neutral.html", {}, headers=PAGE_HEADERS)


def install_widget(app: FastAPI) -> None:
    """Mount the widget's routes and static files on the app (issue 2)."""
    app.include_router(router)
    app.mount("/widget/static", StaticFiles(directory=STATIC_DIR), name="widget-static")
