"""The pure dialogue policy (bot/policy.py): which responses and effects follow from one message.

Parse results are built by hand here so each rule is checked on its own; the scripted
conversations in test_conversations.py run the same rules through the real NLU and database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import cues, policy
from bot.policy import Situation, Turn, decide
from escalation.states import ConversationState
from nlu.types import IntentScore, Language, ParseResult, Risk, RiskSignal

HEBRON = ZoneInfo("Asia/Hebron")


def parsed(
    intent: str,
    *signals: RiskSignal,
    text: str = "...",
    language: Language = Language.AR,
    confidence: float = 0.9,
    ranking: tuple[tuple[str, float], ...] = (),
) -> Turn:
    scores = tuple(IntentScore(name, c) for name, c in ranking) or (IntentScore(intent, confidence),)
    result = ParseResult(
        text=text,
        intent=IntentScore(intent, confidence),
        intent_ranking=scores,
        risk=Risk.of(set(signals)),
        language=language,
    )
    return Turn(text=text, parse=result)


def in_bot(**kwargs: object) -> Situation:
    return Situation(state=ConversationState.BOT, **kwargs)  # type: ignore[arg-type]


def test_first_greeting_gets_only_the_welcome() -> None:
    decision = decide(parsed("greet", text="السلام عليكم"), in_bot(first_contact=True))

    assert decision.reply_names == ["utter_welcome"]
    assert decision.escalate is None


def test_first_question_gets_the_welcome_then_the_answer() -> None:
    decision = decide(parsed("scam", text="وصلني رابط شحن مجاني"), in_bot(first_contact=True))

    assert decision.reply_names == ["utter_welcome", "utter_scam"]


def test_first_message_with_high_risk_puts_the_template_before_the_welcome() -> None:
    turn = parsed("sextortion", RiskSignal.SEXTORTION, text="بهددني ينشر صوري")

    decision = decide(turn, in_bot(first_contact=True))

    assert decision.reply_names == ["utter_high_sextortion", "utter_risk_queued", "utter_welcome"]
    assert decision.escalate == "risk:sextortion"


def test_compound_self_harm_and_sextortion_is_one_message_crisis_first() -> None:
    turn = parsed("sextortion", RiskSignal.SEXTORTION, RiskSignal.SELF_HARM, language=Language.EN)

    decision = decide(turn, in_bot())

    assert len(decision.replies) == 1
    assert decision.reply_names == ["utter_crisis_self_harm", "utter_high_sextortion", "utter_risk_queued"]
    assert decision.escalate == "risk:self_harm"
    assert decision.risk_level == 3
    assert decision.language == "en"


def test_high_risk_outside_counselor_hours_gives_the_offline_text() -> None:
    turn = parsed("grooming", RiskSignal.GROOMING)

    decision = decide(turn, in_bot(in_hours=False))

    assert decision.reply_names == ["utter_high_grooming", "utter_ask_human_offline"]
    assert decision.escalate == "risk:grooming"


def test_level_one_topic_answers_with_its_own_offer_and_does_not_queue() -> None:
    decision = decide(parsed("cyberbullying", RiskSignal.CYBERBULLYING), in_bot())

    assert decision.reply_names == ["utter_cyberbullying"]
    assert decision.escalate is None
    assert decision.notes["pending"] == "offer"


def test_level_one_signal_under_another_topic_adds_the_counselor_offer() -> None:
    decision = decide(parsed("privacy_safety", RiskSignal.DISTRESS), in_bot())

    assert decision.reply_names == ["utter_privacy_safety", "utter_concern_offer"]


def test_yes_to_the_offer_queues_the_conversation() -> None:
    decision = decide(parsed("affirm", text="اه"), in_bot(notes={"pending": "offer"}))

    assert decision.escalate == "ask_human"
    assert decision.reply_names == ["utter_ask_human_queued"]


def test_hopeless_distress_gets_the_direct_question_once() -> None:
    turn = parsed("distress", RiskSignal.DISTRESS, text="تعبت من كل شي وما في فايدة")

    first = decide(turn, in_bot())
    again = decide(turn, in_bot(notes=first.notes))

    assert first.reply_names == ["utter_hopelessness_check"]
    assert again.reply_names == ["utter_distress"]


def test_yes_to_the_hopelessness_question_is_a_self_harm_disclosure() -> None:
    decision = decide(parsed("affirm", text="نعم"), in_bot(notes={"pending": "hopelessness"}))

    assert decision.risk_signals == ("self_harm",)
    assert decision.reply_names[0] == "utter_crisis_self_harm"
    assert decision.escalate == "risk:self_harm"


def test_yes_it_is_happening_after_the_sextortion_information_escalates() -> None:
    turn = Turn(command="/affirm")

    decision = decide(turn, in_bot(notes={"pending": "happening:sextortion"}))

    assert decision.reply_names == ["utter_high_sextortion", "utter_risk_queued"]
    assert decision.escalate == "risk:sextortion"


def test_low_confidence_offers_the_two_likeliest_topics() -> None:
    turn = parsed(
        "nlu_fallback",
        confidence=0.3,
        ranking=(("greet", 0.3), ("scam", 0.2), ("thanks", 0.1), ("hacked_account", 0.1)),
    )

    decision = decide(turn, in_bot())

    assert decision.reply_names == ["utter_clarify"]
    assert decision.replies[0].topics == ("scam", "hacked_account")


def test_low_confidence_without_likely_topics_asks_again() -> None:
    turn = parsed("nlu_fallback", confidence=0.3, ranking=(("greet", 0.3), ("scam", 0.01)))

    assert decide(turn, in_bot()).reply_names == ["utter_fallback"]


@pytest.mark.parametrize(
    ("ranking", "replies", "topics"),
    [
        # Unsure it is off-topic, a topic close behind: ask which, never refuse.
        (
            (("out_of_scope", 0.48), ("cyberbullying", 0.11), ("goodbye", 0.06), ("scam", 0.04)),
            ["utter_clarify"],
            ("cyberbullying", "scam"),
        ),
        # Sure it is off-topic: say what Sanad is for.
        ((("out_of_scope", 0.85), ("cyberbullying", 0.08), ("scam", 0.03)), ["utter_out_of_scope"], ()),
        # Unsure, but nothing of ours is likely: the off-topic answer stands.
        (
            (("out_of_scope", 0.5), ("greet", 0.3), ("scam", 0.02), ("thanks", 0.01)),
            ["utter_out_of_scope"],
            (),
        ),
        # Two of our topics ranked, neither likely: still off-topic.
        (
            (("out_of_scope", 0.55), ("scam", 0.04), ("block_report", 0.03), ("greet", 0.02)),
            ["utter_out_of_scope"],
            (),
        ),
        # At the bar it counts as sure.
        ((("out_of_scope", 0.6), ("cyberbullying", 0.2), ("scam", 0.1)), ["utter_out_of_scope"], ()),
    ],
)
def test_an_unsure_off_topic_guess_asks_which_topic(
    ranking: tuple[tuple[str, float], ...], replies: list[str], topics: tuple[str, ...]
) -> None:
    turn = parsed("out_of_scope", confidence=ranking[0][1], ranking=ranking)

    decision = decide(turn, in_bot(first_contact=False))

    assert decision.reply_names == replies
    assert decision.replies[0].topics == topics


@pytest.mark.parametrize("text", ["مساعدة", "help", "Help!", "مساعده"])
def test_the_safe_word_reaches_a_person(text: str) -> None:
    decision = decide(parsed("nlu_fallback", text=text), in_bot())

    assert decision.escalate == "ask_human"
    assert decision.intent == "ask_human"


def test_while_waiting_the_bot_checks_in_once_then_stays_quiet() -> None:
    waiting = Situation(state=ConversationState.WAITING, risk_level=1, waiting_since="t1")

    first = decide(parsed("distress", text="خايفة كتير"), waiting)
    second = decide(
        parsed("out_of_scope"),
        Situation(state=ConversationState.WAITING, notes=first.notes, waiting_since="t1"),
    )

    assert first.reply_names == ["utter_waiting_still"]
    assert second.replies == ()


@pytest.mark.parametrize(
    ("turn", "answer"),
    [
        (parsed("image_removal", text="كيف بشيل صورتي عن النت"), "utter_image_removal"),
        (parsed("report_police", text="how do i report to the police"), "utter_report_police"),
        (Turn(command="/block_report"), "utter_block_report"),
    ],
)
def test_while_waiting_a_question_gets_its_answer_and_the_child_stays_queued(turn: Turn, answer: str) -> None:
    waiting = Situation(state=ConversationState.WAITING, risk_level=2, waiting_since="t1")

    decision = decide(turn, waiting)

    assert decision.reply_names == [answer]
    assert (decision.escalate, decision.cancel) == (None, False)


def test_while_waiting_an_unsure_guess_is_not_answered_as_a_topic() -> None:
    waiting = Situation(
        state=ConversationState.WAITING, notes={"still_waiting_for": "t1"}, waiting_since="t1"
    )

    assert decide(parsed("nlu_fallback", text="امم"), waiting).replies == ()


def test_while_live_a_new_crisis_still_gets_the_crisis_template() -> None:
    live = Situation(state=ConversationState.LIVE, risk_level=2)

    decision = decide(parsed("self_harm", RiskSignal.SELF_HARM), live)

    assert decision.reply_names == ["utter_crisis_self_harm"]
    assert decision.escalate is None


def test_while_live_the_same_risk_again_is_left_to_the_counselor() -> None:
    live = Situation(state=ConversationState.LIVE, risk_level=2)

    assert decide(parsed("sextortion", RiskSignal.SEXTORTION), live).replies == ()


@pytest.mark.parametrize(("text", "command"), [("إلغاء", None), ("cancel", None), ("", "/cancel")])
def test_cancel_while_waiting_goes_back_to_the_bot(text: str, command: str | None) -> None:
    turn = parsed("nlu_fallback", text=text) if text else Turn(command=command)

    decision = decide(turn, Situation(state=ConversationState.WAITING, waiting_since="t"))

    assert decision.cancel
    assert decision.reply_names == ["utter_cancelled"]


def test_delete_needs_a_confirmation_and_then_keeps_nothing() -> None:
    asked = decide(Turn(command="/delete"), in_bot())
    confirmed = decide(Turn(command="/delete_confirm"), in_bot(notes=asked.notes))

    assert asked.reply_names == ["utter_delete_confirm"]
    assert not asked.erase
    assert confirmed.erase
    assert not confirmed.store_replies
    assert confirmed.reply_names == ["utter_deleted"]


def test_a_stale_delete_confirmation_only_asks_again() -> None:
    decision = decide(Turn(command="/delete_confirm"), in_bot())

    assert not decision.erase
    assert decision.reply_names == ["utter_delete_confirm"]


def test_media_is_refused_in_every_state() -> None:
    for state in (ConversationState.BOT, ConversationState.WAITING, ConversationState.LIVE):
        decision = decide(Turn(media_kind="photo"), Situation(state=state))

        assert decision.reply_names == ["utter_media_refused"]
        assert decision.store_child


def test_oversized_text_stores_nothing() -> None:
    decision = decide(Turn(text="x" * 5000, oversized=True), in_bot())

    assert not decision.store_child
    assert not decision.store_replies
    assert decision.reply_names == ["utter_error_too_long"]


def test_goodbye_after_a_concern_keeps_the_door_open() -> None:
    assert decide(parsed("goodbye"), in_bot(risk_level=1)).reply_names == ["utter_goodbye_at_risk"]
    assert decide(parsed("goodbye"), in_bot(risk_level=0)).reply_names == ["utter_goodbye"]


def test_a_bare_yes_keeps_the_conversation_language() -> None:
    turn = parsed("affirm", text="ok", language=Language.EN)

    assert decide(turn, in_bot(language="ar")).language == "ar"


def test_arabizi_gets_arabic_replies() -> None:
    turn = parsed(
        "hacked_account", RiskSignal.HACKED_ACCOUNT, text="7sabi in-hakar", language=Language.ARABIZI
    )

    assert decide(turn, in_bot(language="en")).language == "ar"


def test_the_named_app_answers_the_hacked_account_follow_up() -> None:
    turn = parsed("nlu_fallback", text="ع الانستا")

    decision = decide(turn, in_bot(notes={"pending": "platform"}))

    assert decision.reply_names == ["utter_platform_instagram"]


@pytest.mark.parametrize(
    ("text", "feminine"),
    [
        ("انا خايفة كتير", True),
        ("ana 5ayfe w mish 3arfe shu a3mal", True),
        ("انا بنت عمري 13", True),
        ("I'm a girl and he keeps messaging me", True),
        ("اختي خايفة", False),
        ("في بنت بتهددني", False),
        ("انا خايف", False),
    ],
)
def test_feminine_self_reference_is_recognised(text: str, feminine: bool) -> None:
    assert cues.writes_feminine(text) is feminine


def test_feminine_is_remembered_once_seen() -> None:
    assert decide(parsed("thanks", text="شكرا"), in_bot(feminine=True)).feminine


@pytest.mark.parametrize(
    ("hours", "local_hour", "open_"),
    [
        ("08:00-22:00", 9, True),
        ("08:00-22:00", 23, False),
        ("20:00-06:00", 2, True),
        ("20:00-06:00", 12, False),
        ("00:00-24:00", 3, True),
    ],
)
def test_counselor_hours_are_read_in_the_local_zone(hours: str, local_hour: int, open_: bool) -> None:
    now = datetime(2026, 11, 23, local_hour, 30, tzinfo=HEBRON).astimezone(UTC)

    assert policy.in_counselor_hours(now, hours, HEBRON) is open_


@pytest.mark.parametrize(
    ("ranking", "reply"),
    [
        ((("self_harm", 0.31), ("distress", 0.2)), "utter_hopelessness_check"),
        ((("immediate_danger", 0.4), ("grooming", 0.2)), "utter_concern_offer"),
        ((("sextortion", 0.27), ("scam", 0.25)), "utter_concern_offer"),
        ((("scam", 0.3), ("hacked_account", 0.25)), "utter_clarify"),
        ((("self_harm", 0.12), ("scam", 0.11)), "utter_fallback"),
    ],
)
def test_an_unsure_reading_that_leans_to_high_risk_gets_a_safety_check_not_topics(
    ranking: tuple[tuple[str, float], ...], reply: str
) -> None:
    turn = parsed("nlu_fallback", text="مش عارف كيف احكيها", confidence=0.4, ranking=ranking)

    decision = decide(turn, in_bot())

    assert decision.reply_names == [reply]
    assert decision.escalate is None  # asking, not queueing: the child's answer decides


def test_the_self_harm_check_for_an_unsure_reading_is_asked_only_once() -> None:
    turn = parsed("nlu_fallback", text="...", confidence=0.4, ranking=(("self_harm", 0.4), ("distress", 0.3)))

    second = decide(turn, in_bot(notes={policy.NOTE_HOPELESSNESS_ASKED: True}))

    assert second.reply_names == ["utter_concern_offer"]
