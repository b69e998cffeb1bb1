"""Past conversations: search, state filter, who sees which, pages."""

from __future__ import annotations

import re

import httpx

from tests.cast import Cast
from tests.console.conftest import queue_chat, take

ROW = re.compile(r'<tr class="table__row" data-conversation-id="(\d+)">')


def listed(html: str) -> list[int]:
    return [int(i) for i in ROW.findall(html)]


async def test_a_supervisor_finds_a_conversation_by_what_was_written(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    wanted = await queue_chat(cast, child="lina", first_message="حسابي على انستغرام انسرق")
    await queue_chat(cast, child="yousef", first_message="مرحبا")
    await cast.log_in(client, "huda")

    page = (await client.get("/console/conversations", params={"q": "انستغرام"})).text

    assert listed(page) == [wanted.id]


async def test_a_counselor_sees_only_their_own_conversations(client: httpx.AsyncClient, cast: Cast) -> None:
    mine = await queue_chat(cast, child="lina", first_message="مرحبا")
    colleagues = await queue_chat(cast, child="yousef", first_message="مرحبا")
    waiting = await queue_chat(cast, child="maya", first_message="مرحبا")
    await take(cast, mine, "sami")
    await take(cast, colleagues, "rana")
    await cast.log_in(client, "sami")

    everything = listed((await client.get("/console/conversations")).text)
    queue = listed((await client.get("/console/conversations", params={"state": "waiting"})).text)

    assert everything == [mine.id]
    assert queue == [waiting.id]


async def test_the_state_filter_keeps_one_state(client: httpx.AsyncClient, cast: Cast) -> None:
    live = await queue_chat(cast, child="lina", first_message="مرحبا")
    waiting = await queue_chat(cast, child="yousef", first_message="مرحبا")
    await take(cast, live, "sami")
    await cast.log_in(client, "huda")

    page = (await client.get("/console/conversations", params={"state": "live"})).text

    assert listed(page) == [live.id]
    assert waiting.id not in listed(page)


async def test_the_list_is_paged_newest_first(client: httpx.AsyncClient, cast: Cast) -> None:
    ids = [(await queue_chat(cast, child=f"child{n}", first_message="مرحبا")).id for n in range(27)]
    await cast.log_in(client, "huda")

    first = (await client.get("/console/conversations")).text
    second = (await client.get("/console/conversations", params={"page": 2})).text

    assert listed(first) == ids[::-1][:25]
    assert listed(second) == ids[::-1][25:]
    assert 'rel="next"' in first
    assert 'rel="next"' not in second
    assert 'rel="prev"' in second


async def test_nothing_found_says_so(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "huda")

    page = (await client.get("/console/conversations", params={"q": "no such words"})).text

    assert "لا محادثات مطابقة" in page
