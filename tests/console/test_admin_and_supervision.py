"""The supervisor's overview and the admin's account page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from escalation import repository
from escalation.models import utc_now
from tests.cast import PASSWORD, Cast
from tests.console.conftest import csrf_token, queue_chat


async def test_supervision_shows_live_chats_with_their_counselor_and_the_queue(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    live = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    waiting = await queue_chat(
        cast, child="yousef", first_message="مرحبا", signals=["grooming"], waited_mins=7
    )
    await cast.log_in(client, "huda")

    page = (await client.get("/console/supervision")).text

    assert f'<tr data-conversation-id="{live.id}">' in page
    assert "<bdi>Sami</bdi>" in page
    assert f'<tr data-conversation-id="{waiting.id}">' in page
    assert re.search(r'<span class="stat__value">7:0\d</span>', page)  # the longest wait


async def test_admin_creates_an_account_whose_password_is_shown_once_and_works(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "omar")
    token = await csrf_token(client, "/console/admin/staff")

    created = await client.post(
        "/console/admin/staff",
        data={"csrf_token": token, "username": "layla", "display_name": "ليلى", "role": "counselor"},
    )

    assert created.status_code == 200
    password = re.search(r'<code class="secret" dir="ltr">([^<]+)</code>', created.text)
    assert password
    assert password.group(1) not in (await client.get("/console/admin/staff")).text
    login_token = await csrf_token(other_client, "/console/login")
    login = await other_client.post(
        "/console/login", data={"username": "layla", "password": password.group(1), "csrf_token": login_token}
    )
    assert login.status_code == 303


async def test_admin_cannot_create_an_account_with_an_unknown_role(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "omar")
    token = await csrf_token(client, "/console/admin/staff")

    response = await client.post(
        "/console/admin/staff", data={"csrf_token": token, "username": "x", "role": "superuser"}
    )

    assert response.status_code == 400
    async with cast.sessions() as session:
        assert await repository.find_staff_by_username(session, "x") is None


async def test_admin_unlocks_a_locked_account(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, cast: Cast
) -> None:
    sami = await cast.staff("sami")
    async with cast.sessions() as session:
        staff = await repository.find_staff(session, sami.id)
        assert staff is not None
        staff.locked_until = utc_now() + timedelta(hours=1)
        await session.commit()
    await cast.log_in(client, "omar")
    page = (await client.get("/console/admin/staff")).text
    assert 'data-action="unlock"' in page
    token = await csrf_token(client, "/console/admin/staff")

    response = await client.post(f"/console/admin/staff/{sami.id}/unlock", data={"csrf_token": token})

    assert response.status_code == 303
    login_token = await csrf_token(other_client, "/console/login")
    login = await other_client.post(
        "/console/login", data={"username": "sami", "password": PASSWORD, "csrf_token": login_token}
    )
    assert login.status_code == 303


async def test_the_patterns_page_shows_each_component_in_both_directions(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "omar")

    page = (await client.get("/console/admin/patterns")).text

    assert 'data-pattern-direction="rtl"' in page
    assert 'data-pattern-direction="ltr"' in page
    assert "خطر مرتفع" in page and "High risk" in page
    assert "أرسل الطفل صورة" in page and "The child sent a photo" in page
    for kind in ("child", "bot", "counselor", "system"):
        assert f'class="message message--{kind}"' in page
