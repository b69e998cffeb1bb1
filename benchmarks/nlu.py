"""Benchmark the embedded NLU and print one JSON object.

Training time and held-out metrics are measured here; memory, latency, throughput and the
evaluation sets in a fresh child process pinned to one core (so training garbage does not count
as model memory and numpy cannot use a second core):

    .venv/bin/python benchmarks/nlu.py [--data nlu/data] [--eval-data ../shared/eval-data]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(SINGLE_THREAD)
sys.path.insert(0, str(ROOT))

from nlu.classifier import load_model, save_model, train_model  # noqa: E402
from nlu.evaluate import evaluate_file, holdout_report, holdout_split  # noqa: E402
from nlu.parse import DEFAULT_DATA_DIR, NluEngine  # noqa: E402
from nlu.training_data import load_training_data  # noqa: E402

LATENCY_RUNS = 2000
SAMPLE_MESSAGES = [
    "مرحبا",
    "بدو ينشر صوري اذا ما بعتله مصاري",
    "ana 5ayfe ktir w mish 3arfe shu a3mel",
    "someone hacked my instagram and is asking for money",
    "بدي اموت 😭😭",
    "كيف بعمل بلوك لحدا عالتيك توك",
]


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def measure_in_child(model_path: Path, data_dir: Path, eval_dir: Path) -> dict[str, object]:
    """Runs in the fresh process: load, memory, latency, throughput, evaluation sets."""
    import psutil

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    process = psutil.Process()
    data = load_training_data(data_dir)
    _, held_out = holdout_split(data)
    rss_before = process.memory_info().rss
    engine = NluEngine(load_model(model_path, data_hash=data.data_hash()))
    messages = SAMPLE_MESSAGES + [e.text for e in held_out]
    # The lexicon compiles each pattern on first use; a server reaches that steady state within
    # its first few hundred messages. Report the cold pass apart, then measure warm.
    started = time.perf_counter()
    for text in messages:
        engine.parse(text)
    cold_ms = (time.perf_counter() - started) * 1000 / len(messages)
    rss_after = process.memory_info().rss
    timings = []
    for i in range(LATENCY_RUNS):
        started = time.perf_counter()
        engine.parse(messages[i % len(messages)])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    started = time.perf_counter()
    for text in messages:
        engine.parse(text)
    throughput = len(messages) / (time.perf_counter() - started)
    evaluations = (
        {csv.parent.name: evaluate_file(engine, csv) for csv in sorted(eval_dir.glob("*/eval.csv"))}
        if eval_dir.is_dir()
        else {}
    )
    return {
        "cold_first_pass_ms_per_msg": round(cold_ms, 3),
        "parse_ms_p50": round(_percentile(timings, 0.50), 3),
        "parse_ms_p95": round(_percentile(timings, 0.95), 3),
        "parse_ms_p99": round(_percentile(timings, 0.99), 3),
        "throughput_msgs_per_s": round(throughput, 1),
        "model_memory_mb": round((rss_after - rss_before) / 2**20, 1),
        "model_file_mb": round(model_path.stat().st_size / 2**20, 2),
        "eval_sets": evaluations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--eval-data", type=Path, default=ROOT.parent / "shared" / "eval-data")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_child(args.child, args.data, args.eval_data), ensure_ascii=False))
        return
    data = load_training_data(args.data)
    started = time.perf_counter()
    model = train_model(data)
    training_secs = time.perf_counter() - started
    holdout = holdout_report(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        save_model(model, path)
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(path),
                "--data",
                str(args.data),
                "--eval-data",
                str(args.eval_data),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, **SINGLE_THREAD},
        )
    report = {
        "examples": len(data.examples),
        "training_secs": round(training_secs, 2),
        "cv_macro_f1": model.metrics["cv_macro_f1"],
        "fallback_threshold": model.threshold,
        "signal_thresholds": {str(int(k)): round(v, 4) for k, v in model.signal_thresholds.items()},
        "intent_signal_thresholds": {
            str(int(k)): round(v, 4) for k, v in model.intent_signal_thresholds.items()
        },
        "holdout": holdout,
        **json.loads(child.stdout),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
