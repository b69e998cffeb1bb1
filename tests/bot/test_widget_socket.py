"""The widget's WebSocket, as a browser tab sees it: hello, acks, replay, errors, queue, typing."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bot.channels.widget import RATE_MAX_MESSAGES
from escalation import actions, repository
from escalation.bus import Typing, conversation_topic
from escalation.models import AuthorKind, Conversation, Message, utc_now
from escalation.relay import post_counselor_message, signal_typing
from tests.cast import Cast
from tests.conftest import LiveServer

FRAME_WAIT_SECS = (
    60  # a safety net for a hung server, not a speed requirement (the first reply trains the NLU)
)
Frame = dict[str, Any]


@dataclass
class Tab:
    """One browser tab's socket: every frame it received, in order."""

    ws: ClientConnection
    hello: Frame
    frames: list[Frame] = field(default_factory=list)

    @property
    def token(self) -> str:
        return str(self.hello["resume"])

    async def send(self, frame: Frame | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def until(self, wanted: Callable[[Frame], bool]) -> Frame:
        """Read frames until one matches; earlier ones stay in `frames`."""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), FRAME_WAIT_SECS)
            frame = json.loads(raw)
            self.frames.append(frame)
            if wanted(frame):
                return frame

    async def expect(self, wanted: Callable[[Frame], bool]) -> Frame:
        """The first matching frame, whether it already came or is still to come."""
        for frame in self.frames:
            if wanted(frame):
                return frame
        return await self.until(wanted)

    async def say(self, text: str, client_id: str | None = None) -> Frame:
        client_id = client_id or str(uuid.uuid4())
        await self.send({"type": "text", "client_id": client_id, "text": text})
        return await self.until(lambda f: f["type"] == "ack" and f["client_id"] == client_id)

    async def ask_for_person(self) -> Frame:
        client_id = str(uuid.uuid4())
        await self.send({"type": "ask_human", "client_id": client_id})
        return await self.until(lambda f: f["type"] == "ack" and f["client_id"] == client_id)

    def messages(self) -> list[Frame]:
        return [f for f in self.frames if f["type"] == "message"]


@pytest.fixture
async def open_tab(live_server: LiveServer) -> AsyncIterator[Callable[..., Any]]:
    sockets: list[ClientConnection] = []

    async def opener(resume: str | None = None) -> Tab:
        query = f"?resume={resume}" if resume else ""
        ws = await connect(f"{live_server.ws_url}/widget/socket{query}", max_size=None)
        sockets.append(ws)
        hello = json.loads(await asyncio.wait_for(ws.recv(), FRAME_WAIT_SECS))
        return Tab(ws=ws, hello=hello)

    yield opener
    for ws in sockets:
        await ws.close()


async def conversation_of(live_server: LiveServer, tab: Tab) -> Conversation:
    found = await live_server.app.state.dialogue.current_conversation("widget", tab.token)
    assert found is not None, "no conversation was stored for this tab"
    return found


async def stored_messages(live_server: LiveServer, conversation_id: int) -> list[Message]:
    async with live_server.app.state.sessions() as session:
        return list(await repository.list_messages(session, conversation_id))


async def make_live(live_server: LiveServer, cast: Cast, conversation: Conversation, counselor: str) -> Any:
    staff = await cast.staff(counselor)
    async with live_server.app.state.sessions() as session:
        fresh = await repository.get_conversation(session, conversation.id)
        await actions.assign_counselor(
            session, live_server.app.state.bus, fresh, counselor=staff, now=utc_now()
        )
    return staff


async def counselor_says(live_server: LiveServer, conversation_id: int, staff: Any, text: str) -> Message:
    async with live_server.app.state.sessions() as session:
        conversation = await repository.get_conversation(session, conversation_id)
        message, _ = await post_counselor_message(
            session, live_server.app.state.bus, conversation, staff=staff, text=text, now=utc_now()
        )
        return message


async def test_a_new_child_gets_a_fresh_resume_token_and_an_empty_chat(open_tab) -> None:
    first = await open_tab()
    second = await open_tab()

    assert first.hello["type"] == "hello"
    assert first.hello["state"] == "bot"
    assert first.hello["last_seq"] == 0
    assert first.token
    assert second.token != first.token


async def test_a_resume_token_the_server_never_issued_is_replaced(open_tab) -> None:
    tab = await open_tab(resume="made-up-token.abc")

    assert tab.token != "made-up-token.abc"
    assert tab.hello["last_seq"] == 0


async def test_a_message_is_acknowledged_after_it_is_stored_exactly_once(open_tab, live_server) -> None:
    tab = await open_tab()
    client_id = str(uuid.uuid4())

    ack = await tab.say("مرحبا", client_id)
    echo = await tab.until(lambda f: f["type"] == "message" and f["seq"] == ack["seq"])

    conversation = await conversation_of(live_server, tab)
    rows = [m for m in await stored_messages(live_server, conversation.id) if m.client_id == client_id]
    assert [(m.seq, m.text, m.author_kind) for m in rows] == [(ack["seq"], "مرحبا", "child")]
    assert echo["author"] == "child"
    assert echo["client_id"] == client_id
    assert tab.frames.index(ack) < tab.frames.index(echo)


async def test_every_stored_message_reaches_the_tab_once_in_order(open_tab, live_server) -> None:
    tab = await open_tab()

    await tab.say("مرحبا")
    await tab.ask_for_person()
    last = await tab.say("شكرا")
    await tab.expect(lambda f: f["type"] == "message" and f["seq"] == last["seq"])

    conversation = await conversation_of(live_server, tab)
    stored = [m.seq for m in await stored_messages(live_server, conversation.id) if m.seq <= last["seq"]]
    assert [f["seq"] for f in tab.messages() if f["seq"] <= last["seq"]] == stored


async def test_resending_the_same_client_id_stores_nothing_new(open_tab, live_server) -> None:
    tab = await open_tab()
    client_id = str(uuid.uuid4())
    first = await tab.say("مرحبا", client_id)

    again = await tab.say("مرحبا", client_id)

    conversation = await conversation_of(live_server, tab)
    children = [m for m in await stored_messages(live_server, conversation.id) if m.author_kind == "child"]
    assert again["seq"] == first["seq"]
    assert [m.client_id for m in children] == [client_id]


async def test_a_resend_after_reconnecting_is_acknowledged_with_the_first_seq(open_tab, live_server) -> None:
    tab = await open_tab()
    client_id = str(uuid.uuid4())
    first = await tab.say("مرحبا", client_id)
    await tab.ws.close()

    again = await (await open_tab(resume=tab.token)).say("مرحبا", client_id)

    conversation = await conversation_of(live_server, tab)
    rows = [m for m in await stored_messages(live_server, conversation.id) if m.client_id == client_id]
    assert again["seq"] == first["seq"]
    assert len(rows) == 1


async def test_reconnecting_replays_everything_missed_once_and_in_order(open_tab, live_server, cast) -> None:
    tab = await open_tab()
    seen = await tab.say("مرحبا")
    await tab.ask_for_person()
    conversation = await conversation_of(live_server, tab)
    staff = await make_live(live_server, cast, conversation, "sami")
    await tab.ws.close()
    missed = await counselor_says(live_server, conversation.id, staff, "أنا سامي، أنا هنا لأسمعك")

    back = await open_tab(resume=tab.token)
    await back.send({"type": "sync", "after_seq": seen["seq"]})
    await back.say("شكرا")  # every replayed frame comes before this ack

    stored = await stored_messages(live_server, conversation.id)
    replayed = [f for f in back.messages() if f["seq"] <= missed.seq]
    assert back.hello["last_seq"] == missed.seq
    assert [(f["seq"], f["author"], f["text"]) for f in replayed] == [
        (m.seq, m.author_kind, m.text) for m in stored if seen["seq"] < m.seq <= missed.seq
    ]
    assert replayed[-1]["text"] == "أنا سامي، أنا هنا لأسمعك"


async def test_a_counselor_message_and_typing_reach_the_open_tab(open_tab, live_server, cast) -> None:
    tab = await open_tab()
    await tab.ask_for_person()
    conversation = await conversation_of(live_server, tab)
    staff = await make_live(live_server, cast, conversation, "sami")

    await signal_typing(live_server.app.state.bus, conversation, who="counselor", active=True)
    typing = await tab.expect(lambda f: f["type"] == "typing")
    await counselor_says(live_server, conversation.id, staff, "مرحبا، أنا سامي")
    reply = await tab.expect(lambda f: f["type"] == "message" and f["author"] == "counselor")

    assert typing == {"type": "typing", "who": "counselor", "active": True}
    assert reply["text"] == "مرحبا، أنا سامي"
    assert await tab.expect(lambda f: f["type"] == "state" and f["state"] == "live")


async def test_the_childs_typing_reaches_the_conversation_as_child_typing(open_tab, live_server) -> None:
    tab = await open_tab()
    await tab.ask_for_person()
    conversation = await conversation_of(live_server, tab)
    subscription = await live_server.app.state.bus.subscribe(conversation_topic(conversation.id))

    await tab.send({"type": "typing", "active": True})

    try:
        event = await asyncio.wait_for(first_typing(subscription), FRAME_WAIT_SECS)
    finally:
        await subscription.close()
    assert (event.who, event.active) == ("child", True)


async def first_typing(subscription: Any) -> Typing:
    async for event in subscription:
        if isinstance(event, Typing):
            return event
    raise AssertionError("the subscription ended without a typing event")


async def test_asking_for_a_person_shows_waiting_and_the_place_in_the_queue(open_tab, live_server) -> None:
    tab = await open_tab()

    await tab.ask_for_person()
    waiting = await tab.expect(lambda f: f["type"] in ("state", "hello") and f["state"] == "waiting")

    conversation = await conversation_of(live_server, tab)
    assert conversation.state == "waiting"
    assert waiting["queue_position"] == 1


async def test_cancelling_while_waiting_returns_the_chat_to_the_bot(open_tab, live_server) -> None:
    tab = await open_tab()
    await tab.ask_for_person()
    await tab.expect(lambda f: f["type"] in ("state", "hello") and f["state"] == "waiting")

    await tab.send({"type": "button", "client_id": str(uuid.uuid4()), "payload": "/cancel"})
    back = await tab.until(lambda f: f["type"] == "state" and f["state"] == "bot")

    conversation = await conversation_of(live_server, tab)
    assert conversation.state == "bot"
    assert "queue_position" not in back


BAD_FRAMES = {
    "malformed json": ('{"type": "text", "client_id": ', "invalid_frame"),
    "binary frame": (b"\x89PNG\r\n\x1a\n fake picture", "binary_frame"),
    "unknown type": (json.dumps({"type": "photo", "client_id": str(uuid.uuid4())}), "invalid_frame"),
    "no client id": (json.dumps({"type": "text", "text": "مرحبا"}), "invalid_frame"),
    "oversized text": (
        json.dumps({"type": "text", "client_id": str(uuid.uuid4()), "text": "ب" * 2001}),
        "too_long",
    ),
    "blank text": (json.dumps({"type": "text", "client_id": str(uuid.uuid4()), "text": "  \n "}), "empty"),
}


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
async def test_a_bad_frame_gets_an_error_stores_nothing_and_keeps_the_socket(
    open_tab, live_server, frame, code
) -> None:
    tab = await open_tab()

    await tab.send(frame)
    error = await tab.until(lambda f: f["type"] == "error")
    nothing = await live_server.app.state.dialogue.current_conversation("widget", tab.token)
    ack = await tab.say("مرحبا")

    assert error["code"] == code
    assert error["message"]
    assert nothing is None
    conversation = await conversation_of(live_server, tab)
    children = [m for m in await stored_messages(live_server, conversation.id) if m.author_kind == "child"]
    assert [(m.seq, m.text) for m in children] == [(ack["seq"], "مرحبا")]


async def test_an_oversized_text_error_names_the_message_so_the_browser_stops_resending(open_tab) -> None:
    tab = await open_tab()
    client_id = str(uuid.uuid4())

    await tab.send({"type": "text", "client_id": client_id, "text": "x" * 5000})
    error = await tab.until(lambda f: f["type"] == "error")

    assert (error["code"], error["client_id"]) == ("too_long", client_id)


async def test_a_flood_of_messages_is_refused_before_it_is_stored(open_tab, live_server) -> None:
    tab = await open_tab()
    for number in range(RATE_MAX_MESSAGES):
        await tab.say(f"رسالة {number}")
    flood_id = str(uuid.uuid4())

    await tab.send({"type": "text", "client_id": flood_id, "text": "رسالة زائدة"})
    error = await tab.until(lambda f: f["type"] == "error")

    conversation = await conversation_of(live_server, tab)
    texts = [m.text for m in await stored_messages(live_server, conversation.id)]
    assert (error["code"], error["client_id"]) == ("slow_down", flood_id)
    assert "رسالة زائدة" not in texts


async def test_a_frame_over_the_hard_cap_closes_the_socket_cleanly(open_tab) -> None:
    tab = await open_tab()

    await tab.send("x" * (70 * 1024))
    with pytest.raises(ConnectionClosed) as closed:
        await tab.until(lambda f: False)
    fresh = await open_tab()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    assert fresh.hello["type"] == "hello"


async def test_one_child_never_receives_another_childs_messages(open_tab) -> None:
    lina = await open_tab()
    yousef = await open_tab()

    await lina.say("سر لينا")
    await yousef.say("مرحبا")

    assert all("سر لينا" not in f.get("text", "") for f in yousef.frames)


async def test_after_a_chat_is_closed_the_next_message_starts_a_new_thread(
    open_tab, live_server, cast
) -> None:
    tab = await open_tab()
    await tab.ask_for_person()
    conversation = await conversation_of(live_server, tab)
    staff = await make_live(live_server, cast, conversation, "sami")
    old_thread = (await tab.expect(lambda f: f["type"] == "hello" and f["thread"] is not None))["thread"]
    async with live_server.app.state.sessions() as session:
        fresh = await repository.get_conversation(session, conversation.id)
        await actions.close_conversation(
            session, live_server.app.state.bus, fresh, staff=staff, category="information", now=utc_now()
        )
    await tab.expect(lambda f: f["type"] == "state" and f["state"] == "closed")

    ack = await tab.say("مرحبا مرة أخرى")

    new_hello = [f for f in tab.frames if f["type"] == "hello"][-1]
    assert new_hello["thread"] not in (None, old_thread)
    assert ack["seq"] == 1
    newer = await conversation_of(live_server, tab)
    assert newer.id != conversation.id
    assert AuthorKind.CHILD.value == (await stored_messages(live_server, newer.id))[0].author_kind


async def test_erasing_the_chat_clears_the_tab_and_leaves_no_messages(open_tab, live_server) -> None:
    tab = await open_tab()
    await tab.say("سر لا أريد أن يبقى")
    conversation = await conversation_of(live_server, tab)
    await tab.send({"type": "button", "client_id": str(uuid.uuid4()), "payload": "/delete"})

    await tab.send({"type": "button", "client_id": str(uuid.uuid4()), "payload": "/delete_confirm"})
    await tab.until(lambda f: f["type"] == "clear")
    fresh = await tab.until(lambda f: f["type"] == "hello")
    notice = await tab.until(lambda f: f["type"] == "message")

    assert fresh["thread"] is None
    assert fresh["last_seq"] == 0
    assert (notice["seq"], notice["author"]) == (0, "bot")
    assert await stored_messages(live_server, conversation.id) == []
    assert await live_server.app.state.dialogue.current_conversation("widget", tab.token) is None
