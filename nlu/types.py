"""Value types every other package may import from the NLU: intents, risk, the parse result.

These names are fixed by SPEC §2 and §3; they appear verbatim in JSON, the database and content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Protocol


class Intent(StrEnum):
    GREET = "greet"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    AFFIRM = "affirm"
    DENY = "deny"
    ASK_HUMAN = "ask_human"
    BOT_INFO = "bot_info"
    OUT_OF_SCOPE = "out_of_scope"
    SEXTORTION = "sextortion"
    BLACKMAIL_OTHER = "blackmail_other"
    CYBERBULLYING = "cyberbullying"
    GROOMING = "grooming"
    HACKED_ACCOUNT = "hacked_account"
    PRIVACY_SAFETY = "privacy_safety"
    BLOCK_REPORT = "block_report"
    IMAGE_REMOVAL = "image_removal"
    REPORT_POLICE = "report_police"
    TELL_PARENT = "tell_parent"
    SCAM = "scam"
    HARMFUL_CONTENT = "harmful_content"
    PARENT_GUIDANCE = "parent_guidance"
    DISTRESS = "distress"
    SELF_HARM = "self_harm"
    ABUSE_DISCLOSURE = "abuse_disclosure"
    IMMEDIATE_DANGER = "immediate_danger"
    NLU_FALLBACK = "nlu_fallback"


TRAINABLE_INTENTS: tuple[Intent, ...] = tuple(i for i in Intent if i is not Intent.NLU_FALLBACK)


class RiskLevel(IntEnum):
    NONE = 0
    CONCERN = 1
    HIGH = 2
    IMMINENT = 3


class RiskSignal(StrEnum):
    DISTRESS = "distress"
    CYBERBULLYING = "cyberbullying"
    BLACKMAIL_OTHER = "blackmail_other"
    HACKED_ACCOUNT = "hacked_account"
    SEXTORTION = "sextortion"
    GROOMING = "grooming"
    ABUSE_DISCLOSURE = "abuse_disclosure"
    SELF_HARM = "self_harm"
    IMMEDIATE_DANGER = "immediate_danger"


SIGNAL_LEVEL: dict[RiskSignal, RiskLevel] = {
    RiskSignal.DISTRESS: RiskLevel.CONCERN,
    RiskSignal.CYBERBULLYING: RiskLevel.CONCERN,
    RiskSignal.BLACKMAIL_OTHER: RiskLevel.CONCERN,
    RiskSignal.HACKED_ACCOUNT: RiskLevel.CONCERN,
    RiskSignal.SEXTORTION: RiskLevel.HIGH,
    RiskSignal.GROOMING: RiskLevel.HIGH,
    RiskSignal.ABUSE_DISCLOSURE: RiskLevel.HIGH,
    RiskSignal.SELF_HARM: RiskLevel.IMMINENT,
    RiskSignal.IMMEDIATE_DANGER: RiskLevel.IMMINENT,
}


class Language(StrEnum):
    AR = "ar"
    ARABIZI = "arabizi"
    EN = "en"


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Risk:
    level: RiskLevel = RiskLevel.NONE
    signals: tuple[RiskSignal, ...] = ()

    @classmethod
    def of(cls, signals: set[RiskSignal] | frozenset[RiskSignal]) -> Risk:
        """The level is the highest level among the signals (SPEC §3)."""
        level = max((SIGNAL_LEVEL[s] for s in signals), default=RiskLevel.NONE)
        ordered = tuple(sorted(signals, key=lambda s: (-SIGNAL_LEVEL[s], s.value)))
        return cls(level=level, signals=ordered)


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    intent: IntentScore
    intent_ranking: tuple[IntentScore, ...]
    risk: Risk
    language: Language
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The shape printed by `sanad nlu parse` (SPEC §5)."""
        return {
            "text": self.text,
            "intent": {"name": self.intent.name, "confidence": round(self.intent.confidence, 4)},
            "intent_ranking": [
                {"name": s.name, "confidence": round(s.confidence, 4)} for s in self.intent_ranking
            ],
            "risk": {"level": int(self.risk.level), "signals": [s.value for s in self.risk.signals]},
            "language": self.language.value,
        }


class NluBackend(Protocol):
    """Anything that turns a child's message into a ParseResult (embedded engine, Rasa over HTTP)."""

    async def parse(self, text: str) -> ParseResult: ...
