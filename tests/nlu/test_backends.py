"""Rasa over HTTP (against a real local server speaking Rasa's JSON), our risk net on top, fallback."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from nlu.backends import EmbeddedNlu, RasaNlu, make_backend
from nlu.errors import NluError
from nlu.parse import NluEngine
from nlu.types import RiskLevel, RiskSignal
from tests.nlu.conftest import FIXTURE_DIR


def rasa_answer(text: str, intent: str, confidence: float) -> dict[str, Any]:
    """The shape Rasa 3.x documents for POST /model/parse."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 1 - confidence}]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "text_tokens": [[0, len(text)]],
        "intent_ranking": ranking,
    }


class FakeRasa(BaseHTTPRequestHandler):
    reply: ClassVar[Any] = None  # a dict to send as JSON, or bytes sent raw
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRasa.seen.append({"path": self.path, "body": body})
        raw = self.reply if isinstance(self.reply, bytes) else json.dumps(self.reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa_url() -> Iterator[str]:
    FakeRasa.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_embedded_backend_answers_like_the_engine(fixture_engine: NluEngine) -> None:
    result = await EmbeddedNlu(fixture_engine).parse("مرحبا")

    assert result == fixture_engine.parse("مرحبا")


async def test_rasa_intent_and_ranking_are_mapped(rasa_url: str, fixture_engine: NluEngine) -> None:
    FakeRasa.reply = rasa_answer("hello", "greet", 0.93)
    rasa = RasaNlu(rasa_url, fallback=EmbeddedNlu(fixture_engine))

    result = await rasa.parse("hello")
    await rasa.aclose()

    assert FakeRasa.seen == [{"path": "/model/parse", "body": {"text": "hello"}}]
    assert (result.intent.name, result.intent.confidence) == ("greet", 0.93)
    assert [s.name for s in result.intent_ranking] == ["greet", "greet"]
    assert result.extras["backend"] == "rasa"
    assert result.risk.level is RiskLevel.NONE


async def test_our_lexicon_runs_on_top_of_rasa(rasa_url: str, fixture_engine: NluEngine) -> None:
    FakeRasa.reply = rasa_answer("مرحبا بدي اموت", "greet", 0.99)
    rasa = RasaNlu(rasa_url, fallback=EmbeddedNlu(fixture_engine))

    result = await rasa.parse("مرحبا بدي اموت")
    await rasa.aclose()

    assert result.intent.name == "greet"
    assert RiskSignal.SELF_HARM in result.risk.signals
    assert result.risk.level is RiskLevel.IMMINENT


async def test_a_confident_rasa_risk_intent_raises_risk(rasa_url: str, fixture_engine: NluEngine) -> None:
    FakeRasa.reply = rasa_answer("zorblax", "sextortion", 0.99)
    rasa = RasaNlu(rasa_url, fallback=EmbeddedNlu(fixture_engine))

    result = await rasa.parse("zorblax")
    await rasa.aclose()

    assert result.risk.signals == (RiskSignal.SEXTORTION,)


async def test_unknown_rasa_intent_becomes_nlu_fallback(rasa_url: str, fixture_engine: NluEngine) -> None:
    FakeRasa.reply = rasa_answer("hello", "mood_great", 0.9)
    rasa = RasaNlu(rasa_url, fallback=EmbeddedNlu(fixture_engine))

    result = await rasa.parse("hello")
    await rasa.aclose()

    assert result.intent.name == "nlu_fallback"


@pytest.mark.parametrize("reply", [b"<html>oops</html>", {"intent": "greet"}, ["not", "an", "object"]])
async def test_nonsense_from_rasa_falls_back_to_embedded(
    rasa_url: str, fixture_engine: NluEngine, reply
) -> None:
    FakeRasa.reply = reply
    rasa = RasaNlu(rasa_url, fallback=EmbeddedNlu(fixture_engine))

    result = await rasa.parse("مرحبا")
    await rasa.aclose()

    assert result == fixture_engine.parse("مرحبا")
    assert "backend" not in result.extras


async def test_rasa_down_falls_back_with_one_warning_and_no_child_text(
    dead_url: str, fixture_engine: NluEngine, caplog: pytest.LogCaptureFixture
) -> None:
    rasa = RasaNlu(dead_url, fallback=EmbeddedNlu(fixture_engine), timeout_secs=0.5)
    caplog.set_level(logging.INFO, logger="nlu")

    first = await rasa.parse("بدي اموت")
    second = await rasa.parse("سر خاص جدا")
    await rasa.aclose()

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert first.risk.level is RiskLevel.IMMINENT
    assert second.intent.name in {s.name for s in fixture_engine.parse("سر خاص جدا").intent_ranking} | {
        "nlu_fallback"
    }
    assert len(warnings) == 1
    assert "بدي اموت" not in caplog.text and "سر خاص" not in caplog.text


def test_make_backend_builds_what_settings_name(tmp_path: Path) -> None:
    embedded = make_backend("embedded", rasa_url=None, model_path=tmp_path / "m.joblib", data_dir=FIXTURE_DIR)
    rasa = make_backend(
        "rasa", rasa_url="http://127.0.0.1:5005", model_path=tmp_path / "m.joblib", data_dir=FIXTURE_DIR
    )

    assert isinstance(embedded, EmbeddedNlu)
    assert isinstance(rasa, RasaNlu)
    assert rasa.url == "http://127.0.0.1:5005"


@pytest.mark.parametrize(
    ("kind", "url", "message"), [("rasa", None, "SANAD_RASA_URL"), ("spacy", None, "unknown NLU backend")]
)
def test_make_backend_refuses_incomplete_settings(
    tmp_path: Path, kind: str, url: str | None, message: str
) -> None:
    with pytest.raises(NluError, match=message):
        make_backend(kind, rasa_url=url, model_path=tmp_path / "m.joblib", data_dir=FIXTURE_DIR)
