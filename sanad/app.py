"""The app factory: one FastAPI app with the console, the widget and the Telegram webhook."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from bot.alerts import run_imminent_watch
from bot.channels.widget import install_widget
from bot.engine import build_engine
from console import install_console
from escalation.bus import InProcessBus, MessageBus
from escalation.db import make_engine, make_sessions
from escalation.models import utc_now
from escalation.retention import run_retention
from escalation.tasks import TaskSupervisor
from sanad.settings import Settings

log = logging.getLogger(__name__)

RETENTION_EVERY_SECS = 3600  # transcripts past SANAD_RETENTION_DAYS go within the hour


def resolve_secret(settings: Settings) -> str:
    """SANAD_SECRET_KEY, or a random key generated once into <data_dir>/secret.key."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret.key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


async def make_bus(settings: Settings) -> MessageBus:
    if settings.redis_url:
        from escalation.redis_bus import RedisBus

        bus = RedisBus(settings.redis_url)
        await bus.start()
        return bus
    return InProcessBus()


def create_app(settings: Settings) -> FastAPI:
    secret = resolve_secret(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.sessions = make_sessions(engine)
        app.state.bus = await make_bus(settings)
        app.state.tasks = TaskSupervisor()
        app.state.dialogue = build_engine(app.state.sessions, app.state.bus, settings, secret=secret)
        # Load (or, on first run, train) the NLU before serving: no child waits for it.
        await app.state.dialogue.warm_up()
        app.state.tasks.spawn(
            run_retention(
                app.state.sessions,
                retention_days=settings.retention_days,
                every_secs=RETENTION_EVERY_SECS,
                clock=utc_now,
            ),
            name="retention",
        )
        app.state.tasks.spawn(
            run_imminent_watch(app.state.dialogue, after_secs=settings.imminent_alert_secs),
            name="imminent-watch",
        )
        for hook in app.state.startup_hooks:
            await hook(app)
        try:
            yield
        finally:
            for hook in reversed(app.state.shutdown_hooks):
                await hook(app)
            await app.state.tasks.close()
            await app.state.bus.close()
            await engine.dispose()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.secret = secret
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []
    install_console(app)
    install_widget(app)
    if settings.telegram_token:
        from bot.channels.telegram import install_telegram  # aiogram is slow to import

        install_telegram(app)
    return app
