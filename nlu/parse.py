"""The embedded NLU engine: one message in, intent + ranking + risk + language out.

`parse` is synchronous and pure: normalise, detect the register, build the Arabizi view, rank
intents, then combine risk. Risk = lexicon signals ∪ model signal. The model's risk head (trained
on each example's risk, not its intent: a parent reporting a goodbye note is `parent_guidance`
with risk `self_harm`) adds the most likely signal of the highest level whose summed probability
reaches the threshold learned for it (`NluModel.signal_thresholds`), and the intent head adds its
top risk intent above the bar at which it was right 97% of the time out of fold
(`intent_signal_thresholds`), unless the lexicon's
`model_guards` say the message is hypothetical, homework, denied or an accident, or the message is
unlike every risk example the model learned from (`nlu.familiarity`). The model may raise risk; it
never removes a lexicon signal.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from nlu.classifier import (
    MODEL_LEVELS,
    RISK_INTENTS,
    NluModel,
    TextViews,
    level_signal,
    load_model,
    save_model,
    text_views,
    train_model,
)
from nlu.errors import ModelMismatchError
from nlu.risk import detect_risk_in, model_guarded_in, risk_views
from nlu.training_data import load_training_data
from nlu.types import SIGNAL_LEVEL, Intent, IntentScore, ParseResult, Risk, RiskSignal

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
RANKING_SIZE = 5


class NluEngine:
    """Parses messages with one trained model; cheap to call from any thread (read-only)."""

    def __init__(self, model: NluModel) -> None:
        self.model = model

    def parse(self, text: str) -> ParseResult:
        views = text_views(text)
        if not views.normalized:
            return self._nothing_to_read(views)
        ranked, risk_proba = self.model.classifier.read(views)
        ranking = [IntentScore(name, confidence) for name, confidence in ranked]
        top = ranking[0]
        if top.confidence >= self.model.threshold:
            intent = top
        else:  # like Rasa's FallbackClassifier: the fallback carries the threshold as confidence
            intent = IntentScore(Intent.NLU_FALLBACK.value, self.model.threshold)
        sources = self.risk_sources(views, self.head_signals(risk_proba) | self.model_signals(top))
        return ParseResult(
            text=text,
            intent=intent,
            intent_ranking=tuple(ranking[:RANKING_SIZE]),
            risk=Risk.of(sources["lexicon"] | sources["model"]),
            language=views.language,
            extras={"risk_sources": {k: sorted(s.value for s in v) for k, v in sources.items()}},
        )

    def risk(self, views: TextViews, top: IntentScore | None) -> Risk:
        """Lexicon signals ∪ our risk head ∪ the signal of a confident risk intent `top` (Rasa's)."""
        proposed = self.head_signals(self.model.classifier.read(views)[1]) | self.model_signals(top)
        return Risk.of(set().union(*self.risk_sources(views, proposed).values()))

    def risk_sources(self, views: TextViews, proposed: set[RiskSignal]) -> dict[str, set[RiskSignal]]:
        """Which net found which signal: {"lexicon": ..., "model": ...} (for evaluation and staff).
        `proposed` are the model's signals before the lexicon's guards and the familiarity gate."""
        folded = risk_views(views.raw, views.normalized, views.arabizi_view)
        model = set(proposed)
        if model:
            model -= model_guarded_in(folded)
        if model and not self.model.familiarity.familiar(views.arabizi_view):
            model = set()  # text unlike any risk example (adult news, hate speech): not the model's call
        return {"lexicon": detect_risk_in(folded), "model": model}

    def head_signals(self, risk_proba: dict[str, float]) -> set[RiskSignal]:
        """The risk head's call: the most likely signal of the highest level whose summed probability
        (that level or above) reaches the level's learned threshold."""
        if not risk_proba:
            return set()
        classes = list(risk_proba)
        row = np.asarray([list(risk_proba.values())])
        for level in MODEL_LEVELS:
            cumulative, best = level_signal(row, classes, level)
            if best[0] is not None and cumulative[0] >= self.model.signal_thresholds[level]:
                return {RiskSignal(best[0])}
        return set()

    def model_signals(self, top: IntentScore | None) -> set[RiskSignal]:
        """The signal of a top intent (ours or Rasa's) when it is a risk intent above its level's bar."""
        signal = RISK_INTENTS.get(top.name) if top is not None else None
        if signal is None or top is None:
            return set()
        needed = self.model.intent_signal_thresholds[SIGNAL_LEVEL[signal]]
        return {signal} if top.confidence >= needed else set()

    def _nothing_to_read(self, views: TextViews) -> ParseResult:
        """Punctuation or whitespace only: nothing for the model, the lexicon still looks."""
        return ParseResult(
            text=views.raw,
            intent=IntentScore(Intent.NLU_FALLBACK.value, 0.0),
            intent_ranking=(),
            risk=Risk.of(set().union(*self.risk_sources(views, set()).values())),
            language=views.language,
        )


def train_engine(data_dir: Path) -> NluEngine:
    return NluEngine(train_model(load_training_data(data_dir)))


_LOADED: dict[tuple[object, ...], NluEngine] = {}


def _files_stamp(*paths: Path) -> tuple[tuple[str, int, int], ...]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.exists())


def load_engine(model_path: Path, data_dir: Path = DEFAULT_DATA_DIR) -> NluEngine:
    """The saved model if it matches the data in `data_dir`; else train, save, and use a new one.

    Raises TrainingDataError when the data cannot be loaded: running on a model trained from
    other data would silently ignore what an admin just published. An engine is read-only, so
    one loaded engine is shared while neither the data nor the model file changed.
    """
    key = (str(model_path.resolve()), _files_stamp(data_dir, model_path))
    cached = _LOADED.get(key)
    if cached is not None:
        return cached
    engine = _load_engine(model_path, data_dir)
    _LOADED.clear()
    _LOADED[(str(model_path.resolve()), _files_stamp(data_dir, model_path))] = engine
    return engine


def _load_engine(model_path: Path, data_dir: Path) -> NluEngine:
    data = load_training_data(data_dir)
    data_hash = data.data_hash()
    if model_path.exists():
        try:
            return NluEngine(load_model(model_path, data_hash=data_hash))
        except ModelMismatchError as error:
            log.info("nlu model is stale, retraining: %s", error)
    model = train_model(data)
    try:
        save_model(model, model_path)
    except OSError as error:
        log.warning("nlu model trained but not saved (%s); it lives in memory only", type(error).__name__)
    log.info(
        "nlu model trained: %d examples, cv_macro_f1=%s",
        model.metrics["examples"],
        model.metrics["cv_macro_f1"],
    )
    return NluEngine(model)
