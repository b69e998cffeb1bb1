"""`decide`: the replies and effects for one child message (precedence in bot/policy/__init__.py)."""

from __future__ import annotations

from dataclasses import replace

from bot import cues
from bot.policy.model import Decision, Reply, Say, Situation, Turn
from bot.policy.names import (
    AFFIRM,
    AFFIRM_TEXT,
    ANSWERED,
    ASK_DELETE,
    ASK_HUMAN,
    CANCEL,
    CANCELLED,
    CLARIFY,
    CLARIFY_TOPICS,
    CONCERN_OFFER,
    CONCERN_ORDER,
    CONCERN_TOPICS,
    CRISIS,
    CRISIS_ORDER,
    DELETE,
    DELETE_CANCEL,
    DELETE_CONFIRM,
    DELETED,
    DENY,
    DENY_TEXT,
    FALLBACK,
    GOODBYE_AT_RISK,
    GREET,
    HELP,
    HELP_TEXT,
    HIGH,
    HIGH_ORDER,
    HOPELESSNESS_CHECK,
    HUMAN,
    MEDIA_REFUSED,
    MIN_OUT_OF_SCOPE,
    MIN_RISK_LEANING,
    MIN_TOPIC_CONFIDENCE,
    NAVIGATION,
    NAVIGATION_PREFIXES,
    NOTE_HOPELESSNESS_ASKED,
    NOTE_PENDING,
    NOTE_STILL_WAITING_FOR,
    OFFLINE,
    PENDING_AFTER,
    QUEUED,
    RISK_LEANING,
    RISK_QUEUED,
    SMALL_TALK,
    START,
    STOP,
    STOPPED,
    TOO_LONG,
    TOPICS,
    WAITING_FAQ,
    WAITING_STILL,
    WELCOME,
)
from bot.policy.reading import Read, read_turn, reply_language
from escalation.states import ConversationState
from nlu.types import SIGNAL_LEVEL, Intent, RiskLevel, RiskSignal


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
    read = read_turn(turn, situation)
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


def _base(turn: Turn, situation: Situation, read: Read) -> Decision:
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


def _recorded_intent(read: Read) -> str | None:
    if read.command in {HUMAN, ASK_HUMAN}:
        return Intent.ASK_HUMAN.value
    if read.command in {AFFIRM, DENY}:
        return read.command.removeprefix("/")
    if read.command is not None:
        topic = read.command.removeprefix("/")
        return topic if topic in TOPICS else None
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


def _delete(read: Read, situation: Situation, base: Decision) -> Decision:
    asked = situation.notes.get(NOTE_PENDING) == "delete"
    if read.command == DELETE_CONFIRM and asked:
        return replace(base, replies=(_one(DELETED),), erase=True, store_replies=False, notes={})
    if read.command == DELETE_CANCEL:
        return _say(base, DENY_TEXT)
    return _say(base, ASK_DELETE)


def _safety_parts(read: Read) -> tuple[Say, ...]:
    """Risk ≥ 2: the crisis template first, then the template of the strongest high signal."""
    parts: list[Say] = []
    crisis = _strongest(read, CRISIS_ORDER)
    if crisis is not None:
        parts.append(Say(CRISIS[crisis]))
    high = _strongest(read, HIGH_ORDER)
    if high is not None:
        parts.append(Say(HIGH[high]))
    return tuple(parts)


def _strongest(read: Read, order: tuple[RiskSignal, ...]) -> RiskSignal | None:
    present = [s for s in order if s in read.signals]
    matching = [s for s in present if s.value == read.intent.value]
    return (matching or present or [None])[0]


def _newly_higher(read: Read, situation: Situation) -> bool:
    return read.level >= RiskLevel.HIGH and read.level > situation.risk_level


def _while_live(read: Read, situation: Situation, base: Decision) -> Decision:
    """A counselor holds the chat: the bot is silent unless the risk rises to a new high."""
    if _newly_higher(read, situation):
        return replace(base, replies=(Reply(parts=_safety_parts(read)),))
    return base


def _while_waiting(read: Read, situation: Situation, base: Decision) -> Decision:
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


def _waiting_topic(read: Read, situation: Situation) -> str | None:
    """The FAQ topic a waiting child asks about (text or button); feelings are left for the
    counselor (a check-in), and so is anything the model is unsure of."""
    if read.command is not None:
        name = read.command.removeprefix("/")
        navigable = name in NAVIGATION or name.startswith(NAVIGATION_PREFIXES)
        if name in WAITING_FAQ or (navigable and f"utter_{name}" in situation.responses):
            return name
        return None
    return read.intent.value if read.intent.value in WAITING_FAQ else None


def _hand_off_notice(situation: Situation, *, after_risk: bool) -> Say:
    """Honest availability: the wait estimate on shift, else the offline text (121/100/101)."""
    if not situation.in_hours:
        return Say(OFFLINE)
    return Say(RISK_QUEUED if after_risk else QUEUED)


def _hand_off(situation: Situation, base: Decision, reason: str = "ask_human") -> Decision:
    notice = _hand_off_notice(situation, after_risk=False)
    return replace(base, replies=(Reply(parts=(notice,)),), escalate=reason)


def _with_bot(read: Read, situation: Situation, base: Decision) -> Decision:
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


def _bot_command(read: Read, situation: Situation, base: Decision) -> Decision:
    command = str(read.command)
    name = command.removeprefix("/")
    if command in {HUMAN, ASK_HUMAN}:
        return _hand_off(situation, base)
    if command == START:
        return _say(base, WELCOME)
    if command == STOP:
        return _say(base, STOPPED)
    if name in TOPICS:
        return _say(base, f"utter_{name}")
    navigable = name in NAVIGATION or name.startswith(NAVIGATION_PREFIXES)
    if navigable and f"utter_{name}" in situation.responses:
        return _say(base, f"utter_{name}")
    return _say(base, HELP_TEXT)  # /help, /cancel with nothing to cancel, anything unknown


def _answer_to_question(read: Read, situation: Situation, base: Decision) -> Decision | None:
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


def _concern(read: Read, situation: Situation, base: Decision) -> Decision:
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


def _by_intent(read: Read, situation: Situation, base: Decision) -> Decision:
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
    if intent is Intent.OUT_OF_SCOPE and _unsure(read):
        topics = [name for name, _ in read.ranking if name in TOPICS][:CLARIFY_TOPICS]
        if _likely_topics(read) and len(topics) == CLARIFY_TOPICS:  # one is likely, the next may be less
            return replace(base, replies=(Reply(parts=(Say(CLARIFY),), topics=tuple(topics)),))
    if intent in ANSWERED:
        return _say(base, f"utter_{intent.value}")
    if intent is Intent.SELF_HARM and not situation.notes.get(NOTE_HOPELESSNESS_ASKED):
        # The model leans to self-harm without the confidence for a signal: ask, don't stay silent.
        return _say(replace(base, notes={**base.notes, NOTE_HOPELESSNESS_ASKED: True}), HOPELESSNESS_CHECK)
    if intent in {Intent.SELF_HARM, Intent.IMMEDIATE_DANGER, Intent.ABUSE_DISCLOSURE}:
        return _say(base, CONCERN_OFFER)
    return _clarify(read, base)


def _leaning_to_risk(read: Read) -> Intent | None:
    """The risk intent an unsure model ranks first (level ≥ 2), or None."""
    if read.intent is not Intent.NLU_FALLBACK or not read.ranking:
        return None
    name, confidence = read.ranking[0]
    return Intent(name) if name in RISK_LEANING and confidence >= MIN_RISK_LEANING else None


def _unsure(read: Read) -> bool:
    return bool(read.ranking) and read.ranking[0][1] < MIN_OUT_OF_SCOPE


def _likely_topics(read: Read) -> list[str]:
    return [name for name, confidence in read.ranking if name in TOPICS and confidence >= MIN_TOPIC_CONFIDENCE]


def _clarify(read: Read, base: Decision) -> Decision:
    """Low confidence: the two likeliest topics and a person — or, with no likely topic, ask again."""
    likely = _likely_topics(read)
    if len(likely) < CLARIFY_TOPICS:
        return _say(base, FALLBACK)
    topics = tuple(likely[:CLARIFY_TOPICS])
    return replace(base, replies=(Reply(parts=(Say(CLARIFY),), topics=topics),))
