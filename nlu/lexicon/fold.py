"""Fold normalised text into the matching form of one lexicon register (ar, arabizi, en, any).

`nlu.normalize` already removed diacritics, unified alef/hamza/yaa/taa-marbuta, lowercased and
collapsed runs of three or more letters. The risk lexicon folds a little further, identically for
its own entries and for the child's text, so that spelling variants meet:

* ar: drop a bare hamza (شيء = شي), collapse doubled long vowels (ساعدووني), write the plural
  verb ending وا as و (بيتمسخروا = بيتمسخرو), split عال into ع ال (عالسناب = ع السناب) and a
  negating ما glued to its verb (مابدي), glue a lone و to the next word ("و ارتاح" = "وارتاح").
* arabizi: apostrophes and the hamza digit 2 inside words go; kh→5, gh→8, ch→sh, 7→h, i→e, u→o,
  y before a consonant → e; a lone "w" is glued to the next word; every doubled letter collapses
  ("baddi" = "badi", "kteer" = "kter", "amoot" = "amot").
* en: apostrophes go ("don't" = "dont", also when normalising split it: "don t"), chat spellings become words (u → you, 2 → to), every
  doubled letter collapses ("kill" = "kil"), so "killl", "kil" and "kill" meet.
* any: nothing beyond normalisation (emoji such as 💊 and 🔪).
"""

from __future__ import annotations

import re
from collections.abc import Callable

REGISTERS: tuple[str, ...] = ("ar", "arabizi", "en", "any")

APOSTROPHES = re.compile(r"['’‘`´]")

_AR_HAMZA = re.compile("ء")
_AR_LONG_VOWEL_RUN = re.compile(r"([اوي])\1+")
_AR_LONE_WAW = re.compile(r"(?<!\w)و\s+(?=\w)")
_AR_PLURAL_ALEF = re.compile(r"(?<=\w)وا(?!\w)")
_AR_GLUED_ALA = re.compile(r"(?<!\w)عال(?=\w\w)")
_AR_GLUED_MA = re.compile(
    r"(?<!\w)ما(?=(?:بد|رح|بقدر|بعرف|عاد|عدت|بفكر|بحب|حدا|بقى|بقيت|بطيق)|(?:حد|في)(?!\w))"
)

_AZ_GLUED_MA = re.compile(
    r"(?<![a-z0-9])ma(?=bdi|bdy|baddi|badi|bidi|bedi|ra7|rah|3ad|ba2dar|b2dar|7ada|fi(?![a-z0-9]))"
)
_AZ_HAMZA = re.compile(r"(?<=[a-z])2|2(?=[a-z])")
_AZ_Y_CONSONANT = re.compile(r"y(?![aeo])")
_AZ_LONE_W = re.compile(r"(?<![a-z0-9])w\s+(?=[a-z0-9])")
_LATIN_DOUBLE = re.compile(r"([a-z0-9])\1+")
_AZ_DIGRAPHS = (("kh", "5"), ("gh", "8"), ("ch", "sh"), ("7", "h"), ("i", "e"), ("u", "o"))

_EN_WORD = re.compile(r"[a-z0-9]+")
_EN_SPLIT_CONTRACTION = re.compile(r"(?<=[a-z]) (t|m|ll|re|ve|d|s)(?![a-z0-9])")
_EN_CHAT_WORDS: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "2": "to",
    "4": "for",
    "n": "and",
    "ppl": "people",
    "pic": "pic",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "pls": "please",
    "plz": "please",
    "rn": "now",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "imma": "im going to",
    "ima": "im going to",
    "tryna": "trying to",
    "finna": "going to",
    "dunno": "dont know",
    "cant": "cant",
    "cannot": "cant",
    "kms": "kill myself",
    "kys": "kill yourself",
    "unalive": "kill",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "im": "i am",
    "youre": "you are",
}


def fold_ar(text: str) -> str:
    """Arabic-script matching form of normalised text."""
    text = _AR_HAMZA.sub("", text)
    text = _AR_LONG_VOWEL_RUN.sub(r"\1", text)
    text = _AR_PLURAL_ALEF.sub("و", text)
    text = _AR_GLUED_ALA.sub("ع ال", text)
    text = _AR_GLUED_MA.sub("ما ", text)
    return _AR_LONE_WAW.sub("و", text)


def fold_arabizi(text: str) -> str:
    """Arabizi matching form of normalised text: a rough consonant skeleton."""
    text = APOSTROPHES.sub("", text)
    text = _AZ_GLUED_MA.sub("ma ", text)
    text = _AZ_HAMZA.sub("", text)
    for source, target in _AZ_DIGRAPHS:
        text = text.replace(source, target)
    text = _AZ_Y_CONSONANT.sub("e", text)
    text = _AZ_LONE_W.sub("w", text)
    return _LATIN_DOUBLE.sub(r"\1", text)


def fold_en(text: str) -> str:
    """English matching form of normalised text."""
    text = _EN_SPLIT_CONTRACTION.sub(r"\1", APOSTROPHES.sub("", text))
    text = _EN_WORD.sub(lambda m: _EN_CHAT_WORDS.get(m.group(), m.group()), text)
    return _LATIN_DOUBLE.sub(r"\1", text)


def fold_any(text: str) -> str:
    """Register-free matching form (emoji): the normalised text itself."""
    return text


FOLDS: dict[str, Callable[[str], str]] = {
    "ar": fold_ar,
    "arabizi": fold_arabizi,
    "en": fold_en,
    "any": fold_any,
}
