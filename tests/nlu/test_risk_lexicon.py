"""The lexicon's data files and pattern language: what an entry matches, and strict loading."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nlu.lexicon import LEXICON_DIR, LexiconError, load_lexicon
from nlu.lexicon.fold import APOSTROPHES, FOLDS, fold_ar, fold_arabizi, fold_en
from nlu.lexicon.patterns import PatternError, compile_pattern
from nlu.normalize import normalize
from nlu.types import RiskSignal


def matches(pattern: str, text: str, register: str = "en") -> bool:
    compiled = compile_pattern(pattern, register, FOLDS[register])
    view = FOLDS[register](normalize(APOSTROPHES.sub("", text)))  # as nlu.risk builds its views
    return re.search(compiled.source, view) is not None


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("want to die", "i want to die", True),
        ("want to die", "i want to dine", False),  # whole words only
        ("(really)? want to die", "i really want to die", True),
        ("(really)? want to die", "i want to die", True),
        ("want (to )?die", "i want die", True),
        ("hurt (really)?", "hurt", True),
        ("threat* ~ pics", "he threatened to post my pics", True),
        ("threat* ~ pics", "threats about the weather and then later some pics", False),  # gap too wide
        ("threat* ~~ pics", "threats about the weather and then some pics", True),
        ("*hack* account", "rehacked account", True),
        ("(kill|end) (myself|my life)", "end my life", True),
        ("((i )?want to|wish i could) die", "wish i could die", True),
    ],
)
def test_pattern_language_matches_whole_words_with_optional_words_gaps_and_wildcards(
    pattern: str, text: str, expected: bool
) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("بدّي أموت", "بدي اموت"),  # an entry may be written with shadda and hamza
        ("بدي اموت", "بِدّي أَمُوت"),
        ("(ا)?موت", "موت"),
        ("بدي (ا)?موت", "وبدي اموت"),  # a glued "and" on the first word
        ("بيتمسخرو علي", "بيتمسخروا عليّ"),  # plural alef
        ("ع السناب", "عالسناب"),
        ("ساعدوني", "ساعدووووني"),
    ],
)
def test_arabic_entries_meet_every_spelling_of_the_message(pattern: str, text: str) -> None:
    assert matches(pattern, text, "ar")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("baddi amoot", "badi amut"),
        ("bdi amoot", "BDY AMOOOT"),
        ("ente7er", "inte7er"),
        ("a2tol 7ali", "a'tol hali"),
        ("5ayfe", "khayfe"),
        ("hala2", "hala'"),
        ("bdi amoot", "w bdi amoot"),
    ],
)
def test_arabizi_entries_meet_spelling_variants(pattern: str, text: str) -> None:
    assert matches(pattern, text, "arabizi")


def test_english_contractions_fold_with_or_without_apostrophes() -> None:
    assert fold_en(normalize("I don't")) == fold_en(normalize("i dont")) == fold_en("i don t")


def test_folds_are_idempotent_on_their_own_output() -> None:
    for fold, text in [
        (fold_ar, "مابدي عيش وبيتمسخروا عالسناب"),
        (fold_arabizi, "w baddi 7ali"),
        (fold_en, "u r gonna"),
    ]:
        once = fold(normalize(text))
        assert fold(once) == once


@pytest.mark.parametrize(
    "pattern",
    ["(unclosed", "a ~~~~ b", "?oops", "(a)?", "a (|b)", "{NO_SUCH_MACRO}"],
)
def test_a_broken_pattern_is_refused_with_its_text(pattern: str) -> None:
    from nlu.lexicon.patterns import expand_macros

    with pytest.raises(PatternError):
        compile_pattern(expand_macros(pattern, {}), "en", fold_en)


def test_first_words_index_the_words_a_hit_can_start_with() -> None:
    assert compile_pattern("(really)? (want|wana) to die", "en", fold_en).first_words == {
        "realy",
        "want",
        "wana",
    }
    assert compile_pattern("*hack* account", "en", fold_en).first_words is None


def test_bundled_lexicon_covers_every_signal_in_arabic_arabizi_and_english() -> None:
    sizes = load_lexicon().sizes

    for signal in RiskSignal:
        for register in ("ar", "arabizi", "en"):
            assert sizes.get((signal, register), 0) >= 5, (signal, register)
    assert sum(sizes.values()) >= 600


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    target = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_a_copy_of_the_bundled_lexicon_loads(lexicon_copy: Path) -> None:
    assert load_lexicon(lexicon_copy).sizes == load_lexicon().sizes


def test_a_broken_entry_names_its_file_and_register(lexicon_copy: Path) -> None:
    path = lexicon_copy / "grooming.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("en:\n", "en:\n  - (broken\n", 1), encoding="utf-8"
    )

    with pytest.raises(LexiconError, match=r"grooming\.yml \[en\].*unclosed"):
        load_lexicon(lexicon_copy)


def test_an_unknown_register_is_refused(lexicon_copy: Path) -> None:
    path = lexicon_copy / "distress.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\nfr:\n  - triste\n", encoding="utf-8")

    with pytest.raises(LexiconError, match=r"distress\.yml.*unknown register"):
        load_lexicon(lexicon_copy)


def test_a_missing_signal_file_is_refused(lexicon_copy: Path) -> None:
    (lexicon_copy / "sextortion.yml").unlink()

    with pytest.raises(LexiconError, match=r"sextortion\.yml"):
        load_lexicon(lexicon_copy)


def test_invalid_yaml_is_refused(lexicon_copy: Path) -> None:
    (lexicon_copy / "self_harm.yml").write_text("signal: self_harm\nar: [unclosed\n", encoding="utf-8")

    with pytest.raises(LexiconError, match=r"self_harm\.yml"):
        load_lexicon(lexicon_copy)


def test_an_unknown_model_guard_is_refused(lexicon_copy: Path) -> None:
    path = lexicon_copy / "modifiers.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  gaming:\n    en:\n      - (noob)\n", encoding="utf-8"
    )

    with pytest.raises(LexiconError, match=r"model_guards: unknown signal 'gaming'"):
        load_lexicon(lexicon_copy)
