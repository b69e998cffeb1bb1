"""The risk safety net: what a child writes in every register raises the right signals, and
negations, jokes and everyday talk do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.arabizi import to_arabic
from nlu.normalize import normalize
from nlu.risk import detect_risk, detect_risk_text
from nlu.types import Language, Risk, RiskLevel, RiskSignal

S = RiskSignal

# (message, signal it must raise) — MSA, Levantine/Palestinian, Gulf/Egyptian, Arabizi, English.
DISCLOSURES: list[tuple[str, RiskSignal]] = [
    # self_harm: plans, wishes, oblique phrasing, goodbyes, methods.
    ("لم أعد أريد أن أعيش.", S.SELF_HARM),
    ("سأبتلع كل الحبوب التي في البيت الليلة.", S.SELF_HARM),
    ("أجرح يدي كل ليلة لأرتاح.", S.SELF_HARM),
    ("بدي أموت وأرتاح من كل إشي", S.SELF_HARM),
    ("والله لأنتحر إذا نشر الصور", S.SELF_HARM),
    ("هاي آخر رسالة إلي، سامحوني", S.SELF_HARM),
    ("نفسي أختفي ومحدش يلاقيني", S.SELF_HARM),
    ("تعبت من الحياة", S.SELF_HARM),
    ("الكل رح يرتاح لما أموت", S.SELF_HARM),
    ("يا ريتني ما انولدت", S.SELF_HARM),
    ("بفكر بالانتحار من أسبوع", S.SELF_HARM),
    ("ودي أنتحر وأفتك من هالعيشة", S.SELF_HARM),
    ("عايز أموت بجد", S.SELF_HARM),
    ("انا عبء على اهلي", S.SELF_HARM),
    ("خبيت حبوب أمي تحت المخدة عشان أموت", S.SELF_HARM),
    ("بدي انام وما اصحى", S.SELF_HARM),
    ("ما في داعي اعيش اكتر", S.SELF_HARM),
    ("bdi amoot w artaa7", S.SELF_HARM),
    ("ra7 ente7er iza nasharhom", S.SELF_HARM),
    ("sert ajra7 7ali", S.SELF_HARM),
    ("ma 3ad bdi 3eesh", S.SELF_HARM),
    ("ta3bt mn el 7aya", S.SELF_HARM),
    ("nefsi amoot", S.SELF_HARM),
    ("I want to kill myself", S.SELF_HARM),
    ("everyone would be better off without me", S.SELF_HARM),
    ("I've been cutting again", S.SELF_HARM),
    ("I want to sleep and not wake up", S.SELF_HARM),
    ("this is my last message, goodbye everyone", S.SELF_HARM),
    ("i took a whole bottle of pills", S.SELF_HARM),
    ("i wanna die", S.SELF_HARM),
    ("im gonna kms tonight", S.SELF_HARM),
    ("💊💊", S.SELF_HARM),
    # immediate_danger: coming now, waiting outside, meeting alone today, threats after disclosure.
    ("هناك رجل يقف الآن أمام بيتنا ويهددني.", S.IMMEDIATE_DANGER),
    ("اتفقت أن ألتقيه اليوم وحدي بعد المدرسة.", S.IMMEDIATE_DANGER),
    ("هو جاي هلأ ع الدار", S.IMMEDIATE_DANGER),
    ("أبوي عرف عن الصور وبدو يقتلني", S.IMMEDIATE_DANGER),
    ("قلّي إذا ما نزلتله هلأ رح يفضحني ويأذيني", S.IMMEDIATE_DANGER),
    ("في واحد بيلحقني من المدرسة", S.IMMEDIATE_DANGER),
    ("الحقوني", S.IMMEDIATE_DANGER),
    ("howe barra hala2 w ana 5ayfe", S.IMMEDIATE_DANGER),
    ("wa3adni nitla2a el yom la7alna", S.IMMEDIATE_DANGER),
    ("he's outside my house right now", S.IMMEDIATE_DANGER),
    ("my dad found out and he's going to hurt me", S.IMMEDIATE_DANGER),
    ("someone is following me home", S.IMMEDIATE_DANGER),
    ("im meeting a guy from online tonight alone", S.IMMEDIATE_DANGER),
    # abuse_disclosure, incl. caregiver violence (CONTENT-BRIEF "Spec gap").
    ("قريبي يلمسني بطريقة تخيفني ويقول إنه سرّ بيننا.", S.ABUSE_DISCLOSURE),
    ("أُجبرتُ على خلع ملابسي أمام الكاميرا.", S.ABUSE_DISCLOSURE),
    ("عمّي بعمل فيّ إشي وبقلّي إذا حكيت رح تندم", S.ABUSE_DISCLOSURE),
    ("في واحد كبير خلّاني أعمل أشياء قدام الكاميرا", S.ABUSE_DISCLOSURE),
    ("أبوي بضربني كل يوم", S.ABUSE_DISCLOSURE),
    ("امي بتحرقني بالولاعة لما اغلط", S.ABUSE_DISCLOSURE),
    ("3ammi byilmesni w bi2olli ma t7ki", S.ABUSE_DISCLOSURE),
    ("5allani ashla7 3al camera", S.ABUSE_DISCLOSURE),
    ("I'm being forced to have sex and I'm only 12", S.ABUSE_DISCLOSURE),
    ("my coach sends me sexual pictures", S.ABUSE_DISCLOSURE),
    ("my stepdad touches me when mom is at work", S.ABUSE_DISCLOSURE),
    ("a man made me undress on camera", S.ABUSE_DISCLOSURE),
    # sextortion.
    ("شخص يهددني بنشر صوري الخاصة إن لم أرسل له مالًا.", S.SEXTORTION),
    ("يطلب صورًا أكثر وإلا سيرسل صوري لعائلتي.", S.SEXTORTION),
    ("بعتتله صورة وهلأ بدو 200 شيكل ولا بنشرها", S.SEXTORTION),
    ("مسك عليّ فيديو وبهدد يبعته لأهلي", S.SEXTORTION),
    ("ba3atlo sora w hala2 bihaddedni yinsharha", S.SEXTORTION),
    ("bedo masari wella bib3at el video la ahli", S.SEXTORTION),
    ("someone says they'll post my nudes unless I pay", S.SEXTORTION),
    ("he wants more pics or he'll send mine to my family", S.SEXTORTION),
    ("he is threatening to leak my photos", S.SEXTORTION),
    # grooming.
    ("رجل تعرّفت عليه في لعبة يطلب أن يبقى حديثنا سرًّا عن أهلي.", S.GROOMING),
    ("يرسل لي بطاقات شحن ويطلب صورًا لي.", S.GROOMING),
    ("بعتلي شدّات ببجي وصار يطلب صور", S.GROOMING),
    ("قلي ما تحكي لأهلك عن حكينا", S.GROOMING),
    ("wa7ad kbeer bi2olli enti a7la bent w bedo sowar", S.GROOMING),
    ("bedo n7ki 3al snap 3ashan ma 7ada yshoof", S.GROOMING),
    ("an older guy from a game says I'm mature for my age and wants to video call", S.GROOMING),
    ("he said don't tell your parents about us", S.GROOMING),
    ("he keeps asking for pics of me", S.GROOMING),
    # cyberbullying.
    ("أنشأ زملائي حسابًا مزيفًا باسمي ويسخرون مني.", S.CYBERBULLYING),
    ("ينشرون إشاعات عني في مجموعة الصف.", S.CYBERBULLYING),
    ("عاملين عليّ جروب ع الواتس وبيتمسخروا عليّ كل يوم", S.CYBERBULLYING),
    ("نزّلوا صورتي ع التيك توك وبعلّقوا كلام وسخ", S.CYBERBULLYING),
    ("3amleen 3alay group w byetmas5aro", S.CYBERBULLYING),
    ("nazzalo sorti 3al tiktok", S.CYBERBULLYING),
    ("they made a fake account of me and post mean stuff", S.CYBERBULLYING),
    ("everyone in the class chat calls me names", S.CYBERBULLYING),
    # blackmail_other.
    ("شخص يملك محادثاتي ويهدد بإرسالها لأهلي إن لم أدفع.", S.BLACKMAIL_OTHER),
    ("صديقي يهددني بكشف سرّي إن لم أعطه مصروفي.", S.BLACKMAIL_OTHER),
    ("بدو كلمة سر حساب أختي ولا بفضحني", S.BLACKMAIL_OTHER),
    ("ma3o screenshots mn 7aki w bihadded", S.BLACKMAIL_OTHER),
    ("bedo rased wella bi7ki la ahli", S.BLACKMAIL_OTHER),
    ("she'll show my chats to my parents unless I pay her", S.BLACKMAIL_OTHER),
    # hacked_account.
    ("سُرق حسابي على إنستغرام وغُيّرت كلمة المرور.", S.HACKED_ACCOUNT),
    ("أحدهم يرسل رسائل من حسابي إلى أصدقائي.", S.HACKED_ACCOUNT),
    ("انسرق حسابي ع الفيس وغيّروا الرقم", S.HACKED_ACCOUNT),
    ("حدا فات ع الواتس تبعي وصار يبعت لصحابي", S.HACKED_ACCOUNT),
    ("7sabi in-hakar", S.HACKED_ACCOUNT),
    ("7ada fat 3al insta taba3i", S.HACKED_ACCOUNT),
    ("my account got hacked and I can't log in", S.HACKED_ACCOUNT),
    # distress.
    ("أشعر بالخوف طوال الوقت ولا أستطيع النوم.", S.DISTRESS),
    ("أشعر أنني وحيد ولا أحد يفهمني.", S.DISTRESS),
    ("مخنوق ومش عارف شو أعمل", S.DISTRESS),
    ("بعيّط كل ليلة وما بقدر أنام", S.DISTRESS),
    ("ana ma5noo2 kteer", S.DISTRESS),
    ("5ayfe w mish 3arfe shu a3mal", S.DISTRESS),
    ("I'm scared and I can't stop crying", S.DISTRESS),
]


@pytest.mark.parametrize(("message", "signal"), DISCLOSURES)
def test_disclosure_raises_its_signal(message: str, signal: RiskSignal) -> None:
    assert signal in detect_risk_text(message)


def test_every_signal_has_cases_in_arabic_arabizi_and_english() -> None:
    def register(text: str) -> str:
        if any("\u0600" <= c <= "\u06ff" for c in text):
            return "ar"
        return "arabizi" if any(c in text for c in "2357") or " w " in text or "bedo" in text else "en"

    covered = {(signal, register(text)) for text, signal in DISCLOSURES}

    missing = {(s, r) for s in RiskSignal for r in ("ar", "arabizi", "en")} - covered
    assert not missing


@pytest.mark.parametrize(
    "message",
    [
        # Negated risk.
        "ما بدي أموت",
        "مش رح انتحر، لا تخافي",
        "لا أريد أن أموت",
        "عمري ما فكرت انتحر",
        "mish 7a ente7er",
        "ma bdi amoot",
        "I don't want to die",
        "I'm not going to hurt myself",
        "i would never kill myself",
        "i'm not suicidal, just tired of school",
        # Hyperbole and affection (CONTENT-BRIEF hard negatives).
        "بموت فيك",
        "رح موت من الضحك",
        "قتلتني من الضحك 😂",
        "حلو موت",
        "الامتحان ذبحني",
        "الحر قاتلني اليوم",
        "امي رح تقتلني اذا رسبت بالرياضيات",
        "hhhh ana mayte",
        "bmoot fiki ya 7abibti",
        "lol I'm dead",
        "this homework is killing me",
        "I'm dying to see her",
        "you killed it at the concert",
        "my brother beat me at fifa again",
        "i want to dye my hair",
        # Everyday talk that shares words with risk.
        "كيف بغير كلمة السر تبعت الانستا؟",
        "بدي أعمل حسابي خاص",
        "بدي ابعت صورة الهوية للبنك",
        "ما بقدر اصحى بكير للمدرسة",
        "بابا جاي ع البيت بعد شوي",
        "ساعدني بالواجب لو سمحت",
        "how do I make my account private",
        "what is sextortion?",
        "hi, who are you?",
        "شكرا كتير",
    ],
)
def test_negations_jokes_and_everyday_talk_raise_nothing_high(message: str) -> None:
    signals = detect_risk_text(message)

    assert Risk.of(signals).level < RiskLevel.HIGH, signals


@pytest.mark.parametrize(
    "message",
    [
        "I don't want to live anymore",
        "ما بدي عيش",
        "لا ما بدي عيش",
        "ma bdi 3eesh",
        "i dont know why but i want to die",
        "im not ok i want to die",
        "ما حدا بحبني بدي اموت",
        "كل ما بفكر بالانتحار بخاف",
    ],
)
def test_negation_words_that_do_not_negate_the_risk_keep_it(message: str) -> None:
    assert S.SELF_HARM in detect_risk_text(message)


@pytest.mark.parametrize(
    "message",
    [
        "رح موت من الضحك بس بدي انتحر بجد",
        "lol im dead 😂 but honestly i want to kill myself",
        "بموت فيك يا ماما، سامحوني على كل شي",
    ],
)
def test_an_idiom_only_silences_its_own_words(message: str) -> None:
    assert S.SELF_HARM in detect_risk_text(message)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("he will publish my photos and I want to die", {S.SEXTORTION, S.SELF_HARM}),
        ("بهددني ينشر صوري وانا بدي انتحر", {S.SEXTORTION, S.SELF_HARM}),
        ("abuy 3eref 3an el sowar w ra7 yi2telni", {S.IMMEDIATE_DANGER}),
        ("my account got hacked and now he threatens to post my pics", {S.HACKED_ACCOUNT, S.SEXTORTION}),
    ],
)
def test_compound_messages_raise_every_signal(message: str, expected: set[RiskSignal]) -> None:
    assert expected <= detect_risk_text(message)


def test_compound_message_takes_the_highest_level() -> None:
    risk = Risk.of(detect_risk_text("he will publish my photos and I want to die"))

    assert risk.level is RiskLevel.IMMINENT


@pytest.mark.parametrize(
    "message",
    [
        "بِدّي أَمُوت",  # diacritics
        "بدي أمـــــوت",  # tatweel
        "بدي امووووت",  # elongation
        "بدّي إموت",  # hamza on the other side
        "بدى اموت",  # alef maqsura for yaa
        "BDI AMOOOOT",
        "bde amut",
        "baddi moot",
        "وبدي اموت",  # glued "and"
        "مابدي عيش",  # glued negation that is itself the risk
    ],
)
def test_spelling_variants_still_match(message: str) -> None:
    assert S.SELF_HARM in detect_risk_text(message)


def test_elongated_cry_for_help_is_distress() -> None:
    assert S.DISTRESS in detect_risk_text("ساعدوووني")


def test_bbc_regression_phrase_is_an_abuse_disclosure() -> None:
    risk = Risk.of(detect_risk_text("I'm being forced to have sex and I'm only 12"))

    assert S.ABUSE_DISCLOSURE in risk.signals
    assert risk.level >= RiskLevel.HIGH


def test_detect_risk_uses_the_arabizi_view_given_by_the_engine() -> None:
    text = "abooy 3eref w bedo yed7abni"  # not in the Arabizi lexicon: the Arabic view carries it
    normalized = normalize(text)

    assert S.IMMEDIATE_DANGER in detect_risk(text, normalized, "ابوي عرف وبدو يذبحني", Language.ARABIZI)
    assert S.IMMEDIATE_DANGER not in detect_risk(text, normalized, normalized, Language.ARABIZI)


def test_detect_risk_finds_the_same_signals_as_the_convenience_function() -> None:
    text = "ba3atlo sora w hala2 bihaddedni yinsharha w bdi amoot"
    normalized = normalize(text)

    signals = detect_risk(text, normalized, to_arabic(normalized), Language.ARABIZI)

    assert signals == detect_risk_text(text) == {S.SEXTORTION, S.SELF_HARM}


def test_language_does_not_limit_which_registers_are_checked() -> None:
    text = "ana 5ayfe, he is outside my house now"
    normalized = normalize(text)

    assert S.IMMEDIATE_DANGER in detect_risk(text, normalized, normalized, Language.AR)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_detection_never_raises_and_returns_only_signals(text: str) -> None:
    signals = detect_risk_text(text)

    assert all(isinstance(s, RiskSignal) for s in signals)
