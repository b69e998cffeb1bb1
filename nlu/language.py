"""Tell which register a message is written in: Arabic script, Arabizi, or English.

Arabic letters outnumbering Latin ones → `ar` (a message of only emoji or digits is `ar` too:
Sanad speaks Arabic first). Otherwise Latin text is `arabizi` when its Arabizi evidence beats its
English evidence: a word mixing letters with the digits that stand for Arabic letters ("3am",
"7abibi", "hala2") weighs 2, a common Arabizi word ("ana", "bdi", "mish", "shu") 1, an ambiguous
one ("ya", "fi", "bas", "la") ½, and every common English function word 1. Ties go to `en`.
"""

from __future__ import annotations

import re

from nlu.normalize import normalize
from nlu.types import Language

_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_LATIN_LETTER = re.compile(r"[a-z]")
_DIGIT_WORD = re.compile(r"(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[2356789])[a-z0-9]+")

# English text-speak that mixes digits too.
_ENGLISH_DIGIT_WORDS = frozenset({"2day", "2morrow", "2nite", "2night", "gr8", "l8r", "w8", "m8", "b4"})

_ARABIZI_WORDS_TEXT = """
    ana enta enti inta inti into ento hiye huwe howe hoon hon hone hek heik hayk kif keef kifak
    kifik keefak shu sho shou eish esh lesh leish lish laysh mish msh mesh mush bdi baddi bidi bedi
    bade bado badha badna bidna 3am wallah walla wallahi ya3ni yaane hala2 halla2 halla hala
    yalla yallah habibi 7abibi habibti 7abibti mama baba ahlan marhaba mar7aba salam shukran
    shokran mashallah inshallah aywa ah2 la2 ma3 ma3i ma3ak kteer ktir ktiir shway shwai kaman
    kman mni7 mnee7 tayeb tayyeb 5alas khalas bas2 lazem lazim ba3ref ba3rif bte3ref mafi
    fish 7ada 7ad wa7ad wa7ed hada hadi hadol ya3tik 3ashan 3shan 3ala 3an min mn elli illi
    """
ARABIZI_WORDS: frozenset[str] = frozenset(_ARABIZI_WORDS_TEXT.split())
_AMBIGUOUS_ARABIZI = frozenset({"ya", "fi", "bas", "la", "w", "el", "il", "ma", "b", "3"})

_ENGLISH_WORDS_TEXT = """
    i me my you your he him his she her it we they them the a an and or but is am are was were
    be been do does did have has had will would can could should what who how why when where
    this that to of in on at for from with not no yes please want need someone
    """
ENGLISH_WORDS: frozenset[str] = frozenset(_ENGLISH_WORDS_TEXT.split())


def _arabizi_evidence(words: list[str]) -> tuple[float, float]:
    arabizi = english = 0.0
    for word in words:
        if _DIGIT_WORD.fullmatch(word) and word not in _ENGLISH_DIGIT_WORDS:
            arabizi += 2
        elif word in ARABIZI_WORDS:
            arabizi += 1
        elif word in _AMBIGUOUS_ARABIZI:
            arabizi += 0.5
        elif word in ENGLISH_WORDS:
            english += 1
    return arabizi, english


def detect_language(text: str) -> Language:
    """The register of `text` (raw or normalised)."""
    normalized = normalize(text)
    arabic = len(_ARABIC_LETTER.findall(normalized))
    latin = len(_LATIN_LETTER.findall(normalized))
    if arabic >= latin:
        return Language.AR
    arabizi, english = _arabizi_evidence(normalized.split())
    return Language.ARABIZI if arabizi > english else Language.EN
