"""NluBackend implementations: the embedded engine, and a Rasa server over HTTP with fallback.

Whatever answers the intent, our risk detection runs on top: with Rasa, risk = our lexicon ∪ our
risk head ∪ the signal of Rasa's top intent when it is a risk intent confident enough for its level
(the bars our intent head learned). If Rasa is
down, slow or answers nonsense, the embedded engine answers instead and one warning is logged for
the outage (never the child's text); an info line notes when Rasa answers again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx

from nlu.classifier import text_views
from nlu.errors import NluError
from nlu.parse import RANKING_SIZE, NluEngine, load_engine
from nlu.types import Intent, IntentScore, NluBackend, ParseResult

log = logging.getLogger(__name__)

DEFAULT_RASA_TIMEOUT_SECS = 2.0
_KNOWN_INTENTS = frozenset(i.value for i in Intent)


class RasaAnswerError(NluError):
    code = "rasa_answer_invalid"


class EmbeddedNlu:
    """The in-process engine; parsing takes about a millisecond, so it runs on the event loop."""

    def __init__(self, engine: NluEngine) -> None:
        self.engine = engine

    async def parse(self, text: str) -> ParseResult:
        return self.engine.parse(text)


class RasaNlu:
    """A Rasa server's `/model/parse` for the intent; our risk net on top; embedded when it fails."""

    def __init__(
        self, url: str, fallback: EmbeddedNlu, timeout_secs: float = DEFAULT_RASA_TIMEOUT_SECS
    ) -> None:
        self.url = url.rstrip("/")
        self.fallback = fallback
        self._client = httpx.AsyncClient(timeout=timeout_secs)
        self._down = False

    async def parse(self, text: str) -> ParseResult:
        try:
            answer = await self._ask(text)
            result = self._map(text, answer)
        except (httpx.HTTPError, ValueError, RasaAnswerError) as error:
            self._note_down(error)
            return await self.fallback.parse(text)
        if self._down:
            self._down = False
            log.info("rasa nlu answers again at %s", self.url)
        return result

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _ask(self, text: str) -> Any:
        response = await self._client.post(f"{self.url}/model/parse", json={"text": text})
        response.raise_for_status()
        return response.json()  # ValueError on a body that is not JSON

    def _note_down(self, error: Exception) -> None:
        if not self._down:
            self._down = True
            log.warning(
                "rasa nlu unavailable at %s (%s); using the embedded engine", self.url, type(error).__name__
            )

    def _map(self, text: str, answer: Any) -> ParseResult:
        """Rasa's documented answer → ParseResult, with our language and risk."""
        if not isinstance(answer, dict):
            raise RasaAnswerError("the answer is not a JSON object")
        top = _score(answer.get("intent"))
        ranking = [
            s for s in map(_score, answer.get("intent_ranking") or []) if s.name != Intent.NLU_FALLBACK
        ]
        views = text_views(text)
        risk_source = top if top.name != Intent.NLU_FALLBACK else (ranking[0] if ranking else None)
        return ParseResult(
            text=text,
            intent=top,
            intent_ranking=tuple(ranking[:RANKING_SIZE]),
            risk=self.fallback.engine.risk(views, risk_source),
            language=views.language,
            extras={"backend": "rasa"},
        )


def _score(item: Any) -> IntentScore:
    """One Rasa intent; names outside SPEC §2 (an old Rasa model) count as nlu_fallback."""
    if not isinstance(item, dict):
        raise RasaAnswerError("an intent is not a JSON object")
    name, confidence = item.get("name"), item.get("confidence")
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        raise RasaAnswerError("an intent has no numeric confidence")
    if name not in _KNOWN_INTENTS:
        return IntentScore(Intent.NLU_FALLBACK.value, float(confidence))
    return IntentScore(str(name), float(confidence))


def make_backend(kind: str, *, rasa_url: str | None, model_path: Path, data_dir: Path) -> NluBackend:
    """The backend SANAD_NLU_BACKEND names: "embedded" (default) or "rasa" (needs SANAD_RASA_URL)."""
    if kind not in ("embedded", "rasa"):
        raise NluError(f"unknown NLU backend {kind!r}; expected 'embedded' or 'rasa'")
    if kind == "rasa" and not rasa_url:
        raise NluError("the rasa NLU backend needs SANAD_RASA_URL")
    embedded = EmbeddedNlu(load_engine(model_path, data_dir))
    if kind == "rasa" and rasa_url:
        return RasaNlu(rasa_url, fallback=embedded)
    return embedded
