"""Database engine and sessions: SQLite by default (WAL, busy timeout), PostgreSQL by URL."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000  # a briefly locked database waits instead of failing


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    # hide_parameters: SQL logs and database errors must never carry what a child wrote.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # aiosqlite logs every statement with its parameters at DEBUG: never let them through.
        logging.getLogger("aiosqlite").setLevel(logging.WARNING)
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
