"""Shared fixtures: a migrated SQLite file per test, the app, an HTTP client, a live server, the cast."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright

from sanad.app import create_app
from sanad.migrate import upgrade_to_head
from sanad.settings import Settings
from tests.cast import Cast

TEST_SECRET = "test-secret-key-not-for-production"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "sanad.db"  # migrated once, copied per test
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def nlu_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model file for the whole run: the first engine that needs it trains and saves it."""
    return tmp_path_factory.mktemp("nlu") / "nlu-model.joblib"


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path) -> str:
    db = Path(shutil.copy(migrated_template, tmp_path / "sanad.db"))
    return f"sqlite+aiosqlite:///{db}"


def make_settings(db_url: str, data_dir: Path, nlu_model_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "nlu_model_path": nlu_model_path,
        "counselor_hours": "00:00-24:00",
        "redis_url": None,
        "telegram_token": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(db_url: str, tmp_path: Path, nlu_model_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, nlu_model_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sanad.test") as http:
        yield http


@pytest.fixture
def cast(app: FastAPI) -> Cast:
    return Cast(app)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    app: FastAPI
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@pytest.fixture
async def live_server(app: FastAPI) -> AsyncIterator[LiveServer]:
    """The same app served for real by uvicorn in the test's own event loop (lifespan already on)."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", ws_max_size=64 * 1024
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(app=app, port=port)
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL server started by the test command (./dev test); never skipped."""
    url = os.environ.get("SANAD_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("SANAD_TEST_POSTGRES_URL is not set: run the suite through ./dev test")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("SANAD_TEST_REDIS_URL")
    if not url:
        pytest.fail("SANAD_TEST_REDIS_URL is not set: run the suite through ./dev test")
    return url


@pytest.fixture
def artifacts_dir() -> Iterator[Path]:
    """Screenshots and other files a person should look at after a run."""
    path = Path(os.environ.get("SANAD_TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    yield path


# Browser tests: Playwright driving Debian's chromium (never a downloaded browser).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    home = tempfile.mkdtemp(prefix="sanad-chromium-")
    env = {"HOME": home, "XDG_CONFIG_HOME": f"{home}/.config", "XDG_CACHE_HOME": f"{home}/.cache"}
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        try:
            yield launched
        finally:
            await launched.close()
