"""Find risk signals (SPEC §3) in a child's message with the maintained lexicon: the safety net.

Multi-label and independent of the intent: every register's patterns (Arabic script, Arabizi,
English, emoji) run over every view of the message, whatever language was detected, because
short and mixed messages are often misdetected. A hit does not count when

* a negation governs it: "ما بدي أموت", "I'm not going to hurt myself", "mish 7a ente7er"
  (a hit that itself starts with a negation, "ما بدي عيش", "I don't want to live", is kept), or
* it overlaps a non-risk idiom: «بموت فيك», «رح موت من الضحك», "I'm dying to see her".

Both checks are local to the hit, so "رح موت من الضحك بس بدي انتحر" still finds self_harm.
The classifier may add signals on top; nothing may remove what this module finds.
"""

from __future__ import annotations

import re

from nlu.lexicon import Lexicon, RegisterRules, load_lexicon
from nlu.lexicon.fold import APOSTROPHES, FOLDS
from nlu.types import Language, RiskSignal

_CLAUSE_BREAK = re.compile(r"[.!?؟،,;؛:\n]+")
_CLAUSE_MARK = "ǀ"  # a letter (U+01C0) that normalisation keeps as a word of its own
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_LATIN_LETTER = re.compile(r"[a-z]")
_WORD = re.compile(r"\S+")
IDIOM_GUARDS = frozenset({RiskSignal.SELF_HARM, RiskSignal.IMMEDIATE_DANGER})
_SCRIPT_TEST = {"ar": _ARABIC_LETTER, "arabizi": _LATIN_LETTER, "en": _LATIN_LETTER}
# An Arabizi message is also read in Arabic script and scanned with the Arabic patterns, twice:
# `2` as a hamza, and `2` as qaf (Levantine and Egyptian "y2telni" is «يقتلني», "2al" is «قال»).
# Not when an Arabizi idiom is in the message: the Arabic idioms do not know transliterated
# spellings ("el wajeb ra7 yo2telni" is homework, "jara7t 2eedi w ana ba2ashshir" is cooking).
TRANSLITERATED = "ar_transliterated"


def _clause_view(text: str) -> str:
    """Normalised text that keeps each clause break as a "ǀ" token, so a negation stops at it."""
    from nlu.normalize import normalize

    return normalize(_CLAUSE_BREAK.sub(f" {_CLAUSE_MARK} ", APOSTROPHES.sub("", text)))


def _views(text: str, normalized: str, arabizi_view: str) -> dict[str, list[str]]:
    """The folded strings each register scans, without duplicates."""
    clauses = _clause_view(text)
    unmarked = " ".join(word for word in clauses.split(" ") if word != _CLAUSE_MARK)
    base = [clauses, normalized] if unmarked != normalized else [clauses]
    transliterated = arabizi_view not in (normalized, unmarked)
    sources = {
        "ar": base,
        TRANSLITERATED: [arabizi_view, arabizi_view.replace("ء", "ق")] if transliterated else [],
        "arabizi": base,
        "en": base,
        "any": [clauses or normalized],
    }
    views: dict[str, list[str]] = {}
    for register, texts in sources.items():
        fold = FOLDS["ar" if register == TRANSLITERATED else register]
        test = _SCRIPT_TEST.get(register)
        folded = (fold(t) for t in texts if t and (test is None or test.search(t)))
        views[register] = list(dict.fromkeys(folded))
    return views


def _negated(rules: RegisterRules, view: str, hit: re.Match[str]) -> bool:
    if rules.negation_start is not None and rules.negation_start.match(hit.group()):
        return False  # the entry spells its own negation: "ما بدي عيش"
    before = view[: hit.start()]
    if rules.not_negation_before is not None and rules.not_negation_before.search(before):
        return False  # "كل ما بفكر انتحر": "whenever", not "not"
    if rules.negation_before is not None and rules.negation_before.search(before):
        return True
    return bool(
        rules.verb_negation_before is not None
        and rules.verb_start is not None
        and rules.verb_start.match(hit.group())
        and rules.verb_negation_before.search(before)
    )


def _counts(
    rules: RegisterRules, view: str, hit: re.Match[str] | None, idioms: list[tuple[int, int]]
) -> bool:
    """Whether a hit is neither negated nor inside an idiom."""
    if hit is None:
        return False
    if any(start < hit.end() and hit.start() < end for start, end in idioms):
        return False
    return not _negated(rules, view, hit)


def _first_word_keys(rules: RegisterRules, word: str) -> tuple[str, ...]:
    if word[:1] in rules.clitics and len(word) > 2:
        return (word, word[1:])
    return (word,)


def _scan(rules: RegisterRules, view: str, found: set[RiskSignal]) -> None:
    idioms = [m.span() for m in rules.idioms.finditer(view)] if rules.idioms is not None else []
    for word in _WORD.finditer(view):
        for key in _first_word_keys(rules, word.group()):
            for signal, pattern in rules.by_first_word.get(key, ()):
                if signal not in found and _counts(rules, view, pattern.match(view, word.start()), idioms):
                    found.add(signal)
    for signal, anchors, pattern in rules.open_ended:
        if signal in found or (anchors is not None and not any(anchor in view for anchor in anchors)):
            continue
        position = 0
        while signal not in found and (hit := pattern.search(view, position)):
            if _counts(rules, view, hit, idioms):
                found.add(signal)
            position = hit.start() + 1


RiskViews = dict[str, list[str]]  # register → the folded strings it scans


def risk_views(text: str, normalized: str, arabizi_view: str) -> RiskViews:
    """Fold a message once for every register; `detect_risk_in` and `model_guarded_in` share it."""
    return _views(text, normalized, arabizi_view)


def detect_risk(text: str, normalized: str, arabizi_view: str, language: Language) -> set[RiskSignal]:
    """Every risk signal the lexicon finds in a message (`language` is informative only)."""
    return detect_risk_in(risk_views(text, normalized, arabizi_view))


def detect_risk_in(views: RiskViews) -> set[RiskSignal]:
    lexicon: Lexicon = load_lexicon()
    found: set[RiskSignal] = set()
    for rules in lexicon.rules:
        for view in views[rules.register]:
            _scan(rules, view, found)
    if views[TRANSLITERATED] and not _has_idiom(lexicon, "arabizi", views):
        for rules in lexicon.rules:
            if rules.register == "ar":
                for view in views[TRANSLITERATED]:
                    _scan(rules, view, found)
    return found


def _has_idiom(lexicon: Lexicon, register: str, views: RiskViews) -> bool:
    return any(
        rules.idioms.search(view)
        for rules in lexicon.rules
        if rules.register == register and rules.idioms is not None
        for view in views[register]
    )


def model_guarded(text: str, normalized: str, arabizi_view: str) -> set[RiskSignal]:
    """Signals the classifier may not add to this message on its own (modifiers.yml
    `model_guards`): the writer says it is hypothetical, homework or not happening ("nobody is
    threatening me, I'm just asking"), or names an accident; or a non-risk idiom of the lexicon
    is in it (then the model may not add self_harm or immediate_danger). The lexicon's own hits
    stay. A guard breaker (someone found the pictures, a weapon, "he'll kill me") voids them all."""
    return model_guarded_in(risk_views(text, normalized, arabizi_view))


def _guard_views(views: RiskViews, register: str) -> list[str]:
    """What a register's guards read: for Arabic also an Arabizi message's Arabic-script readings
    (a guard only ever keeps the model quiet, so reading more cannot hide a lexicon hit)."""
    return [*views[register], *views[TRANSLITERATED]] if register == "ar" else views[register]


def model_guarded_in(views: RiskViews) -> set[RiskSignal]:
    lexicon: Lexicon = load_lexicon()
    guarded: set[RiskSignal] = set()
    if any(
        rules.guard_breakers is not None
        and any(rules.guard_breakers.search(v) for v in _guard_views(views, rules.register))
        for rules in lexicon.rules
    ):
        return guarded  # "my uncle saw the pictures and is coming home": no pick-up, the model decides
    for rules in lexicon.rules:
        read = _guard_views(views, rules.register)
        if rules.idioms is not None and any(rules.idioms.search(view) for view in read):
            guarded |= IDIOM_GUARDS  # «بحبك موت», "this homework is murdering me": not the model's call
        for signals, pattern in rules.model_guards:
            if not signals <= guarded and any(pattern.search(view) for view in read):
                guarded |= signals
    return guarded


def detect_risk_text(text: str) -> set[RiskSignal]:
    """`detect_risk` for a raw message: computes the normalised and Arabizi views itself."""
    from nlu.arabizi import to_arabic
    from nlu.language import detect_language
    from nlu.normalize import normalize

    normalized = normalize(text)
    language = detect_language(normalized)
    arabizi_view = to_arabic(normalized) if language is Language.ARABIZI else normalized
    return detect_risk(text, normalized, arabizi_view, language)
