"""The close form's suggested category follows CONTENT-BRIEF §9's intent → subcategory mapping."""

from __future__ import annotations

import pytest

from console.taxonomy import (
    CATEGORY_CODES,
    DEFAULT_CATEGORY,
    REFERRAL_CODES,
    suggest_category,
    suggest_contact_type,
)


@pytest.mark.parametrize(
    ("signals", "intents", "expected"),
    [
        (["sextortion"], [], "violence.sexual_extortion"),
        (["grooming"], [], "violence.online_grooming"),
        (["abuse_disclosure"], [], "violence.other_online_sexual_abuse"),
        (["cyberbullying"], [], "violence.cyberbullying"),
        (["blackmail_other"], [], "violence.non_sexual_blackmail"),
        (["hacked_account"], [], "online_safety.hacked_account"),
        (["self_harm"], [], "mental_health.suicidal_ideation"),
        (["distress"], [], "mental_health.fear_anxiety"),
        (["distress", "sextortion"], [], "violence.sexual_extortion"),  # the highest level wins
        (["sextortion", "self_harm"], [], "mental_health.suicidal_ideation"),
        (["immediate_danger", "grooming"], [], "violence.online_grooming"),  # no §9 mapping: next signal
        ([], ["greet", "image_removal"], "violence.non_consensual_images"),
        ([], ["scam", "privacy_safety"], "online_safety.privacy"),  # the newest mapped intent
        ([], ["greet", None], None),
    ],
)
def test_suggested_category(signals: list[str], intents: list[str | None], expected: str | None) -> None:
    assert suggest_category(signals, intents) == expected


def test_every_default_is_a_category_of_the_form() -> None:
    assert set(DEFAULT_CATEGORY.values()) <= CATEGORY_CODES


def test_a_parent_asking_for_guidance_is_suggested_as_that_contact_type() -> None:
    assert suggest_contact_type(["greet", "parent_guidance"]) == "parent_guidance"
    assert suggest_contact_type(["sextortion"]) == "child_self"


def test_the_referrals_of_content_brief_section_9_are_all_offered() -> None:
    assert {
        "sawa_121",
        "police_100",
        "cybercrime_dept",
        "fjpa",
        "mosd_cpc",
        "prosecution",
        "health",
        "take_it_down",
    } == REFERRAL_CODES
