"""The engine's answer: intent, top-5 ranking, language, and risk = lexicon ∪ confident model."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from nlu.parse import NluEngine
from nlu.risk import detect_risk_text
from nlu.types import Language, RiskLevel, RiskSignal

ALWAYS = {level: 0.0 for level in (RiskLevel.CONCERN, RiskLevel.HIGH, RiskLevel.IMMINENT)}
NEVER = {level: 1.01 for level in ALWAYS}


def engine_with(engine: NluEngine, **changes: object) -> NluEngine:
    return NluEngine(dataclasses.replace(engine.model, **changes))


def test_parse_ranks_at_most_five_intents_best_first(fixture_engine: NluEngine) -> None:
    result = fixture_engine.parse("مرحبا كيفك")

    confidences = [s.confidence for s in result.intent_ranking]
    assert result.intent.name == "greet"
    assert len(result.intent_ranking) == 5
    assert confidences == sorted(confidences, reverse=True)
    assert result.intent_ranking[0].name == "greet"


@pytest.mark.parametrize(
    ("text", "language"),
    [("bdi a7ki ma3 insan", Language.ARABIZI), ("مرحبا", Language.AR), ("hello there", Language.EN)],
)
def test_parse_reports_the_register(fixture_engine: NluEngine, text: str, language: Language) -> None:
    assert fixture_engine.parse(text).language is language


def test_arabizi_request_is_understood_through_its_arabic_view(fixture_engine: NluEngine) -> None:
    assert fixture_engine.parse("bdi a7ki ma3 7ada 7a2i2i").intent.name == "ask_human"


def test_low_confidence_becomes_nlu_fallback_keeping_the_ranking(fixture_engine: NluEngine) -> None:
    strict = engine_with(fixture_engine, threshold=1.01)

    result = strict.parse("مرحبا")

    assert result.intent.name == "nlu_fallback"
    assert result.intent_ranking[0].name == "greet"


def test_text_without_letters_is_fallback_with_no_ranking(fixture_engine: NluEngine) -> None:
    result = fixture_engine.parse(" ?! ... ")

    assert result.intent.name == "nlu_fallback"
    assert result.intent_ranking == ()
    assert result.risk.level is RiskLevel.NONE


def test_lexicon_risk_stands_even_when_the_model_sees_a_greeting(fixture_engine: NluEngine) -> None:
    deaf_model = engine_with(fixture_engine, signal_thresholds=NEVER)

    result = deaf_model.parse("مرحبا، بدي اموت")

    assert RiskSignal.SELF_HARM in result.risk.signals
    assert result.risk.level is RiskLevel.IMMINENT


def test_a_confident_model_raises_risk_the_lexicon_missed(fixture_engine: NluEngine) -> None:
    eager = engine_with(fixture_engine, signal_thresholds=ALWAYS)
    assert detect_risk_text("zorblax zorblax") == set()  # a made-up word only the fixture data knows

    result = eager.parse("zorblax zorblax")

    assert result.intent_ranking[0].name == "sextortion"
    assert result.risk.signals == (RiskSignal.SEXTORTION,)
    assert result.risk.level is RiskLevel.HIGH


def test_an_unsure_model_adds_no_risk(fixture_engine: NluEngine) -> None:
    cautious = engine_with(fixture_engine, signal_thresholds=NEVER)

    result = cautious.parse("zorblax zorblax")

    assert result.risk.level is RiskLevel.NONE


def test_the_model_adds_no_risk_to_text_unlike_its_risk_examples(fixture_engine: NluEngine) -> None:
    stranger = copy.deepcopy(fixture_engine.model.familiarity)
    stranger.threshold = 1.01  # nothing is that close: every message is unfamiliar
    eager = engine_with(fixture_engine, signal_thresholds=ALWAYS)
    gated = engine_with(fixture_engine, signal_thresholds=ALWAYS, familiarity=stranger)

    assert eager.parse("zorblax zorblax").risk.signals == (RiskSignal.SEXTORTION,)
    assert gated.parse("zorblax zorblax").risk.level is RiskLevel.NONE
    assert RiskSignal.SELF_HARM in gated.parse("بدي اموت").risk.signals  # the lexicon is never gated


def test_risk_is_multi_label_across_intent_and_lexicon(fixture_engine: NluEngine) -> None:
    result = fixture_engine.parse("بدو ينشر صوري اذا ما بعتله مصاري وانا بدي اموت")

    assert {RiskSignal.SEXTORTION, RiskSignal.SELF_HARM} <= set(result.risk.signals)
    assert result.risk.level is RiskLevel.IMMINENT


def test_to_json_has_exactly_the_spec_shape(fixture_engine: NluEngine) -> None:
    payload = fixture_engine.parse("hello").to_json()

    assert set(payload) == {"text", "intent", "intent_ranking", "risk", "language"}
    assert set(payload["intent"]) == {"name", "confidence"}
    assert set(payload["risk"]) == {"level", "signals"}
    assert payload["text"] == "hello"


def test_extras_tell_which_net_found_each_signal(fixture_engine: NluEngine) -> None:
    eager = engine_with(fixture_engine, signal_thresholds=ALWAYS)
    deaf = engine_with(fixture_engine, signal_thresholds=NEVER)

    by_model = eager.parse("zorblax zorblax").extras["risk_sources"]
    by_lexicon = deaf.parse("بدي اموت").extras["risk_sources"]

    assert by_model == {"lexicon": [], "model": ["sextortion"]}
    assert by_lexicon == {"lexicon": ["self_harm"], "model": []}
