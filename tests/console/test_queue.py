"""The queue page and taking a conversation from it."""

from __future__ import annotations

import asyncio
import re

import httpx

from escalation import actions, relay, repository
from escalation.models import utc_now
from tests.cast import Cast
from tests.console.conftest import csrf_token, queue_chat

ROW = re.compile(r'<li class="queue__item[^"]*"\s+data-conversation-id="(\d+)" data-risk="(\d)">')


def queue_rows(html: str) -> list[tuple[int, int]]:
    return [(int(cid), int(risk)) for cid, risk in ROW.findall(html)]


async def test_queue_lists_highest_risk_first_then_longest_waiting(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    concern_new = await queue_chat(
        cast, child="a", first_message="ما حدا بحبني", signals=["distress"], waited_mins=1
    )
    none_old = await queue_chat(cast, child="b", first_message="مرحبا", waited_mins=30)
    imminent = await queue_chat(
        cast, child="c", first_message="بدي موت", signals=["self_harm"], waited_mins=0
    )
    concern_old = await queue_chat(
        cast, child="d", first_message="في حدا بتنمر علي", signals=["cyberbullying"], waited_mins=9
    )
    high = await queue_chat(
        cast, child="e", first_message="بهددني بالصور", signals=["sextortion"], waited_mins=2
    )
    await cast.log_in(client, "sami")

    page = await client.get("/console/queue")

    assert queue_rows(page.text) == [
        (imminent.id, 3),
        (high.id, 2),
        (concern_old.id, 1),
        (concern_new.id, 1),
        (none_old.id, 0),
    ]


async def test_queue_row_shows_risk_label_waiting_time_channel_and_first_message(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await queue_chat(
        cast, child="lina", first_message="بهددني ينشر صوري", signals=["sextortion"], waited_mins=3
    )
    await cast.log_in(client, "sami")

    page = (await client.get("/console/queue")).text

    assert "خطر مرتفع" in page  # the level as words, not only a colour
    assert "ابتزاز جنسي" in page  # the signal
    assert "دردشة الموقع" in page  # the channel
    assert '<p class="queue__text" dir="auto">بهددني ينشر صوري</p>' in page
    assert re.search(r'data-since="[^"]+">3:0\d</time>', page)  # about three minutes waited
    assert 'data-action="take"' in page


async def test_queue_and_my_chats_show_the_message_that_raised_the_risk_not_the_greeting(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="مرحبا", waited_mins=2)
    raised = actions.Annotation(intent="self_harm", risk_level=3, risk_signals=("self_harm",))
    calmer = actions.Annotation(intent="distress", risk_level=1, risk_signals=("distress",))
    async with cast.sessions() as session:
        conversation = await repository.get_conversation(session, chat.id)
        for text, annotation in (("جمعت حبوب امي كلها", raised), ("ما حدا بفهمني", calmer)):
            await relay.post_child_message(
                session, cast.app.state.bus, conversation, text=text, now=utc_now(), annotation=annotation
            )
    await cast.log_in(client, "sami")

    queue = (await client.get("/console/queue")).text
    await client.post(f"/console/conversations/{chat.id}/take", data={"csrf_token": await csrf_token(client)})
    mine = (await client.get("/console/queue")).text

    assert '<p class="queue__text" dir="auto">جمعت حبوب امي كلها</p>' in queue
    assert '<span class="mine__text" dir="auto">جمعت حبوب امي كلها</span>' in mine  # a lower-risk message later does not replace it


async def test_an_imminent_chat_waiting_too_long_is_highlighted(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي موت", signals=["self_harm"], waited_mins=5)
    await cast.log_in(client, "sami")

    page = (await client.get("/console/queue")).text

    assert re.search(rf'queue__item--overdue"\s+data-conversation-id="{chat.id}"', page)


async def test_empty_queue_says_no_one_is_waiting(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")

    page = (await client.get("/console/queue")).text

    assert "لا أحد في الانتظار الآن" in page
    assert queue_rows(page) == []


async def test_taking_a_chat_opens_it_and_records_who_took_it(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي احكي مع حدا")
    sami = await cast.staff("sami")
    await cast.log_in(client, "sami")
    token = await csrf_token(client)

    response = await client.post(f"/console/conversations/{chat.id}/take", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == f"/console/conversations/{chat.id}"
    taken = await cast.conversation(chat.id)
    assert (taken.state, taken.counselor_id) == ("live", sami.id)
    async with cast.sessions() as session:
        last = (await repository.list_transitions(session, chat.id))[-1]
    assert (last.source, last.target, last.actor) == ("waiting", "live", f"staff:{sami.id}")
    queue = (await client.get("/console/queue")).text
    assert queue_rows(queue) == []
    assert f'class="mine__item" data-conversation-id="{chat.id}"' in queue  # under "my live chats"


async def test_the_second_counselor_to_take_a_chat_is_told_it_is_taken(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي احكي مع حدا")
    sami = await cast.staff("sami")
    await cast.log_in(client, "sami")
    await cast.log_in(other_client, "rana")
    sami_token, rana_token = await csrf_token(client), await csrf_token(other_client)
    await client.post(f"/console/conversations/{chat.id}/take", data={"csrf_token": sami_token})

    response = await other_client.post(
        f"/console/conversations/{chat.id}/take", data={"csrf_token": rana_token}
    )

    assert response.status_code == 409
    assert "استلم مرشد آخر تلك المحادثة قبلك" in response.text
    assert (await cast.conversation(chat.id)).counselor_id == sami.id


async def test_two_counselors_taking_at_the_same_moment_get_exactly_one_chat(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "sami")
    await cast.log_in(other_client, "rana")
    tokens = [await csrf_token(client), await csrf_token(other_client)]

    responses = await asyncio.gather(
        *(
            browser.post(f"/console/conversations/{chat.id}/take", data={"csrf_token": token})
            for browser, token in zip([client, other_client], tokens, strict=True)
        )
    )

    assert sorted(r.status_code for r in responses) == [303, 409]
    async with cast.sessions() as session:
        taken = [t for t in await repository.list_transitions(session, chat.id) if t.target == "live"]
    assert len(taken) == 1
