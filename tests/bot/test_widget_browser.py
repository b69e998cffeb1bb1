"""The widget in a real browser (Debian chromium via Playwright), on the demo page a child opens."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from escalation import actions, repository
from escalation.models import utc_now
from escalation.relay import post_counselor_message, signal_typing
from tests.cast import Cast
from tests.conftest import LiveServer, free_port

WAIT_MS = 60_000  # a safety net: the first reply of a run trains the NLU
ITEMS = '[data-sanad="messages"] li[data-sanad-author]'
READ_ITEMS = (
    "items => items.map(i => [i.dataset.sanadAuthor, i.dataset.seq, i.querySelector('p').textContent])"
)


@pytest.fixture
async def child_page(browser: Browser, live_server: LiveServer) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 420, "height": 760}, locale="ar")
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{live_server.base_url}/")
    try:
        yield page
    finally:
        await context.close()


async def open_and_say(page: Page, text: str) -> None:
    await page.click('[data-sanad="launcher"]')
    await page.fill('[data-sanad="input"]', text)
    await page.click('[data-sanad="send"]')
    await page.locator('[data-sanad-author="child"][data-seq]').first.wait_for()
    await page.locator('[data-sanad-author="bot"][data-seq]').first.wait_for()


async def token_of(page: Page) -> str:
    token = await page.evaluate("localStorage.getItem('sanad.resume')")
    assert token, "the widget stored no resume token"
    return str(token)


async def test_a_child_writes_in_arabic_and_sees_the_bot_answer(
    child_page: Page, artifacts_dir: Path
) -> None:
    await open_and_say(child_page, "مرحبا، عندي سؤال عن انستغرام")

    items = await child_page.locator(ITEMS).evaluate_all(READ_ITEMS)
    await child_page.screenshot(path=str(artifacts_dir / "widget-ar.png"))
    assert items[0] == ["child", "1", "مرحبا، عندي سؤال عن انستغرام"]
    assert any(author == "bot" for author, _, _ in items)
    assert await child_page.locator(".sanad").get_attribute("dir") == "rtl"


async def test_the_browser_keeps_only_the_resume_token(child_page: Page) -> None:
    await open_and_say(child_page, "سر صغير لا يحفظ")

    raw = await child_page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )

    local, session = json.loads(raw)
    assert [key for key, _ in local] == ["sanad.resume"]
    assert session == []
    assert "سر صغير" not in raw


async def test_after_a_reload_the_conversation_comes_back_once(child_page: Page) -> None:
    await open_and_say(child_page, "مرحبا")
    before = await child_page.locator(ITEMS).evaluate_all(READ_ITEMS)

    await child_page.reload()
    await child_page.click('[data-sanad="launcher"]')
    await child_page.locator(f'[data-seq="{before[-1][1]}"]').wait_for()

    after = await child_page.locator(ITEMS).evaluate_all(READ_ITEMS)
    assert after == before


async def test_the_english_switch_turns_the_panel_left_to_right(
    child_page: Page, artifacts_dir: Path
) -> None:
    await open_and_say(child_page, "hello")

    await child_page.click('[data-sanad="lang"]')

    await expect(child_page.locator('[data-sanad="send"]')).to_have_text("Send")
    assert await child_page.locator(".sanad").get_attribute("dir") == "ltr"
    await child_page.screenshot(path=str(artifacts_dir / "widget-en.png"))


async def test_asking_for_a_person_shows_the_queue_and_cancelling_returns(child_page: Page) -> None:
    await child_page.click('[data-sanad="launcher"]')
    status = child_page.locator('[data-sanad="status"]')

    await child_page.click('[data-sanad="ask-human"]')
    await expect(status).to_have_attribute("data-state", "waiting")
    await expect(status).to_have_attribute("data-queue-position", "1")
    await expect(child_page.locator('[data-sanad="ask-human"]')).to_be_hidden()
    await child_page.click('[data-sanad="cancel"]')

    await expect(status).to_have_attribute("data-state", "bot")
    await expect(child_page.locator('[data-sanad="ask-human"]')).to_be_visible()


async def test_the_counselor_typing_and_reply_appear_live(
    child_page: Page, live_server: LiveServer, cast: Cast, artifacts_dir: Path
) -> None:
    await child_page.click('[data-sanad="launcher"]')
    await child_page.click('[data-sanad="ask-human"]')
    await expect(child_page.locator('[data-sanad="status"]')).to_have_attribute("data-state", "waiting")
    conversation = await live_server.app.state.dialogue.current_conversation(
        "widget", await token_of(child_page)
    )
    staff = await cast.staff("sami")
    async with live_server.app.state.sessions() as session:
        fresh = await repository.get_conversation(session, conversation.id)
        await actions.assign_counselor(
            session, live_server.app.state.bus, fresh, counselor=staff, now=utc_now()
        )

    await signal_typing(live_server.app.state.bus, fresh, who="counselor", active=True)
    await expect(child_page.locator('[data-sanad="typing"]')).to_be_visible()
    async with live_server.app.state.sessions() as session:
        await post_counselor_message(
            session, live_server.app.state.bus, fresh, staff=staff, text="مرحبا، أنا سامي", now=utc_now()
        )

    reply = child_page.locator('[data-sanad-author="counselor"]')
    await expect(reply).to_contain_text("مرحبا، أنا سامي")
    await expect(child_page.locator('[data-sanad="status"]')).to_have_attribute("data-state", "live")
    await expect(child_page.locator('[data-sanad="typing"]')).to_be_hidden()
    await child_page.screenshot(path=str(artifacts_dir / "widget-live-ar.png"))


async def test_quick_exit_replaces_the_page_and_forgets_the_token(child_page: Page) -> None:
    await open_and_say(child_page, "مرحبا")

    await child_page.click('[data-sanad="exit"]')
    await child_page.wait_for_url("**/widget/neutral")

    assert await child_page.evaluate("localStorage.getItem('sanad.resume')") is None
    assert "سند" not in await child_page.content()


async def test_three_escape_presses_leave_the_page(child_page: Page) -> None:
    await child_page.click('[data-sanad="launcher"]')
    await child_page.wait_for_function("localStorage.getItem('sanad.resume') !== null")

    for _ in range(3):
        await child_page.keyboard.press("Escape")
    await child_page.wait_for_url("**/widget/neutral")

    assert await child_page.evaluate("localStorage.getItem('sanad.resume')") is None


async def test_a_message_written_offline_is_sent_once_when_the_connection_returns(
    child_page: Page, live_server: LiveServer
) -> None:
    await open_and_say(child_page, "مرحبا")
    token = await token_of(child_page)
    status = child_page.locator('[data-sanad="status"]')

    await child_page.context.set_offline(True)
    await expect(status).to_have_attribute("data-connection", "offline")
    await child_page.fill('[data-sanad="input"]', "كتبت هذا وأنا بلا إنترنت")
    await child_page.click('[data-sanad="send"]')
    sent = child_page.locator('[data-sanad-author="child"]', has_text="كتبت هذا وأنا بلا إنترنت")
    await expect(sent).to_have_attribute("data-pending", "true")
    await child_page.context.set_offline(False)
    await expect(sent).to_have_attribute("data-seq", re.compile(r"^\d+$"))

    conversation = await live_server.app.state.dialogue.current_conversation("widget", token)
    async with live_server.app.state.sessions() as session:
        stored = await repository.list_messages(session, conversation.id)
    assert [m.text for m in stored].count("كتبت هذا وأنا بلا إنترنت") == 1
    assert await sent.count() == 1


@pytest.fixture
async def school_site(live_server: LiveServer) -> AsyncIterator[str]:
    """Another site on another origin embedding the widget with one tag, and hostile page styles."""
    port = free_port()
    site = f"http://localhost:{port}"
    page = (
        '<!doctype html><html lang="en"><head><style>div, section, button { display: none !important;'
        " color: red !important } * { font-size: 40px }</style></head><body><h1>School news</h1>"
        f'<script src="{live_server.base_url}/widget.js" data-exit-url="{site}/leave" defer></script>'
        "</body></html>"
    )

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        body = (page if request.startswith(b"GET / ") else "bye").encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    try:
        yield site
    finally:
        server.close()
        await server.wait_closed()


async def test_on_another_sites_page_the_widget_chats_and_exits_where_the_site_said(
    browser: Browser, school_site: str, artifacts_dir: Path
) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 760})
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{school_site}/")

    await open_and_say(page, "hello")
    await page.screenshot(path=str(artifacts_dir / "widget-foreign-site.png"))
    await page.click('[data-sanad="exit"]')
    await page.wait_for_url(f"{school_site}/leave")

    assert await page.evaluate("localStorage.getItem('sanad.resume')") is None
    await context.close()


async def test_erasing_the_chat_wipes_it_from_the_screen(child_page: Page) -> None:
    await open_and_say(child_page, "سر لا أريد أن يبقى")
    await child_page.fill('[data-sanad="input"]', "/delete")
    await child_page.click('[data-sanad="send"]')

    await child_page.click('[data-sanad-payload="/delete_confirm"]')
    await expect(child_page.locator('[data-seq="0"]')).to_have_count(1)

    assert await child_page.locator('[data-sanad="messages"]').get_by_text("سر لا أريد أن يبقى").count() == 0
    assert await child_page.locator("li[data-sanad-author][data-seq]:not([data-seq='0'])").count() == 0
