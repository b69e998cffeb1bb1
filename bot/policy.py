"""The dialogue policy: what the bot says and does for one child message, as a pure function.

`decide(turn, situation)` reads the message (text and its NLU result, a button or command, a media
notice) and the conversation as it was (state, risk so far, the engine's notes, language, whether
counselors are on shift) and returns a `Decision`: replies — each a list of content responses
joined into ONE message, crisis first — and effects (escalate, cancel, erase, notes). No I/O and no
clock: the engine stores, publishes and renders. CONTENT-BRIEF §0, §4 and §5 are the law here.

Precedence, highest first:
1. oversized text (nothing stored) and media (only the fact is stored), in every state;
2. /delete and its confirmation, in every open state;
3. risk ≥ 2: the vetted templates (crisis first, then the strongest high signal) in the same
   message, and the hand-off with an honest wait (or the offline text). While `waiting` or `live`
   only a level higher than the conversation had gets its template: it is queued already;
4. `waiting`: cancel / stop, FAQ answers (a topic asked or tapped), "still waiting" (once per
   wait, or when asked); `live`: silence;
5. `bot`: commands and buttons, the safe word and `ask_human`, the answer to the question the bot
   asked last (notes["pending"]), risk 1, then the intent (low confidence → two topics + a person,
   unless the unsure model's first guess is a level-2/3 risk intent: then the self-harm question
   once, or the offer of a person and 121 — never a topic menu).

A "yes" to «is this happening to you now?» (after the sextortion or grooming information) or to
the hopelessness question is a disclosure: the policy adds the signal the NLU could not see in
"yes", so the child's message is stored with it and the conversation's risk rises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, tzinfo
from typing import Any

from bot import cues
from escalation.states import ConversationState
from nlu.types import SIGNAL_LEVEL, Intent, Language, ParseResult, RiskLevel, RiskSignal

# Commands (typed, or sent by widget/Telegram buttons); other payloads are "/<intent>" or "/<name>".
ASK_HUMAN = "/ask_human"
HUMAN = "/human"
CANCEL = "/cancel"
START = "/start"
HELP = "/help"
STOP = "/stop"
DELETE = "/delete"
DELETE_CONFIRM = "/delete_confirm"
DELETE_CANCEL = "/delete_cancel"
AFFIRM = "/affirm"
DENY = "/deny"

WELCOME = "utter_welcome"
GREET = "utter_greet"
QUEUED = "utter_ask_human_queued"
RISK_QUEUED = "utter_risk_queued"
OFFLINE = "utter_ask_human_offline"
CANCELLED = "utter_cancelled"
WAITING_STILL = "utter_waiting_still"
CONCERN_OFFER = "utter_concern_offer"
HOPELESSNESS_CHECK = "utter_hopelessness_check"
GOODBYE_AT_RISK = "utter_goodbye_at_risk"
MEDIA_REFUSED = "utter_media_refused"
CLARIFY = "utter_clarify"
FALLBACK = "utter_fallback"
ASK_DELETE = "utter_delete_confirm"
DELETED = "utter_deleted"
STOPPED = "utter_stopped"
HELP_TEXT = "utter_help"
AFFIRM_TEXT = "utter_affirm"
DENY_TEXT = "utter_deny"
TOO_LONG = "utter_error_too_long"
CRISIS = {
    RiskSignal.SELF_HARM: "utter_crisis_self_harm",
    RiskSignal.IMMEDIATE_DANGER: "utter_crisis_immediate_danger",
}
HIGH = {
    RiskSignal.SEXTORTION: "utter_high_sextortion",
    RiskSignal.GROOMING: "utter_high_grooming",
    RiskSignal.ABUSE_DISCLOSURE: "utter_high_abuse_disclosure",
}
# Signals of one level in the order they speak when the intent names none of them.
CRISIS_ORDER = (RiskSignal.SELF_HARM, RiskSignal.IMMEDIATE_DANGER)
HIGH_ORDER = (RiskSignal.SEXTORTION, RiskSignal.ABUSE_DISCLOSURE, RiskSignal.GROOMING)
CONCERN_ORDER = (
    RiskSignal.DISTRESS,
    RiskSignal.BLACKMAIL_OTHER,
    RiskSignal.HACKED_ACCOUNT,
    RiskSignal.CYBERBULLYING,
)

# Topics a child can pick (buttons "/<intent>") and the clarification offers; `ask_human` is a
# button of every clarification already, risk-only intents are never offered.
TOPIC_INTENTS: tuple[Intent, ...] = (
    Intent.SEXTORTION,
    Intent.IMAGE_REMOVAL,
    Intent.BLACKMAIL_OTHER,
    Intent.CYBERBULLYING,
    Intent.GROOMING,
    Intent.HACKED_ACCOUNT,
    Intent.PRIVACY_SAFETY,
    Intent.BLOCK_REPORT,
    Intent.REPORT_POLICE,
    Intent.TELL_PARENT,
    Intent.SCAM,
    Intent.HARMFUL_CONTENT,
    Intent.PARENT_GUIDANCE,
    Intent.DISTRESS,
    Intent.BOT_INFO,
)
_TOPICS = frozenset(i.value for i in TOPIC_INTENTS)
# Intents answered by their own reviewed text utter_<intent> when no risk reply takes precedence.
ANSWERED: frozenset[Intent] = frozenset(
    {
        *TOPIC_INTENTS,
        Intent.GREET,
        Intent.GOODBYE,
        Intent.THANKS,
        Intent.AFFIRM,
        Intent.DENY,
        Intent.OUT_OF_SCOPE,
    }
)
SMALL_TALK: frozenset[Intent] = frozenset(
    {Intent.GREET, Intent.THANKS, Intent.AFFIRM, Intent.DENY, Intent.GOODBYE}
)
# Level-1 topics whose own text already validates, gives the steps and offers a counselor and 121.
CONCERN_TOPICS: frozenset[Intent] = frozenset(
    {Intent.DISTRESS, Intent.CYBERBULLYING, Intent.BLACKMAIL_OTHER, Intent.HACKED_ACCOUNT}
)
# Other responses a button may open ("/<name>" → utter_<name>).
NAVIGATION = frozenset({"topics", "regional_resources", "parent_prevention"})
NAVIGATION_PREFIXES = ("platform_",)
CLARIFY_TOPICS = 2
# Topics answered while a child waits for a counselor; distress is theirs to hear, not an FAQ.
_WAITING_FAQ = _TOPICS - {Intent.ASK_HUMAN.value, Intent.DISTRESS.value}
MIN_RISK_LEANING = 0.25  # an unsure top guess this likely to be level ≥ 2 gets a safety check
# Level-2/3 risk intents (they share their signals' names).
RISK_LEANING = frozenset(s.value for s in RiskSignal if SIGNAL_LEVEL[s] >= RiskLevel.HIGH)
MIN_TOPIC_CONFIDENCE = 0.05  # below this a ranked topic is noise: ask in other words instead

# Notes kept in Conversation.dialogue_state.
NOTE_PENDING = "pending"  # the question the bot asked last (values below)
NOTE_HOPELESSNESS_ASKED = "hopelessness_asked"  # the direct question is asked once (§4)
NOTE_STILL_WAITING_FOR = "still_waiting_for"  # the waiting_since a check-in was sent for
# The question each response ends with, so a bare "yes"/"no" (or /affirm, /deny) can be read.
PENDING_AFTER: Mapping[str, str] = {
    "utter_sextortion": "happening:sextortion",
    "utter_grooming": "happening:grooming",
    HOPELESSNESS_CHECK: "hopelessness",
    "utter_distress": "offer",
    "utter_cyberbullying": "offer",
    "utter_blackmail_other": "offer",
    CONCERN_OFFER: "offer",
    "utter_hacked_account": "platform",
    ASK_DELETE: "delete",
}


@dataclass(frozen=True, slots=True)
class Say:
    """One response of the content file, with values for its placeholders."""

    name: str
    values: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One message to the child: its parts are rendered and joined in order (crisis first)."""

    parts: tuple[Say, ...]
    topics: tuple[str, ...] = ()  # the clarification's two topic intents


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """What the child did: a text (with its NLU result), a button/command, or a media file."""

    text: str = ""
    command: str | None = None
    media_kind: str | None = None
    parse: ParseResult | None = None
    oversized: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """The conversation as it was before this message."""

    state: ConversationState = ConversationState.BOT
    risk_level: int = 0
    notes: Mapping[str, Any] = field(default_factory=dict)
    language: str = "ar"
    feminine: bool = False
    first_contact: bool = False
    in_hours: bool = True
    waiting_since: str | None = None  # ISO time of the current wait
    responses: frozenset[str] = frozenset()  # names in the content file (for "/<name>" buttons)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    replies: tuple[Reply, ...] = ()
    escalate: str | None = None  # bot → waiting, with this reason
    cancel: bool = False  # waiting → bot
    erase: bool = False  # /delete confirmed
    store_child: bool = True  # False: the message is not kept at all (oversized)
    store_replies: bool = True  # False: replies are delivered, not kept (after erasing)
    intent: str | None = None  # recorded on the child's message
    confidence: float | None = None
    risk_level: int = 0  # the message's risk, with what the dialogue adds
    risk_signals: tuple[str, ...] = ()
    notes: Mapping[str, Any] = field(default_factory=dict)
    language: str = "ar"  # reply language, "ar" or "en", remembered on the conversation
    feminine: bool = False

    @property
    def reply_names(self) -> list[str]:
        return [part.name for reply in self.replies for part in reply.parts]


# ------------------------------------------------------------------------------ counselor hours


def parse_hours(spec: str) -> tuple[time, time] | None:
    """ "08:00-22:00" → (08:00, 22:00); "00:00-24:00" → None (always on shift)."""
    start_text, end_text = (part.strip() for part in spec.split("-", 1))
    start = time.fromisoformat(start_text.zfill(5))
    if end_text == "24:00":
        return None if start == time(0, 0) else (start, time(0, 0))
    return start, time.fromisoformat(end_text.zfill(5))


def in_counselor_hours(now: datetime, spec: str, zone: tzinfo) -> bool:
    """Whether the aware time `now` falls in the counselor hours; a range may cross midnight."""
    hours = parse_hours(spec)
    if hours is None:
        return True
    start, end = hours
    local = now.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


# ------------------------------------------------------------------------------ reading the turn


@dataclass(frozen=True, slots=True, kw_only=True)
class _Read:
    """The message as the policy sees it."""

    command: str | None  # "/start", "/sextortion", "/affirm", ...
    intent: Intent
    signals: frozenset[RiskSignal]
    answer: str | None  # "yes" / "no" to the bot's last question, however it was given
    text: str
    ranking: tuple[tuple[str, float], ...] = ()

    @property
    def level(self) -> int:
        return max((int(SIGNAL_LEVEL[s]) for s in self.signals), default=0)


def _read(turn: Turn, situation: Situation) -> _Read:
    parse = turn.parse
    intent = Intent(parse.intent.name) if parse is not None else Intent.NLU_FALLBACK
    command = _command(turn.command)
    if command is None and turn.text and cues.is_safe_word(turn.text):
        command = HUMAN
    pending = str(situation.notes.get(NOTE_PENDING) or "")
    if command is None and pending == "delete" and turn.text:
        # A typed "yes"/"no" to «delete everything?» — only exact words, never the model's guess.
        command = (
            DELETE_CONFIRM if cues.is_yes(turn.text) else DELETE_CANCEL if cues.is_no(turn.text) else None
        )
    answer = _answer(command, intent, turn.text)
    signals = frozenset(parse.risk.signals) if parse is not None else frozenset()
    if answer == "yes" and pending == "hopelessness":
        signals |= {RiskSignal.SELF_HARM}  # "yes" to «do you think of hurting yourself?»
    if answer == "yes" and pending.startswith("happening:"):
        signals |= {RiskSignal(pending.removeprefix("happening:"))}  # "yes, it is happening to me"
    ranking = tuple((s.name, s.confidence) for s in parse.intent_ranking) if parse is not None else ()
    return _Read(
        command=command, intent=intent, signals=signals, answer=answer, text=turn.text, ranking=ranking
    )


def _command(raw: str | None) -> str | None:
    if not raw or not raw.strip().startswith("/"):
        return None
    word = raw.strip().split(maxsplit=1)[0].lower()
    return word.split("@", 1)[0]  # Telegram groups send "/start@SanadBot"


def _answer(command: str | None, intent: Intent, text: str) -> str | None:
    if command == AFFIRM or (command is None and (cues.is_yes(text) or intent is Intent.AFFIRM)):
        return "yes"
    if command == DENY or (command is None and (cues.is_no(text) or intent is Intent.DENY)):
        return "no"
    return None


def reply_language(turn: Turn, situation: Situation) -> str:
    """Arabic for Arabic and Arabizi, English for English; a bare "ok"/"yes" keeps the current one."""
    parse = turn.parse
    if parse is None or not turn.text.strip():
        return situation.language
    small = parse.intent.name in {i.value for i in SMALL_TALK} or parse.intent.name == Intent.NLU_FALLBACK
    if small and not situation.first_contact and cues.word_count(turn.text) <= 2:
        return situation.language
    return "en" if parse.language is Language.EN else "ar"


# ------------------------------------------------------------------------------ deciding


def decide(turn: Turn, situation: Situation) -> Decision:
    """The replies and effects for one child message (precedence in the module docstring)."""
    if turn.oversized:
        return Decision(
            replies=(_one(TOO_LONG),),
            store_child=False,
            store_replies=False,
            notes=dict(situation.notes),
            language=situation.language,
            feminine=situation.feminine,
        )
    read = _read(turn, situation)
    base = _base(turn, situation, read)
    if turn.media_kind:
        return _welcome_first(replace(base, replies=(_one(MEDIA_REFUSED),)), situation)
    if read.command in {DELETE, DELETE_CONFIRM, DELETE_CANCEL}:
        return _delete(read, situation, base)
    if situation.state is ConversationState.LIVE:
        return _while_live(read, situation, base)
    if situation.state is ConversationState.WAITING:
        return _while_waiting(read, situation, base)
    return _welcome_first(_with_bot(read, situation, base), situation)


def _base(turn: Turn, situation: Situation, read: _Read) -> Decision:
    intent = None if turn.media_kind else _recorded_intent(read)
    parse = turn.parse
    confidence = parse.intent.confidence if parse is not None and intent == parse.intent.name else None
    return Decision(
        intent=intent,
        confidence=confidence,
        risk_level=read.level,
        risk_signals=tuple(s.value for s in sorted(read.signals, key=lambda s: (-SIGNAL_LEVEL[s], s.value))),
        notes={k: v for k, v in situation.notes.items() if k != NOTE_PENDING},
        language=reply_language(turn, situation),
        feminine=situation.feminine or cues.writes_feminine(turn.text),
    )


def _recorded_intent(read: _Read) -> str | None:
    if read.command in {HUMAN, ASK_HUMAN}:
        return Intent.ASK_HUMAN.value
    if read.command in {AFFIRM, DENY}:
        return read.command.removeprefix("/")
    if read.command is not None:
        topic = read.command.removeprefix("/")
        return topic if topic in _TOPICS else None
    return read.intent.value


def _one(name: str, **values: str | int) -> Reply:
    return Reply(parts=(Say(name, values),))


def _with_pending(decision: Decision) -> Decision:
    """Remember the question the last reply asked, so the next "yes"/"no" can be read."""
    pending = [PENDING_AFTER[name] for name in decision.reply_names if name in PENDING_AFTER]
    if not pending:
        return decision
    return replace(decision, notes={**decision.notes, NOTE_PENDING: pending[-1]})


def _say(base: Decision, *names: str) -> Decision:
    return _with_pending(replace(base, replies=(Reply(parts=tuple(Say(n) for n in names)),)))


def _welcome_first(decision: Decision, situation: Situation) -> Decision:
    """First contact: the welcome before the answer — after it when the answer is a risk reply."""
    if not situation.first_contact or WELCOME in decision.reply_names:
        return decision
    welcome = _one(WELCOME)
    if decision.risk_level >= RiskLevel.HIGH:
        return replace(decision, replies=(*decision.replies, welcome))
    return replace(decision, replies=(welcome, *decision.replies))


def _delete(read: _Read, situation: Situation, base: Decision) -> Decision:
    asked = situation.notes.get(NOTE_PENDING) == "delete"
    if read.command == DELETE_CONFIRM and asked:
        return replace(base, replies=(_one(DELETED),), erase=True, store_replies=False, notes={})
    if read.command == DELETE_CANCEL:
        return _say(base, DENY_TEXT)
    return _say(base, ASK_DELETE)


def _safety_parts(read: _Read) -> tuple[Say, ...]:
    """Risk ≥ 2: the crisis template first, then the template of the strongest high signal."""
    parts: list[Say] = []
    crisis = _strongest(read, CRISIS_ORDER)
    if crisis is not None:
        parts.append(Say(CRISIS[crisis]))
    high = _strongest(read, HIGH_ORDER)
    if high is not None:
        parts.append(Say(HIGH[high]))
    return tuple(parts)


def _strongest(read: _Read, order: tuple[RiskSignal, ...]) -> RiskSignal | None:
    present = [s for s in order if s in read.signals]
    matching = [s for s in present if s.value == read.intent.value]
    return (matching or present or [None])[0]


def _newly_higher(read: _Read, situation: Situation) -> bool:
    return read.level >= RiskLevel.HIGH and read.level > situation.risk_level


def _while_live(read: _Read, situation: Situation, base: Decision) -> Decision:
    """A counselor holds the chat: the bot is silent unless the risk rises to a new high."""
    if _newly_higher(read, situation):
        return replace(base, replies=(Reply(parts=_safety_parts(read)),))
    return base


def _while_waiting(read: _Read, situation: Situation, base: Decision) -> Decision:
    # No person is with the child yet: every imminent message gets the crisis reply again.
    if _newly_higher(read, situation) or read.level >= RiskLevel.IMMINENT:
        return replace(base, replies=(Reply(parts=_safety_parts(read)),))
    if read.command in {CANCEL, STOP} or (read.command is None and cues.is_cancel(read.text)):
        return replace(base, replies=(_one(STOPPED if read.command == STOP else CANCELLED),), cancel=True)
    if read.command == HELP:
        return _say(base, HELP_TEXT)
    asked = read.command in {HUMAN, ASK_HUMAN, START} or read.intent is Intent.ASK_HUMAN
    if not asked and (topic := _waiting_topic(read, situation)) is not None:
        return _say(base, f"utter_{topic}")  # CONTENT-BRIEF §4: while waiting, keep answering FAQ
    checked_in = situation.notes.get(NOTE_STILL_WAITING_FOR) == situation.waiting_since
    if asked or not checked_in:
        notes = {**base.notes, NOTE_STILL_WAITING_FOR: situation.waiting_since}
        return replace(base, replies=(_one(WAITING_STILL),), notes=notes)
    return base  # quiet: the counselor will read it


def _waiting_topic(read: _Read, situation: Situation) -> str | None:
    """The FAQ topic a waiting child asks about (text or button); feelings are left for the
    counselor (a check-in), and so is anything the model is unsure of."""
    if read.command is not None:
        name = read.command.removeprefix("/")
        navigable = name in NAVIGATION or name.startswith(NAVIGATION_PREFIXES)
        if name in _WAITING_FAQ or (navigable and f"utter_{name}" in situation.responses):
            return name
        return None
    return read.intent.value if read.intent.value in _WAITING_FAQ else None


def _hand_off_notice(situation: Situation, *, after_risk: bool) -> Say:
    """Honest availability: the wait estimate on shift, else the offline text (121/100/101)."""
    if not situation.in_hours:
        return Say(OFFLINE)
    return Say(RISK_QUEUED if after_risk else QUEUED)


def _hand_off(situation: Situation, base: Decision, reason: str = "ask_human") -> Decision:
    notice = _hand_off_notice(situation, after_risk=False)
    return replace(base, replies=(Reply(parts=(notice,)),), escalate=reason)


def _with_bot(read: _Read, situation: Situation, base: Decision) -> Decision:
    if read.level >= RiskLevel.HIGH:
        strongest = max(read.signals, key=lambda s: (SIGNAL_LEVEL[s], s in CRISIS_ORDER))
        parts = (*_safety_parts(read), _hand_off_notice(situation, after_risk=True))
        return replace(base, replies=(Reply(parts=parts),), escalate=f"risk:{strongest.value}")
    if read.command is not None and read.command not in {AFFIRM, DENY}:
        return _bot_command(read, situation, base)
    if read.intent is Intent.ASK_HUMAN:
        return _hand_off(situation, base)
    answered = _answer_to_question(read, situation, base)
    if answered is not None:
        return answered
    if read.level >= RiskLevel.CONCERN:
        return _concern(read, situation, base)
    return _by_intent(read, situation, base)


def _bot_command(read: _Read, situation: Situation, base: Decision) -> Decision:
    command = str(read.command)
    name = command.removeprefix("/")
    if command in {HUMAN, ASK_HUMAN}:
        return _hand_off(situation, base)
    if command == START:
        return _say(base, WELCOME)
    if command == STOP:
        return _say(base, STOPPED)
    if name in _TOPICS:
        return _say(base, f"utter_{name}")
    navigable = name in NAVIGATION or name.startswith(NAVIGATION_PREFIXES)
    if navigable and f"utter_{name}" in situation.responses:
        return _say(base, f"utter_{name}")
    return _say(base, HELP_TEXT)  # /help, /cancel with nothing to cancel, anything unknown


def _answer_to_question(read: _Read, situation: Situation, base: Decision) -> Decision | None:
    """A reply to the question the bot asked last; None when the message is not one."""
    pending = str(situation.notes.get(NOTE_PENDING) or "")
    if pending == "platform" and (platform := cues.named_platform(read.text)):
        return _say(base, f"utter_platform_{platform}")
    if read.answer is None or (situation.first_contact and not pending):
        return None
    if read.answer == "yes" and pending == "offer":
        return _hand_off(situation, base)
    if read.answer == "no" and pending == "hopelessness":
        return _say(base, CONCERN_OFFER)
    if read.answer == "no" and situation.risk_level >= RiskLevel.CONCERN:
        return _say(base, GOODBYE_AT_RISK)  # keeps the door open, with 100 and 121
    return _say(base, AFFIRM_TEXT if read.answer == "yes" else DENY_TEXT)


def _concern(read: _Read, situation: Situation, base: Decision) -> Decision:
    """Level 1: the question about self-harm once if hopeless; else the topic and a counselor offer."""
    distressed = RiskSignal.DISTRESS in read.signals or read.intent is Intent.DISTRESS
    if distressed and cues.sounds_hopeless(read.text) and not situation.notes.get(NOTE_HOPELESSNESS_ASKED):
        return _say(replace(base, notes={**base.notes, NOTE_HOPELESSNESS_ASKED: True}), HOPELESSNESS_CHECK)
    if read.intent in CONCERN_TOPICS:
        return _say(base, f"utter_{read.intent.value}")
    if read.intent in ANSWERED - SMALL_TALK - {Intent.OUT_OF_SCOPE, Intent.BOT_INFO}:
        return _say(base, f"utter_{read.intent.value}", CONCERN_OFFER)
    signal = _strongest(read, CONCERN_ORDER)
    return _say(base, f"utter_{signal.value}" if signal is not None else CONCERN_OFFER)


def _by_intent(read: _Read, situation: Situation, base: Decision) -> Decision:
    intent = read.intent
    leaning = _leaning_to_risk(read)
    if leaning is Intent.SELF_HARM and not situation.notes.get(NOTE_HOPELESSNESS_ASKED):
        # Unsure, but self-harm is the likeliest reading: ask directly (§4), never offer topics.
        return _say(replace(base, notes={**base.notes, NOTE_HOPELESSNESS_ASKED: True}), HOPELESSNESS_CHECK)
    if leaning is not None:
        return _say(base, CONCERN_OFFER)  # a person and 121, not a topic menu
    if intent is Intent.GOODBYE and situation.risk_level >= RiskLevel.CONCERN:
        return _say(base, GOODBYE_AT_RISK)  # never a plain goodbye while risk ≥ 1 (§4, §5)
    if situation.first_contact and intent in {*SMALL_TALK - {Intent.GOODBYE}, Intent.NLU_FALLBACK}:
        return _say(base, WELCOME)  # the welcome itself asks what they want to talk about
    if intent is Intent.GREET:
        return _say(base, GREET)
    if intent is Intent.DISTRESS and cues.sounds_hopeless(read.text):
        return _concern(read, situation, base)
    if intent in ANSWERED:
        return _say(base, f"utter_{intent.value}")
    if intent is Intent.SELF_HARM and not situation.notes.get(NOTE_HOPELESSNESS_ASKED):
        # The model leans to self-harm without the confidence for a signal: ask, don't stay silent.
        return _say(replace(base, notes={**base.notes, NOTE_HOPELESSNESS_ASKED: True}), HOPELESSNESS_CHECK)
    if intent in {Intent.SELF_HARM, Intent.IMMEDIATE_DANGER, Intent.ABUSE_DISCLOSURE}:
        return _say(base, CONCERN_OFFER)
    return _clarify(read, base)


def _leaning_to_risk(read: _Read) -> Intent | None:
    """The risk intent an unsure model ranks first (level ≥ 2), or None."""
    if read.intent is not Intent.NLU_FALLBACK or not read.ranking:
        return None
    name, confidence = read.ranking[0]
    return Intent(name) if name in RISK_LEANING and confidence >= MIN_RISK_LEANING else None


def _clarify(read: _Read, base: Decision) -> Decision:
    """Low confidence: the two likeliest topics and a person — or, with no likely topic, ask again."""
    likely = [
        name for name, confidence in read.ranking if name in _TOPICS and confidence >= MIN_TOPIC_CONFIDENCE
    ]
    if len(likely) < CLARIFY_TOPICS:
        return _say(base, FALLBACK)
    topics = tuple(likely[:CLARIFY_TOPICS])
    return replace(base, replies=(Reply(parts=(Say(CLARIFY),), topics=topics),))
