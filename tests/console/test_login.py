"""Logging in and out: the session cookie, wrong passwords, lock-out and the per-address limit."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from console.accounts import hash_password
from escalation import repository
from escalation.models import utc_now
from tests.cast import PASSWORD, Cast
from tests.console.conftest import csrf_token


async def attempt(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    token = await csrf_token(client, "/console/login")
    return await client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": token}
    )


async def test_login_page_is_arabic_right_to_left_with_a_csrf_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/console/login")

    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "تسجيل الدخول" in response.text
    assert 'name="csrf_token" value="' in response.text


async def test_right_password_opens_the_queue(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.staff("sami")

    response = await attempt(client, "sami", PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == "/console/queue"
    queue = await client.get("/console/queue")
    assert queue.status_code == 200
    assert "Sami" in queue.text


async def test_session_cookie_is_http_only_and_same_site(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.staff("sami")

    response = await attempt(client, "sami", PASSWORD)

    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=43200" in cookie
    assert "secure" not in cookie  # cookie_secure is off in tests


async def test_session_cookie_is_secure_when_configured(
    app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    app.state.settings.cookie_secure = True
    await cast.staff("sami")

    response = await attempt(client, "sami", PASSWORD)

    assert "secure" in response.headers["set-cookie"].lower()


async def test_wrong_password_shows_the_form_again_with_an_error(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.staff("sami")

    response = await attempt(client, "sami", "not the password")

    assert response.status_code == 401
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.text
    assert 'name="csrf_token"' in response.text
    assert (await client.get("/console/queue")).status_code == 303  # still logged out


async def test_unknown_username_gets_the_same_answer_as_a_wrong_password(client: httpx.AsyncClient) -> None:
    response = await attempt(client, "nobody", "whatever password")

    assert response.status_code == 401
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.text


async def test_account_locks_after_repeated_failures_even_for_the_right_password(
    app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    app.state.settings.login_max_failures = 3
    await cast.staff("sami")
    for _ in range(3):
        await attempt(client, "sami", "guess")

    response = await attempt(client, "sami", PASSWORD)

    assert response.status_code == 423
    assert "مقفل" in response.text
    staff = await cast.staff("sami")
    assert staff.locked_until is not None
    assert staff.locked_until > utc_now() + timedelta(seconds=app.state.settings.login_lockout_secs - 60)


async def test_the_failure_that_reaches_the_limit_already_says_locked(
    app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    app.state.settings.login_max_failures = 2
    await cast.staff("sami")
    await attempt(client, "sami", "guess")

    response = await attempt(client, "sami", "guess again")

    assert response.status_code == 423


async def test_a_lock_that_has_expired_lets_the_counselor_in(
    app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    app.state.settings.login_max_failures = 2
    await cast.staff("sami")
    for _ in range(2):
        await attempt(client, "sami", "guess")
    async with cast.sessions() as session:
        staff = await repository.find_staff_by_username(session, "sami")
        assert staff is not None
        staff.locked_until = utc_now() - timedelta(seconds=1)
        await session.commit()

    response = await attempt(client, "sami", PASSWORD)

    assert response.status_code == 303


async def test_one_address_failing_across_many_usernames_is_rate_limited(
    app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    app.state.settings.login_max_failures = 2  # the address may fail 4 × 2 = 8 times
    await cast.staff("sami")
    for number in range(8):
        await attempt(client, f"guess{number}", "guess")

    response = await attempt(client, "sami", PASSWORD)

    assert response.status_code == 429
    assert "محاولات فاشلة كثيرة من هذا العنوان" in response.text
    assert (await cast.staff("sami")).locked_until is None  # the account itself was never guessed


async def test_log_out_ends_the_session(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")
    token = await csrf_token(client)

    response = await client.post("/console/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    assert (await client.get("/console/queue")).status_code == 303


async def test_log_out_also_ends_a_copy_of_the_session_cookie(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")
    copied = client.cookies["sanad_console"]  # e.g. the same login left open on another computer
    token = await csrf_token(client)

    await client.post("/console/logout", data={"csrf_token": token})
    client.cookies.set("sanad_console", copied, path="/console")
    response = await client.get("/console/queue")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_logging_in_again_after_log_out_works(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")
    await client.post("/console/logout", data={"csrf_token": await csrf_token(client)})

    await cast.log_in(client, "sami")

    assert (await client.get("/console/queue")).status_code == 200


async def test_a_tampered_session_cookie_is_no_session(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")
    value = client.cookies["sanad_console"]
    client.cookies.clear()
    client.cookies.set(
        "sanad_console", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/console"
    )

    response = await client.get("/console/queue")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login")


async def test_a_new_password_ends_sessions_opened_with_the_old_one(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "sami")
    async with cast.sessions() as session:
        staff = await repository.find_staff_by_username(session, "sami")
        assert staff is not None
        staff.password_hash = hash_password("a brand new password")
        await session.commit()

    response = await client.get("/console/queue")

    assert response.status_code == 303


async def test_login_redirects_back_to_the_page_asked_for_but_never_off_site(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.staff("sami")
    first = await client.get("/console/conversations?q=x")
    assert first.headers["location"] == "/console/login?next=/console/conversations%3Fq%3Dx"
    token = await csrf_token(client, "/console/login")

    inside = await client.post(
        "/console/login",
        data={
            "username": "sami",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/console/conversations?q=x",
        },
    )
    token = await csrf_token(client, "/console/login")
    outside = await client.post(
        "/console/login",
        data={"username": "sami", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
    )

    assert inside.headers["location"] == "/console/conversations?q=x"
    assert outside.headers["location"] == "/console/queue"
