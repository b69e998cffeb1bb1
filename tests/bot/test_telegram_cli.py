"""`sanad telegram …` as an operator runs it: a real process talking to the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram_cli import run
from sanad.settings import Settings
from tests.conftest import TEST_SECRET, make_settings
from tests.fakes.telegram_api import FakeTelegramApi, text_update

TOKEN = "123456:TEST-sanad-token"
WEBHOOK_SECRET = "webhook-secret_42"
LINA = 4242001
SANAD = str(Path(sys.executable).with_name("sanad"))
DEADLINE_SECS = 180.0  # only keeps a broken test from hanging: a cold start imports aiogram, loads the NLU


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi.running(TOKEN) as api:
        yield api


def sanad_env(api: FakeTelegramApi, db_url: str, data_dir: Path, nlu_model_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SANAD_")}
    env.update(
        SANAD_DATABASE_URL=db_url,
        SANAD_DATA_DIR=str(data_dir),
        SANAD_SECRET_KEY=TEST_SECRET,
        SANAD_NLU_MODEL_PATH=str(nlu_model_path),
        SANAD_COUNSELOR_HOURS="00:00-24:00",
        SANAD_TELEGRAM_TOKEN=TOKEN,
        SANAD_TELEGRAM_API_URL=api.base_url,
        SANAD_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SANAD_PUBLIC_URL="https://sanad.example.org",
    )
    return env


async def test_set_webhook_command_registers_the_webhook(
    telegram_api: FakeTelegramApi, db_url: str, tmp_path: Path, nlu_model_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        SANAD, "telegram", "set-webhook",
        env=sanad_env(telegram_api, db_url, tmp_path, nlu_model_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), DEADLINE_SECS)

    assert process.returncode == 0, err.decode()
    assert "https://sanad.example.org/telegram/webhook" in out.decode()
    assert telegram_api.webhook == {
        "url": "https://sanad.example.org/telegram/webhook",
        "secret_token": WEBHOOK_SECRET,
        "allowed_updates": ["message", "callback_query"],
    }


async def test_poll_command_answers_a_child_and_stops_cleanly_on_ctrl_c(
    telegram_api: FakeTelegramApi, db_url: str, tmp_path: Path, nlu_model_path: Path
) -> None:
    process = await asyncio.create_subprocess_exec(
        SANAD, "telegram", "poll",
        env=sanad_env(telegram_api, db_url, tmp_path, nlu_model_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram_api.wait_for("getUpdates", timeout=DEADLINE_SECS)
        await telegram_api.push(text_update(telegram_api, LINA, "السلام عليكم"))
        [reply] = await telegram_api.wait_for("sendMessage", timeout=DEADLINE_SECS)

        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), DEADLINE_SECS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert reply["chat_id"] == LINA
    assert process.returncode == 0  # SIGINT is a clean stop, not a KeyboardInterrupt crash
    log = err.decode()
    assert str(LINA) not in log  # logs name conversations, never the chat
    assert "السلام عليكم" not in log


def test_telegram_commands_without_a_token_explain_what_to_set(
    db_url: str, tmp_path: Path, nlu_model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings: Settings = make_settings(db_url, tmp_path, nlu_model_path)  # no telegram_token

    code = run(["poll"], settings, secret=TEST_SECRET)

    assert code == 2
    assert "SANAD_TELEGRAM_TOKEN" in capsys.readouterr().err
