"""The normaliser: properties on any Unicode text, and the cases children's messages need."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.normalize import normalize


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=60))
def test_normalize_is_idempotent_on_any_unicode(text: str) -> None:
    once = normalize(text)

    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" 😭!؟3a"),
        max_size=40,
    )
)
def test_normalize_is_idempotent_on_arabic_heavy_text(text: str) -> None:
    once = normalize(text)

    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_normalize_output_has_no_edge_or_double_spaces(text: str) -> None:
    result = normalize(text)

    assert result == result.strip()
    assert "  " not in result


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ساعدوووني", "ساعدوني"),
        ("مـــرحبا", "مرحبا"),
        ("أنا خائفة جداً!!!", "انا خايفه جدا"),
        ("إسراء آية مؤمن", "اسراء ايه مومن"),
        ("على مستشفى", "علي مستشفي"),
        ("عُمْرِي ١٥ سنة", "عمري 15 سنه"),
        ("عمري ۱۴", "عمري 14"),
        ("HELP me pleeeease", "help me please"),
        ("ana 3am 7abibi hala2!", "ana 3am 7abibi hala2"),
        ("baddi", "baddi"),
        ("كلل", "كلل"),
        ("1000", "1000"),
        ("ﻻ ﷲ", "لا الله"),
        ("خايفة😭😭", "خايفه 😭 😭"),
        ("بدي ... احكي؟!", "بدي احكي"),
        ("  \n\t ", ""),
        ("انا\u200cخايفه", "اناخايفه"),
        ("Ｈｅｌｌｏ", "hello"),
    ],
)
def test_normalize_known_cases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_emoji_as_their_own_tokens() -> None:
    tokens = normalize("تعبت💔 كتير😭").split()

    assert tokens == ["تعبت", "💔", "كتير", "😭"]


def test_normalize_survives_lone_surrogates_and_controls() -> None:
    assert normalize("\ud800مرحبا\x00\x07") == "مرحبا"
