"""Load Rasa NLU training data (YAML format 3.x) from one file or a directory of files.

Honoured entries of the `nlu:` list (https://rasa.com/docs/rasa/training-data-format):

* `intent: NAME` + `examples: |` block of "- " lines → training examples; NAME must be one of
  SPEC §2 (`TRAINABLE_INTENTS`); `[text](entity)` annotations keep only their text;
  `metadata: {risk: SIGNAL}` on the entry (Rasa passes metadata through untouched) gives its
  examples a risk other than their intent's: a parent writing that their daughter left a goodbye
  note is intent `parent_guidance` (SPEC §2) with risk `self_harm` (SPEC §3). Without it an
  example's risk is its intent when that is a risk signal, else none;
* `synonym: CANONICAL` + examples → every example phrase is rewritten to CANONICAL before features;
* `regex: NAME` + examples → one binary feature per NAME, on when any pattern matches;
* `lookup: NAME` + examples → one binary feature per NAME, on when any listed phrase occurs.

The same intent may appear in several files; its examples are merged. Any problem raises
`TrainingDataError` naming the file and line, and nothing is returned: never half-loaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu.errors import TrainingDataError
from nlu.normalize import normalize
from nlu.types import TRAINABLE_INTENTS, Intent, RiskSignal

SUPPORTED_VERSIONS = frozenset({"3.0", "3.1"})
_KINDS = ("intent", "synonym", "regex", "lookup")
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_INTENTS_BY_NAME = {i.value: i for i in TRAINABLE_INTENTS}
_SIGNALS_BY_NAME = {s.value: s for s in RiskSignal}
NO_RISK = "none"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: Intent
    path: Path
    line: int
    risk: RiskSignal | None = None  # from the entry's `metadata: {risk: ...}`; None: as the intent says

    @property
    def risk_label(self) -> str:
        """The risk this example teaches: its metadata risk, else its intent if that is a risk signal."""
        if self.risk is not None:
            return self.risk.value
        return self.intent.value if self.intent.value in _SIGNALS_BY_NAME else NO_RISK


@dataclass(frozen=True, slots=True)
class PatternFeature:
    """A named regex or lookup feature; `patterns` are compiled lazily by the classifier."""

    name: str
    kind: str  # "regex" or "lookup"
    patterns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrainingData:
    examples: tuple[Example, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # normalised variant → canonical
    features: tuple[PatternFeature, ...] = ()

    def counts(self) -> Counter[Intent]:
        return Counter(e.intent for e in self.examples)

    def data_hash(self) -> str:
        """sha256 of the content (not of file names or order): what a model was trained on."""
        content = {
            "examples": sorted(
                [e.intent.value, e.text, e.risk.value if e.risk else ""] for e in self.examples
            ),
            "synonyms": sorted(self.synonyms.items()),
            "features": sorted([f.kind, f.name, sorted(f.patterns)] for f in self.features),
        }
        blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class _Collected:
    examples: dict[str, Example] = field(default_factory=dict)  # by normalised text
    synonyms: dict[str, str] = field(default_factory=dict)
    features: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def training_files(path: Path) -> list[Path]:
    """The YAML files under `path` (itself if it is a file), in a stable order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise TrainingDataError(path, None, "no such file or directory")
    files = sorted([*path.glob("*.yml"), *path.glob("*.yaml")])
    if not files:
        raise TrainingDataError(path, None, "the directory holds no *.yml training files")
    return files


def load_training_data(path: Path) -> TrainingData:
    """Every example, synonym, regex and lookup in `path` (a file or a directory of *.yml)."""
    collected = _Collected()
    for file in training_files(path):
        _load_file(file, collected)
    if not collected.examples:
        raise TrainingDataError(path, None, "no intent examples found")
    examples = tuple(sorted(collected.examples.values(), key=lambda e: (e.intent.value, e.text)))
    features = tuple(
        PatternFeature(name=name, kind=kind, patterns=tuple(patterns))
        for (kind, name), patterns in sorted(collected.features.items())
    )
    return TrainingData(
        examples=examples, synonyms=dict(sorted(collected.synonyms.items())), features=features
    )


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _compose(path: Path) -> yaml.MappingNode:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TrainingDataError(path, None, f"cannot read the file: {error}") from error
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise TrainingDataError(path, line, f"invalid YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise TrainingDataError(path, None, f"invalid YAML: {error}") from error
    if not isinstance(root, yaml.MappingNode):
        raise TrainingDataError(path, None, "expected a mapping with `version` and `nlu`")
    return root


def _mapping(path: Path, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise TrainingDataError(path, _line(key), "keys must be plain names")
        if key.value in items:
            raise TrainingDataError(path, _line(key), f"duplicate key `{key.value}`")
        items[key.value] = (key, value)
    return items


def _load_file(path: Path, collected: _Collected) -> None:
    top = _mapping(path, _compose(path))
    unknown = sorted(set(top) - {"version", "nlu"})
    if unknown:
        raise TrainingDataError(path, _line(top[unknown[0]][0]), f"unknown top-level key `{unknown[0]}`")
    _check_version(path, top, root_line=1)
    if "nlu" not in top:
        raise TrainingDataError(path, None, "missing the `nlu:` list")
    nlu_key, entries = top["nlu"]
    if not isinstance(entries, yaml.SequenceNode):
        raise TrainingDataError(path, _line(nlu_key), "`nlu` must be a list of entries")
    for entry in entries.value:
        _load_entry(path, entry, collected)


def _check_version(path: Path, top: dict[str, tuple[yaml.Node, yaml.Node]], *, root_line: int) -> None:
    if "version" not in top:
        raise TrainingDataError(path, root_line, 'missing `version: "3.1"`')
    key, value = top["version"]
    if not isinstance(value, yaml.ScalarNode) or value.value not in SUPPORTED_VERSIONS:
        found = value.value if isinstance(value, yaml.ScalarNode) else "a non-scalar"
        raise TrainingDataError(path, _line(key), f'unsupported version {found!r}; expected "3.1"')


def _load_entry(path: Path, entry: yaml.Node, collected: _Collected) -> None:
    if not isinstance(entry, yaml.MappingNode):
        raise TrainingDataError(path, _line(entry), "each `nlu` entry must be a mapping")
    items = _mapping(path, entry)
    kinds = [k for k in _KINDS if k in items]
    if len(kinds) != 1:
        raise TrainingDataError(
            path, _line(entry), "an entry needs exactly one of intent, synonym, regex, lookup"
        )
    kind = kinds[0]
    extra = sorted(set(items) - {kind, "examples", "metadata"})
    if extra:
        raise TrainingDataError(path, _line(items[extra[0]][0]), f"unknown key `{extra[0]}` in {kind} entry")
    name_node = items[kind][1]
    if not isinstance(name_node, yaml.ScalarNode) or not name_node.value.strip():
        raise TrainingDataError(path, _line(name_node), f"`{kind}` needs a name")
    if "examples" not in items:
        raise TrainingDataError(path, _line(entry), f"{kind} `{name_node.value}` has no `examples`")
    lines = list(_example_lines(path, items["examples"][1]))
    if kind == "intent":
        risk = _risk_metadata(path, items["metadata"][1]) if "metadata" in items else None
        _add_intent(path, name_node, lines, collected, risk)
    elif kind == "synonym":
        _add_synonym(path, name_node.value, lines, collected)
    else:
        _add_feature(path, kind, name_node.value, lines, collected)


def _risk_metadata(path: Path, node: yaml.Node) -> RiskSignal | None:
    """`risk` of an intent entry's `metadata` mapping (other metadata keys are Rasa's business)."""
    if not isinstance(node, yaml.MappingNode):
        raise TrainingDataError(path, _line(node), "`metadata` must be a mapping, e.g. `risk: self_harm`")
    items = _mapping(path, node)
    if "risk" not in items:
        return None
    value = items["risk"][1]
    signal = _SIGNALS_BY_NAME.get(value.value) if isinstance(value, yaml.ScalarNode) else None
    if signal is None:
        found = value.value if isinstance(value, yaml.ScalarNode) else "a non-scalar"
        names = ", ".join(_SIGNALS_BY_NAME)
        raise TrainingDataError(path, _line(value), f"unknown risk `{found}` in metadata (SPEC §3: {names})")
    return signal


def _example_lines(path: Path, node: yaml.Node) -> Iterator[tuple[int, str]]:
    """(line number, text) of each "- " item of an `examples: |` block."""
    if not isinstance(node, yaml.ScalarNode):
        raise TrainingDataError(path, _line(node), "`examples` must be a `|` block of '- ' lines")
    literal = node.style == "|"
    first = _line(node) + (1 if literal else 0)
    found = False
    for offset, raw in enumerate(node.value.splitlines()):
        line = first + offset if literal else first
        stripped = raw.strip()
        if not stripped:
            continue
        if not stripped.startswith("-"):
            raise TrainingDataError(path, line, f"an example line must start with '- ': {stripped[:40]!r}")
        text = stripped[1:].strip()
        if not text:
            raise TrainingDataError(path, line, "empty example")
        found = True
        yield line, text
    if not found:
        raise TrainingDataError(path, _line(node), "`examples` holds no '- ' lines")


def _add_intent(
    path: Path,
    name_node: yaml.ScalarNode,
    lines: Sequence[tuple[int, str]],
    collected: _Collected,
    risk: RiskSignal | None,
) -> None:
    intent = _INTENTS_BY_NAME.get(name_node.value)
    if intent is None:
        raise TrainingDataError(
            path,
            _line(name_node),
            f"unknown intent `{name_node.value}` (SPEC §2 names only; nlu_fallback is not trained)",
        )
    if risk is not None and risk.value == intent.value:
        risk = None  # `risk: self_harm` on a self_harm example says what its intent already says
    for line, raw in lines:
        text = _ENTITY.sub(r"\1", raw)
        key = normalize(text)
        if not key:
            raise TrainingDataError(path, line, "example has no letters, digits or emoji")
        previous = collected.examples.get(key)
        if previous is not None and previous.intent is not intent:
            raise TrainingDataError(
                path,
                line,
                f"example also listed under `{previous.intent}` at {previous.path.name}:{previous.line}",
            )
        if previous is not None and previous.risk is not risk:
            raise TrainingDataError(
                path,
                line,
                f"example also listed with another risk at {previous.path.name}:{previous.line}",
            )
        if previous is None:
            collected.examples[key] = Example(text=text, intent=intent, path=path, line=line, risk=risk)


def _add_synonym(path: Path, canonical: str, lines: Sequence[tuple[int, str]], collected: _Collected) -> None:
    target = normalize(canonical)
    for line, variant in lines:
        key = normalize(variant)
        if not key or not target:
            raise TrainingDataError(path, line, "a synonym needs letters on both sides")
        known = collected.synonyms.get(key)
        if known is not None and known != target:
            raise TrainingDataError(path, line, f"`{variant}` is already a synonym of `{known}`")
        collected.synonyms[key] = target


def _add_feature(
    path: Path, kind: str, name: str, lines: Sequence[tuple[int, str]], collected: _Collected
) -> None:
    patterns = collected.features.setdefault((kind, name), [])
    for line, text in lines:
        if kind == "regex":
            try:
                re.compile(text)
            except re.error as error:
                raise TrainingDataError(path, line, f"invalid regex in `{name}`: {error}") from error
            patterns.append(text)
        else:
            phrase = normalize(text)
            if not phrase:
                raise TrainingDataError(path, line, f"empty lookup phrase in `{name}`")
            patterns.append(phrase)
