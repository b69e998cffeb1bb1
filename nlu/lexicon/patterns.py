"""Compile the lexicon's small pattern language into regular expressions over folded text.

A pattern is words separated by spaces; it matches whole words of the folded message.

    بدي اموت              two words in a row
    (بدي|نفسي) اموت       alternatives, nestable: ((بدي|ودي) (اموت|انتحر)|نفسي اختفي)
    (كتير)? (ا)?موت       optional: a whole word, or a part of one
    صور*  *هدد*           a word starting with / containing the letters (prefix, suffix wildcard)
    ينشر ~ صور            a gap of up to 3 words; ~~ up to 6, ~~~ up to 10
    {I_AM}                a macro from macros.yml, expanded before parsing

Literal runs are folded with the register's fold (nlu.lexicon.fold) after nlu.normalize, exactly
like the message, so entries may be written in any spelling ("أموت" = "اموت"). In the Arabic-script
and Arabizi registers every word may carry a glued "and" (وبدي, wbdi), the first also "so" (فبدي).

Besides the regex, compiling yields the set of words a hit can start with (None when a wildcard
makes it open-ended), so that the detector only tries the patterns a message's words can start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from nlu.lexicon.fold import APOSTROPHES

_SYNTAX = frozenset("()|?*~ ")
_GAP_WORDS = {1: 3, 2: 6, 3: 10}
_MACRO = re.compile(r"\{([A-Z_0-9]+)\}")
_TRAILING_SPACE_GROUP = re.compile(r"\(([^()]*?) +\)\?")
_MAX_MACRO_DEPTH = 5
_MAX_FIRST_WORDS = 5000

LEADING_CLITICS = {"ar": ("و", "ف"), "arabizi": ("w", "f"), "en": (), "any": ()}
_WORD_CLITIC = {"ar": "(?:و)?", "arabizi": "(?:w)?", "en": "", "any": ""}

FirstWords = frozenset[str] | None  # None: open-ended (a wildcard or too many spellings)


_GROUP_CACHE: dict[tuple[str, Callable[[str], str], str], _Seq] = {}


class PatternError(ValueError):
    """A lexicon pattern that cannot be compiled; the message says what and where."""


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    source: str  # regex source, no flags
    first_words: FirstWords  # folded words a hit can start with
    anchors: FirstWords  # a hit contains one of these strings (to skip hopeless searches)


@dataclass(frozen=True, slots=True)
class _Atom:
    regex: str
    optional: bool
    firsts: FirstWords
    single_word: bool  # matches inside one word (no space)
    anchors: FirstWords = None


@dataclass(frozen=True, slots=True)
class _Seq:
    regex: str
    firsts: FirstWords
    single_word: bool
    anchors: FirstWords = None


def _product(prefixes: FirstWords, atom: _Atom) -> FirstWords:
    if prefixes is None or atom.firsts is None:
        return None
    options = atom.firsts | {""} if atom.optional else atom.firsts
    combined = frozenset(p + s for p in prefixes for s in options)
    return combined if len(combined) <= _MAX_FIRST_WORDS else None


def _word_firsts(atoms: list[_Atom]) -> FirstWords:
    if any(not atom.single_word for atom in atoms[:-1]):
        return None
    firsts: FirstWords = frozenset({""})
    for atom in atoms:
        firsts = _product(firsts, atom)
    return None if firsts is None else frozenset(w.split(" ")[0] for w in firsts if w)


@dataclass(slots=True)
class _Parser:
    source: str
    fold: Callable[[str], str]
    word_clitic: str = ""
    pos: int = 0

    def parse(self) -> _Seq:
        seq = self._alternatives()
        if self.pos != len(self.source):
            raise PatternError(f"unexpected {self.source[self.pos]!r} at {self.pos} in {self.source!r}")
        return seq

    def _peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def _alternatives(self) -> _Seq:
        options = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            options.append(self._sequence())
        if any(not option.regex for option in options):
            raise PatternError(f"empty alternative in {self.source!r}")
        if len(options) == 1:
            return options[0]
        firsts = (
            None
            if any(o.firsts is None for o in options)
            else frozenset().union(*(o.firsts or () for o in options))
        )
        anchors = (
            None
            if any(o.anchors is None for o in options)
            else frozenset().union(*(o.anchors or () for o in options))
        )
        return _Seq(
            "(?:" + "|".join(o.regex for o in options) + ")",
            firsts,
            all(o.single_word for o in options),
            anchors,
        )

    def _sequence(self) -> _Seq:
        words: list[list[_Atom]] = [[]]
        gaps: list[str] = []
        while self._peek() not in ("", "|", ")"):
            char = self._peek()
            if char == " ":
                gap = self._separator()
                if words[-1]:
                    gaps.append(gap)
                    words.append([])
                elif gaps:
                    gaps[-1] = max(gaps[-1], gap, key=len)
            elif char == "(":
                words[-1].append(self._group())
            elif char == "*":
                self.pos += 1
                words[-1].append(_Atom(r"\w*", False, None, True))
            elif char == "?":
                raise PatternError(f"'?' must follow a group in {self.source!r}")
            else:
                words[-1].append(self._literal())
        if not words[-1]:
            words.pop()
            gaps = gaps[: max(len(words) - 1, 0)]
        return _assemble(words, gaps, self.source, self.word_clitic)

    def _separator(self) -> str:
        """A run of spaces, maybe with gaps (~ up to 3 words, ~~ 6, ~~~ 10) in it."""
        words = 0
        self._skip_spaces()
        while self._peek() == "~":
            tildes = 0
            while self._peek() == "~":
                tildes += 1
                self.pos += 1
            if tildes not in _GAP_WORDS or self._peek() not in (" ", ""):
                raise PatternError(f"a gap is ~, ~~ or ~~~ between spaces in {self.source!r}")
            words += _GAP_WORDS[tildes]
            self._skip_spaces()
        return r"\s+(?:\S+\s+){0," + str(words) + "}" if words else r"\s+"

    def _skip_spaces(self) -> None:
        while self._peek() == " ":
            self.pos += 1

    def _group(self) -> _Atom:
        close = self._closing_paren()
        inner = self.source[self.pos + 1 : close]
        key = (inner, self.fold, self.word_clitic)
        seq = _GROUP_CACHE.get(key)
        if seq is None:  # macros repeat the same groups thousands of times: parse each once
            seq = _Parser(inner, self.fold, self.word_clitic).parse()
            _GROUP_CACHE[key] = seq
        self.pos = close + 1
        optional = self._peek() == "?"
        self.pos += optional
        return _Atom(f"(?:{seq.regex})", optional, seq.firsts, seq.single_word, seq.anchors)

    def _closing_paren(self) -> int:
        depth = 0
        for index in range(self.pos, len(self.source)):
            depth += {"(": 1, ")": -1}.get(self.source[index], 0)
            if depth == 0:
                return index
        raise PatternError(f"unclosed '(' in {self.source!r}")

    def _literal(self) -> _Atom:
        start = self.pos
        while self._peek() and self._peek() not in _SYNTAX:
            self.pos += 1
        raw = self.source[start : self.pos]
        folded = _fold_literal(self.fold, raw)
        if not folded:
            raise PatternError(f"{raw!r} folds to nothing in {self.source!r}")
        regex = r"\s+".join(re.escape(word) for word in folded.split(" "))
        return _Atom(regex, False, frozenset({folded}), " " not in folded, frozenset({folded}))


def _assemble(words: list[list[_Atom]], gaps: list[str], source: str, clitic: str) -> _Seq:
    """Join words with their separators; an optional word carries one separator with it:
    the following one while a required word is still to come, else the preceding one."""
    if not words:
        return _Seq("", frozenset(), True)
    bodies = [
        "".join(a.regex + ("?" if a.optional and len(atoms) > 1 else "") for a in atoms) for atoms in words
    ]
    bodies = [bodies[0], *(clitic + body for body in bodies[1:])]
    optional = [len(atoms) == 1 and atoms[0].optional for atoms in words]
    required = [i for i, is_optional in enumerate(optional) if not is_optional]
    if not required:
        raise PatternError(f"a pattern needs at least one required word: {source!r}")
    last = required[-1]
    out: list[str] = []
    for i, body in enumerate(bodies):
        after = gaps[i] if i < len(gaps) else ""
        if i < last:
            out.append(f"(?:{body}{after})?" if optional[i] else body + after)
        elif i == last:
            out.append(body)
        else:
            out.append(f"(?:{gaps[i - 1]}{body})?")
    single = len(words) == 1 and all(atom.single_word for atom in words[0])
    required_atoms = [
        a for atoms, opt in zip(words, optional, strict=True) if not opt for a in atoms if not a.optional
    ]
    return _Seq("".join(out), _sequence_firsts(words, optional), single, _best_anchors(required_atoms))


def _best_anchors(atoms: list[_Atom]) -> FirstWords:
    """The anchor set of the required atom whose shortest anchor is longest: a hit contains
    every required atom's text, so one set is enough, and longer strings filter better."""
    candidates = [a.anchors for a in atoms if a.anchors]
    return max(candidates, key=lambda anchors: min(map(len, anchors)), default=None)


def _sequence_firsts(words: list[list[_Atom]], optional: list[bool]) -> FirstWords:
    """The words a hit can start with: those of each leading optional word and the first required one."""
    firsts: set[str] = set()
    for atoms, is_optional in zip(words, optional, strict=True):
        word = _word_firsts(atoms)
        if word is None:
            return None
        firsts |= word
        if not is_optional:
            break
    return frozenset(firsts)


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


@lru_cache(maxsize=65536)
def _fold_literal(fold: Callable[[str], str], raw: str) -> str:
    from nlu.normalize import normalize

    return fold(normalize(APOSTROPHES.sub("", raw)))


def compile_pattern(pattern: str, register: str, fold: Callable[[str], str]) -> CompiledPattern:
    """The regex source and possible first words of one lexicon pattern of a register."""
    # "(to )?die" means "(to)? die": a group's trailing space belongs outside it.
    pattern = _TRAILING_SPACE_GROUP.sub(r"(\1)? ", pattern)
    seq = _Parser(" ".join(pattern.split()), fold, _WORD_CLITIC[register]).parse()
    clitics = LEADING_CLITICS[register]
    leading = "(?:" + "|".join(clitics) + ")?" if clitics else ""
    return CompiledPattern(rf"(?<!\w){leading}{seq.regex}(?!\w)", seq.firsts, seq.anchors)
