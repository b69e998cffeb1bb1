"""Storage fixtures for escalation tests: the same tests on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation.bus import InProcessBus
from escalation.db import make_engine, make_sessions
from sanad.migrate import upgrade_to_head


async def fresh_postgres_db(server_url: str) -> str:
    """CREATE DATABASE on the test server, migrated to head; returns its SQLAlchemy URL."""
    name = f"sanad_{uuid.uuid4().hex[:12]}"
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def storage_url(request: pytest.FixtureRequest, db_url: str) -> str:
    if request.param == "sqlite":
        return db_url
    server = request.getfixturevalue("postgres_url")
    return await fresh_postgres_db(server)


@pytest.fixture
async def sessions(storage_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(storage_url)
    try:
        yield make_sessions(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def bus() -> InProcessBus:
    return InProcessBus()
