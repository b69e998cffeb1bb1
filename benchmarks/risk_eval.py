"""Measure the risk lexicon alone (no classifier) on the public eval sets; print JSON.

For each `eval.csv` (header `text,label,...`): per-label recall (share of rows labelled X whose
risk level reaches the level of X), the false-alarm rate (share of `none` rows at level ≥ 2, the
issue's target), the share of `none` rows at level ≥ 1 (informative), and the mean time per
message. Only aggregate numbers are printed, never the rows: these sets are for evaluation only.

    .venv/bin/python benchmarks/risk_eval.py [EVAL_DATA_DIR | FILE.csv ...]   # default ../shared/eval-data
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/nlu.py would otherwise shadow the nlu package

from nlu.risk import detect_risk_text  # noqa: E402
from nlu.types import SIGNAL_LEVEL, Risk, RiskLevel, RiskSignal  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "eval-data"


def _level(label: str) -> RiskLevel:
    return SIGNAL_LEVEL[RiskSignal(label)] if label != "none" else RiskLevel.NONE


def evaluate_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(row["text"], row["label"]) for row in csv.DictReader(handle)]
    started = time.perf_counter()
    risks = [Risk.of(detect_risk_text(text)) for text, _ in rows]
    elapsed = time.perf_counter() - started
    per_label: dict[str, dict[str, Any]] = {}
    for label in sorted({label for _, label in rows} - {"none"}):
        hits = [r for r, (_, gold) in zip(risks, rows, strict=True) if gold == label]
        reached = sum(r.level >= _level(label) for r in hits)
        per_label[label] = {"rows": len(hits), "recall": round(reached / len(hits), 4)}
    benign = [r for r, (_, gold) in zip(risks, rows, strict=True) if gold == "none"]
    report: dict[str, Any] = {"rows": len(rows), "per_label": per_label}
    if benign:
        report["none_rows"] = len(benign)
        report["false_alarm_rate"] = round(sum(r.level >= RiskLevel.HIGH for r in benign) / len(benign), 4)
        report["none_level_ge_1"] = round(sum(r.level >= RiskLevel.CONCERN for r in benign) / len(benign), 4)
        report["none_signals"] = dict(Counter(s.value for r in benign for s in r.signals).most_common())
    report["ms_per_message"] = round(elapsed / max(len(rows), 1) * 1000, 3)
    return report


def main(argv: list[str]) -> None:
    paths = [Path(arg) for arg in argv[1:]] or [DEFAULT_DIR]
    report: dict[str, Any] = {}
    for path in paths:
        if path.is_dir():
            report.update({f.parent.name: evaluate_file(f) for f in sorted(path.glob("*/eval.csv"))})
        else:
            report[path.name] = evaluate_file(path)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main(sys.argv)
