"""nlu.familiarity: the model may add risk only to text close to what it learned risk from."""

from __future__ import annotations

from nlu.familiarity import Familiarity

RISK = [
    "he says he will post my pictures unless i pay",
    "he threatens to send my photos to my family",
    "she wants money or she posts my pics",
    "i want to die tonight",
    "i want to end my life",
    "i took all the pills",
]
EVERYTHING = [*RISK, "what time is the match", "how do i make my account private", "thank you so much"]


def fitted() -> Familiarity:
    return Familiarity().fit(EVERYTHING, RISK)


def test_a_new_wording_of_a_known_risk_is_familiar_and_unrelated_text_is_not() -> None:
    gate = fitted()

    assert gate.familiar("he will post my pictures if i dont pay him")
    assert not gate.familiar("الحكم ظلمنا بالماتش")  # shares no n-gram with any risk example
    assert gate.similarity("he will post my pictures") > gate.similarity("the referee ruined the match")


def test_the_bar_is_what_almost_every_risk_example_reaches_to_its_nearest_neighbour() -> None:
    gate = fitted()
    # Each example's similarity to its nearest *other* risk example (same vocabulary and weights).
    left_out = sorted(Familiarity().fit(EVERYTHING, [r for r in RISK if r != text]).similarity(text) for text in RISK)

    assert 0.0 < gate.threshold < 1.0
    assert left_out[0] <= gate.threshold <= left_out[1]  # the 1st percentile of six: at the lowest


def test_text_without_any_known_ngram_is_never_familiar() -> None:
    gate = fitted()

    assert gate.similarity("") == 0.0
    assert gate.similarity("ضصثق") == 0.0
    assert not gate.familiar("ضصثق")


def test_without_risk_examples_the_gate_stays_open() -> None:
    gate = Familiarity().fit(["hello there", "thanks a lot"], [])

    assert gate.familiar("anything at all")
