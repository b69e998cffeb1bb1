"""CSRF: every POST form must echo the session's token; without it nothing happens (403)."""

from __future__ import annotations

import httpx
import pytest

from escalation import repository
from tests.cast import PASSWORD, Cast
from tests.console.conftest import csrf_token, queue_chat

BAD_TOKENS = {"missing": None, "wrong": "not-the-session-token", "empty": ""}


def form(token: str | None, **fields: str) -> dict[str, str]:
    return fields if token is None else {**fields, "csrf_token": token}


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_login_without_the_page_token_is_refused(
    client: httpx.AsyncClient, cast: Cast, token: str | None
) -> None:
    await cast.staff("sami")
    await client.get("/console/login")  # the browser has a session, but the form lacks its token

    response = await client.post("/console/login", data=form(token, username="sami", password=PASSWORD))

    assert response.status_code == 403
    assert (await client.get("/console/queue")).status_code == 303


async def test_a_token_from_another_browser_is_refused(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.staff("sami")
    await client.get("/console/login")
    foreign = await csrf_token(other_client, "/console/login")

    response = await client.post(
        "/console/login", data={"username": "sami", "password": PASSWORD, "csrf_token": foreign}
    )

    assert response.status_code == 403


async def test_the_token_from_before_login_stops_working_after_login(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.staff("sami")
    before = await csrf_token(client, "/console/login")
    await client.post("/console/login", data={"username": "sami", "password": PASSWORD, "csrf_token": before})

    response = await client.post("/console/logout", data={"csrf_token": before})

    assert response.status_code == 403


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_take_without_the_token_is_refused_and_the_chat_stays_waiting(
    client: httpx.AsyncClient, cast: Cast, token: str | None
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "sami")

    response = await client.post(f"/console/conversations/{chat.id}/take", data=form(token))

    assert response.status_code == 403
    assert (await cast.conversation(chat.id)).state == "waiting"


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("close", {"category": "violence.cyberbullying"}),
        ("notes", {"text": "a note"}),
        ("release", {}),
        ("messages", {"text": "hello"}),
    ],
)
@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_chat_forms_without_the_token_change_nothing(
    client: httpx.AsyncClient, cast: Cast, action: str, fields: dict[str, str], token: str | None
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="بدي احكي مع حدا")
    await cast.log_in(client, "sami")

    response = await client.post(f"/console/conversations/{chat.id}/{action}", data=form(token, **fields))

    assert response.status_code == 403
    async with cast.sessions() as session:
        assert (await repository.get_conversation(session, chat.id)).state == "live"
        assert await repository.list_notes(session, chat.id) == []
        assert [m.author_kind for m in await repository.list_messages(session, chat.id)].count(
            "counselor"
        ) == 0


async def test_logout_without_the_token_keeps_the_session(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")

    response = await client.post("/console/logout", data={})

    assert response.status_code == 403
    assert (await client.get("/console/queue")).status_code == 200


async def test_admin_account_form_without_the_token_creates_nothing(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "omar")

    response = await client.post(
        "/console/admin/staff", data={"username": "intruder", "role": "admin", "csrf_token": "forged"}
    )

    assert response.status_code == 403
    async with cast.sessions() as session:
        assert await repository.find_staff_by_username(session, "intruder") is None
