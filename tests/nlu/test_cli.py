"""`sanad nlu ...` through nlu.cli.run: the JSON shapes of SPEC §5, exit codes, the Rasa export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nlu.cli import run
from nlu.training_data import load_training_data
from tests.nlu.conftest import FIXTURE_DIR

RISK_METRICS = {"accuracy", "macro_f1", "per_label", "risk_recall", "risk_recall_by_label", "false_alarm_rate"}


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "model.joblib"


def nlu(argv: list[str], model_path: Path) -> int:
    return run(argv, model_path=model_path, data_dir=FIXTURE_DIR)


def test_parse_prints_one_spec_json_object(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = nlu(["parse", "مرحبا، بدي اموت"], model_path)

    out = capsys.readouterr().out
    payload = json.loads(out)
    assert code == 0
    assert out.count("\n") == 1
    assert "مرحبا" in out  # ensure_ascii=False: Arabic stays readable
    assert set(payload) == {"text", "intent", "intent_ranking", "risk", "language"}
    assert payload["text"] == "مرحبا، بدي اموت"
    assert set(payload["intent"]) == {"name", "confidence"}
    assert all(set(item) == {"name", "confidence"} for item in payload["intent_ranking"])
    assert payload["risk"]["level"] == 3
    assert "self_harm" in payload["risk"]["signals"]
    assert payload["language"] == "ar"


def test_train_prints_held_out_metrics_and_saves_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trained.joblib"

    code = run(["train", "--data", str(FIXTURE_DIR), "--json"], model_path=path, data_dir=tmp_path / "unused")

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert path.exists()
    assert report["examples"] == len(load_training_data(FIXTURE_DIR).examples)
    assert 0.0 <= report["holdout"]["macro_f1"] <= 1.0
    assert set(report["holdout"]["per_label"]["greet"]) == {"precision", "recall", "f1", "support"}
    assert "distress: 0 examples (recommended ≥ 40)" in report["warnings"]
    assert set(report["signal_thresholds"]) == set(report["intent_signal_thresholds"]) == {"1", "2", "3"}


def test_train_prints_a_readable_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["train", "--data", str(FIXTURE_DIR)], model_path=tmp_path / "m.joblib", data_dir=tmp_path)

    out = capsys.readouterr()
    assert code == 0
    assert "held-out 20%: macro-F1" in out.out
    assert "recommended ≥ 40" in out.err


def test_eval_intent_csv_reports_accuracy_f1_and_per_label(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "intents.csv"
    csv.write_text(
        "text,intent,note\nمرحبا,greet,x\nshukran ktir,thanks,y\nbye bye,goodbye,z\n", encoding="utf-8"
    )

    code = nlu(["eval", str(csv), "--json"], model_path)

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["kind"] == "intent"
    assert report["rows"] == 3
    assert {"accuracy", "macro_f1", "per_label"} <= set(report)
    assert set(report["per_label"]) == {"greet", "thanks", "goodbye"}


def test_eval_risk_csv_reports_recall_and_false_alarms(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "risk.csv"
    csv.write_text(
        "text,label,source_label\nبدي اموت,self_harm,Suicide\nI want to kill myself,self_harm,S\n"
        "كيف احمي حسابي,none,N\nمرحبا,none,N\n",
        encoding="utf-8",
    )

    code = nlu(["eval", str(csv), "--json"], model_path)

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(report) >= RISK_METRICS
    assert report["risk_recall"] == 1.0
    assert report["risk_recall_by_label"] == {"self_harm": 1.0}
    assert report["false_alarm_rate"] == 0.0
    assert report["per_label"]["self_harm"]["support"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("words,label\nhi,none\n", "header must be text,intent or text,label"),
        ("text,label\nhi,sadness\n", ":2: unknown label"),
    ],
)
def test_eval_rejects_a_bad_csv_on_stderr_with_exit_2(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(content, encoding="utf-8")

    code = nlu(["eval", str(csv)], model_path)

    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.out == ""


def test_broken_training_data_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: hug\n  examples: |\n    - hi\n', encoding="utf-8"
    )

    code = run(["parse", "hi"], model_path=tmp_path / "m.joblib", data_dir=tmp_path)

    assert code == 2
    assert f"{tmp_path / 'nlu.yml'}:3: unknown intent `hug`" in capsys.readouterr().err


def test_unknown_subcommand_exits_2(model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = nlu(["dance"], model_path)

    assert code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_export_rasa_writes_a_project_rasa_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "rasa"

    code = nlu(["export-rasa", str(target)], tmp_path / "m.joblib")

    exported = load_training_data(target / "nlu.yml")
    original = load_training_data(FIXTURE_DIR)
    domain = yaml.safe_load((target / "domain.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((target / "config.yml").read_text(encoding="utf-8"))
    assert code == 0
    assert exported.data_hash() == original.data_hash()  # every example, synonym, regex, lookup
    assert domain["version"] == "3.1"
    assert set(domain["intents"]) == {e.intent.value for e in original.examples}
    assert config["recipe"] == "default.v1"
    assert [c["name"] for c in config["pipeline"]] == [
        "WhitespaceTokenizer",
        "RegexFeaturizer",
        "LexicalSyntacticFeaturizer",
        "CountVectorsFeaturizer",
        "CountVectorsFeaturizer",
        "DIETClassifier",
        "EntitySynonymMapper",
        "FallbackClassifier",
    ]
    assert config["pipeline"][4]["analyzer"] == "char_wb"
    assert str(target / "config.yml") in capsys.readouterr().out


def test_train_into_an_unwritable_place_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")

    code = run(["train", "--data", str(FIXTURE_DIR)], model_path=blocker / "m.joblib", data_dir=tmp_path)

    assert code == 2
    assert "cannot write the model" in capsys.readouterr().err
