"""Load the risk lexicon (the YAML files next to this module) into compiled, per-register rules.

One file per risk signal (`self_harm.yml`, …) lists patterns per register (`ar`, `arabizi`, `en`,
`any`); `modifiers.yml` holds negation cues and non-risk idioms, `macros.yml` shared spellings.
The pattern language is described in `nlu.lexicon.patterns`. Loading is strict: an unknown
signal or register, an empty list or a pattern that does not compile raises `LexiconError`
naming the file and the entry, and nothing is half-loaded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from nlu.errors import NluError
from nlu.lexicon.fold import FOLDS, REGISTERS
from nlu.lexicon.patterns import (
    LEADING_CLITICS,
    CompiledPattern,
    PatternError,
    compile_pattern,
    expand_macros,
)
from nlu.types import SIGNAL_LEVEL, RiskLevel, RiskSignal

LEXICON_DIR = Path(__file__).parent
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LazyPattern:
    """A regex compiled on first use: a message only ever needs a few of the lexicon's patterns."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def match(self, text: str, pos: int) -> re.Match[str] | None:
        return self._regex().match(text, pos)

    def search(self, text: str, pos: int) -> re.Match[str] | None:
        return self._regex().search(text, pos)


Hit = tuple[RiskSignal, LazyPattern]
OpenEnded = tuple[RiskSignal, frozenset[str] | None, LazyPattern]  # signal, anchors, pattern


class LexiconError(NluError):
    code = "lexicon_invalid"


@dataclass(frozen=True, slots=True)
class RegisterRules:
    """Everything needed to scan one folded view of a message in one register."""

    register: str
    by_first_word: dict[str, tuple[Hit, ...]]  # patterns a hit starting with this word may match
    open_ended: tuple[OpenEnded, ...]  # start with a wildcard: searched wherever an anchor occurs
    clitics: tuple[str, ...]  # a glued "and"/"so" a first word may carry
    negation_before: re.Pattern[str] | None  # matches the end of the text before a hit
    not_negation_before: re.Pattern[str] | None  # "كل ما" (whenever) looks like a negation
    verb_negation_before: re.Pattern[str] | None  # same, but only before an imperfect verb
    verb_start: re.Pattern[str] | None
    negation_start: re.Pattern[str] | None  # a hit that starts with a negation carries it
    idioms: re.Pattern[str] | None
    # modifiers.yml `model_guards`: context in which the classifier alone may not add a signal
    model_guards: tuple[tuple[frozenset[RiskSignal], re.Pattern[str]], ...] = ()
    # modifiers.yml `guard_breakers`: words that make every model guard void (found the pictures, a knife)
    guard_breakers: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Lexicon:
    rules: tuple[RegisterRules, ...]
    sizes: dict[tuple[RiskSignal, str], int]  # patterns per (signal, register)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 (safe)
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path.name}: {error}") from error
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: expected a mapping at the top level")
    return data


def _pattern_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: expected a non-empty list of strings")
    return value


def _compile_all(
    patterns: list[str], register: str, macros: dict[str, str], where: str
) -> list[CompiledPattern]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(compile_pattern(expand_macros(pattern, macros), register, FOLDS[register]))
        except PatternError as error:
            raise LexiconError(f"{where}: {error}") from error
    return compiled


def _union(patterns: list[CompiledPattern], suffix: str = "") -> re.Pattern[str] | None:
    return re.compile("(?:" + "|".join(p.source for p in patterns) + ")" + suffix) if patterns else None


def _signal_patterns(
    directory: Path, macros: dict[str, dict[str, str]]
) -> dict[str, dict[RiskSignal, list[CompiledPattern]]]:
    by_register: dict[str, dict[RiskSignal, list[CompiledPattern]]] = {r: {} for r in REGISTERS}
    for signal in RiskSignal:
        path = directory / f"{signal.value}.yml"
        data = _read_yaml(path)
        if data.get("signal") != signal.value:
            raise LexiconError(f"{path.name}: 'signal' must be {signal.value!r}")
        unknown = set(data) - {"signal", *REGISTERS}
        if unknown:
            raise LexiconError(f"{path.name}: unknown register(s) {sorted(unknown)}")
        for register in REGISTERS:
            if register in data:
                where = f"{path.name} [{register}]"
                patterns = _pattern_list(data[register], where)
                by_register[register][signal] = _compile_all(patterns, register, macros[register], where)
    return by_register


def _index(
    signals: dict[RiskSignal, list[CompiledPattern]],
) -> tuple[dict[str, tuple[Hit, ...]], tuple[OpenEnded, ...]]:
    """Patterns by the words their hits start with, and the open-ended ones with their anchors."""
    by_word: dict[str, list[Hit]] = defaultdict(list)
    open_ended: list[OpenEnded] = []
    for signal, patterns in signals.items():
        for pattern in (p for p in patterns if p.first_words is not None):
            lazy = LazyPattern(pattern.source)
            for word in pattern.first_words or ():
                by_word[word].append((signal, lazy))
        open_ended.extend(
            (signal, p.anchors, LazyPattern(p.source)) for p in patterns if p.first_words is None
        )
    return {word: tuple(hits) for word, hits in by_word.items()}, tuple(open_ended)


def _register_rules(
    register: str,
    signals: dict[RiskSignal, list[CompiledPattern]],
    modifiers: dict[str, Any],
    macros: dict[str, str],
) -> RegisterRules:
    negation = modifiers.get("negation", {}).get(register, {})
    idioms = modifiers.get("idioms", {}).get(register)
    where = f"modifiers.yml [{register}]"

    def listed(key: str) -> list[CompiledPattern]:
        if key not in negation:
            return []
        return _compile_all(_pattern_list(negation[key], f"{where} {key}"), register, macros, where)

    cues, verb_cues, fillers = listed("cues"), listed("verb_cues"), listed("fillers")
    look_alikes = listed("not_cues")
    chain = r"(?:\s+(?:" + "|".join(f.source for f in fillers) + "))*" if fillers else ""
    by_first_word, open_ended = _index(signals)
    return RegisterRules(
        register=register,
        by_first_word=by_first_word,
        open_ended=open_ended,
        clitics=LEADING_CLITICS[register],
        negation_before=_union(cues, chain + r"\s*$"),
        not_negation_before=_union(look_alikes, chain + r"\s*$"),
        verb_negation_before=_union(verb_cues, chain + r"\s*$"),
        verb_start=re.compile(negation["verb_start"]) if "verb_start" in negation else None,
        negation_start=_union(cues),
        idioms=_union(_compile_all(_pattern_list(idioms, f"{where} idioms"), register, macros, where))
        if idioms is not None
        else None,
        model_guards=_model_guards(register, modifiers.get("model_guards", {}), macros),
        guard_breakers=_breakers(register, modifiers.get("guard_breakers", {}), macros),
    )


def _breakers(register: str, breakers: dict[str, Any], macros: dict[str, str]) -> re.Pattern[str] | None:
    if register not in (breakers or {}):
        return None
    where = f"modifiers.yml guard_breakers [{register}]"
    return _union(_compile_all(_pattern_list(breakers[register], where), register, macros, where))


def _guarded(name: str) -> frozenset[RiskSignal]:
    """A guard's key: one signal, or `high` for every signal of level ≥ 2."""
    if name == "high":
        return frozenset(s for s in RiskSignal if SIGNAL_LEVEL[s] >= RiskLevel.HIGH)
    try:
        return frozenset({RiskSignal(name)})
    except ValueError:
        raise LexiconError(f"modifiers.yml model_guards: unknown signal {name!r}") from None


def _model_guards(
    register: str, guards: dict[str, Any], macros: dict[str, str]
) -> tuple[tuple[frozenset[RiskSignal], re.Pattern[str]], ...]:
    compiled = []
    for name, by_register in guards.items():
        if register not in (by_register or {}):
            continue
        where = f"modifiers.yml model_guards {name} [{register}]"
        union = _union(_compile_all(_pattern_list(by_register[register], where), register, macros, where))
        if union is not None:
            compiled.append((_guarded(name), union))
    return tuple(compiled)


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """The compiled lexicon in `directory` (the bundled one by default); read once per process."""
    macro_data = _read_yaml(directory / "macros.yml")
    macros = {r: {**macro_data.get("all", {}), **macro_data.get(r, {})} for r in REGISTERS}
    modifiers = _read_yaml(directory / "modifiers.yml")
    by_register = _signal_patterns(directory, macros)
    rules = tuple(
        _register_rules(register, by_register[register], modifiers, macros[register])
        for register in REGISTERS
        if by_register[register]
    )
    sizes = {(s, r): len(p) for r in REGISTERS for s, p in by_register[r].items()}
    return Lexicon(rules=rules, sizes=sizes)
