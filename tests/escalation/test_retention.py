"""Retention: transcripts go N days after a chat ends; statistics stay (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from console.accounts import create_staff
from escalation import actions, repository
from escalation.models import AuthorKind, CaseNote, Conversation, Message, Role, TransitionRecord
from escalation.retention import purge_expired

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAYS = 30


async def chat_with_counselor(sessions, bus, *, child: str, started: datetime, close: bool):  # type: ignore[no-untyped-def]
    """A child who wrote, waited, was answered and (if `close`) had the case closed at `started`."""
    async with sessions() as session:
        staff = await repository.find_staff_by_username(session, "sami") or await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="long enough password 1"
        )
        conversation = await actions.start_conversation(session, channel="widget", child_key=child, now=started)
        await actions.record_message(
            session, bus, conversation, author_kind=AuthorKind.CHILD, text="بدي احكي مع حدا", now=started,
            annotation=actions.Annotation(intent="cyberbullying", risk_level=1, risk_signals=("cyberbullying",)),
        )
        await actions.request_counselor(session, bus, conversation, actor="child", reason="ask_human", now=started)
        await actions.assign_counselor(session, bus, conversation, counselor=staff, now=started)
        await actions.record_message(
            session, bus, conversation, author_kind=AuthorKind.COUNSELOR, text="أنا هنا معك", now=started,
            staff_id=staff.id,
        )
        await actions.add_note(session, conversation, staff=staff, text="lives in Nablus, 14", now=started)
        if close:
            await actions.close_conversation(
                session, bus, conversation, staff=staff, category="cyberbullying", now=started,
                summary="bullied by classmates at school X", referrals=["121"],
            )
        return conversation.id


async def bot_only_chat(sessions, bus, *, child: str, last_active: datetime) -> int:
    async with sessions() as session:
        conversation = await actions.start_conversation(
            session, channel="telegram", child_key=child, now=last_active
        )
        await actions.record_message(
            session, bus, conversation, author_kind=AuthorKind.CHILD, text="كيف احمي حسابي", now=last_active
        )
        return conversation.id


async def contents(sessions, conversation_id: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        case = await repository.find_case(session, conversation_id)
        count = select(func.count())
        return {
            "messages": await session.scalar(
                count.select_from(Message).where(Message.conversation_id == conversation_id)
            ),
            "notes": await session.scalar(
                count.select_from(CaseNote).where(CaseNote.conversation_id == conversation_id)
            ),
            "transitions": await session.scalar(
                count.select_from(TransitionRecord).where(TransitionRecord.conversation_id == conversation_id)
            ),
            "child_key": conversation.child_key,
            "first_text": conversation.first_child_text,
            "risk_text": conversation.risk_text,
            "erased": conversation.erased_at is not None,
            "case": None if case is None else (case.primary_category, case.referrals, case.summary),
        }


async def test_a_closed_chat_past_retention_loses_its_words_but_keeps_its_statistics(sessions, bus) -> None:
    old = await chat_with_counselor(sessions, bus, child="old", started=NOW - timedelta(days=DAYS + 1), close=True)

    async with sessions() as session:
        purged = await purge_expired(session, now=NOW, retention_days=DAYS)
    after = await contents(sessions, old)

    assert purged == 1
    assert after["messages"] == 0 and after["notes"] == 0
    assert after["child_key"] is None and after["first_text"] is None and after["erased"] is True
    assert after["risk_text"] is None
    assert after["case"] == ("cyberbullying", ["121"], "")  # categories and referrals stay, free text goes
    assert after["transitions"] == 3  # bot→waiting→live→closed: who and when stay for statistics


async def test_recent_open_and_already_purged_chats_are_left_alone(sessions, bus) -> None:
    recent = await chat_with_counselor(sessions, bus, child="recent", started=NOW - timedelta(days=DAYS - 1), close=True)
    live = await chat_with_counselor(sessions, bus, child="live", started=NOW - timedelta(days=400), close=False)
    idle_bot = await bot_only_chat(sessions, bus, child="idle", last_active=NOW - timedelta(days=DAYS + 5))
    active_bot = await bot_only_chat(sessions, bus, child="active", last_active=NOW - timedelta(days=2))

    async with sessions() as session:
        first = await purge_expired(session, now=NOW, retention_days=DAYS)
    async with sessions() as session:
        second = await purge_expired(session, now=NOW, retention_days=DAYS)

    assert (first, second) == (1, 0)  # only the idle bot chat; running again finds nothing new
    assert (await contents(sessions, idle_bot))["messages"] == 0
    for kept in (recent, live, active_bot):
        state = await contents(sessions, kept)
        assert state["erased"] is False and state["messages"] and state["child_key"]
    assert (await contents(sessions, recent))["notes"] == 1
    assert (await contents(sessions, live))["notes"] == 1


async def test_many_expired_chats_are_purged_in_batches(sessions, bus) -> None:
    ids = [
        await bot_only_chat(sessions, bus, child=f"c{n}", last_active=NOW - timedelta(days=DAYS + 1))
        for n in range(7)
    ]

    async with sessions() as session:
        purged = await purge_expired(session, now=NOW, retention_days=DAYS, batch=3)

    assert purged == 7
    assert all([(await contents(sessions, i))["erased"] for i in ids])


async def test_a_childs_delete_also_removes_counselor_notes_and_the_case_summary(sessions, bus) -> None:
    closed = await chat_with_counselor(sessions, bus, child="del", started=NOW, close=True)

    async with sessions() as session:
        conversation = await repository.get_conversation(session, closed)
        await actions.erase_conversation(session, bus, conversation, now=NOW)
    after = await contents(sessions, closed)

    assert after["messages"] == 0 and after["notes"] == 0
    assert after["case"] == ("cyberbullying", ["121"], "")
