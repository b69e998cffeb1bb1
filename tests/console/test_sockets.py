"""The console's live sockets on a real uvicorn server: queue pushes, chat relay both ways, bad frames."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bot.alerts import remind_unanswered
from escalation import actions, relay, repository
from escalation.bus import MessagePosted, Typing, conversation_topic
from escalation.models import utc_now
from tests.cast import Cast
from tests.conftest import LiveServer
from tests.console.conftest import cookie_header, next_event, next_frame, queue_chat, take


def chat_url(live_server: LiveServer, conversation_id: int, after: int | None = None) -> str:
    url = f"{live_server.ws_url}/console/conversations/{conversation_id}/socket"
    return url if after is None else f"{url}?after={after}"


async def send(ws: ClientConnection, frame: Mapping[str, object]) -> None:
    await ws.send(json.dumps(frame))


async def log_out(client: httpx.AsyncClient) -> None:
    """Log out through the console's form, as another tab of the same person would."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', (await client.get("/console/queue")).text)
    assert token is not None
    await client.post("/console/logout", data={"csrf_token": token.group(1)})


# ---- queue socket ----


async def test_queue_socket_pushes_a_newly_queued_conversation(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "sami")
    async with connect(
        f"{live_server.ws_url}/console/queue/socket", additional_headers=cookie_header(client)
    ) as ws:
        first = await next_frame(ws, "queue")

        chat = await cast.waiting_chat(child="lina", first_message="بدي احكي مع حدا")
        pushed = await next_frame(ws, "queue")

    assert first["ids"] == []
    assert pushed["ids"] == [chat.id]
    assert pushed["count"] == 1
    assert f'data-conversation-id="{chat.id}" data-risk="0"' in pushed["queue_html"]
    assert 'data-action="take"' in pushed["queue_html"]
    assert 'name="csrf_token" value="' in pushed["queue_html"]


async def test_queue_socket_pushes_the_new_order_when_a_riskier_chat_arrives(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    calm = await queue_chat(cast, child="lina", first_message="مرحبا", waited_mins=10)
    await cast.log_in(client, "sami")
    async with connect(
        f"{live_server.ws_url}/console/queue/socket", additional_headers=cookie_header(client)
    ) as ws:
        await next_frame(ws, "queue")

        urgent = await queue_chat(cast, child="yousef", first_message="بدي موت", signals=["self_harm"])
        pushed = await next_frame(ws, "queue")

    assert pushed["ids"] == [urgent.id, calm.id]
    assert f'data-conversation-id="{urgent.id}" data-risk="3"' in pushed["queue_html"]


async def test_queue_socket_alerts_again_when_an_imminent_chat_stays_unanswered(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast, app: FastAPI
) -> None:
    urgent = await queue_chat(cast, child="lina", first_message="بدي موت", signals=["self_harm"], waited_mins=3)
    await cast.log_in(client, "sami")
    async with connect(
        f"{live_server.ws_url}/console/queue/socket", additional_headers=cookie_header(client)
    ) as ws:
        await next_frame(ws, "queue")

        await remind_unanswered(app.state.dialogue, after_secs=60)  # or the server's own watch did
        while not (pushed := await next_frame(ws, "queue"))["alerted"]:
            pass

    assert pushed["alerted"] == [urgent.id]
    assert re.search(rf'queue__item--overdue"\s+data-conversation-id="{urgent.id}"', pushed["queue_html"])


async def test_queue_socket_moves_a_taken_chat_to_my_live_chats(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="مرحبا")
    await cast.log_in(client, "sami")
    async with connect(
        f"{live_server.ws_url}/console/queue/socket", additional_headers=cookie_header(client)
    ) as ws:
        await next_frame(ws, "queue")

        await take(cast, chat, "sami")
        pushed = await next_frame(ws, "queue")

    assert pushed["ids"] == []
    assert f'class="mine__item" data-conversation-id="{chat.id}"' in pushed["mine_html"]


async def test_queue_socket_refuses_a_visitor_without_a_session(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{live_server.ws_url}/console/queue/socket"):
            pass

    assert refused.value.response.status_code == 403


async def test_queue_socket_refuses_a_page_from_another_site(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "sami")

    with pytest.raises(InvalidStatus):
        async with connect(
            f"{live_server.ws_url}/console/queue/socket",
            additional_headers=cookie_header(client),
            origin="https://evil.example",  # type: ignore[arg-type]
        ):
            pass


# ---- chat socket ----


async def test_chat_socket_relays_the_child_to_the_counselor_and_back(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    to_child = await cast.app.state.bus.subscribe(conversation_topic(chat.id))
    last = (await cast.conversation(chat.id)).last_seq
    async with connect(
        chat_url(live_server, chat.id, after=last), additional_headers=cookie_header(client)
    ) as ws:
        await cast.child_says("lina", "في واحد عم يهددني")
        from_child = await next_frame(ws, "message")

        client_id = str(uuid.uuid4())
        await send(ws, {"type": "text", "client_id": client_id, "text": "أنا معك، احكيلي أكثر"})
        ack = await next_frame(ws, "ack")

    assert (from_child["author_kind"], from_child["text"]) == ("child", "في واحد عم يهددني")
    assert 'class="message message--child"' in from_child["html"]
    assert ack["client_id"] == client_id
    event = await next_event(
        to_child, lambda e: isinstance(e, MessagePosted) and e.author_kind == "counselor"
    )
    await to_child.close()
    assert isinstance(event, MessagePosted)
    assert (event.seq, event.text) == (ack["seq"], "أنا معك، احكيلي أكثر")
    async with cast.sessions() as session:
        stored = [m for m in await repository.list_messages(session, chat.id) if m.author_kind == "counselor"]
    assert [(m.seq, m.text) for m in stored] == [(ack["seq"], "أنا معك، احكيلي أكثر")]


async def test_a_resent_message_is_stored_once(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    frame = {"type": "text", "client_id": str(uuid.uuid4()), "text": "مرحبا، أنا سامي"}
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        await send(ws, frame)
        first = await next_frame(ws, "ack")
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        await send(ws, frame)  # the browser resends after a reconnect
        second = await next_frame(ws, "ack")

    assert first["seq"] == second["seq"]
    async with cast.sessions() as session:
        texts = [m.text for m in await repository.list_messages(session, chat.id)]
    assert texts.count("مرحبا، أنا سامي") == 1


async def test_chat_socket_first_sends_what_was_stored_after_the_page(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    page_seq = (await cast.conversation(chat.id)).last_seq
    await cast.child_says("lina", "written while the page loaded")

    async with connect(
        chat_url(live_server, chat.id, after=page_seq), additional_headers=cookie_header(client)
    ) as ws:
        missed = await next_frame(ws, "message")

    assert (missed["seq"], missed["text"]) == (page_seq + 1, "written while the page loaded")


async def test_typing_travels_both_ways(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    to_child = await cast.app.state.bus.subscribe(conversation_topic(chat.id))
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        await relay.signal_typing(cast.app.state.bus, chat, who="child", active=True)
        child_typing = await next_frame(ws, "typing")

        await send(ws, {"type": "typing", "active": True})
        event = await next_event(to_child, lambda e: isinstance(e, Typing) and e.who == "counselor")
    await to_child.close()
    assert isinstance(event, Typing)

    assert (child_typing["who"], child_typing["active"]) == ("child", True)
    assert event.active is True


INVALID_FRAMES = {
    "not json": "hello",
    "unknown type": json.dumps({"type": "shout", "client_id": str(uuid.uuid4()), "text": "x"}),
    "no client id": json.dumps({"type": "text", "text": "x"}),
    "bad client id": json.dumps({"type": "text", "client_id": "1; DROP", "text": "x"}),
    "empty text": json.dumps({"type": "text", "client_id": str(uuid.uuid4()), "text": "   "}),
    "oversized text": json.dumps({"type": "text", "client_id": str(uuid.uuid4()), "text": "ا" * 4001}),
    "oversized frame": json.dumps({"type": "typing", "active": True, "pad": "x" * 20_000}),
    "a list": json.dumps([1, 2]),
    "typing not a bool": json.dumps({"type": "typing", "active": "maybe"}),
}


@pytest.mark.parametrize("raw", INVALID_FRAMES.values(), ids=INVALID_FRAMES.keys())
async def test_an_invalid_frame_gets_an_error_and_the_socket_stays_usable(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast, raw: str
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    before = (await cast.conversation(chat.id)).last_seq
    async with connect(
        chat_url(live_server, chat.id, after=before), additional_headers=cookie_header(client)
    ) as ws:
        await ws.send(raw)
        error = await next_frame(ws, "error")

        await send(ws, {"type": "text", "client_id": str(uuid.uuid4()), "text": "still here"})
        ack = await next_frame(ws, "ack")

    assert error == {"type": "error", "code": "invalid_frame"}
    assert ack["seq"] == before + 1  # nothing was stored for the bad frame


async def test_a_binary_frame_gets_an_error_and_the_socket_stays_usable(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        await ws.send(b"\x00\x01binary")
        error = await next_frame(ws, "error")
        await send(ws, {"type": "typing", "active": False})
        await send(ws, {"type": "text", "client_id": str(uuid.uuid4()), "text": "ok"})
        ack = await next_frame(ws, "ack")

    assert error["code"] == "invalid_frame"
    assert ack["type"] == "ack"


async def test_chat_socket_refuses_a_counselor_who_does_not_hold_the_chat(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "rana")

    with pytest.raises(InvalidStatus) as refused:
        async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)):
            pass

    assert refused.value.response.status_code == 403


async def test_a_supervisor_watches_silently_and_cannot_write(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    huda = await cast.staff("huda")
    await cast.log_in(client, "huda")
    last = (await cast.conversation(chat.id)).last_seq
    async with connect(
        chat_url(live_server, chat.id, after=last), additional_headers=cookie_header(client)
    ) as ws:
        await cast.child_says("lina", "هل في حدا؟")
        seen = await next_frame(ws, "message")
        await send(ws, {"type": "text", "client_id": str(uuid.uuid4()), "text": "supervisor here"})
        refused = await next_frame(ws, "error")

    assert seen["text"] == "هل في حدا؟"
    assert refused["code"] == "not_found"
    async with cast.sessions() as session:
        texts = [m.text for m in await repository.list_messages(session, chat.id)]
        audit = await repository.list_audit(session, conversation_id=chat.id)
    assert "supervisor here" not in texts
    assert ("watch", huda.id) in [(a.action, a.staff_id) for a in audit]  # the silent join is logged


async def test_a_counselor_whose_chat_goes_to_a_colleague_is_disconnected(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    sami = await cast.staff("sami")
    await cast.log_in(client, "sami")
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        async with cast.sessions() as session:
            conversation = await repository.get_conversation(session, chat.id)
            await actions.release_to_queue(
                session,
                cast.app.state.bus,
                conversation,
                actor=f"staff:{sami.id}",
                reason="transferred",
                now=utc_now(),
            )
        released = await next_frame(ws, "state")
        await take(cast, chat, "rana")
        taken = await next_frame(ws, "state")
        with pytest.raises(ConnectionClosed) as closed:
            await next_frame(ws, "state")

    assert (released["state"], released["holds"]) == ("waiting", False)
    assert taken["state"] == "live"
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4404


async def test_after_logging_out_an_open_chat_socket_can_no_longer_write_as_the_counselor(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    headers = cookie_header(client)
    async with connect(chat_url(live_server, chat.id), additional_headers=headers) as ws:
        await send(ws, {"type": "text", "client_id": str(uuid.uuid4()), "text": "قبل الخروج"})
        await next_frame(ws, "ack")
        await log_out(client)  # e.g. from another tab
        await send(ws, {"type": "text", "client_id": str(uuid.uuid4()), "text": "بعد الخروج"})
        with pytest.raises(ConnectionClosed) as closed:
            await next_frame(ws, "ack")

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    async with cast.sessions() as session:
        texts = [m.text for m in await repository.list_messages(session, chat.id)]
    assert "قبل الخروج" in texts and "بعد الخروج" not in texts


async def test_after_logging_out_the_queue_socket_shows_nothing_more(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "sami")
    async with connect(
        f"{live_server.ws_url}/console/queue/socket", additional_headers=cookie_header(client)
    ) as ws:
        await next_frame(ws, "queue")
        await log_out(client)  # e.g. from another tab

        await cast.waiting_chat(child="lina", first_message="بدي احكي مع حدا")
        with pytest.raises(ConnectionClosed) as closed:
            await next_frame(ws, "queue")

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_after_logging_out_an_open_chat_socket_receives_no_more_messages(
    live_server: LiveServer, client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    async with connect(chat_url(live_server, chat.id), additional_headers=cookie_header(client)) as ws:
        await next_frame(ws, "message")  # the backlog: «مرحبا»
        await log_out(client)

        await cast.child_says("lina", "رسالة بعد الخروج")
        with pytest.raises(ConnectionClosed) as closed:
            while (await next_frame(ws, "message"))["text"] != "رسالة بعد الخروج":
                pass

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
