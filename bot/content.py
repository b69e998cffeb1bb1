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
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nlu.types import Intent, RiskSignal

DEFAULT_CONTENT_PATH = Path(__file__).with_name("content") / "responses.yml"
ASK_HUMAN_PAYLOAD = "/ask_human"
COMMAND_PAYLOADS = frozenset(
    {"/cancel", "/delete_confirm", "/delete_cancel", "/start", "/stop", "/delete", "/help", "/human"}
)

# The reply for each intent when no risk template takes precedence.
INTENT_RESPONSES: Mapping[Intent, str] = {
    **{i: f"utter_{i.value}" for i in Intent},
    Intent.ASK_HUMAN: "utter_ask_human_queued",
    Intent.SELF_HARM: "utter_crisis_self_harm",
    Intent.IMMEDIATE_DANGER: "utter_crisis_immediate_danger",
    Intent.ABUSE_DISCLOSURE: "utter_high_abuse_disclosure",
    Intent.NLU_FALLBACK: "utter_clarify",
}
# Vetted templates for risk >= 2 (CONTENT-BRIEF §0 rule 2, §4); never free text.
RISK_TEMPLATES: Mapping[RiskSignal, str] = {
    RiskSignal.SELF_HARM: "utter_crisis_self_harm",
    RiskSignal.IMMEDIATE_DANGER: "utter_crisis_immediate_danger",
    RiskSignal.SEXTORTION: "utter_high_sextortion",
    RiskSignal.GROOMING: "utter_high_grooming",
    RiskSignal.ABUSE_DISCLOSURE: "utter_high_abuse_disclosure",
}
REQUIRED_RESPONSES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            "utter_welcome",
            *INTENT_RESPONSES.values(),
            *RISK_TEMPLATES.values(),
            "utter_ask_human_offline",
            "utter_risk_queued",
            "utter_waiting_still",
            "utter_cancelled",
            "utter_counselor_joined",
            "utter_conversation_closed",
            "utter_concern_offer",
            "utter_hopelessness_check",
            "utter_goodbye_at_risk",
            "utter_media_refused",
            "utter_fallback",
            "utter_topics",
            "utter_delete_confirm",
            "utter_deleted",
            "utter_stopped",
            "utter_help",
            "utter_error_too_long",
        ]
    )
)
# Exactly the values the engine passes to each response; every other response has none.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "utter_welcome": frozenset({"retention_days"}),
    "utter_bot_info": frozenset({"counselor_hours", "retention_days"}),
    "utter_ask_human_queued": frozenset({"wait_minutes"}),
    "utter_risk_queued": frozenset({"wait_minutes"}),
    "utter_ask_human_offline": frozenset({"counselor_hours"}),
    "utter_clarify": frozenset({"option_1", "option_2", "intent_1", "intent_2"}),
}
# Numbers every variant must show as digits (CONTENT-BRIEF §1, §4).
REQUIRED_NUMBERS: Mapping[str, tuple[str, ...]] = {
    "utter_crisis_self_harm": ("121", "100", "101"),
    "utter_crisis_immediate_danger": ("100",),
    "utter_high_sextortion": ("100",),
    "utter_high_grooming": ("100",),
    "utter_high_abuse_disclosure": ("100",),
    "utter_ask_human_offline": ("121", "100", "101"),
    "utter_bot_info": ("121", "100", "101"),
    "utter_concern_offer": ("121",),
}
# Sent while a counselor is being called or is present: a "talk to a person" button makes no sense.
WITHOUT_PERSON_BUTTON = frozenset(
    {
        "utter_ask_human_queued",
        "utter_risk_queued",
        "utter_ask_human_offline",
        "utter_waiting_still",
        "utter_counselor_joined",
    }
)
# Intents offered as topics (buttons, clarification); risk-only intents are never offered.
TOPIC_INTENTS: tuple[str, ...] = (
    "sextortion", "blackmail_other", "cyberbullying", "grooming", "hacked_account",
    "privacy_safety", "block_report", "image_removal", "report_police", "tell_parent", "scam",
    "harmful_content", "parent_guidance", "distress", "bot_info", "ask_human",
)  # fmt: skip
# CONTENT-BRIEF §5 (blame, shame, secrecy or outcome promises, claiming to be human) and §7
# (Luxembourg-disfavoured terms). Matched as words by find_forbidden(); plain substrings are safe
# to test too: no bundled reply contains one.
FORBIDDEN_PHRASES: tuple[str, ...] = (
    "عيب", "حرام", "فضيحة", "فضيحتك", "فضائح", "شرف", "إباحية الأطفال", "سكستورشن", "علاقة",
    "تورط", "انتحر", "قاصر تمارس الدعارة", "أعدك", "لن يعرف أحد", "لماذا أرسلت", "أنا إنسان",
    "committed suicide", "commit suicide", "successful suicide", "failed suicide",
    "child pornography", "child porn", "revenge porn", "child prostitute", "child sex tourism",
    "webcam child sex", "paedophile", "pedophile", "boyfriend", "online relationship",
    "complicit", "consented", "why did you send", "shame on you", "shameful", "dishonour",
    "dishonor", "haram", "your own fault", "it's your fault", "it is your fault", "i promise",
    "nobody will ever know", "no one will ever know", "completely secret", "100% secret",
    "will surely be deleted", "will be arrested", "i am human", "i'm human", "i am a person",
    "i'm a person",
)  # fmt: skip

_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")  # tashkeel, tatweel
_ARABIC_PREFIX = "(?:[وفبلك]|ال|وال|بال|فال|كال|لل)?"
_INTENT_NAMES = frozenset(i.value for i in Intent)


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
        return self.render("utter_clarify", lang, feminine=feminine, **titles, intent_1=first, intent_2=second)


def load_content(path: Path | None = None) -> Content:
    """Read and check the content file (the bundled one by default); raise ContentError naming every problem."""
    path = path or DEFAULT_CONTENT_PATH
    data, root = _read_yaml(path)
    if duplicates := _duplicate_keys(root, ()):
        raise ContentError(_located(path, root, duplicates))
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


def find_forbidden(text: str) -> tuple[str, ...]:
    """The FORBIDDEN_PHRASES found in text as words (so «مشرف» is not «شرف», "not your fault" is fine)."""
    normal = _normalize(text)
    return tuple(p for p in FORBIDDEN_PHRASES if _PATTERNS[p].search(normal))


def _normalize(text: str) -> str:
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)).replace("’", "'")
    return re.sub("[أإآ]", "ا", text).casefold()


def _pattern(phrase: str) -> re.Pattern[str]:
    body = re.escape(_normalize(phrase))
    if re.search("[\u0600-\u06ff]", phrase):  # Arabic: allow clitic prefixes and short suffixes
        return re.compile(rf"(?<!\w){_ARABIC_PREFIX}{body}\w{{0,3}}(?!\w)")
    return re.compile(rf"(?<!\w){body}(?!\w)")


_PATTERNS = {phrase: _pattern(phrase) for phrase in FORBIDDEN_PHRASES}


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


def _duplicate_keys(node: yaml.Node | None, loc: _Loc) -> list[tuple[_Loc, str]]:
    """PyYAML silently keeps the last of two equal keys; an admin's pasted copy must not hide the first."""
    problems: list[tuple[_Loc, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(((*loc, key.value), f"duplicate key {key.value!r}"))
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
    problems += [(("topics",), f"missing topic title for {i!r}") for i in TOPIC_INTENTS if i not in parsed.topics]
    problems += [(("topics", i), f"{i!r} is not an intent") for i in parsed.topics if i not in _INTENT_NAMES]
    for intent, topic in parsed.topics.items():
        problems += [(("topics", intent), msg) for msg in _safety_problems(f"{topic.ar}\n{topic.en}")]
    for name, variants in built.items():
        problems += [(("responses", name), msg) for msg in _response_problems(name, variants, built)]
    return problems


def _response_problems(name: str, variants: dict[_Key, _Variant], built: Mapping[str, object]) -> list[str]:
    if not re.fullmatch(r"utter_[a-z0-9_]+", name):
        return [f"{name!r} must look like utter_<lowercase_name>"]
    problems = [f"no {_describe((lang, False))} variant" for lang in ("ar", "en") if (lang, False) not in variants]
    for key, variant in variants.items():
        problems += [f"{_describe(key)}: {msg}" for msg in _variant_problems(name, variant, built)]
    return problems


def _variant_problems(name: str, variant: _Variant, built: Mapping[str, object]) -> list[str]:
    texts = [variant.text, *(b.title for b in variant.buttons)]
    problems = _safety_problems("\n".join(texts))
    try:
        used = set().union(*(_fields(t) for t in [*texts, *(b.payload for b in variant.buttons)]))
    except ValueError as exc:
        return [*problems, str(exc)]
    expected = PLACEHOLDERS.get(name, frozenset())
    if used != expected:
        problems.append(f"placeholders {sorted(used)} but the engine passes exactly {sorted(expected)}")
    problems += [f"must show the number {n}" for n in REQUIRED_NUMBERS.get(name, ()) if not re.search(rf"(?<!\d){n}(?!\d)", variant.text)]
    payloads = [b.payload for b in variant.buttons]
    if name not in WITHOUT_PERSON_BUTTON and ASK_HUMAN_PAYLOAD not in payloads:
        problems.append(f"needs a 'talk to a person' button ({ASK_HUMAN_PAYLOAD}), CONTENT-BRIEF §4")
    problems += [f"button {p!r} leads nowhere" for p in payloads if not _is_target(p, built)]
    return problems


def _safety_problems(text: str) -> list[str]:
    problems = [f"forbidden wording {p!r} (CONTENT-BRIEF §5/§7)" for p in find_forbidden(text)]
    if emoji := _EMOJI.findall(text):
        problems.append(f"emoji {''.join(emoji)!r}: replies can be sent at risk ≥ 2 (CONTENT-BRIEF §0 rule 10)")
    return problems


def _fields(template: str) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"broken placeholder braces in {template[:40]!r}: {exc}") from None
    names = set()
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a plain {{name}}")
        names.add(field)
    return names


def _is_target(payload: str, built: Mapping[str, object]) -> bool:
    target = payload.removeprefix("/")
    return (
        "{" in payload
        or payload in COMMAND_PAYLOADS
        or target in _INTENT_NAMES
        or f"utter_{target}" in built
    )


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
