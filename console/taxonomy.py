"""The case-closing taxonomy of CONTENT-BRIEF §9 as data, and the category a counselor is offered first.

Codes are stable and stored in CaseRecord (`primary_category`, `secondary_categories`,
`contact_type`, `referrals`); labels are English message ids translated by the console catalog.
Structure follows Child Helpline International's categories; "online_safety.*" is Sanad's
extension, which a CHI export maps to "other". Names need CHI/Sawa confirmation (§9 [U]).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from console.errors import InvalidFormError
from escalation.actions import CaseFields
from nlu.types import SIGNAL_LEVEL


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: str  # an English message id


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    choices: tuple[Choice, ...]


def _group(label: str, prefix: str, *items: tuple[str, str]) -> Group:
    return Group(label, tuple(Choice(f"{prefix}.{code}", text) for code, text in items))


CATEGORY_GROUPS: tuple[Group, ...] = (
    _group(
        "Violence",
        "violence",
        ("sexual_extortion", "Sexual extortion of a child"),
        ("online_grooming", "Online grooming"),
        ("non_consensual_images", "Non-consensual sharing of intimate images"),
        ("sexual_content_exposure", "Exposure to CSAM or sexual content"),
        ("other_online_sexual_abuse", "Other online sexual abuse"),
        ("online_sexual_exploitation", "Online sexual exploitation"),
        ("online_abuse_information", "Information about online sexual abuse or exploitation"),
        ("cyberbullying", "Cyberbullying"),
        ("bullying_offline", "Bullying (offline)"),
        ("non_sexual_blackmail", "Non-sexual blackmail"),
        ("sexual_violence_offline", "Sexual violence (offline)"),
        ("physical_violence", "Physical violence"),
        ("emotional_violence", "Emotional violence"),
        ("neglect", "Neglect"),
        ("child_marriage", "Child or early marriage"),
        ("other", "Other violence"),
    ),
    _group(
        "Mental health",
        "mental_health",
        ("fear_anxiety", "Fear or anxiety"),
        ("mood", "Mood"),
        ("anger", "Anger"),
        ("traumatic_distress", "Traumatic distress"),
        ("self_harm", "Self-harming behaviour"),
        ("suicidal_ideation", "Suicidal ideation or threats"),
        ("suicide_attempt", "Suicide attempt"),
        ("eating", "Problems with eating"),
        ("addictive_behaviour", "Addictive behaviours"),
        ("other", "Other mental health"),
    ),
    _group(
        "Online safety",
        "online_safety",
        ("hacked_account", "Hacked account"),
        ("impersonation", "Impersonation or fake account"),
        ("scam", "Scam or phishing"),
        ("privacy", "Privacy and settings"),
        ("harmful_content", "Harmful non-sexual content"),
    ),
    _group(
        "Other areas",
        "area",
        ("family_relationships", "Family relationships"),
        ("peer_relationships", "Peer relationships"),
        ("education", "Education"),
        ("sexuality", "Sexuality"),
        ("physical_health", "Physical health"),
        ("access_to_services", "Access to services"),
        ("discrimination", "Discrimination and exclusion"),
        ("missing_children", "Missing children"),
        ("no_counselling_issue", "No counselling issue"),
    ),
)

CONTACT_TYPES: tuple[Choice, ...] = (
    Choice("child_self", "Child about themselves"),
    Choice("adult_about_child", "Adult about a child"),
    Choice("parent_guidance", "Parent seeking guidance"),
    Choice("non_counselling.question", "Non-counselling: question about Sanad"),
    Choice("non_counselling.thanks", "Non-counselling: thanks"),
    Choice("non_counselling.test", "Non-counselling: test or prank"),
    Choice("non_counselling.abusive", "Non-counselling: abusive"),
    Choice("non_counselling.silent", "Non-counselling: silent or abandoned"),
)

REFERRALS: tuple[Choice, ...] = (
    Choice("sawa_121", "Sawa helpline 121"),
    Choice("police_100", "Police 100"),
    Choice("cybercrime_dept", "Police Cybercrime Department"),
    Choice("fjpa", "Family and Juvenile Protection Administration"),
    Choice("mosd_cpc", "MoSD child protection counselor (art. 53 report)"),
    Choice("prosecution", "Juvenile protection prosecution"),
    Choice("health", "Health services"),
    Choice("take_it_down", "Take It Down"),
)

# Case fields (§9): where it happened, on which platform, what was demanded, by whom.
COMPONENTS: tuple[Choice, ...] = (
    Choice("online", "Online"),
    Choice("offline", "Offline"),
    Choice("both", "Online and offline"),
)
PLATFORMS: tuple[Choice, ...] = (
    Choice("instagram", "Instagram"),
    Choice("tiktok", "TikTok"),
    Choice("snapchat", "Snapchat"),
    Choice("whatsapp", "WhatsApp"),
    Choice("facebook", "Facebook or Messenger"),
    Choice("telegram", "Telegram"),
    Choice("discord", "Discord"),
    Choice("x", "X (Twitter)"),
    Choice("youtube", "YouTube"),
    Choice("games", "Online game or gaming platform"),
    Choice("other", "Other platform"),
)
DEMANDS: tuple[Choice, ...] = (
    Choice("money", "Money or gift cards"),
    Choice("more_images", "More images or videos"),
    Choice("sexual_act", "A sexual act (incl. on camera)"),
    Choice("meeting", "A meeting"),
    Choice("information", "Information or passwords"),
    Choice("other", "Other demand"),
)
PERPETRATORS: tuple[Choice, ...] = (
    Choice("unknown_online", "Unknown person online"),
    Choice("known_peer", "Known peer"),
    Choice("known_adult", "Known adult"),
    Choice("family", "Family member"),
)
FOLLOW_UP_MAX_DAYS = 366

CATEGORY_CODES = frozenset(c.code for group in CATEGORY_GROUPS for c in group.choices)
CONTACT_TYPE_CODES = frozenset(c.code for c in CONTACT_TYPES)
REFERRAL_CODES = frozenset(c.code for c in REFERRALS)
CATEGORY_LABELS = {c.code: c.label for group in CATEGORY_GROUPS for c in group.choices}
CONTACT_TYPE_LABELS = {c.code: c.label for c in CONTACT_TYPES}
REFERRAL_LABELS = {c.code: c.label for c in REFERRALS}
COMPONENT_LABELS = {c.code: c.label for c in COMPONENTS}
PLATFORM_LABELS = {c.code: c.label for c in PLATFORMS}
DEMAND_LABELS = {c.code: c.label for c in DEMANDS}
PERPETRATOR_LABELS = {c.code: c.label for c in PERPETRATORS}

# CONTENT-BRIEF §9 "intent → default subcategory", keyed by what the NLU reports.
DEFAULT_CATEGORY: dict[str, str] = {
    "sextortion": "violence.sexual_extortion",
    "grooming": "violence.online_grooming",
    "image_removal": "violence.non_consensual_images",
    "abuse_disclosure": "violence.other_online_sexual_abuse",
    "cyberbullying": "violence.cyberbullying",
    "blackmail_other": "violence.non_sexual_blackmail",
    "hacked_account": "online_safety.hacked_account",
    "scam": "online_safety.scam",
    "privacy_safety": "online_safety.privacy",
    "self_harm": "mental_health.suicidal_ideation",
    "distress": "mental_health.fear_anxiety",
    "harmful_content": "online_safety.harmful_content",
}
PARENT_INTENT = "parent_guidance"
# Among signals of the same level, the one a counselor most needs named first.
SIGNAL_PRIORITY = (
    "self_harm",
    "immediate_danger",
    "sextortion",
    "abuse_disclosure",
    "grooming",
    "blackmail_other",
    "cyberbullying",
    "hacked_account",
    "distress",
)


_SIGNAL_LEVELS = {signal.value: int(level) for signal, level in SIGNAL_LEVEL.items()}


def _signal_rank(signal: str) -> tuple[int, int]:
    level = _SIGNAL_LEVELS.get(signal, 0)
    order = SIGNAL_PRIORITY.index(signal) if signal in SIGNAL_PRIORITY else len(SIGNAL_PRIORITY)
    return (-level, order)


def suggest_category(signals: Iterable[str], intents: Iterable[str | None]) -> str | None:
    """The highest risk signal with a §9 mapping, else the newest mapped intent, else nothing."""
    for signal in sorted(set(signals), key=_signal_rank):
        if signal in DEFAULT_CATEGORY:
            return DEFAULT_CATEGORY[signal]
    for intent in reversed([i for i in intents if i]):
        if intent in DEFAULT_CATEGORY:
            return DEFAULT_CATEGORY[intent]
    return None


def suggest_contact_type(intents: Iterable[str | None]) -> str:
    return "parent_guidance" if PARENT_INTENT in set(intents) else "child_self"


@dataclass(frozen=True, slots=True)
class CaseChoice:
    category: str
    secondary: tuple[str, ...]
    contact_type: str | None
    referrals: tuple[str, ...]


def check_case(
    category: str, secondary: Iterable[str], contact_type: str, referrals: Iterable[str]
) -> CaseChoice:
    """Only values the close form offers; the primary category is required (§9). Else InvalidFormError."""
    secondary, referrals = tuple(dict.fromkeys(secondary)), tuple(dict.fromkeys(referrals))
    if category not in CATEGORY_CODES:
        raise InvalidFormError("category")
    if not set(secondary) <= CATEGORY_CODES:
        raise InvalidFormError("secondary")
    if contact_type and contact_type not in CONTACT_TYPE_CODES:
        raise InvalidFormError("contact_type")
    if not set(referrals) <= REFERRAL_CODES:
        raise InvalidFormError("referrals")
    return CaseChoice(
        category=category,
        secondary=tuple(code for code in secondary if code != category),
        contact_type=contact_type or None,
        referrals=referrals,
    )


def check_fields(
    *,
    component: str,
    platform: str,
    demands: Iterable[str],
    perpetrator: str,
    emergency_contacted: bool,
    art53_report: bool,
    follow_up_on: str,
    today: date,
) -> CaseFields:
    """The §9 case fields as the close form sent them; all optional. Else InvalidFormError."""
    demands = tuple(dict.fromkeys(demands))
    for name, value, labels in (
        ("component", component, COMPONENT_LABELS),
        ("platform", platform, PLATFORM_LABELS),
        ("perpetrator", perpetrator, PERPETRATOR_LABELS),
    ):
        if value and value not in labels:
            raise InvalidFormError(name)
    if not set(demands) <= set(DEMAND_LABELS):
        raise InvalidFormError("demands")
    follow_up = None
    if follow_up_on:
        try:
            follow_up = date.fromisoformat(follow_up_on)
        except ValueError:
            raise InvalidFormError("follow_up_on") from None
        if not today <= follow_up <= today + timedelta(days=FOLLOW_UP_MAX_DAYS):
            raise InvalidFormError("follow_up_on")
    return CaseFields(
        component=component or None,
        platform=platform or None,
        demands=demands,
        perpetrator=perpetrator or None,
        emergency_contacted=emergency_contacted,
        art53_report=art53_report,
        follow_up_on=follow_up,
    )
