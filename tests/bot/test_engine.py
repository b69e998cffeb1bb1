"""The dialogue engine on a real database with the real NLU: what is stored, published and answered."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content
from bot.engine import DialogueEngine, Inbound
from console.accounts import create_staff
from escalation import actions, repository
from escalation.bus import InProcessBus, MessagePosted, channel_topic
from escalation.models import Conversation, Message, Role
from nlu.errors import NluError
from nlu.types import ParseResult
from tests.bot.conftest import EngineFactory

LINA = "resume-token-of-lina"
YOUSEF = "resume-token-of-yousef"
SEXTORTION_AR = "في واحد بهددني ينشر صوري إذا ما بعتله مصاري"


def said(
    text: str = "", *, child: str = LINA, payload: str | None = None, client_id: str | None = None
) -> Inbound:
    return Inbound(
        channel="widget", address=child, client_id=client_id or str(uuid.uuid4()), text=text, payload=payload
    )


async def stored(sessions: async_sessionmaker[AsyncSession], conversation_id: int) -> list[Message]:
    async with sessions() as session:
        return list(await repository.list_messages(session, conversation_id))


async def test_a_resent_message_is_stored_and_answered_once(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await dialogue.handle(said("كيف أحمي حسابي على انستغرام؟", client_id="c-1"))

    again = await dialogue.handle(said("كيف أحمي حسابي على انستغرام؟", client_id="c-1"))

    assert again.duplicate
    assert again.replies == ()
    messages = await stored(sessions, first.conversation.id)
    assert [m.author_kind for m in messages].count("child") == 1
    assert len(messages) == 1 + len(first.replies)


async def test_oversized_text_is_answered_but_nothing_is_kept(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], bus: InProcessBus, content: Content
) -> None:
    feed = await bus.subscribe(channel_topic("widget"))

    result = await dialogue.handle(said("بهددني " * 400))

    assert [r.text for r in result.replies] == [content.render("utter_error_too_long", "ar").text]
    assert result.child_message is None
    assert await stored(sessions, result.conversation.id) == []
    event = feed.queue.get_nowait()
    assert isinstance(event, MessagePosted)
    assert (event.seq, event.message_id, event.author_kind) == (0, 0, "bot")


async def test_every_reply_is_stored_and_published_for_the_channel(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], bus: InProcessBus
) -> None:
    feed = await bus.subscribe(channel_topic("widget"))

    result = await dialogue.handle(said("مرحبا"))

    messages = await stored(sessions, result.conversation.id)
    published = [feed.queue.get_nowait() for _ in range(feed.queue.qsize())]
    posted = [e for e in published if isinstance(e, MessagePosted)]
    assert [(m.seq, m.author_kind) for m in messages] == [(e.seq, e.author_kind) for e in posted]
    assert messages[0].author_kind == "child"
    assert messages[1].text.startswith("مرحبًا، أنا «سند»")
    assert {"title": "أريد التحدث مع شخص", "payload": "/ask_human"} in (messages[1].buttons or [])


async def test_a_photo_is_refused_and_only_the_fact_is_kept(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    await dialogue.handle(said("مرحبا"))

    result = await dialogue.handle(
        Inbound(channel="widget", address=LINA, client_id="m-photo", media_kind="photo")
    )

    assert [r.text for r in result.replies] == [content.render("utter_media_refused", "ar").text]
    child = result.child_message
    assert child is not None
    assert (child.text, child.media_kind, child.author_kind) == ("", "photo", "child")


async def test_confirmed_delete_erases_the_conversation_and_keeps_no_new_rows(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], content: Content
) -> None:
    first = await dialogue.handle(said(SEXTORTION_AR))
    asked = await dialogue.handle(said("/delete"))

    erased = await dialogue.handle(said(payload="/delete_confirm"))

    assert asked.replies[0].text == content.render("utter_delete_confirm", "ar").text
    assert erased.erased
    assert [r.text for r in erased.replies] == [content.render("utter_deleted", "ar").text]
    assert erased.replies[0].seq == 0
    assert await stored(sessions, first.conversation.id) == []
    async with sessions() as session:
        gone = await session.get(Conversation, first.conversation.id)
        assert gone is not None
        assert (gone.child_key, gone.first_child_text, gone.state) == (None, None, "bot")


async def test_after_delete_the_next_message_starts_a_new_conversation(dialogue: DialogueEngine) -> None:
    first = await dialogue.handle(said("مرحبا"))
    await dialogue.handle(said("/delete"))
    await dialogue.handle(said("/delete_confirm"))

    again = await dialogue.handle(said("مرحبا"))

    assert again.conversation.id != first.conversation.id
    assert again.replies[0].text.startswith("مرحبًا، أنا «سند»")


async def test_the_wait_quoted_grows_with_the_place_in_the_queue(
    dialogue: DialogueEngine, content: Content
) -> None:
    await dialogue.handle(said(payload="/ask_human", child=YOUSEF))

    second = await dialogue.handle(said(payload="/ask_human", child=LINA))

    queued = content.render("utter_ask_human_queued", "ar", wait_minutes=10).text
    assert queued in second.replies[-1].text
    assert "نحو 10 دقائق" in second.replies[-1].text
    assert second.state == "waiting"


async def test_outside_counselor_hours_the_child_is_told_and_the_case_is_kept(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    night = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)  # 23:30 in Hebron
    dialogue = make_dialogue(now=night)

    result = await dialogue.handle(said(payload="/ask_human"))

    text = result.replies[-1].text
    assert "المرشدون غير متاحين الآن" in text
    assert all(number in text for number in ("121", "100", "101"))
    async with sessions() as session:
        queue = await repository.list_queue(session)
    assert [c.id for c in queue] == [result.conversation.id]


async def test_cancelling_the_request_gives_the_bot_back(dialogue: DialogueEngine, content: Content) -> None:
    await dialogue.handle(said(payload="/ask_human"))

    result = await dialogue.handle(said(payload="/cancel"))

    assert result.state == "bot"
    assert result.replies[0].text == content.render("utter_cancelled", "ar").text


async def test_imminent_risk_goes_ahead_of_an_earlier_request(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    earlier = await dialogue.handle(said(payload="/ask_human", child=YOUSEF))

    crisis = await dialogue.handle(said("بدي أموت وأرتاح من كل إشي", child=LINA))

    async with sessions() as session:
        queue = await repository.list_queue(session)
        position = await repository.queue_position(session, crisis.conversation)
    assert [c.id for c in queue] == [crisis.conversation.id, earlier.conversation.id]
    assert position == 1
    assert crisis.replies[0].text.startswith("شكرًا لأنك أخبرتني، وأنا آسف أنك تتألم")


async def test_after_closing_the_next_message_gets_the_bot_again(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], bus: InProcessBus
) -> None:
    first = await dialogue.handle(said("بدي احكي مع حدا"))
    async with sessions() as session:
        sami = await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="correct horse battery"
        )
        conversation = await repository.get_conversation(session, first.conversation.id)
        await actions.assign_counselor(session, bus, conversation, counselor=sami, now=datetime.now(UTC))
    quiet = await dialogue.handle(said("شكرا كتير"))
    async with sessions() as session:
        conversation = await repository.get_conversation(session, first.conversation.id)
        await actions.close_conversation(
            session, bus, conversation, staff=sami, category="information-seeking", now=datetime.now(UTC)
        )

    back = await dialogue.handle(said("مرحبا"))

    assert quiet.replies == ()
    assert quiet.state == "live"
    assert back.conversation.id != first.conversation.id
    assert back.state == "bot"
    assert back.replies[0].text.startswith("مرحبًا، أنا «سند»")


async def test_the_childs_words_never_reach_the_logs(
    dialogue: DialogueEngine, caplog: object, sessions: async_sessionmaker[AsyncSession]
) -> None:
    caplog.set_level(logging.INFO)  # type: ignore[attr-defined]
    for ours in ("bot", "escalation", "nlu"):
        caplog.set_level(logging.DEBUG, logger=ours)  # type: ignore[attr-defined]

    await dialogue.handle(said(SEXTORTION_AR))
    await dialogue.handle(said("ana 5ayfe ktir"))

    logged = caplog.text  # type: ignore[attr-defined]
    assert "conversation queued" in logged
    assert "بهددني" not in logged
    assert "5ayfe" not in logged


class BrokenNlu:
    async def parse(self, text: str) -> ParseResult:
        raise NluError("model file unreadable")


async def test_when_the_nlu_fails_the_bot_still_answers_and_offers_a_person(
    make_dialogue: EngineFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    dialogue = make_dialogue(backend=BrokenNlu())
    await dialogue.handle(said("مرحبا"))

    result = await dialogue.handle(said("شو بعمل؟"))

    assert len(result.replies) == 1
    assert {"title": "أريد التحدث مع شخص", "payload": "/ask_human"} in (result.replies[0].buttons or [])
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Message))
    assert count == 4
