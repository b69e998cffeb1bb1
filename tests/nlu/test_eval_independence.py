"""The independent evaluation sets in nlu/eval never leak into the training data."""

from __future__ import annotations

import csv
from pathlib import Path

from nlu.normalize import normalize
from nlu.parse import DEFAULT_DATA_DIR
from nlu.training_data import load_training_data

EVAL_DIR = Path(__file__).resolve().parents[2] / "nlu" / "eval"


def eval_rows() -> list[str]:
    rows: list[str] = []
    for path in sorted(EVAL_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(row["text"] for row in csv.DictReader(handle))
    return rows


def test_no_evaluation_row_is_a_training_example() -> None:
    training = {normalize(example.text) for example in load_training_data(DEFAULT_DATA_DIR).examples}
    rows = eval_rows()

    # One- and two-word messages ("مرحبا", "thanks") coincide by nature; longer ones must not.
    leaked = [text for text in rows if len(normalize(text).split()) >= 3 and normalize(text) in training]

    assert len(rows) > 700
    assert leaked == []
