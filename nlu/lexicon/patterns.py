"""Compile the lexicon's small pattern language into regular expressions over folded text.

A pattern is words separated by spaces; it matches whole words of the folded message.

    بدي اموت              two words in a row
    (بدي|نفسي) اموت       alternatives, nestable: ((بدي|ودي) (اموت|انتحر)|نفسي اختفي)
    (كتير)?               optional (its leading space goes with it)
    صور*  *هدد*           a word starting with / containing the letters (prefix, suffix wildcard)
    ينشر ~ صور            a gap of up to 3 words; ~~ up to 6, ~~~ up to 10
    {I_AM}                a macro from macros.yml, expanded before parsing

Literal runs are folded with the register's fold (nlu.lexicon.fold) after nlu.normalize, exactly
like the message, so entries may be written in any spelling ("أموت" = "اموت"). A pattern in an
Arabic-script or Arabizi register may also start with a glued "and"/"so" (وبدي, fbdi).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlu.lexicon.fold import APOSTROPHES

_SYNTAX = frozenset("()|?*~ ")
_GAP_WORDS = {1: 3, 2: 6, 3: 10}
_MACRO = re.compile(r"\{([A-Z_0-9]+)\}")
_TRAILING_SPACE_GROUP = re.compile(r"\(([^()]*?) +\)\?")
_MAX_MACRO_DEPTH = 5

_LEADING_CLITIC = {"ar": "(?:[وف])?", "arabizi": "(?:w|f)?", "en": "", "any": ""}


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled; the message says what and where."""


@dataclass(slots=True)
class _Parser:
    source: str
    fold: Callable[[str], str]
    pos: int = 0

    def parse(self) -> str:
        body = self._alternatives()
        if self.pos != len(self.source):
            raise PatternError(f"unexpected {self.source[self.pos]!r} at {self.pos} in {self.source!r}")
        return body

    def _peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def _alternatives(self) -> str:
        options = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            options.append(self._sequence())
        if any(not option for option in options):
            raise PatternError(f"empty alternative in {self.source!r}")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def _sequence(self) -> str:
        parts: list[str] = []
        while self._peek() not in ("", "|", ")"):
            char = self._peek()
            if char == " ":
                parts.append(self._separator())
            elif char == "(":
                parts.append(self._group())
            elif char == "*":
                self.pos += 1
                parts.append(r"\w*")
            elif char in "?":
                raise PatternError(f"'?' must follow a group in {self.source!r}")
            else:
                parts.append(self._literal())
        if len(parts) > 1 and parts[0].endswith(")?") and parts[1] == r"\s+":
            parts[:2] = ["(?:" + parts[0][:-1] + r"\s+)?"]  # a leading optional word takes its space
        return "".join(parts)

    def _separator(self) -> str:
        self._skip_spaces()
        if self._peek() != "~":
            if self._optional_word_ahead():
                return "\x00"  # the space belongs to the optional word that follows
            return r"\s+"
        words = 0
        while self._peek() == "~" or self._optional_word_ahead():
            if self._peek() == "(":
                self._group()  # a gap already absorbs an optional word: "~ (ع|على)? X"
                words += 1
            else:
                words += self._gap_words()
            self._skip_spaces()
        if self._peek() in ("", "|", ")"):
            return ""  # a trailing gap adds nothing to a hit
        return r"\s+(?:\S+\s+){0," + str(words) + "}"

    def _skip_spaces(self) -> None:
        while self._peek() == " ":
            self.pos += 1

    def _gap_words(self) -> int:
        tildes = 0
        while self._peek() == "~":
            tildes += 1
            self.pos += 1
        if tildes not in _GAP_WORDS or self._peek() not in (" ", ""):
            raise PatternError(f"a gap is ~, ~~ or ~~~ between spaces in {self.source!r}")
        return _GAP_WORDS[tildes]

    def _optional_word_ahead(self) -> bool:
        """Whether an optional group that is a whole word ("(كتير)? ", not "(و)?يقتلني") follows."""
        if self._peek() != "(":
            return False
        depth = 0
        for index in range(self.pos, len(self.source)):
            depth += {"(": 1, ")": -1}.get(self.source[index], 0)
            if depth == 0:
                after = self.source[index + 1 : index + 3]
                return after[:1] == "?" and after[1:] in ("", " ", "|", ")")
        raise PatternError(f"unclosed '(' in {self.source!r}")

    def _group(self) -> str:
        self.pos += 1
        body = self._alternatives()
        if self._peek() != ")":
            raise PatternError(f"unclosed '(' in {self.source!r}")
        self.pos += 1
        if self._peek() == "?":
            self.pos += 1
            return f"(?:{body})?"
        return f"(?:{body})"

    def _literal(self) -> str:
        start = self.pos
        while self._peek() and self._peek() not in _SYNTAX:
            self.pos += 1
        raw = self.source[start : self.pos]
        folded = self.fold(raw)
        if not folded:
            raise PatternError(f"{raw!r} folds to nothing in {self.source!r}")
        return r"\s+".join(re.escape(word) for word in folded.split(" "))


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    """Replace every {NAME} by its definition (definitions may use other macros)."""
    for _ in range(_MAX_MACRO_DEPTH):
        if "{" not in pattern:
            return pattern
        try:
            pattern = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
        except KeyError as missing:
            raise PatternError(f"unknown macro {missing} in {pattern!r}") from None
    raise PatternError(f"macros nested too deep in {pattern!r}")


def compile_pattern(pattern: str, register: str, fold: Callable[[str], str]) -> str:
    """The regex source (no flags) for one lexicon pattern of a register."""
    from nlu.normalize import normalize

    def fold_literal(raw: str) -> str:
        return fold(normalize(APOSTROPHES.sub("", raw)))

    # "(to )?die" means "(to)? die": a group's trailing space belongs outside it.
    pattern = _TRAILING_SPACE_GROUP.sub(r"(\1)? ", pattern)
    body = _Parser(" ".join(pattern.split()), fold_literal).parse()
    body = body.replace("\x00(?:", r"(?:\s+")
    if "\x00" in body:
        raise PatternError(f"misplaced optional group in {pattern!r}")
    return rf"(?<!\w){_LEADING_CLITIC[register]}{body}(?!\w)"
