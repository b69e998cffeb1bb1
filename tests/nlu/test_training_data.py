"""Loading Rasa NLU YAML: merging files, honouring synonym/regex/lookup, and clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlu.errors import TrainingDataError
from nlu.export_rasa import nlu_yaml
from nlu.training_data import load_training_data
from nlu.types import Intent
from tests.nlu.conftest import FIXTURE_DIR

GOOD_HEAD = 'version: "3.1"\nnlu:\n'


def write(tmp_path: Path, body: str, name: str = "nlu.yml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_directory_merges_the_same_intent_across_files(fixture_data) -> None:
    counts = fixture_data.counts()

    assert counts[Intent.GREET] == 10  # 8 in chat.yml + 2 in risk.yml
    assert counts[Intent.SEXTORTION] == 8


def test_synonyms_regex_and_lookup_are_loaded_normalised(fixture_data) -> None:
    features = {(f.kind, f.name): f.patterns for f in fixture_data.features}

    assert fixture_data.synonyms == {"counsellor": "counselor", "مرشد": "counselor"}
    assert features[("lookup", "platform")] == ("instagram", "انستغرام", "snapchat")
    assert ("regex", "money") in features


def test_entity_annotations_keep_only_their_text(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi [Lina](name)\n    - hello\n")

    data = load_training_data(path)

    assert sorted(e.text for e in data.examples) == ["hello", "hi Lina"]


def test_data_hash_ignores_file_layout_but_not_content(tmp_path: Path, fixture_data) -> None:
    merged = (FIXTURE_DIR / "chat.yml").read_text(encoding="utf-8") + "".join(
        (FIXTURE_DIR / "risk.yml").read_text(encoding="utf-8").splitlines(keepends=True)[2:]
    )
    one_file = load_training_data(write(tmp_path, merged))
    (tmp_path / "edited").mkdir()
    shutil.copy(FIXTURE_DIR / "chat.yml", tmp_path / "edited" / "chat.yml")
    risk = (FIXTURE_DIR / "risk.yml").read_text(encoding="utf-8").replace("- hey\n", "- hey you\n")
    write(tmp_path / "edited", risk, "risk.yml")

    assert one_file.data_hash() == fixture_data.data_hash()
    assert load_training_data(tmp_path / "edited").data_hash() != fixture_data.data_hash()


def test_examples_line_numbers_point_into_the_file(fixture_data) -> None:
    hello = next(e for e in fixture_data.examples if e.text == "hello")

    assert (hello.path.name, hello.line) == ("chat.yml", 8)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n   - bad: [\n", 6, "invalid YAML"),
        (GOOD_HEAD + "- intent: greet\n", 3, "has no `examples`"),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n- intent: hug\n  examples: |\n    - x\n",
            6,
            "unknown intent `hug`",
        ),
        (GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n    -\n", 6, "empty example"),
        (GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n    hello\n", 6, "must start with '- '"),
        (GOOD_HEAD + "- intent: greet\n  examples: |\n    - !!!\n", 5, "no letters"),
        ('version: "2.0"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n', 1, "unsupported version '2.0'"),
        ("nlu:\n- intent: greet\n  examples: |\n    - hi\n", 1, "missing `version"),
        (
            GOOD_HEAD
            + "- intent: greet\n  examples: |\n    - hi\n- intent: thanks\n  examples: |\n    - Hi!\n",
            8,
            "also listed under `greet` at nlu.yml:5",
        ),
        (GOOD_HEAD + "- regex: money\n  examples: |\n    - (unclosed\n", 5, "invalid regex"),
        (GOOD_HEAD + "- intent: greet\n  intent: thanks\n  examples: |\n    - hi\n", 4, "duplicate key"),
        (GOOD_HEAD + "- intent: nlu_fallback\n  examples: |\n    - hi\n", 3, "unknown intent `nlu_fallback`"),
        ('version: "3.1"\nstories: []\nnlu: []\n', 2, "unknown top-level key `stories`"),
        (GOOD_HEAD + "- intent: greet\n  metadata: risky\n  examples: |\n    - hi\n", 4, "must be a mapping"),
        (
            GOOD_HEAD
            + "- intent: parent_guidance\n  metadata:\n    risk: suicide\n  examples: |\n    - x y\n",
            5,
            "unknown risk `suicide`",
        ),
        (
            GOOD_HEAD
            + "- intent: parent_guidance\n  examples: |\n    - my son cuts\n"
            + "- intent: parent_guidance\n  metadata:\n    risk: self_harm\n  examples: |\n    - My son cuts!\n",
            10,
            "listed with another risk at nlu.yml:5",
        ),
    ],
)
def test_errors_name_file_line_and_problem(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write(tmp_path, body)

    with pytest.raises(TrainingDataError) as caught:
        load_training_data(path)

    assert caught.value.path == path
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_metadata_gives_examples_a_risk_other_than_their_intent(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD_HEAD
        + "- intent: parent_guidance\n  metadata:\n    risk: self_harm\n    source: helpline\n"
        + "  examples: |\n    - my daughter left a goodbye note\n"
        + "- intent: parent_guidance\n  examples: |\n    - how do parental controls work\n"
        + "- intent: sextortion\n  examples: |\n    - he will post my photos\n"
        + "- intent: greet\n  examples: |\n    - hi\n",
    )

    risks = {e.text: e.risk_label for e in load_training_data(path).examples}

    assert risks == {
        "my daughter left a goodbye note": "self_harm",  # intent parent_guidance, risk from metadata
        "how do parental controls work": "none",
        "he will post my photos": "sextortion",  # a risk intent is its own risk
        "hi": "none",
    }


def test_metadata_repeating_the_intent_changes_nothing(tmp_path: Path) -> None:
    plain = GOOD_HEAD + "- intent: self_harm\n  examples: |\n    - I want to disappear forever\n"
    tagged = plain.replace("  examples:", "  metadata:\n    risk: self_harm\n  examples:")

    one = load_training_data(write(tmp_path, plain, "a.yml"))
    other = load_training_data(write(tmp_path, tagged, "b.yml"))

    assert one.data_hash() == other.data_hash()
    assert other.examples[0].risk is None and other.examples[0].risk_label == "self_harm"


def test_risk_metadata_survives_the_rasa_export_and_counts_in_the_hash(tmp_path: Path) -> None:
    plain = (
        GOOD_HEAD
        + "- intent: parent_guidance\n  examples: |\n    - my son cuts his arms\n    - screen time?\n"
    )
    tagged = write(
        tmp_path,
        plain.replace(
            "  examples: |\n    - my son cuts his arms\n",
            "  metadata:\n    risk: self_harm\n  examples: |\n    - my son cuts his arms\n- intent: parent_guidance\n"
            "  examples: |\n",
        ),
        "tagged.yml",
    )
    data = load_training_data(tagged)
    exported = write(tmp_path, nlu_yaml(data), "exported.yml")

    again = load_training_data(exported)
    assert [(e.text, e.risk_label) for e in again.examples] == [
        ("my son cuts his arms", "self_harm"),
        ("screen time?", "none"),
    ]
    assert again.data_hash() == data.data_hash()
    assert data.data_hash() != load_training_data(write(tmp_path, plain, "plain.yml")).data_hash()


def test_one_bad_file_fails_the_whole_directory(tmp_path: Path) -> None:
    shutil.copy(FIXTURE_DIR / "chat.yml", tmp_path / "a.yml")
    write(tmp_path, GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n  oops\n", "b.yml")

    with pytest.raises(TrainingDataError) as caught:
        load_training_data(tmp_path)

    assert caught.value.path == tmp_path / "b.yml"


def test_empty_directory_and_missing_path_are_errors(tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="no \\*.yml training files"):
        load_training_data(tmp_path)
    with pytest.raises(TrainingDataError, match="no such file"):
        load_training_data(tmp_path / "missing.yml")
