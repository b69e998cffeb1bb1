"""The bundled training data and the model trained from it (one training per test session)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nlu.language import detect_language
from nlu.parse import DEFAULT_DATA_DIR, NluEngine, load_engine
from nlu.training_data import load_training_data
from nlu.types import TRAINABLE_INTENTS, Language, RiskLevel


@pytest.fixture(scope="session")
def bundled_engine(nlu_model_path: Path) -> NluEngine:
    return load_engine(nlu_model_path, DEFAULT_DATA_DIR)


def test_every_spec_intent_has_40_examples_in_every_register() -> None:
    data = load_training_data(DEFAULT_DATA_DIR)
    registers = {intent: Counter() for intent in TRAINABLE_INTENTS}
    for example in data.examples:
        registers[example.intent][detect_language(example.text)] += 1

    thin = {i.value: sum(c.values()) for i, c in registers.items() if sum(c.values()) < 40}
    missing = {
        i.value: sorted(set(Language) - set(c)) for i, c in registers.items() if set(c) != set(Language)
    }
    assert thin == {}
    assert missing == {}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("مرحبا", "greet"),
        ("shukran ktir", "thanks"),
        ("بدي احكي مع شخص حقيقي", "ask_human"),
        ("how do I block someone on instagram", "block_report"),
        ("حدا سرق حسابي عالانستا", "hacked_account"),
    ],
)
def test_plain_requests_get_their_intent(bundled_engine: NluEngine, text: str, intent: str) -> None:
    assert bundled_engine.parse(text).intent.name == intent


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I want to kill myself", RiskLevel.IMMINENT),
        ("bdi amoot w ertaa7", RiskLevel.IMMINENT),
        ("هددني ينشر صوري اذا ما بعتله مصاري", RiskLevel.HIGH),
        ("كيف بعمل بلوك لحدا", RiskLevel.NONE),
    ],
)
def test_risk_on_the_bundled_model(bundled_engine: NluEngine, text: str, level: RiskLevel) -> None:
    assert bundled_engine.parse(text).risk.level is level
