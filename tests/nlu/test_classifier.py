"""Training is deterministic, thresholds come from data, and a model file only loads for its data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import joblib
import numpy as np
import pytest

from nlu import classifier
from nlu.classifier import load_model, save_model, text_views, train_model
from nlu.errors import ModelMismatchError, NluError
from nlu.parse import load_engine
from nlu.training_data import TrainingData
from nlu.types import Language, RiskLevel
from tests.nlu.conftest import FIXTURE_DIR

PROBES = ["مرحبا", "بدو ينشر صوري", "bdi a7ki ma3 7ada", "thanks!!", "zorblax", "شو بتعرف عن الطقس"]


def probabilities(model: classifier.NluModel) -> np.ndarray:
    return model.classifier.predict_proba([text_views(t) for t in PROBES])


def test_two_trainings_give_identical_probabilities(fixture_data: TrainingData, fixture_model) -> None:
    again = train_model(fixture_data)

    assert np.array_equal(probabilities(again), probabilities(fixture_model))
    assert again.threshold == fixture_model.threshold
    assert again.signal_thresholds == fixture_model.signal_thresholds
    assert again.intent_signal_thresholds == fixture_model.intent_signal_thresholds
    views = [text_views(t) for t in PROBES]
    assert np.array_equal(again.classifier.margins(views)[1], fixture_model.classifier.margins(views)[1])


def test_thresholds_are_probabilities_and_risk_ones_never_below_fallback(fixture_model) -> None:
    assert 0.0 <= fixture_model.threshold < 1.0
    assert set(fixture_model.signal_thresholds) == {RiskLevel.CONCERN, RiskLevel.HIGH, RiskLevel.IMMINENT}
    bars = [*fixture_model.signal_thresholds.values(), *fixture_model.intent_signal_thresholds.values()]
    assert all(fixture_model.threshold <= t <= 1.0 or t == classifier.NEVER for t in bars)


def test_fallback_threshold_keeps_97_percent_of_correct_predictions() -> None:
    classes = ["a", "b"]
    confidences = np.linspace(0.5, 1.0, 100)
    proba = np.column_stack([confidences, 1 - confidences])

    threshold = classifier.choose_threshold(proba, ["a"] * 100, classes)

    kept = (confidences >= threshold).mean()
    assert 0.97 <= kept <= 0.99


def test_self_harm_guessed_for_a_distressed_child_does_not_raise_the_level_3_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(classifier.SIGNAL_PRECISION, RiskLevel.IMMINENT, 0.95)
    classes = ["distress", "out_of_scope", "self_harm"]
    confidence = [round(0.99 - 0.01 * i, 2) for i in range(20)]  # 0.99 … 0.80, all guessed self_harm
    truth = ["self_harm"] * 20
    for i, c in enumerate(confidence):
        if c in (0.97, 0.93, 0.85):
            truth[i] = "distress"
    truth[-1] = "out_of_scope"  # the least confident guess is on benign text
    proba = np.asarray([[(1 - c) / 2, (1 - c) / 2, c] for c in confidence])

    relaxed = classifier.choose_signal_thresholds(proba, truth, classes, floor=0.3)
    monkeypatch.setattr(classifier, "ACCEPTABLE_GUESSES", frozenset())
    strict = classifier.choose_signal_thresholds(proba, truth, classes, floor=0.3)

    assert relaxed[RiskLevel.IMMINENT] == 0.80  # 19 of 20 acceptable from the bottom up
    assert strict[RiskLevel.IMMINENT] == 0.98  # only the top two are 95% right without the rule


def test_an_intent_with_too_few_examples_is_refused(fixture_data: TrainingData) -> None:
    few = dataclasses.replace(fixture_data, examples=fixture_data.examples[:3] + fixture_data.examples[-20:])

    with pytest.raises(NluError, match="need at least 5 examples"):
        train_model(few)


def test_arabizi_examples_get_an_arabic_view() -> None:
    views = text_views("ana bdi a7ki ma3 7ada")

    assert views.language is Language.ARABIZI
    assert views.arabizi_view == "انا بدي احكي مع حدا"


def test_saved_model_loads_with_the_same_predictions(tmp_path: Path, fixture_data, fixture_model) -> None:
    path = tmp_path / "model.joblib"
    save_model(fixture_model, path)

    loaded = load_model(path, data_hash=fixture_data.data_hash())

    assert np.array_equal(probabilities(loaded), probabilities(fixture_model))
    assert loaded.threshold == fixture_model.threshold
    assert loaded.metrics == fixture_model.metrics
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind


def test_model_for_other_data_is_refused(tmp_path: Path, fixture_model) -> None:
    path = tmp_path / "model.joblib"
    save_model(fixture_model, path)

    with pytest.raises(ModelMismatchError, match="other data"):
        load_model(path, data_hash="0" * 64)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": classifier.FORMAT_VERSION + 1}, "format"),
        ({"sklearn_version": "0.0.1"}, "scikit-learn 0.0.1"),
    ],
)
def test_model_from_other_code_is_refused(
    tmp_path: Path, fixture_data, fixture_model, change, message
) -> None:
    path = tmp_path / "model.joblib"
    save_model(fixture_model, path)
    joblib.dump({**joblib.load(path), **change}, path)

    with pytest.raises(ModelMismatchError, match=message):
        load_model(path, data_hash=fixture_data.data_hash())


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path, fixture_data) -> None:
    path = tmp_path / "model.joblib"
    path.write_bytes(b"not a pickle at all")

    with pytest.raises(ModelMismatchError, match="not a readable Sanad model"):
        load_model(path, data_hash=fixture_data.data_hash())


def test_load_engine_trains_when_missing_then_reuses_the_file(tmp_path: Path, fixture_data) -> None:
    path = tmp_path / "model.joblib"

    first = load_engine(path, FIXTURE_DIR)
    stamp = path.stat().st_mtime_ns
    second = load_engine(path, FIXTURE_DIR)

    assert first.model.data_hash == fixture_data.data_hash()
    assert path.stat().st_mtime_ns == stamp
    assert second.model.data_hash == first.model.data_hash


def test_load_engine_retrains_a_stale_model(tmp_path: Path, fixture_model) -> None:
    path = tmp_path / "model.joblib"
    save_model(dataclasses.replace(fixture_model, data_hash="stale"), path)

    engine = load_engine(path, FIXTURE_DIR)

    assert engine.model.data_hash == fixture_model.data_hash
    assert joblib.load(path)["data_hash"] == fixture_model.data_hash


def test_single_message_fast_path_matches_the_batch_scores(fixture_data: TrainingData, fixture_model) -> None:
    texts = [e.text for e in fixture_data.examples] + PROBES + ["😭😭", "120 dollars on instagram", "x"]

    for text in texts:
        views = text_views(text)
        ranked = dict(fixture_model.classifier.rank(views))
        batch = fixture_model.classifier.predict_proba([views])[0]

        assert np.allclose([ranked[c] for c in fixture_model.classifier.classes], batch, atol=1e-9), text
        _, risk = fixture_model.classifier.read(views)
        _, risk_margins = fixture_model.classifier.margins([views])
        risk_batch = classifier.probabilities(risk_margins, fixture_model.classifier.risk_temperature)[0]
        assert np.allclose([risk[c] for c in fixture_model.classifier.risk_classes], risk_batch, atol=1e-9), (
            text
        )


def test_two_intent_data_trains_and_ranks_both(fixture_data: TrainingData) -> None:
    two = dataclasses.replace(
        fixture_data,
        examples=tuple(e for e in fixture_data.examples if e.intent.value in {"greet", "thanks"}),
    )

    model = train_model(two)

    ranking = model.classifier.rank(text_views("shukran"))
    assert [name for name, _ in ranking] == ["thanks", "greet"]
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-9
