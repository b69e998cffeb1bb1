"""`sanad chat [--json]` (SPEC §5): the real command, fed on standard input, on its own database."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.terminal import TerminalChat
from bot.content import Content
from bot.engine import DialogueEngine
from console.accounts import create_staff
from escalation import actions, relay, repository
from escalation.bus import InProcessBus
from escalation.models import Role
from nlu.types import NluBackend

SANAD = Path(sys.executable).with_name("sanad")
ACCEPTANCE_INPUT = "السلام عليكم\nفي واحد بهددني ينشر صوري\nبدي احكي مع حدا\n"


def run_chat(tmp_path: Path, model: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SANAD_DATA_DIR": str(tmp_path / "var"),
        "SANAD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'var' / 'sanad.db'}",
        "SANAD_NLU_MODEL_PATH": str(model),
        "SANAD_COUNSELOR_HOURS": "00:00-24:00",
        "SANAD_LOG_LEVEL": "WARNING",
    }
    env.pop("SANAD_SECRET_KEY", None)
    return subprocess.run(
        [str(SANAD), "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=240,
        check=False,
    )


@pytest.fixture
def model(nlu: NluBackend, nlu_model_path: Path) -> Path:
    """The session's trained model file (the `nlu` fixture trains it once)."""
    return nlu_model_path


def test_chat_json_shows_welcome_then_sextortion_answer_and_queues(
    tmp_path: Path, model: Path, content: Content
) -> None:
    done = run_chat(tmp_path, model, ACCEPTANCE_INPUT, "--json")

    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert {"text", "buttons", "intent", "risk", "state"} <= set(replies[0])
    welcome, sextortion, still_waiting = replies
    assert welcome["text"] == content.render("utter_welcome", "ar", retention_days=90).text
    assert (welcome["intent"], welcome["state"]) == ("greet", "bot")
    assert {"title": "أريد التحدث مع شخص", "payload": "/ask_human"} in welcome["buttons"]
    assert sextortion["text"].startswith(content.render("utter_high_sextortion", "ar").text)
    assert sextortion["risk"]["level"] == 2
    assert "sextortion" in sextortion["risk"]["signals"]
    assert sextortion["state"] == "waiting"
    assert still_waiting["state"] == "waiting"
    assert still_waiting["intent"] == "ask_human"


def test_the_chat_really_queues_the_conversation(tmp_path: Path, model: Path) -> None:
    run_chat(tmp_path, model, ACCEPTANCE_INPUT, "--json")

    with sqlite3.connect(tmp_path / "var" / "sanad.db") as db:
        rows = db.execute("SELECT channel, state, risk_level FROM conversations").fetchall()
        texts = [
            row[0] for row in db.execute("SELECT text FROM messages WHERE author_kind = 'child' ORDER BY seq")
        ]
    assert rows == [("terminal", "waiting", 2)]
    assert texts == ACCEPTANCE_INPUT.splitlines()


def test_chat_without_json_prints_readable_replies_with_buttons(tmp_path: Path, model: Path) -> None:
    done = run_chat(tmp_path, model, "hi\n/delete\n")

    assert done.returncode == 0, done.stderr
    assert "Hi, I'm Sanad, a computer program (a bot), not a person." in done.stdout
    assert "[Yes, delete it]  /delete_confirm" in done.stdout
    assert "(state: bot)" in done.stdout
    assert not done.stdout.lstrip().startswith("{")


async def test_a_counselors_reply_shows_in_the_terminal_chat(
    dialogue: DialogueEngine, sessions: async_sessionmaker[AsyncSession], bus: InProcessBus
) -> None:
    out = io.StringIO()
    chat = TerminalChat(dialogue, as_json=True, out=out)
    queued = await chat.say("بدي احكي مع حدا")
    async with sessions() as session:
        sami = await create_staff(
            session, username="sami", role=Role.COUNSELOR, password="correct horse battery"
        )
        conversation = await repository.get_conversation(session, queued.conversation.id)
        await actions.assign_counselor(session, bus, conversation, counselor=sami, now=datetime.now(UTC))
        await relay.post_counselor_message(
            session, bus, conversation, staff=sami, text="أهلًا، أنا سامي من سند", now=datetime.now(UTC)
        )

    await chat.say("مرحبا؟")

    shown = [json.loads(line) for line in out.getvalue().splitlines()]
    assert shown[-1]["author"] == "counselor"
    assert shown[-1]["text"] == "أهلًا، أنا سامي من سند"
    assert shown[-1]["state"] == "live"
