"""Measure the NLU: a held-out split of the training data, and intent or risk CSV files (SPEC §5).

Intent files (`text,intent`): `accuracy` and `macro_f1` score the intent as the engine answers
(an `nlu_fallback` counts as wrong); `*_top` the top-ranked intent ignoring the threshold.
Risk files (`text,label`, label a risk signal or `none`): risk is multi-label, so a row is right
when its label is among the signals found (`none`: no signal at all); per label, precision is the
share of rows given that signal that carry the label. `risk_recall` is the share of non-`none`
rows whose level ≥ their label's level, `false_alarm_rate` the share of `none` rows at level ≥ 2.
Other columns (e.g. `source_label`) are ignored.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split

from nlu.classifier import SEED, train_model
from nlu.errors import EvalFileError
from nlu.parse import NluEngine
from nlu.training_data import Example, TrainingData
from nlu.types import SIGNAL_LEVEL, Intent, RiskLevel, RiskSignal

HOLDOUT_SHARE = 0.2
NONE_LABEL = "none"
_SIGNALS = {s.value: s for s in RiskSignal}
_INTENTS = frozenset(i.value for i in Intent)


@dataclass(frozen=True, slots=True)
class EvalFile:
    kind: str  # "intent" or "risk"
    rows: tuple[tuple[str, str], ...]  # (text, expected intent or label)
    skipped: int  # rows with empty text


def read_eval_file(path: Path) -> EvalFile:
    """Rows of an evaluation CSV; EvalFileError names the line of an unknown label."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            return _read_rows(path, csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise EvalFileError(f"{path}: cannot read the CSV ({error})") from error


def _read_rows(path: Path, reader: csv.DictReader[str]) -> EvalFile:
    columns = reader.fieldnames or []
    column = "intent" if "intent" in columns else "label" if "label" in columns else ""
    if "text" not in columns or not column:
        found = ",".join(columns)
        raise EvalFileError(f"{path}: the header must be text,intent or text,label (found {found})")
    known = _INTENTS if column == "intent" else {*_SIGNALS, NONE_LABEL}
    rows: list[tuple[str, str]] = []
    skipped = 0
    for record in reader:
        text, expected = (record.get("text") or "").strip(), (record.get(column) or "").strip()
        if expected not in known:
            raise EvalFileError(f"{path}:{reader.line_num}: unknown {column} {expected!r}")
        if not text:
            skipped += 1
            continue
        rows.append((text, expected))
    if not rows:
        raise EvalFileError(f"{path}: no rows to evaluate")
    return EvalFile(kind="intent" if column == "intent" else "risk", rows=tuple(rows), skipped=skipped)


def _per_label(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, dict[str, float]]:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), zero_division=0
    )
    return {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def _macro(table: dict[str, dict[str, float]]) -> float:
    return round(sum(row["f1"] for row in table.values()) / len(table), 4) if table else 0.0


def evaluate_intents(engine: NluEngine, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    results = [engine.parse(text) for text, _ in rows]
    truth = [expected for _, expected in rows]
    answered = [r.intent.name for r in results]
    top = [r.intent_ranking[0].name if r.intent_ranking else Intent.NLU_FALLBACK.value for r in results]
    labels = sorted(set(truth))
    table = _per_label(truth, answered, labels)
    confusions = Counter((t, p) for t, p in zip(truth, answered, strict=True) if t != p)
    return {
        "kind": "intent",
        "rows": len(rows),
        "accuracy": _share(sum(t == p for t, p in zip(truth, answered, strict=True)), len(rows)),
        "macro_f1": _macro(table),
        "accuracy_top": _share(sum(t == p for t, p in zip(truth, top, strict=True)), len(rows)),
        "macro_f1_top": _macro(_per_label(truth, top, labels)),
        "fallback_rate": _share(answered.count(Intent.NLU_FALLBACK.value), len(rows)),
        "per_label": table,
        "confusions": [
            {"expected": t, "answered": p, "count": n} for (t, p), n in confusions.most_common(15)
        ],
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _label_level(label: str) -> RiskLevel:
    return SIGNAL_LEVEL[_SIGNALS[label]] if label in _SIGNALS else RiskLevel.NONE


def evaluate_risk(engine: NluEngine, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    risks = [engine.parse(text).risk for text, _ in rows]
    truth = [label for _, label in rows]
    found = [{s.value for s in risk.signals} for risk in risks]
    labels = sorted(set(truth))
    table: dict[str, dict[str, float]] = {}
    for label in labels:
        has = [(not f) if label == NONE_LABEL else (label in f) for f in found]
        table[label] = _binary_row([t == label for t in truth], has)
    right = sum((not f) if t == NONE_LABEL else (t in f) for t, f in zip(truth, found, strict=True))
    at_risk = [(t, r) for t, r in zip(truth, risks, strict=True) if t != NONE_LABEL]
    benign = [r for t, r in zip(truth, risks, strict=True) if t == NONE_LABEL]
    return {
        "kind": "risk",
        "rows": len(rows),
        "accuracy": _share(right, len(rows)),
        "macro_f1": _macro(table),
        "per_label": table,
        "risk_recall": _share(sum(r.level >= _label_level(t) for t, r in at_risk), len(at_risk)),
        "risk_recall_by_label": {
            label: _share(
                sum(r.level >= _label_level(t) for t, r in at_risk if t == label),
                sum(t == label for t, _ in at_risk),
            )
            for label in labels
            if label != NONE_LABEL
        },
        "false_alarm_rate": _share(sum(r.level >= RiskLevel.HIGH for r in benign), len(benign)),
        "levels": dict(sorted(Counter(str(int(r.level)) for r in risks).items())),
    }


def _binary_row(truth: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    precision = tp / sum(predicted) if any(predicted) else 0.0
    recall = tp / sum(truth) if any(truth) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": sum(truth),
    }


def evaluate_file(engine: NluEngine, path: Path) -> dict[str, Any]:
    """SPEC §5 metrics for one CSV, intent or risk by its header."""
    eval_file = read_eval_file(path)
    evaluate = evaluate_intents if eval_file.kind == "intent" else evaluate_risk
    return {**evaluate(engine, eval_file.rows), "skipped_empty": eval_file.skipped}


def holdout_split(data: TrainingData) -> tuple[TrainingData, list[Example]]:
    """A fixed-seed stratified 80/20 split: training data without the held-out examples, and those."""
    labels = [e.intent.value for e in data.examples]
    train, test = train_test_split(
        list(data.examples), test_size=HOLDOUT_SHARE, stratify=labels, random_state=SEED
    )
    kept = TrainingData(examples=tuple(train), synonyms=data.synonyms, features=data.features)
    return kept, list(test)


def holdout_report(data: TrainingData) -> dict[str, Any]:
    """Intent metrics on the held-out 20% (never seen in training, thresholds included), and how
    often the held-out examples with a risk reached its level (lexicon ∪ model); a parent's report
    counts with the risk its metadata gives it."""
    train, test = holdout_split(data)
    engine = NluEngine(train_model(train))
    report = evaluate_intents(engine, [(e.text, e.intent.value) for e in test])
    risk = evaluate_risk(engine, [(e.text, e.risk_label) for e in test])
    report["risk"] = {
        k: risk[k] for k in ("risk_recall", "risk_recall_by_label", "false_alarm_rate", "per_label")
    }
    report["threshold"] = engine.model.threshold
    return report
