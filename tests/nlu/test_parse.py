"""The engine's answer: intent, top-5 ranking, language, and risk = lexicon ∪ confident model."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from pathlib import Path

import pytest

from nlu.parse import NluEngine, train_engine
from nlu.risk import detect_risk_text
from nlu.types import Language, RiskLevel, RiskSignal
from tests.nlu.conftest import FIXTURE_DIR

# A model that adds the signal of any level it finds more likely than not.
EAGER = {level: 0.5 for level in (RiskLevel.CONCERN, RiskLevel.HIGH, RiskLevel.IMMINENT)}
NEVER = {level: 1.01 for level in EAGER}


def engine_with(engine: NluEngine, **changes: object) -> NluEngine:
    """The engine with other thresholds; `signal_thresholds` set alone sets both heads' bars."""
    if "signal_thresholds" in changes:
        changes.setdefault("intent_signal_thresholds", changes["signal_thresholds"])
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
    eager = engine_with(fixture_engine, signal_thresholds=EAGER)
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
    eager = engine_with(fixture_engine, signal_thresholds=EAGER)
    gated = engine_with(fixture_engine, signal_thresholds=EAGER, familiarity=stranger)

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
    eager = engine_with(fixture_engine, signal_thresholds=EAGER)
    deaf = engine_with(fixture_engine, signal_thresholds=NEVER)

    by_model = eager.parse("zorblax zorblax").extras["risk_sources"]
    by_lexicon = deaf.parse("بدي اموت").extras["risk_sources"]

    assert by_model == {"lexicon": [], "model": ["sextortion"]}
    assert by_lexicon == {"lexicon": ["self_harm"], "model": []}


ADULT_REPORTS = """version: "3.1"
nlu:
- intent: parent_guidance
  examples: |
    - how do I set parental controls on his tablet
    - my son plays games all night, what should I do
    - what age is right for a first phone
    - my daughter wants tiktok, is it safe for her
    - how can we limit screen time at home
    - the school asks me to sign a photo permission form for my son
- intent: parent_guidance
  metadata:
    risk: self_harm
  examples: |
    - my son wrote us a goodbye letter last night
    - my daughter keeps saying she would be better off gone
    - I found fresh cuts on my son's arms
    - my girl searched online how to end her life
    - my boy gave away all his things and said farewell to his friends
    - my daughter has been hiding a goodbye letter and a pill bottle in her drawer
"""


def test_an_adults_report_raises_the_risk_its_examples_carry(tmp_path: Path) -> None:
    for name in ("chat.yml", "risk.yml"):
        shutil.copy(FIXTURE_DIR / name, tmp_path / name)
    (tmp_path / "adults.yml").write_text(ADULT_REPORTS, encoding="utf-8")
    untagged = tmp_path / "untagged"
    untagged.mkdir()
    for name in ("chat.yml", "risk.yml"):
        shutil.copy(FIXTURE_DIR / name, untagged / name)
    (untagged / "adults.yml").write_text(
        ADULT_REPORTS.replace("  metadata:\n    risk: self_harm\n", ""), "utf-8"
    )
    message = "my son gave away his things to his friends yesterday"
    assert detect_risk_text(message) == set()  # only the model can find this one

    tagged = engine_with(train_engine(tmp_path), signal_thresholds=EAGER).parse(message)
    plain = engine_with(train_engine(untagged), signal_thresholds=EAGER).parse(message)

    assert tagged.intent.name == plain.intent.name == "parent_guidance"  # SPEC §2: an adult writing
    assert tagged.risk.signals == (RiskSignal.SELF_HARM,)
    assert plain.risk.level is RiskLevel.NONE


def test_either_head_may_add_the_signal_alone(fixture_engine: NluEngine) -> None:
    intent_only = engine_with(fixture_engine, signal_thresholds=NEVER, intent_signal_thresholds=EAGER)
    risk_only = engine_with(fixture_engine, signal_thresholds=EAGER, intent_signal_thresholds=NEVER)
    neither = engine_with(fixture_engine, signal_thresholds=NEVER)

    assert intent_only.parse("zorblax zorblax").risk.signals == (RiskSignal.SEXTORTION,)
    assert risk_only.parse("zorblax zorblax").risk.signals == (RiskSignal.SEXTORTION,)
    assert neither.parse("zorblax zorblax").risk.level is RiskLevel.NONE
