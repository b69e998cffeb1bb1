"""Normalise a child's message into one canonical string that every other NLU step reads.

What it does, in order (each step is idempotent, and `normalize` checks the result is a fixpoint):

* Unicode NFKC: Arabic presentation forms (ﻻ, ﷲ), full-width Latin and ligatures become plain letters.
* Lowercase (Latin "HELP" and "help" are one word).
* Drop every combining mark after NFD: Arabic harakat, shadda, sukun, superscript alef, and the
  hamza/madda that sit on carriers, so أ إ آ → ا, ؤ → و, ئ → ي come out of the decomposition.
* Map ى → ي, ة → ه, ٱ → ا, Persian ک/ی → ك/ي; remove tatweel (ـ); Eastern Arabic and Persian
  digits → ASCII.
* Letters and digits stay glued together, because in Arabizi the digits 2 3 5 6 7 8 9 are letters
  ("3am", "7abibi"); emoji and other pictographs become their own space-delimited tokens (😭
  carries meaning); punctuation, symbols and control characters become spaces.
* Runs of three or more of the same letter collapse to one (ساعدوووني → ساعدوني, "pleeease" →
  "please"); doubled letters stay ("baddi", "كلل").
* Whitespace collapses to single spaces, no leading/trailing space.

Never raises on any `str`, lone surrogates included.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

_CHAR_MAP: dict[int, str | None] = {
    ord("ى"): "ي",
    ord("ة"): "ه",
    ord("ٱ"): "ا",  # alef wasla
    ord("ک"): "ك",  # Persian keheh
    ord("ی"): "ي",  # Farsi yeh
    ord("ۀ"): "ه",
    ord("ـ"): None,  # tatweel
    **{0x0660 + d: str(d) for d in range(10)},  # Eastern Arabic digits
    **{0x06F0 + d: str(d) for d in range(10)},  # Persian digits
}

_WORD, _EMOJI, _SPACE, _DROP = 0, 1, 2, 3

# Three or more of the same letter (not digit: "1000" stays) collapse to one.
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r" {2,}")
# Output made only of these is stable under every step (no NFKC/NFD change, no marks, no map).
_PLAIN = re.compile(r"[a-z0-9 \u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a]*")

_MAX_PASSES = 4


@lru_cache(maxsize=8192)
def _char_kind(char: str) -> int:
    category = unicodedata.category(char)
    if category[0] in "LN":
        return _WORD
    if category == "So":
        return _EMOJI
    if category[0] == "M" or char in "\u200c\u200d":
        # Marks left after NFC (spacing marks) and zero-width (non-)joiners only decorate.
        return _DROP
    return _SPACE


@lru_cache(maxsize=1)
def _nonspacing_marks() -> re.Pattern[str]:
    """Every Unicode nonspacing mark (category Mn, ~1,950 of them); built once, in ~0.1 s."""
    marks = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Mn")
    return re.compile(f"[{re.escape(marks)}]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _nonspacing_marks().sub("", decomposed))


def _tokenise(text: str) -> str:
    parts: list[str] = []
    for char in text:
        kind = _char_kind(char)
        if kind == _WORD:
            parts.append(char)
        elif kind == _EMOJI:
            parts.append(f" {char} ")
        elif kind == _SPACE:
            parts.append(" ")
    return "".join(parts)


def _normalize_once(text: str) -> str:
    if text.isascii():  # NFKC and NFD change nothing in ASCII
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).lower()
        text = _strip_marks(text).translate(_CHAR_MAP)
    text = _tokenise(text)
    text = _ELONGATION.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The canonical form of `text`; `normalize(normalize(t)) == normalize(t)` for every string."""
    result = _normalize_once(text)
    if _PLAIN.fullmatch(result):
        return result  # ASCII letters/digits and plain Arabic letters: provably a fixpoint
    # One pass is a fixpoint for ordinary text; rare Unicode (a lowercase letter whose NFKC form
    # differs) may need a second. The loop is bounded and almost always stops after one check.
    for _ in range(_MAX_PASSES):
        again = _normalize_once(result)
        if again == result:
            break
        result = again
    return result
