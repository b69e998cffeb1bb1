"""Arabizi → Arabic script view, and the register detector."""

from __future__ import annotations

import pytest

from nlu.arabizi import to_arabic
from nlu.language import detect_language
from nlu.types import Language


@pytest.mark.parametrize(
    ("arabizi", "arabic"),
    [
        ("ana bdi a7ki ma3 7ada", "انا بدي احكي مع حدا"),
        ("baddi amoot", "بدي اموت"),
        ("bdi ente7er", "بدي انتحر"),
        ("mar7aba", "مرحبا"),
        ("kteer", "كتير"),
        ("ya3ni", "يعني"),
        ("3am", "عم"),
        ("5ayfe", "خايفه"),
        ("bado yinshor el sowar", "بدو ينشر الصور"),
        ("9a7bi", "صحبي"),
        ("shu", "شو"),
        ("khalas", "خلص"),
        ("2ana", "انا"),
        ("ANA 5AYFE!!", "انا خايفه"),
    ],
)
def test_arabizi_becomes_arabic_script(arabizi: str, arabic: str) -> None:
    assert to_arabic(arabizi) == arabic


def test_arabic_numbers_emoji_and_plain_english_pass_through() -> None:
    assert to_arabic("انا 15 😭 i want help") == "انا 15 😭 i want help"


def test_arabizi_view_is_normalised_text() -> None:
    view = to_arabic("wallah  ana 5ayfe ktir 😭😭")

    assert view == "والله انا خايفه كتير 😭 😭"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("مرحبا كيفك", Language.AR),
        ("انا 3am بخاف", Language.AR),
        ("😭😭", Language.AR),
        ("ana bdi a7ki", Language.ARABIZI),
        ("shu hada", Language.ARABIZI),
        ("mish 3aref", Language.ARABIZI),
        ("my friend 3am ybtazni", Language.ARABIZI),
        ("wallah", Language.ARABIZI),
        ("hello", Language.EN),
        ("I want to die", Language.EN),
        ("he is coming now", Language.EN),
        ("see you 2day", Language.EN),
    ],
)
def test_detect_language(text: str, language: Language) -> None:
    assert detect_language(text) is language


@pytest.mark.parametrize("text", ["yislamo", "akeed", "abooy byedrabni kol yom", "hakaroni 😭", "tamam"])
def test_arabizi_without_digits_is_recognised_by_its_words_and_shapes(text: str) -> None:
    assert detect_language(text) is Language.ARABIZI


def test_arabic_words_outnumbering_latin_ones_make_arabic() -> None:
    assert detect_language("ما هي خدمة Take It Down") is Language.AR
