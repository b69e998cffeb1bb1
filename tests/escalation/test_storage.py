"""Conversations, messages and transitions on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select

from console.accounts import create_staff
from escalation import actions, repository
from escalation.actions import Annotation
from escalation.bus import QUEUE_TOPIC, ConversationChanged, InProcessBus, MessagePosted, conversation_topic
from escalation.errors import AlreadyTakenError, InvalidMessageError, TransitionRefusedError
from escalation.models import AuthorKind, Base, CaseRecord, Message, Role
from escalation.states import ConversationState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def new_chat(sessions, *, child: str = "lina", now: datetime = T0):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await actions.start_conversation(session, channel="widget", child_key=child, now=now)


async def test_a_resent_client_id_is_stored_once(sessions, bus) -> None:
    conversation = await new_chat(sessions)

    async with sessions() as session:
        conversation = await repository.get_conversation(session, conversation.id)
        first, created_first = await actions.record_message(
            session, bus, conversation, author_kind=AuthorKind.CHILD, text="مرحبا", now=T0, client_id="c-1"
        )
        again, created_again = await actions.record_message(
            session, bus, conversation, author_kind=AuthorKind.CHILD, text="مرحبا", now=T0, client_id="c-1"
        )
        count = await session.scalar(select(func.count()).select_from(Message))

    assert (created_first, created_again) == (True, False)
    assert again.id == first.id and first.seq == 1
    assert count == 1


async def test_messages_get_consecutive_sequence_numbers_and_publish(sessions, bus: InProcessBus) -> None:
    conversation = await new_chat(sessions)
    sub = await bus.subscribe(conversation_topic(conversation.id))

    async with sessions() as session:
        conversation = await repository.get_conversation(session, conversation.id)
        for n in range(3):
            await actions.record_message(
                session,
                bus,
                conversation,
                author_kind=AuthorKind.CHILD,
                text=f"m{n}",
                now=T0,
                client_id=f"c{n}",
            )
        stored = await repository.list_messages(session, conversation.id, after_seq=1)
    events = [sub.queue.get_nowait() for _ in range(3)]

    assert [m.seq for m in stored] == [2, 3]
    assert [e.seq for e in events if isinstance(e, MessagePosted)] == [1, 2, 3]


async def test_oversized_text_is_refused_and_nothing_stored(sessions, bus) -> None:
    conversation = await new_chat(sessions)

    async with sessions() as session:
        conversation = await repository.get_conversation(session, conversation.id)
        with pytest.raises(InvalidMessageError):
            await actions.record_message(
                session,
                bus,
                conversation,
                author_kind=AuthorKind.CHILD,
                text="x" * (actions.MAX_TEXT_CHARS + 1),
                now=T0,
            )
        count = await session.scalar(select(func.count()).select_from(Message))

    assert count == 0


async def test_conversation_risk_is_the_maximum_seen_and_never_drops(sessions, bus) -> None:
    conversation = await new_chat(sessions)

    async with sessions() as session:
        conversation = await repository.get_conversation(session, conversation.id)
        for n, (level, signals) in enumerate([(2, ("sextortion",)), (0, ()), (1, ("distress",))]):
            await actions.record_message(
                session,
                bus,
                conversation,
                author_kind=AuthorKind.CHILD,
                text="...",
                now=T0,
                client_id=str(n),
                annotation=Annotation(intent="x", confidence=0.9, risk_level=level, risk_signals=signals),
            )
        stored = await repository.get_conversation(session, conversation.id)

    assert stored.risk_level == 2
    assert stored.risk_signals == ["distress", "sextortion"]


async def test_full_lifecycle_records_every_transition(sessions, bus: InProcessBus) -> None:
    conversation = await new_chat(sessions)
    queue = await bus.subscribe(QUEUE_TOPIC)

    async with sessions() as session:
        sami = await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="correct horse battery"
        )
        conversation = await repository.get_conversation(session, conversation.id)
        await actions.request_counselor(session, bus, conversation, actor="child", reason="ask_human", now=T0)
        await actions.assign_counselor(
            session, bus, conversation, counselor=sami, now=T0 + timedelta(seconds=5)
        )
        await actions.release_to_queue(session, bus, conversation, actor="staff:1", reason="transfer", now=T0)
        await actions.assign_counselor(session, bus, conversation, counselor=sami, now=T0)
        await actions.close_conversation(
            session,
            bus,
            conversation,
            staff=sami,
            category="cyberbullying",
            summary="talked it through",
            referrals=["121"],
            now=T0,
        )
        moves = await repository.list_transitions(session, conversation.id)
        case = (await session.scalars(select(CaseRecord))).one()

    assert [(m.source, m.target) for m in moves] == [
        ("bot", "waiting"),
        ("waiting", "live"),
        ("live", "waiting"),
        ("waiting", "live"),
        ("live", "closed"),
    ]
    assert moves[0].actor == "child" and moves[1].actor == f"staff:{sami.id}"
    assert (case.primary_category, case.referrals) == ("cyberbullying", ["121"])
    assert [
        e.state for e in [queue.queue.get_nowait() for _ in range(5)] if isinstance(e, ConversationChanged)
    ] == ["waiting", "live", "waiting", "live", "closed"]


async def test_closing_a_chat_in_the_bot_state_is_refused(sessions, bus) -> None:
    conversation = await new_chat(sessions)

    async with sessions() as session:
        sami = await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="correct horse battery"
        )
        conversation = await repository.get_conversation(session, conversation.id)
        with pytest.raises(TransitionRefusedError):
            await actions.close_conversation(session, bus, conversation, staff=sami, category="other", now=T0)
        moves = await repository.list_transitions(session, conversation.id)

    assert moves == []


async def test_two_counselors_taking_at_once_only_one_wins(sessions, bus) -> None:
    conversation = await new_chat(sessions)
    async with sessions() as session:
        sami = await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="correct horse battery"
        )
        rana = await create_staff(
            session, username="rana", role=Role.COUNSELOR, password="correct horse battery"
        )
        conversation = await repository.get_conversation(session, conversation.id)
        await actions.request_counselor(session, bus, conversation, actor="child", reason="ask", now=T0)

    async def take(staff):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            mine = await repository.get_conversation(session, conversation.id)
            await actions.assign_counselor(session, bus, mine, counselor=staff, now=T0)

    results = await asyncio.gather(take(sami), take(rana), return_exceptions=True)
    async with sessions() as session:
        final = await repository.get_conversation(session, conversation.id)

    assert sum(isinstance(r, AlreadyTakenError) for r in results) == 1
    assert final.state == ConversationState.LIVE.value and final.counselor_id in {sami.id, rana.id}


async def test_queue_orders_by_risk_then_waiting_time(sessions, bus) -> None:
    ids = []
    for n, (risk, minute) in enumerate([(0, 1), (3, 9), (2, 5), (2, 2), (1, 0)]):
        chat = await new_chat(sessions, child=f"child{n}")
        async with sessions() as session:
            chat = await repository.get_conversation(session, chat.id)
            chat.risk_level = risk
            await session.commit()
            await actions.request_counselor(
                session, bus, chat, actor="child", reason="ask", now=T0 + timedelta(minutes=minute)
            )
        ids.append(chat.id)

    async with sessions() as session:
        queue = await repository.list_queue(session)
        positions = [await repository.queue_position(session, c) for c in queue]

    assert [c.id for c in queue] == [ids[1], ids[3], ids[2], ids[4], ids[0]]
    assert positions == [1, 2, 3, 4, 5]


def test_models_and_migrations_do_not_drift(migrated_template) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()

    assert diff == []


async def test_erasing_keeps_only_anonymous_statistics(sessions, bus) -> None:
    conversation = await new_chat(sessions)
    async with sessions() as session:
        conversation = await repository.get_conversation(session, conversation.id)
        await actions.record_message(
            session,
            bus,
            conversation,
            author_kind=AuthorKind.CHILD,
            text="سر",
            now=T0,
            annotation=Annotation(risk_level=2, risk_signals=("grooming",)),
        )
        await actions.request_counselor(session, bus, conversation, actor="child", reason="risk", now=T0)
        await actions.erase_conversation(session, bus, conversation, now=T0)
        stored = await repository.get_conversation(session, conversation.id)
        messages = await repository.list_messages(session, conversation.id)
        queue = await repository.list_queue(session)

    assert messages == []
    assert stored.child_key is None and stored.first_child_text is None
    assert stored.risk_level == 2 and stored.state == "bot"
    assert queue == []


async def test_a_late_take_is_refused_and_leaves_the_counselor_usable(sessions, bus) -> None:
    conversation = await new_chat(sessions)
    async with sessions() as session:
        await create_staff(session, username="sami", role=Role.COUNSELOR, password="correct horse battery")
        await create_staff(session, username="rana", role=Role.COUNSELOR, password="correct horse battery")
        conversation = await repository.get_conversation(session, conversation.id)
        await actions.request_counselor(session, bus, conversation, actor="child", reason="ask", now=T0)

    async with sessions() as late, sessions() as early:
        rana = await repository.find_staff_by_username(late, "rana")
        stale = await repository.get_conversation(late, conversation.id)  # still "waiting" here
        sami = await repository.find_staff_by_username(early, "sami")
        await actions.assign_counselor(
            early, bus, await repository.get_conversation(early, conversation.id), counselor=sami, now=T0
        )

        with pytest.raises(AlreadyTakenError):
            await actions.assign_counselor(late, bus, stale, counselor=rana, now=T0)

        assert rana is not None and rana.username == "rana"  # no lazy load after the rollback
        assert stale.state == ConversationState.LIVE.value and stale.counselor_id == sami.id
