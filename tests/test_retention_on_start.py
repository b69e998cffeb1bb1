"""A running Sanad keeps the retention promise the bot makes to children (CONTENT-BRIEF §8)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from escalation import actions
from escalation.bus import InProcessBus
from escalation.db import make_engine, make_sessions
from escalation.models import AuthorKind, Conversation, utc_now
from sanad.app import create_app
from sanad.settings import Settings
from tests.conftest import make_settings


async def old_bot_chat(db_url: str, *, days_ago: int) -> int:
    engine = make_engine(db_url)
    try:
        async with make_sessions(engine)() as session:
            then = utc_now() - timedelta(days=days_ago)
            conversation = await actions.start_conversation(session, channel="widget", child_key="k", now=then)
            await actions.record_message(
                session, InProcessBus(), conversation, author_kind=AuthorKind.CHILD, text="مرحبا", now=then
            )
            return conversation.id
    finally:
        await engine.dispose()


async def erased_at(db_url: str, conversation_id: int) -> object:
    engine = make_engine(db_url)
    try:
        async with make_sessions(engine)() as session:
            conversation = await session.get(Conversation, conversation_id)
            assert conversation is not None
            return conversation.erased_at
    finally:
        await engine.dispose()


async def test_the_server_purges_expired_transcripts_when_it_starts(
    db_url: str, tmp_path: Path, nlu_model_path: Path
) -> None:
    expired = await old_bot_chat(db_url, days_ago=8)
    kept = await old_bot_chat(db_url, days_ago=6)
    app = create_app(make_settings(db_url, tmp_path, nlu_model_path, retention_days=7))

    async with app.router.lifespan_context(app):
        for _ in range(100):
            if await erased_at(db_url, expired) is not None:
                break
            await asyncio.sleep(0.05)

    assert await erased_at(db_url, expired) is not None
    assert await erased_at(db_url, kept) is None


@pytest.mark.parametrize("days", ["0", "-3"])
def test_a_retention_period_under_one_day_is_refused(monkeypatch: pytest.MonkeyPatch, days: str) -> None:
    monkeypatch.setenv("SANAD_RETENTION_DAYS", days)

    with pytest.raises(ValidationError, match="retention_days"):
        Settings()
