"""What every reply in the content file must satisfy: names, placeholders, buttons, safe wording.

The rules come from CONTENT-BRIEF: a person is always one button away (§4 "All levels"), risk
templates keep their emergency numbers (§4), no wording of §5/§7, no emoji (§0 rule 10: any reply
can be sent while risk ≥ 2). They are plain data and functions so engine and console tests can
reuse them (`FORBIDDEN_PHRASES`, `find_forbidden`).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection, Mapping, Sequence

from nlu.types import Intent, RiskSignal

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
            "utter_waiting_imminent",
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
    "utter_waiting_imminent": ("121", "100", "101"),
}
# Sent while a counselor is being called or is present: a "talk to a person" button makes no sense.
WITHOUT_PERSON_BUTTON = frozenset(
    {
        "utter_ask_human_queued",
        "utter_risk_queued",
        "utter_ask_human_offline",
        "utter_waiting_still",
        "utter_waiting_imminent",
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
INTENT_NAMES = frozenset(i.value for i in Intent)


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


def reply_problems(
    name: str, text: str, buttons: Sequence[tuple[str, str]], responses: Collection[str]
) -> list[str]:
    """Why one variant (text, (title, payload) buttons) of response `name` may not be sent."""
    texts = [text, *(title for title, _ in buttons)]
    problems = safety_problems("\n".join(texts))
    try:
        used = set().union(*(placeholder_names(t) for t in [*texts, *(p for _, p in buttons)]))
    except ValueError as exc:
        return [*problems, str(exc)]
    expected = PLACEHOLDERS.get(name, frozenset())
    if used != expected:
        problems.append(f"placeholders {sorted(used)} but the engine passes exactly {sorted(expected)}")
    problems += [
        f"must show the number {n}"
        for n in REQUIRED_NUMBERS.get(name, ())
        if not re.search(rf"(?<!\d){n}(?!\d)", text)
    ]
    payloads = [payload for _, payload in buttons]
    if name not in WITHOUT_PERSON_BUTTON and ASK_HUMAN_PAYLOAD not in payloads:
        problems.append(f"needs a 'talk to a person' button ({ASK_HUMAN_PAYLOAD}), CONTENT-BRIEF §4")
    problems += [f"button {p!r} leads nowhere" for p in payloads if not _is_target(p, responses)]
    return problems


def safety_problems(text: str) -> list[str]:
    """Forbidden wording and emoji in text a child would see."""
    problems = [f"forbidden wording {p!r} (CONTENT-BRIEF §5/§7)" for p in find_forbidden(text)]
    if emoji := _EMOJI.findall(text):
        problems.append(
            f"emoji {''.join(emoji)!r}: replies can be sent at risk ≥ 2 (CONTENT-BRIEF §0 rule 10)"
        )
    return problems


def placeholder_names(template: str) -> set[str]:
    """The {names} in a template; ValueError for broken braces or anything but a plain name."""
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


def _is_target(payload: str, responses: Collection[str]) -> bool:
    target = payload.removeprefix("/")
    return (
        "{" in payload
        or payload in COMMAND_PAYLOADS
        or target in INTENT_NAMES
        or f"utter_{target}" in responses
    )
