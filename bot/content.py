"""Bot content: every reply Sanad sends, loaded from content/responses.yml and checked at start.

The file is Rasa domain.yml-shaped (`responses: {utter_x: [variants]}`) plus a `topics:` map of
button titles. A variant has `lang` (ar, en), optional `gender: f` (the Arabic used when the child
writes in the feminine, CONTENT-BRIEF §1), `text` and `buttons` ({title, payload}); a gendered
variant without `buttons` takes those of its language's default variant.

`load_content()` refuses to start on any mistake an admin could make in the file, naming the
response and the line: a required response or language missing, a placeholder the engine does not
pass, a button to nowhere, no "talk to a person" button, a word CONTENT-BRIEF §5/§7 forbids, an
emoji, a crisis template without its emergency numbers.

Rendering (`Content.render`) falls back from the feminine variant to the default one and from any
other language (Arabizi, unknown) to Arabic. Counted values (`{wait_minutes}`, `{retention_days}`)
become phrases with the unit («نحو 5 دقائق», "about 5 minutes").

Payload vocabulary for the engine: "/<intent>" (SPEC §2), a command of COMMAND_PAYLOADS, or
"/<name>" of a response utter_<name> (e.g. "/topics", "/regional_resources",
"/platform_instagram"). Follow-up yes/no questions use "/affirm" and "/deny".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.content_rules import (
    ASK_HUMAN_PAYLOAD,
    COMMAND_PAYLOADS,
    FORBIDDEN_PHRASES,
    INTENT_NAMES,
    INTENT_RESPONSES,
    PLACEHOLDERS,
    REQUIRED_NUMBERS,
    REQUIRED_RESPONSES,
    RISK_TEMPLATES,
    TOPIC_INTENTS,
    WITHOUT_PERSON_BUTTON,
    find_forbidden,
    reply_problems,
    safety_problems,
)

__all__ = [
    "ASK_HUMAN_PAYLOAD",
    "COMMAND_PAYLOADS",
    "DEFAULT_CONTENT_PATH",
    "FORBIDDEN_PHRASES",
    "INTENT_RESPONSES",
    "PLACEHOLDERS",
    "REQUIRED_NUMBERS",
    "REQUIRED_RESPONSES",
    "RISK_TEMPLATES",
    "TOPIC_INTENTS",
    "WITHOUT_PERSON_BUTTON",
    "Button",
    "Content",
    "ContentError",
    "RenderedReply",
    "find_forbidden",
    "load_content",
]

DEFAULT_CONTENT_PATH = Path(__file__).with_name("content") / "responses.yml"


class ContentError(Exception):
    """The content file cannot be used, or a reply cannot be rendered; `problems` lists why."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class RenderedReply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class _Variant:
    text: str
    buttons: tuple[Button, ...]


class _ButtonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=64)
    payload: str = Field(pattern=r"^/[a-z0-9_{}]+$", max_length=64)  # Telegram callback_data ≤ 64 B


class _VariantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lang: Literal["ar", "en"]
    gender: Literal["f"] | None = None
    text: str = Field(min_length=1)
    buttons: list[_ButtonIn] | None = None


class _TopicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ar: str = Field(min_length=1, max_length=64)
    en: str = Field(min_length=1, max_length=64)


class _FileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    topics: dict[str, _TopicIn]
    responses: dict[str, list[_VariantIn]]


_Key = tuple[str, bool]  # (lang, feminine)
_Loc = tuple[str | int, ...]


class Content:
    """The validated replies; build it with load_content()."""

    def __init__(self, variants: dict[str, dict[_Key, _Variant]], topics: dict[str, _TopicIn]) -> None:
        self._variants = variants
        self._topics = topics

    @property
    def names(self) -> tuple[str, ...]:
        """Every response name, in file order."""
        return tuple(self._variants)

    @property
    def topic_intents(self) -> tuple[str, ...]:
        """Intents that have a topic title, in file order."""
        return tuple(self._topics)

    def render(self, name: str, lang: str, *, feminine: bool = False, **values: Any) -> RenderedReply:
        """The reply `name` in `lang` (Arabic for anything but "en"), placeholders filled from values."""
        variants = self._variants.get(name)
        if variants is None:
            raise ContentError([f"no response named {name!r}"])
        code = _language(lang)
        variant = variants.get((code, feminine)) or variants.get((code, False)) or variants[("ar", False)]
        filled = {key: _format_value(key, value, code) for key, value in values.items()}
        return RenderedReply(
            text=_fill(variant.text, filled, name),
            buttons=tuple(
                Button(_fill(b.title, filled, name), _fill(b.payload, filled, name)) for b in variant.buttons
            ),
        )

    def topic_title(self, intent: str, lang: str) -> str:
        topic = self._topics.get(str(intent))
        if topic is None:
            raise ContentError([f"no topic title for {str(intent)!r}"])
        return topic.en if _language(lang) == "en" else topic.ar

    def clarify(self, first: str, second: str, lang: str, *, feminine: bool = False) -> RenderedReply:
        """utter_clarify offering two topics (by intent) as the two likeliest readings."""
        titles = {"option_1": self.topic_title(first, lang), "option_2": self.topic_title(second, lang)}
        return self.render(
            "utter_clarify", lang, feminine=feminine, **titles, intent_1=first, intent_2=second
        )


def load_content(path: Path | None = None) -> Content:
    """Read and check the content file (the bundled one by default); raise ContentError naming every problem."""
    path = path or DEFAULT_CONTENT_PATH
    data, root = _read_yaml(path)
    if duplicates := _duplicate_keys(root, ()):
        raise ContentError(
            f"{path}:{line}: {'.'.join(map(str, loc))}: duplicate key" for loc, line in duplicates
        )
    try:
        parsed = _FileIn.model_validate(data)
    except ValidationError as exc:
        problems = [(tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        raise ContentError(_located(path, root, problems)) from None
    variants, problems = _build(parsed)
    problems += _check(parsed, variants)
    if problems:
        raise ContentError(_located(path, root, problems))
    return Content(variants, parsed.topics)


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
        try:
            root = loader.get_single_node()
            return (loader.construct_document(root) if root else None), root
        finally:
            loader.dispose()
    except OSError as exc:
        raise ContentError([f"{path}: cannot read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ContentError([f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}"]) from None


def _located(path: Path, root: yaml.Node | None, problems: list[tuple[_Loc, str]]) -> list[str]:
    lines = []
    for loc, message in problems:
        node = root
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        where = f"{path}:{node.start_mark.line + 1}" if node else str(path)
        lines.append(f"{where}: {'.'.join(map(str, loc))}: {message}")
    return lines


def _duplicate_keys(node: yaml.Node | None, loc: _Loc) -> list[tuple[_Loc, int]]:
    """Where a key repeats: PyYAML silently keeps the last one, so a pasted copy would hide the first."""
    problems: list[tuple[_Loc, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(((*loc, key.value), key.start_mark.line + 1))
            seen.add(key.value)
            problems += _duplicate_keys(value, (*loc, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicate_keys(item, (*loc, index))
    return problems


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == str(part)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def _build(parsed: _FileIn) -> tuple[dict[str, dict[_Key, _Variant]], list[tuple[_Loc, str]]]:
    built: dict[str, dict[_Key, _Variant]] = {}
    problems: list[tuple[_Loc, str]] = []
    for name, variants in parsed.responses.items():
        built[name] = {}
        for feminine_pass in (False, True):  # default variants first: gendered ones inherit their buttons
            for index, variant in enumerate(variants):
                key = (variant.lang, variant.gender == "f")
                if key[1] != feminine_pass:
                    continue
                if key in built[name]:
                    problems.append((("responses", name, index), f"second {_describe(key)} variant"))
                    continue
                inherited = built[name].get((variant.lang, False))
                buttons = (
                    tuple(Button(b.title, b.payload) for b in variant.buttons)
                    if variant.buttons is not None
                    else (inherited.buttons if inherited else ())
                )
                built[name][key] = _Variant(variant.text.strip(), buttons)
    return built, problems


def _check(parsed: _FileIn, built: dict[str, dict[_Key, _Variant]]) -> list[tuple[_Loc, str]]:
    problems: list[tuple[_Loc, str]] = [
        (("responses",), f"missing response {name!r}") for name in REQUIRED_RESPONSES if name not in built
    ]
    problems += [
        (("topics",), f"missing topic title for {i!r}") for i in TOPIC_INTENTS if i not in parsed.topics
    ]
    problems += [(("topics", i), f"{i!r} is not an intent") for i in parsed.topics if i not in INTENT_NAMES]
    for intent, topic in parsed.topics.items():
        problems += [(("topics", intent), msg) for msg in safety_problems(f"{topic.ar}\n{topic.en}")]
    for name, variants in built.items():
        problems += [(("responses", name), msg) for msg in _response_problems(name, variants, built)]
    return problems


def _response_problems(name: str, variants: dict[_Key, _Variant], responses: Collection[str]) -> list[str]:
    if not re.fullmatch(r"utter_[a-z0-9_]+", name):
        return [f"{name!r} must look like utter_<lowercase_name>"]
    problems = [
        f"no {_describe((lang, False))} variant" for lang in ("ar", "en") if (lang, False) not in variants
    ]
    for key, variant in variants.items():
        buttons = [(b.title, b.payload) for b in variant.buttons]
        found = reply_problems(name, variant.text, buttons, responses)
        problems += [f"{_describe(key)}: {msg}" for msg in found]
    return problems


def _describe(key: _Key) -> str:
    lang, feminine = key
    return {"ar": "Arabic (ar)", "en": "English (en)"}[lang] + (" feminine" if feminine else "")


def _language(lang: str) -> Literal["ar", "en"]:
    """English only for English; Arabic and Arabizi (and anything unknown) get Arabic (CONTENT-BRIEF §1)."""
    return "en" if str(lang) == "en" else "ar"


def _fill(template: str, values: Mapping[str, str], name: str) -> str:
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise ContentError([f"{name} needs the value {exc.args[0]!r}"]) from None


_AR_COUNTED = {  # one, two (genitive), 3–10, 11–99, otherwise
    "minutes": ("دقيقة واحدة", "دقيقتين", "دقائق", "دقيقة", "دقيقة"),
    "days": ("يوم واحد", "يومين", "أيام", "يومًا", "يوم"),
}


def _format_value(key: str, value: Any, lang: str) -> str:
    unit = key.rpartition("_")[2]
    if unit not in _AR_COUNTED or not isinstance(value, int) or isinstance(value, bool):
        return str(value)
    count = max(value, 1)
    if lang == "en":
        return f"{count} {unit[:-1] if count == 1 else unit}"
    one, two, few, many, other = _AR_COUNTED[unit]
    rest = count % 100
    if count in (1, 2):
        return one if count == 1 else two
    if 3 <= rest <= 10:
        return f"{count} {few}"
    return f"{count} {many}" if 11 <= rest <= 99 else f"{count} {other}"
