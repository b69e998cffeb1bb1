"""Fixtures for dialogue tests: one trained NLU per test session, a real migrated database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import Content, load_content
from bot.engine import DialogueEngine, Rules
from escalation.bus import InProcessBus
from escalation.db import make_engine, make_sessions
from nlu.backends import make_backend
from nlu.parse import DEFAULT_DATA_DIR
from nlu.types import NluBackend
from tests.conftest import TEST_SECRET

# 10:00 in Hebron on a weekday: inside the default counselor hours.
ON_SHIFT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def nlu(nlu_model_path: Path) -> NluBackend:
    """The embedded NLU, trained once for the whole run (the app fixtures then load the same file)."""
    return make_backend("embedded", rasa_url=None, model_path=nlu_model_path, data_dir=DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    try:
        yield make_sessions(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def bus() -> AsyncIterator[InProcessBus]:
    bus = InProcessBus()
    yield bus
    await bus.close()


RULES = Rules(
    counselor_hours="08:00-22:00", zone=ZoneInfo("Asia/Hebron"), expected_wait_minutes=5, retention_days=30
)
EngineFactory = Callable[..., DialogueEngine]


@pytest.fixture
def make_dialogue(
    sessions: async_sessionmaker[AsyncSession], bus: InProcessBus, nlu: NluBackend, content: Content
) -> EngineFactory:
    """A dialogue engine on this test's database; rules and clock can be changed per test."""

    def build(
        *, rules: Rules | None = None, now: datetime = ON_SHIFT, backend: NluBackend | None = None
    ) -> DialogueEngine:
        return DialogueEngine(
            sessions,
            bus,
            secret=TEST_SECRET,
            nlu=backend or nlu,
            content=content,
            rules=rules or RULES,
            clock=lambda: now,
        )

    return build


@pytest.fixture
def dialogue(make_dialogue: EngineFactory) -> DialogueEngine:
    return make_dialogue()
