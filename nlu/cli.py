"""`sanad nlu ...`: train, parse, eval and export-rasa (SPEC §5). Errors → stderr and exit 2."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from nlu.classifier import save_model, train_model
from nlu.errors import NluError
from nlu.evaluate import evaluate_file, holdout_report
from nlu.export_rasa import export_rasa
from nlu.parse import DEFAULT_DATA_DIR, NluEngine, load_engine
from nlu.training_data import TrainingData, load_training_data
from nlu.types import TRAINABLE_INTENTS

RECOMMENDED_EXAMPLES = 40  # per intent (issue 3)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 too; keep its usage line on stderr
        self.print_usage(sys.stderr)
        raise SystemExit(f"sanad nlu: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sanad nlu", description="Train, run and evaluate Sanad's NLU.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train from Rasa-format YAML and print metrics")
    train.add_argument("--data", type=Path, help="a YAML file or a directory of them")
    train.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    parse = commands.add_parser("parse", help="print the parse of one message as JSON")
    parse.add_argument("text")
    parse.add_argument("--data", type=Path)
    evaluate = commands.add_parser("eval", help="evaluate on a text,intent or text,label CSV")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--data", type=Path)
    export = commands.add_parser("export-rasa", help="write nlu.yml, domain.yml, config.yml for Rasa 3.x")
    export.add_argument("dir", type=Path)
    export.add_argument("--data", type=Path)
    return parser


def run(argv: list[str], *, model_path: Path, data_dir: Path = DEFAULT_DATA_DIR) -> int:
    """Run one `sanad nlu` subcommand; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return 2
        return 0 if exit_.code in (0, None) else 2
    data = args.data or data_dir
    try:
        if args.command == "train":
            return _train(data, model_path, as_json=args.json)
        if args.command == "parse":
            return _print(load_engine(model_path, data).parse(args.text).to_json())
        if args.command == "eval":
            return _eval(load_engine(model_path, data), args.file, as_json=args.json)
        return _export(data, args.dir)
    except NluError as error:
        print(f"sanad nlu: {error}", file=sys.stderr)
        return 2


def _print(payload: dict[str, Any]) -> int:
    print(json.dumps(payload, ensure_ascii=False))
    return 0


def _coverage(data: TrainingData) -> list[str]:
    counts = data.counts()
    return [
        f"{intent.value}: {counts.get(intent, 0)} examples (recommended ≥ {RECOMMENDED_EXAMPLES})"
        for intent in TRAINABLE_INTENTS
        if counts.get(intent, 0) < RECOMMENDED_EXAMPLES
    ]


def _train(data_path: Path, model_path: Path, *, as_json: bool) -> int:
    data = load_training_data(data_path)
    started = time.perf_counter()
    holdout = holdout_report(data)
    model = train_model(data)
    try:
        save_model(model, model_path)
    except OSError as error:
        raise NluError(f"cannot write the model to {model_path}: {error.strerror}") from error
    report = {
        "examples": len(data.examples),
        "data_hash": model.data_hash,
        "model_path": str(model_path),
        "seconds": round(time.perf_counter() - started, 1),
        "threshold": model.threshold,
        "signal_thresholds": {str(int(k)): round(v, 4) for k, v in model.signal_thresholds.items()},
        "intent_signal_thresholds": {
            str(int(k)): round(v, 4) for k, v in model.intent_signal_thresholds.items()
        },
        "cross_validation": {k: model.metrics[k] for k in ("cv_accuracy", "cv_macro_f1")},
        "holdout": holdout,
        "warnings": _coverage(data),
    }
    if as_json:
        return _print(report)
    _print_train(report)
    return 0


def _print_train(report: dict[str, Any]) -> None:
    holdout = report["holdout"]
    print(f"trained on {report['examples']} examples in {report['seconds']} s → {report['model_path']}")
    print(
        f"held-out 20%: macro-F1 {holdout['macro_f1']} (top intent {holdout['macro_f1_top']}), "
        f"accuracy {holdout['accuracy']}, fallback {holdout['fallback_rate']}"
    )
    print(
        f"held-out risk: recall {holdout['risk']['risk_recall']}, false alarms {holdout['risk']['false_alarm_rate']}"
    )
    print(f"cross-validation (all data): macro-F1 {report['cross_validation']['cv_macro_f1']}")
    print(
        f"fallback threshold {report['threshold']}; risk head bars by level {report['signal_thresholds']}; "
        f"intent head bars {report['intent_signal_thresholds']}"
    )
    _print_table(holdout["per_label"])
    for warning in report["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)


def _print_table(table: dict[str, dict[str, float]]) -> None:
    print(f"{'label':<18} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}")
    for label, row in table.items():
        print(
            f"{label:<18} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>7}"
        )


def _eval(engine: NluEngine, path: Path, *, as_json: bool) -> int:
    report = evaluate_file(engine, path)
    if as_json:
        return _print(report)
    print(
        f"{report['kind']} evaluation of {report['rows']} rows: accuracy {report['accuracy']}, macro-F1 {report['macro_f1']}"
    )
    if report["kind"] == "risk":
        print(f"risk recall {report['risk_recall']}, false-alarm rate {report['false_alarm_rate']}")
    _print_table(report["per_label"])
    return 0


def _export(data_path: Path, target: Path) -> int:
    data = load_training_data(data_path)
    try:
        paths = export_rasa(data, target)
    except OSError as error:
        raise NluError(f"cannot write to {target}: {error.strerror}") from error
    for path in paths:
        print(path)
    return 0


def main() -> None:
    raise SystemExit(run(sys.argv[1:], model_path=Path("var/nlu-model.joblib")))


if __name__ == "__main__":
    main()
