"""Tell which register a message is written in: Arabic script, Arabizi, or English.

Words in Arabic script at least as many as words in Latin letters → `ar` ("ما هي خدمة Take It
Down" is Arabic; a message of only emoji or digits is `ar` too: Sanad speaks Arabic first). Otherwise Latin text is `arabizi` when its Arabizi evidence beats its
English evidence: a word mixing letters with the digits that stand for Arabic letters ("3am",
"7abibi", "hala2") weighs 2, a common Arabizi word ("ana", "bdi", "mish", "shu") 1, an ambiguous
one ("ya", "fi", "bas", "la") ½, a word shaped like Arabizi ("kh", initial "gh", "byedrab…", "…roni") ½, and every common
English function word 1. Ties go to `en` (one unknown Latin word, "gtg" or "nope", is English).
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
    yislamo yislamu yeslamo yslmo ysalmo tislam teslam mashkoor mashkour akeed akid aked ahlain
    ahlein ahlen ahleen ahla marhaban mabadi mabdi mabade bshofak bashofak bshoufak mnshoof
    tayib sa7 sah2 la2a walaw 3afwan afwan ma3lesh ma3lish maalesh salame salameh yislam
    habibti 7ayati 7elo 7ilo helo 7lo bde badde bidde ba3deen ba3den ba3dain hek heek shukrn
    inno enno iza eza law kaman kaza lama lamma bukra bokra mbare7 imbare7 lyom elyom halla
    aiwa aywah mashi mazboot mazbut tamam tmam tayyib abadan balash majjani majani kifek kifkon
    kol kul yom abooy abouy abuy ummi immi emmi wala awal ahli ahlo sa7bi sa7bti rfi2ti
    """
ARABIZI_WORDS: frozenset[str] = frozenset(_ARABIZI_WORDS_TEXT.split())
_AMBIGUOUS_ARABIZI = frozenset(
    {"ya", "fi", "bas", "la", "w", "el", "il", "ma", "b", "3", "ee", "eh", "aa", "laa"}
)
# Letter pairs that Arabizi uses for خ and غ and English rarely starts a word with.
_ARABIZI_SHAPE = re.compile(r"kh|^gh|^b[yt][^aeiouy]|\w{3}(?:o|[^aeiouy])ni$")

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
        elif _ARABIZI_SHAPE.search(word):
            arabizi += 0.5
    return arabizi, english


def detect_language(text: str) -> Language:
    """The register of `text` (raw or normalised)."""
    return language_of(normalize(text))


def language_of(normalized: str) -> Language:
    """`detect_language` for text that is already normalised (skips the normaliser)."""
    words = normalized.split()
    arabic = sum(1 for w in words if _ARABIC_LETTER.search(w))
    latin = sum(1 for w in words if _LATIN_LETTER.search(w))
    if arabic >= latin:
        return Language.AR
    arabizi, english = _arabizi_evidence(words)
    return Language.ARABIZI if arabizi > english else Language.EN
