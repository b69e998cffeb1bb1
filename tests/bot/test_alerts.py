"""The imminent-risk watch: a level-3 child nobody answered hears from us again; staff are alerted."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.alerts import remind_unanswered, watch_period
from bot.content import Content
from bot.engine import Inbound
from console.accounts import create_staff
from escalation import actions, repository
from escalation.alerts import ALERT_REASON
from escalation.bus import QUEUE_TOPIC, ConversationChanged, InProcessBus
from escalation.models import Message, Role
from tests.bot.conftest import ON_SHIFT, EngineFactory

AFTER = 60


def said(text: str, child: str = "lina") -> Inbound:
    return Inbound(channel="widget", address=child, client_id=str(uuid.uuid4()), text=text)


async def bot_messages(sessions: async_sessionmaker[AsyncSession], conversation_id: int) -> list[Message]:
    async with sessions() as session:
        return [m for m in await repository.list_messages(session, conversation_id) if m.author_kind == "bot"]


async def alerts_on(feed) -> list[int]:  # type: ignore[no-untyped-def]
    found = []
    while not feed.queue.empty():
        event = feed.queue.get_nowait()
        if isinstance(event, ConversationChanged) and event.reason == ALERT_REASON:
            found.append(event.conversation_id)
    return found


async def remind_at(make_dialogue: EngineFactory, seconds: float) -> int:
    return await remind_unanswered(make_dialogue(now=ON_SHIFT + timedelta(seconds=seconds)), after_secs=AFTER)


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("بدي اموت وما بدي اعيش بعد اليوم", "ar", "لا تنتظر"),
        ("i want to kill myself tonight", "en", "don't wait"),
    ],
)
async def test_an_unanswered_imminent_child_is_reminded_once_and_staff_alerted_every_period(
    make_dialogue: EngineFactory,
    sessions: async_sessionmaker[AsyncSession],
    bus: InProcessBus,
    text: str,
    lang: str,
    words: str,
) -> None:
    feed = await bus.subscribe(QUEUE_TOPIC)
    first = await make_dialogue().handle(said(text))
    conversation = first.conversation
    assert (conversation.state, conversation.risk_level) == ("waiting", 3)
    before = len(await bot_messages(sessions, conversation.id))
    await alerts_on(feed)

    too_early = await remind_at(make_dialogue, AFTER - 5)
    assert too_early == 0 and await alerts_on(feed) == []

    assert await remind_at(make_dialogue, AFTER + 1) == 1
    reminders = (await bot_messages(sessions, conversation.id))[before:]
    assert len(reminders) == 1
    assert words in reminders[0].text and "121" in reminders[0].text and "100" in reminders[0].text
    assert not reminders[0].buttons  # a counselor is already being called
    assert await alerts_on(feed) == [conversation.id]

    assert await remind_at(make_dialogue, AFTER + 30) == 0  # not due again yet
    assert await remind_at(make_dialogue, 2 * AFTER + 2) == 1  # staff again...
    assert await alerts_on(feed) == [conversation.id]
    assert len(await bot_messages(sessions, conversation.id)) == before + 1  # ...the child not again


async def test_a_high_but_not_imminent_wait_is_not_alerted(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await make_dialogue().handle(said("في واحد بهددني ينشر صوري إذا ما بعتله مصاري"))
    assert (first.conversation.state, first.conversation.risk_level) == ("waiting", 2)

    assert await remind_at(make_dialogue, 10 * AFTER) == 0


async def test_a_chat_a_counselor_took_is_not_alerted(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession], bus: InProcessBus
) -> None:
    first = await make_dialogue().handle(said("بدي انتحر الليلة"))
    async with sessions() as session:
        sami = await create_staff(session, username="sami", role=Role.COUNSELOR, password="long enough pass 1")
        conversation = await repository.get_conversation(session, first.conversation.id)
        await actions.assign_counselor(session, bus, conversation, counselor=sami, now=ON_SHIFT)

    assert await remind_at(make_dialogue, 10 * AFTER) == 0


async def test_two_workers_alerting_at_once_remind_the_child_once(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await make_dialogue().handle(said("بدي اموت"))
    before = len(await bot_messages(sessions, first.conversation.id))

    counts = await asyncio.gather(remind_at(make_dialogue, AFTER + 1), remind_at(make_dialogue, AFTER + 1))

    assert sorted(counts) == [0, 1]
    assert len(await bot_messages(sessions, first.conversation.id)) == before + 1


async def test_a_new_wait_after_a_cancel_is_reminded_again(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    first = await make_dialogue().handle(said("بدي اموت"))
    assert await remind_at(make_dialogue, AFTER + 1) == 1
    later = ON_SHIFT + timedelta(seconds=AFTER + 10)
    cancelled = await make_dialogue(now=later).handle(
        Inbound(channel="widget", address="lina", client_id="c-cancel", payload="/cancel")
    )
    assert cancelled.state == "bot"
    again = await make_dialogue(now=later).handle(said("ما بدي اعيش"))
    assert again.state == "waiting"

    assert await remind_at(make_dialogue, AFTER + 10 + AFTER + 1) == 1
    texts = [m.text for m in await bot_messages(sessions, first.conversation.id)]
    assert sum(t == content.render("utter_waiting_imminent", "ar").text.strip() for t in texts) == 2


def test_the_watch_looks_often_enough_for_the_alert_delay() -> None:
    assert watch_period(60) == 6
    assert watch_period(5) == 1
    assert watch_period(3600) == 15
