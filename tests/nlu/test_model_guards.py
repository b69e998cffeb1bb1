"""modifiers.yml `model_guards`: where the classifier alone may not add a signal, the lexicon may.

A guard says the message is not about the writer now (a denial, homework, a definition, news,
an accident, an outing with friends); a disguised disclosure is not a guard.
"""

from __future__ import annotations

import pytest

from nlu.normalize import normalize
from nlu.risk import detect_risk_text, model_guarded
from nlu.types import RiskSignal


def guarded(text: str) -> set[str]:
    normalized = normalize(text)
    return {s.value for s in model_guarded(text, normalized, normalized)}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("ما حدا بهددني، بس بسأل عشان المشروع", "sextortion"),
        ("nobody is threatening me, i'm just asking for my presentation", "sextortion"),
        ("what is grooming? we have a quiz tomorrow", "grooming"),
        ("عندي برزنتيشن للاذاعه المدرسيه عن الابتزاز الالكتروني", "sextortion"),
        ("قطعت اصبعي بالغلط وانا بقطع بصل", "self_harm"),
        ("i cut my finger by accident while cooking", "self_harm"),
        ("نسبة الانتحار بين الشباب ارتفعت حسب دراسة جديدة", "self_harm"),
        ("police say the singer died by suicide last night", "self_harm"),
        ("my friends and i are going out to the mall after school", "immediate_danger"),
        ("رح اطلع مع صحابي عالمول بعد المدرسة", "immediate_danger"),
        ("قتلتهم كلهم بالببجي وربحنا", "self_harm"),
        ("ماما بتعطيني حبة فيتامين كل يوم", "abuse_disclosure"),
        ("ستي بتاخد حبوب الضغط كل يوم وانا بذكرها", "self_harm"),
        ("بحبك كتير يا ماما", "self_harm"),
        ("اخذت حبوب الحديد اللي كتبها الدكتور", "self_harm"),
        ("my physio comes every tuesday and mom's always there", "abuse_disclosure"),
        ("the doctor put me on antibiotics, 3 pills a day", "self_harm"),
        ("لسعتني الطنجرة شوي وحطيت مي باردة", "immediate_danger"),
        ("الاستاذ جاي البيت الساعة ٧ وماما هتبقى موجودة", "immediate_danger"),
        ("my little brother bit me because i took his toy", "abuse_disclosure"),
        ("أخي الصغير يغار مني بس منحب بعض", "abuse_disclosure"),
        ("killed everyone in the ranked match and we won", "immediate_danger"),
    ],
)
def test_a_guard_keeps_the_model_from_adding_the_signal(text: str, signal: str) -> None:
    assert signal in guarded(text)


@pytest.mark.parametrize(
    "text",
    [
        "asking for a friend, he has her pics and wants money",
        "بدي اموت",
        "هو جاي هلأ ع الدار وانا خايفة",
        "what if someone posted my pics",
    ],
)
def test_a_disclosure_or_a_worry_is_not_guarded(text: str) -> None:
    assert guarded(text) == set()


def test_a_guard_never_removes_what_the_lexicon_found() -> None:
    text = "nobody is threatening me, i'm just asking: he says he'll post my nudes unless i pay"

    assert "sextortion" in guarded(text)
    assert RiskSignal.SEXTORTION in detect_risk_text(text)


@pytest.mark.parametrize(
    ("harmless", "broken"),
    [
        ("my dad is coming to pick me up from school", "my dad saw the pics and is coming to pick me up from school"),
        ("خالي جاي ياخدني من المدرسة", "خالي شاف الصور وجاي ياخدني من المدرسة"),
        ("my friends and i are going out to the mall after school", "my friends and i are going out, my brother has a knife"),
        ("ماما بالبيت والفني جاي يصلح النت", "جوز امي بالبيت لحاله معي وسكر الباب علي"),
    ],
)
def test_a_guard_breaker_gives_the_model_its_say_back(harmless: str, broken: str) -> None:
    assert "immediate_danger" in guarded(harmless)
    assert guarded(broken) == set()


@pytest.mark.parametrize(
    "text",
    [
        "اخوي الصغير حكالي انو الشيخ بالمركز بيبوسه من تمه",
        "جدي بيلمس اختي الصغيرة بالليل",
        "my little brother told me the coach touches him",
    ],
)
def test_a_little_sibling_named_in_a_disclosure_does_not_guard_it(text: str) -> None:
    assert "abuse_disclosure" not in guarded(text)
