"""A child chats in the widget, asks for a person; a counselor takes it, answers, and closes it."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.async_api import Browser, Page, expect
from sqlalchemy import func, select

from escalation import repository
from escalation.models import CaseRecord, Message
from tests.cast import PASSWORD, Cast
from tests.conftest import LiveServer

CHILD_TEXT = "مرحبا، في حدا عم يزعجني على الانستغرام"
COUNSELOR_TEXT = "أهلًا، أنا سامي من «سند». أنا هنا معك، احكيلي شو صار؟"


async def open_widget(page: Page, base_url: str) -> None:
    await page.goto(base_url + "/")
    panel = page.locator('[data-sanad="panel"]')
    if not await panel.is_visible():
        await page.locator('[data-sanad="launcher"]').click()
    await expect(panel).to_be_visible()


def widget_messages(page: Page, author: str | None = None):  # type: ignore[no-untyped-def]
    selector = '[data-sanad="messages"] [data-seq]'
    if author:
        selector = f'[data-sanad="messages"] [data-sanad-author="{author}"]'
    return page.locator(selector)


async def test_child_is_answered_live_by_a_counselor_and_the_case_is_closed(
    live_server: LiveServer, browser: Browser, cast: Cast, artifacts_dir: Path
) -> None:
    await cast.staff("sami")
    counselor = await (
        await browser.new_context(locale="ar", viewport={"width": 1280, "height": 860})
    ).new_page()
    child = await (await browser.new_context(locale="ar", viewport={"width": 1100, "height": 860})).new_page()

    # The counselor logs in and watches the queue.
    await counselor.goto(live_server.base_url + "/console/login")
    await counselor.fill('input[name="username"]', "sami")
    await counselor.fill('input[name="password"]', PASSWORD)
    await counselor.locator('form button[type="submit"], form input[type="submit"]').first.click()
    await counselor.wait_for_url("**/console/queue")

    # The child writes in Arabic and asks for a person.
    await open_widget(child, live_server.base_url)
    await child.fill('[data-sanad="input"]', CHILD_TEXT)
    await child.locator('[data-sanad="send"]').click()
    await expect(widget_messages(child, "child").filter(has_text=CHILD_TEXT)).to_have_count(1)
    await expect(widget_messages(child, "bot").first).to_be_visible()
    await child.screenshot(path=artifacts_dir / "widget-ar.png")
    await child.locator('[data-sanad="ask-human"]').click()
    asked_at = time.monotonic()

    # It appears in the counselor's queue without a reload, within a second.
    item = counselor.locator(".queue__item").filter(has_text=CHILD_TEXT[:20])
    await expect(item).to_have_count(1, timeout=1000)
    print(f"queue update seen after {time.monotonic() - asked_at:.3f} s")
    await counselor.screenshot(path=artifacts_dir / "console-queue-ar.png")
    conversation_id = int(await item.get_attribute("data-conversation-id") or 0)

    # The counselor takes it and answers in Arabic.
    await item.locator('[data-action="take"]').click()
    await counselor.wait_for_url(f"**/console/conversations/{conversation_id}")
    await expect(
        counselor.locator(".chat__messages .message--child").filter(has_text=CHILD_TEXT)
    ).to_have_count(1)
    await expect(counselor.locator(".chat__messages .message--bot").first).to_be_visible()
    await counselor.fill('.chat__composer textarea[name="text"]', COUNSELOR_TEXT)
    await counselor.locator('.chat__composer [data-action="send"]').click()

    # The child sees the reply.
    await expect(widget_messages(child, "counselor").filter(has_text=COUNSELOR_TEXT)).to_have_count(1)
    await counselor.screenshot(path=artifacts_dir / "console-chat-ar.png")
    seen_before = await widget_messages(child).count()

    # After a reload the conversation resumes with every message exactly once.
    await child.reload()
    await open_widget(child, live_server.base_url)
    await expect(widget_messages(child, "counselor").filter(has_text=COUNSELOR_TEXT)).to_have_count(1)
    await expect(widget_messages(child)).to_have_count(seen_before)
    seqs = [await m.get_attribute("data-seq") for m in await widget_messages(child).all()]
    assert len(seqs) == len(set(seqs))
    await child.screenshot(path=artifacts_dir / "widget-resumed-ar.png")

    # The counselor closes it with a category.
    close_form = counselor.locator("form.chat__close")
    await close_form.locator('select[name="category"]').select_option(index=1)
    category = await close_form.locator('select[name="category"]').input_value()
    await close_form.locator('[data-action="close"]').click()
    await counselor.wait_for_url("**/console/queue?notice=closed")

    async with cast.sessions() as session:
        conversation = await repository.get_conversation(session, conversation_id)
        moves = [(m.source, m.target) for m in await repository.list_transitions(session, conversation_id)]
        stored = await session.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id == conversation_id)
        )
        texts = [m.text for m in await repository.list_messages(session, conversation_id)]
        case = (
            await session.scalars(select(CaseRecord).where(CaseRecord.conversation_id == conversation_id))
        ).one()

    assert conversation.state == "closed"
    assert moves == [("bot", "waiting"), ("waiting", "live"), ("live", "closed")]
    assert texts.count(CHILD_TEXT) == 1 and texts.count(COUNSELOR_TEXT) == 1
    assert stored == seen_before
    assert case.primary_category == category


async def test_widget_and_console_render_in_english_too(
    live_server: LiveServer, browser: Browser, cast: Cast, artifacts_dir: Path
) -> None:
    await cast.staff("sami")
    child = await (await browser.new_context(locale="en", viewport={"width": 1100, "height": 860})).new_page()
    await open_widget(child, live_server.base_url)

    await child.locator('[data-sanad="lang"]').click()
    await child.fill('[data-sanad="input"]', "hi, someone is bullying me online")
    await child.locator('[data-sanad="send"]').click()

    await expect(widget_messages(child, "bot").first).to_be_visible()
    assert await child.locator('[data-sanad="panel"]').evaluate("e => getComputedStyle(e).direction") == "ltr"
    await child.screenshot(path=artifacts_dir / "widget-en.png")
    counselor = await (await browser.new_context(locale="en")).new_page()
    await counselor.goto(live_server.base_url + "/console/lang/en")
    await counselor.goto(live_server.base_url + "/console/login")
    assert await counselor.locator("html").get_attribute("dir") == "ltr"
    await counselor.screenshot(path=artifacts_dir / "console-login-en.png")
