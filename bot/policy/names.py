"""The policy's fixed names: commands, response names, signal orders, topics, thresholds, notes."""

from __future__ import annotations

from collections.abc import Mapping

from nlu.types import SIGNAL_LEVEL, Intent, RiskLevel, RiskSignal

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
TOPICS = frozenset(i.value for i in TOPIC_INTENTS)
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
WAITING_FAQ = TOPICS - {Intent.ASK_HUMAN.value, Intent.DISTRESS.value}
MIN_RISK_LEANING = 0.25  # an unsure top guess this likely to be level ≥ 2 gets a safety check
# Level-2/3 risk intents (they share their signals' names).
RISK_LEANING = frozenset(s.value for s in RiskSignal if SIGNAL_LEVEL[s] >= RiskLevel.HIGH)
MIN_TOPIC_CONFIDENCE = 0.05  # below this a ranked topic is noise: ask in other words instead
# "Not our topic" said less surely than this, with one of our topics likely behind it, is asked about
# instead (that topic and the next ranked one, however unlikely): «عندي مشكلة بالانستا» is vague,
# not off-topic, and a wrong refusal can lose a child.
MIN_OUT_OF_SCOPE = 0.6

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
