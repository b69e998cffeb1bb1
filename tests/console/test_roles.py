"""Roles and the conversation gate: who may open which page and which conversation."""

from __future__ import annotations

import httpx
import pytest

from escalation import repository
from tests.cast import Cast
from tests.console.conftest import queue_chat

SUPERVISOR_PAGES = ["/console/supervision"]
ADMIN_PAGES = ["/console/admin/staff", "/console/admin/patterns"]


@pytest.mark.parametrize(
    "page",
    ["/console/queue", "/console/conversations", "/console/conversations/1", *SUPERVISOR_PAGES, *ADMIN_PAGES],
)
async def test_pages_send_a_visitor_without_a_session_to_the_login(
    client: httpx.AsyncClient, page: str
) -> None:
    response = await client.get(page)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")


@pytest.mark.parametrize("page", SUPERVISOR_PAGES + ADMIN_PAGES)
async def test_a_counselor_cannot_open_supervisor_or_admin_pages(
    client: httpx.AsyncClient, cast: Cast, page: str
) -> None:
    await cast.log_in(client, "sami")

    response = await client.get(page)

    assert response.status_code == 403
    assert "دورك لا يشمل هذه الصفحة" in response.text


async def test_a_supervisor_opens_supervision_but_not_accounts(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "huda")

    supervision = await client.get("/console/supervision")
    accounts = await client.get("/console/admin/staff")

    assert supervision.status_code == 200
    assert accounts.status_code == 403


async def test_an_admin_opens_every_page(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "omar")

    statuses = [
        (await client.get(page)).status_code for page in ["/console/queue", *SUPERVISOR_PAGES, *ADMIN_PAGES]
    ]

    assert statuses == [200] * len(statuses)


async def test_the_header_shows_only_the_links_of_the_role(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")

    page = await client.get("/console/queue")

    assert 'href="/console/supervision"' not in page.text
    assert 'href="/console/admin/staff"' not in page.text


async def test_counselor_cannot_open_a_chat_held_by_a_colleague(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "rana")

    response = await client.get(f"/console/conversations/{chat.id}")

    assert response.status_code == 404  # the same answer as for an id that does not exist
    assert "بدي احكي مع حدا" not in response.text


async def test_a_missing_conversation_gives_the_same_404(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "rana")

    response = await client.get("/console/conversations/999999")

    assert response.status_code == 404


async def test_counselor_cannot_act_on_a_chat_held_by_a_colleague(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "rana")
    token = (await client.get("/console/queue")).text.split('name="csrf_token" value="')[1].split('"')[0]

    responses = [
        await client.post(f"/console/conversations/{chat.id}/{action}", data={"csrf_token": token, **fields})
        for action, fields in [
            ("release", {}),
            ("notes", {"text": "x"}),
            ("close", {"category": "violence.other"}),
        ]
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert (await cast.conversation(chat.id)).state == "live"


async def test_supervisor_reads_a_chat_held_by_a_counselor(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "huda")

    response = await client.get(f"/console/conversations/{chat.id}")

    assert response.status_code == 200
    assert "بدي احكي مع حدا" in response.text
    assert 'class="chat__composer"' not in response.text  # reading silently: no composer


async def test_counselor_reads_a_waiting_chat_before_taking_it(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await queue_chat(cast, child="lina", first_message="في حدا عم يهددني")
    await cast.log_in(client, "rana")

    response = await client.get(f"/console/conversations/{chat.id}")

    assert response.status_code == 200
    assert "في حدا عم يهددني" in response.text
    assert 'data-action="take"' in response.text


async def test_every_transcript_view_is_audited(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="بدي احكي مع حدا")
    huda = await cast.staff("huda")
    await cast.log_in(client, "huda")

    await client.get(f"/console/conversations/{chat.id}")
    await client.get(f"/console/conversations/{chat.id}")

    async with cast.sessions() as session:
        entries = await repository.list_audit(session, conversation_id=chat.id)
    assert [(e.action, e.staff_id) for e in entries] == [("view", huda.id), ("view", huda.id)]
