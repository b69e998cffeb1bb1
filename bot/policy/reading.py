"""Reading one turn: the command, the yes/no answer to the bot's last question, the signals (with
the disclosure a "yes" adds), and the language to answer in."""

from __future__ import annotations

from dataclasses import dataclass

from bot import cues
from bot.policy.model import Situation, Turn
from bot.policy.names import (
    AFFIRM,
    DELETE_CANCEL,
    DELETE_CONFIRM,
    DENY,
    HUMAN,
    NOTE_PENDING,
    SMALL_TALK,
)
from nlu.types import SIGNAL_LEVEL, Intent, Language, RiskSignal


@dataclass(frozen=True, slots=True, kw_only=True)
class Read:
    """The message as the policy sees it."""

    command: str | None  # "/start", "/sextortion", "/affirm", ...
    intent: Intent
    signals: frozenset[RiskSignal]
    answer: str | None  # "yes" / "no" to the bot's last question, however it was given
    text: str
    ranking: tuple[tuple[str, float], ...] = ()

    @property
    def level(self) -> int:
        return max((int(SIGNAL_LEVEL[s]) for s in self.signals), default=0)


def read_turn(turn: Turn, situation: Situation) -> Read:
    parse = turn.parse
    intent = Intent(parse.intent.name) if parse is not None else Intent.NLU_FALLBACK
    command = _command(turn.command)
    if command is None and turn.text and cues.is_safe_word(turn.text):
        command = HUMAN
    pending = str(situation.notes.get(NOTE_PENDING) or "")
    if command is None and pending == "delete" and turn.text:
        # A typed "yes"/"no" to «delete everything?» — only exact words, never the model's guess.
        command = (
            DELETE_CONFIRM if cues.is_yes(turn.text) else DELETE_CANCEL if cues.is_no(turn.text) else None
        )
    answer = _answer(command, intent, turn.text)
    signals = frozenset(parse.risk.signals) if parse is not None else frozenset()
    if answer == "yes" and pending == "hopelessness":
        signals |= {RiskSignal.SELF_HARM}  # "yes" to «do you think of hurting yourself?»
    if answer == "yes" and pending.startswith("happening:"):
        signals |= {RiskSignal(pending.removeprefix("happening:"))}  # "yes, it is happening to me"
    ranking = tuple((s.name, s.confidence) for s in parse.intent_ranking) if parse is not None else ()
    return Read(
        command=command, intent=intent, signals=signals, answer=answer, text=turn.text, ranking=ranking
    )


def _command(raw: str | None) -> str | None:
    if not raw or not raw.strip().startswith("/"):
        return None
    word = raw.strip().split(maxsplit=1)[0].lower()
    return word.split("@", 1)[0]  # Telegram groups send "/start@SanadBot"


def _answer(command: str | None, intent: Intent, text: str) -> str | None:
    if command == AFFIRM or (command is None and (cues.is_yes(text) or intent is Intent.AFFIRM)):
        return "yes"
    if command == DENY or (command is None and (cues.is_no(text) or intent is Intent.DENY)):
        return "no"
    return None


def reply_language(turn: Turn, situation: Situation) -> str:
    """Arabic for Arabic and Arabizi, English for English; a bare "ok"/"yes" keeps the current one."""
    parse = turn.parse
    if parse is None or not turn.text.strip():
        return situation.language
    small = parse.intent.name in {i.value for i in SMALL_TALK} or parse.intent.name == Intent.NLU_FALLBACK
    if small and not situation.first_contact and cues.word_count(turn.text) <= 2:
        return situation.language
    return "en" if parse.language is Language.EN else "ar"
