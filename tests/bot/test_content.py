"""The bot's replies: the bundled content is complete and safe, and a broken file stops the start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import (
    DEFAULT_CONTENT_PATH,
    FORBIDDEN_PHRASES,
    INTENT_RESPONSES,
    PLACEHOLDERS,
    REQUIRED_RESPONSES,
    RISK_TEMPLATES,
    WITHOUT_PERSON_BUTTON,
    Content,
    ContentError,
    RenderedReply,
    find_forbidden,
    load_content,
)
from nlu.types import Intent, Language

BUNDLED = DEFAULT_CONTENT_PATH.read_text(encoding="utf-8")
SAMPLE_VALUES: dict[str, Any] = {
    "retention_days": 30,
    "counselor_hours": "08:00–24:00",
    "wait_minutes": 5,
    "option_1": "X1",
    "option_2": "X2",
    "intent_1": "hacked_account",
    "intent_2": "cyberbullying",
}
LANGUAGES = ("ar", "en")
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")

# CONTENT-BRIEF §4 and §8, copied verbatim: the vetted texts must reach the child unchanged.
SELF_HARM_AR = (
    "شكرًا لأنك أخبرتني، وأنا آسف أنك تتألم إلى هذا الحد. سلامتك أهم شيء الآن. هل أنت في أمان في هذه "
    "اللحظة؟ أنا أوصلك الآن بمرشد من «سند». إذا كنت قد آذيت نفسك أو في خطر الآن، اتصل بالإسعاف 101 أو "
    "الشرطة 100، أو اذهب إلى أقرب شخص بالغ حولك. ويمكنك الاتصال مجانًا بخط حماية الطفل 121."
)
SELF_HARM_EN = (
    "Thank you for telling me; I'm sorry you're hurting this much. Your safety matters most right now. "
    "Are you safe at this moment? I'm connecting you with a Sanad counselor now. If you have hurt yourself "
    "or are in danger, call ambulance 101 or police 100, or go to the nearest adult. You can also call the "
    "free child line 121."
)
DANGER_AR = (
    "أنا قلق على سلامتك. إذا كنت في خطر الآن اتصل بالشرطة 100 فورًا، واذهب إلى مكان فيه بالغون تثق بهم. "
    "لا تذهب لمقابلة هذا الشخص. أنا أوصلك الآن بمرشد من «سند»."
)
DANGER_EN = (
    "I'm worried about your safety. If you are in danger now, call police 100 and go to where there are "
    "adults you trust. Don't go to meet this person. I'm connecting you with a Sanad counselor now."
)
MEDIA_AR = (
    "لم أفتح ما أرسلته ولن أحتفظ به. لا أحتاج إلى أي صورة لأساعدك، ومن الأسلم ألّا ترسلها لأي أحد. "
    "أخبرني بالكلمات ماذا يحدث."
)
MEDIA_EN = (
    "I haven't opened what you sent and won't keep it. I don't need any picture to help you, and it's "
    "safest not to send it to anyone. Tell me in words what is happening."
)
# Masculine second-person words: an Arabic reply using them needs a feminine variant (CONTENT-BRIEF §1).
MASCULINE_WORDS = (
    "اكتب", "تكتب", "أخبر", "أخبرني", "أخبرنا", "مضطرًا", "تثق", "تدفع", "ترسل", "احتفظ", "بلّغ",
    "اتصل", "اذهب", "تذهب", "تريد", "تحتاج", "اختر", "تخاف", "توقّف", "احظره", "تشعر", "تقصد",
)  # fmt: skip


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def every_reply(content: Content) -> list[tuple[str, str, bool, RenderedReply]]:
    return [
        (name, lang, feminine, content.render(name, lang, feminine=feminine, **SAMPLE_VALUES))
        for name in content.names
        for lang in LANGUAGES
        for feminine in (False, True)
    ]


def write_content(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "responses.yml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BUNDLED
    return write_content(tmp_path, BUNDLED.replace(old, new, 1))


def restructured(tmp_path: Path, data: dict[str, Any]) -> Path:
    return write_content(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def words(text: str) -> set[str]:
    return set(re.findall(r"[\u0600-\u06ff]+", re.sub("[\u064b-\u0652]", "", text)))


# ------------------------------------------------------------------ the bundled content


def test_bundled_content_has_every_required_reply_in_arabic_and_english(content: Content) -> None:
    for name in REQUIRED_RESPONSES:
        arabic = content.render(name, "ar", **SAMPLE_VALUES)
        english = content.render(name, "en", **SAMPLE_VALUES)

        assert re.search("[\u0600-\u06ff]", arabic.text), name
        assert re.search("[A-Za-z]{3}", english.text) and not re.search("[\u0600-\u06ff]", english.text), name


def test_every_intent_has_a_reply(content: Content) -> None:
    assert set(INTENT_RESPONSES) == set(Intent)
    assert set(INTENT_RESPONSES.values()) <= set(content.names)


def test_every_reply_renders_without_leftover_placeholders(content: Content) -> None:
    for name, lang, feminine, reply in every_reply(content):
        shown = [reply.text, *(b.title for b in reply.buttons), *(b.payload for b in reply.buttons)]

        assert not any("{" in s or "}" in s for s in shown), (name, lang, feminine)
        assert all(b.payload.startswith("/") for b in reply.buttons), name


def test_no_reply_button_or_topic_uses_forbidden_wording(content: Content) -> None:
    titles = [content.topic_title(i, lang) for i in content.topic_intents for lang in LANGUAGES]
    shown = [t for *_, r in every_reply(content) for t in (r.text, *(b.title for b in r.buttons))]

    for text in [*shown, *titles]:
        assert find_forbidden(text) == (), text
        assert not [p for p in FORBIDDEN_PHRASES if p.casefold() in text.casefold()], text


def test_self_harm_crisis_reply_is_the_vetted_template_with_121_100_101(content: Content) -> None:
    assert content.render("utter_crisis_self_harm", "ar").text == SELF_HARM_AR + " أنت لست وحدك."
    assert content.render("utter_crisis_self_harm", "en").text == SELF_HARM_EN + " You are not alone."
    for lang in LANGUAGES:
        for feminine in (False, True):
            text = content.render("utter_crisis_self_harm", lang, feminine=feminine).text
            assert {"121", "100", "101"} <= set(re.findall(r"\d+", text))


def test_immediate_danger_reply_starts_with_the_vetted_template_and_has_121_100_101(content: Content) -> None:
    assert content.render("utter_crisis_immediate_danger", "ar").text.startswith(DANGER_AR)
    assert content.render("utter_crisis_immediate_danger", "en").text.startswith(DANGER_EN)
    for lang in LANGUAGES:
        for feminine in (False, True):
            text = content.render("utter_crisis_immediate_danger", lang, feminine=feminine).text
            assert {"121", "100", "101"} <= set(re.findall(r"\d+", text))
            assert "not alone" in text or "وحدك" in text


def test_media_refusal_is_the_exact_text_of_the_brief(content: Content) -> None:
    assert content.render("utter_media_refused", "ar").text == MEDIA_AR
    assert content.render("utter_media_refused", "en").text == MEDIA_EN


def test_risk_templates_have_no_emoji(content: Content) -> None:
    for name in RISK_TEMPLATES.values():
        for lang in LANGUAGES:
            for feminine in (False, True):
                reply = content.render(name, lang, feminine=feminine)
                assert not EMOJI.search(reply.text + "".join(b.title for b in reply.buttons)), name


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("utter_high_sextortion", ("أصدّقك", "ليس ذنبك", "لا تدفع", "أوصلك الآن", "100", "اليأس")),
        ("utter_high_grooming", ("أصدّقك", "ليس خطأك", "أوصلك الآن", "100")),
        ("utter_high_abuse_disclosure", ("أصدّقك", "ليس ذنبك", "أوصلك الآن", "100")),
    ],
)
def test_high_risk_replies_follow_the_order_of_the_brief_in_arabic(
    content: Content, name: str, order: tuple[str, ...]
) -> None:
    for feminine in (False, True):
        text = content.render(name, "ar", feminine=feminine).text
        positions = [text.find(fragment) for fragment in order]

        assert -1 not in positions and positions == sorted(positions), (name, feminine, positions)


@pytest.mark.parametrize(
    ("name", "order"),
    [
        (
            "utter_high_sextortion",
            ("I believe you", "not your fault", "Don't pay", "connecting you", "100", "hopeless"),
        ),
        ("utter_high_grooming", ("I believe you", "not yours", "connecting you", "100")),
        ("utter_high_abuse_disclosure", ("I believe you", "never your fault", "connecting you", "100")),
    ],
)
def test_high_risk_replies_follow_the_order_of_the_brief_in_english(
    content: Content, name: str, order: tuple[str, ...]
) -> None:
    text = content.render(name, "en").text
    positions = [text.find(fragment) for fragment in order]

    assert -1 not in positions and positions == sorted(positions), positions


@pytest.mark.parametrize(
    ("name", "lang", "fragments"),
    [  # CONTENT-BRIEF §0 rule 5: in every sextortion reply
        (
            "utter_sextortion",
            "ar",
            ("ليس ذنبك", "لا تدفع", "لا ترسل أي صور", "لقطات شاشة", "الصورة الخاصة", "بالغًا تثق به", "اليأس"),
        ),
        (
            "utter_sextortion",
            "en",
            (
                "not your fault",
                "Don't pay",
                "don't send anything more",
                "screenshots",
                "private photo",
                "adult you trust",
                "hopeless",
            ),
        ),
        (
            "utter_high_sextortion",
            "ar",
            ("ليس ذنبك", "لا تدفع", "لا ترسل أي صور", "لقطات شاشة", "الصورة الخاصة", "بالغًا تثق به"),
        ),
        (
            "utter_high_sextortion",
            "en",
            (
                "not your fault",
                "Don't pay",
                "don't send anything more",
                "screenshots",
                "private photo",
                "adult you trust",
            ),
        ),
    ],
)
def test_every_sextortion_reply_carries_the_five_key_messages(
    content: Content, name: str, lang: str, fragments: tuple[str, ...]
) -> None:
    text = content.render(name, lang).text

    assert [f for f in fragments if f not in text] == []


def test_sextortion_answer_asks_whether_it_is_happening_now(content: Content) -> None:
    reply = content.render("utter_sextortion", "en")

    assert reply.text.endswith("Is this happening to you right now?")
    assert {"/affirm", "/deny", "/ask_human"} <= {b.payload for b in reply.buttons}


def test_hacked_account_answer_asks_which_app_with_a_button_per_app(content: Content) -> None:
    reply = content.render("utter_hacked_account", "ar")
    payloads = [b.payload for b in reply.buttons]

    assert reply.text.endswith("في أي تطبيق حدث هذا؟")
    assert "/platform_instagram" in payloads and "/platform_other" in payloads
    assert "instagram.com/hacked" in content.render("utter_platform_instagram", "ar").text


def test_bot_info_says_it_is_a_bot_with_hours_retention_and_emergency_numbers(content: Content) -> None:
    text = content.render(
        "utter_bot_info", "en", counselor_hours="Sat–Thu 08:00–22:00", retention_days=90
    ).text

    assert "a bot), not a person" in text
    assert "Sat–Thu 08:00–22:00" in text and "90 days" in text
    assert {"121", "100", "101"} <= set(re.findall(r"\d+", text))


def test_welcome_says_bot_counselor_who_reads_limits_and_help_word(content: Content) -> None:
    text = content.render("utter_welcome", "ar", retention_days=30).text

    for fragment in (
        "ولست إنسانًا",
        "بمرشد حقيقي",
        "إلا مرشدو «سند»",
        "بعد 30 يومًا",
        "خطر كبير",
        "«مساعدة»",
        "لا ترسل صورًا",
    ):
        assert fragment in text, fragment


def test_every_reply_offers_a_person_except_while_one_is_called_or_present(content: Content) -> None:
    for name, lang, feminine, reply in every_reply(content):
        if name not in WITHOUT_PERSON_BUTTON:
            assert "/ask_human" in [b.payload for b in reply.buttons], (name, lang, feminine)
    assert "/cancel" in [
        b.payload for b in content.render("utter_ask_human_queued", "ar", wait_minutes=5).buttons
    ]


def test_replies_stay_short(content: Content) -> None:
    for name, lang, feminine, reply in every_reply(content):
        bullets = [line for line in reply.text.splitlines() if line.startswith("•")]
        assert len(bullets) <= 4, (name, lang, feminine)


def test_arabic_replies_that_address_the_child_have_a_feminine_variant(content: Content) -> None:
    for name in content.names:
        default = words(content.render(name, "ar", **SAMPLE_VALUES).text)
        feminine = words(content.render(name, "ar", feminine=True, **SAMPLE_VALUES).text)
        masculine = default & {w.replace("ّ", "").replace("ً", "") for w in MASCULINE_WORDS}
        if name in {"utter_parent_guidance", "utter_parent_prevention"}:
            masculine -= {"أخبر"}  # "the child told you": not addressed to the reader

        assert not (masculine & feminine), (name, masculine & feminine)


def test_feminine_variant_is_used_when_the_child_writes_in_the_feminine(content: Content) -> None:
    assert "لستِ مضطرة" in content.render("utter_tell_parent", "ar", feminine=True).text
    assert "لست مضطرًا" in content.render("utter_tell_parent", "ar").text


def test_feminine_falls_back_to_the_default_variant(content: Content) -> None:
    assert content.render("utter_help", "ar", feminine=True) == content.render("utter_help", "ar")
    assert content.render("utter_tell_parent", "en", feminine=True) == content.render(
        "utter_tell_parent", "en"
    )


def test_arabizi_and_unknown_languages_get_the_arabic_reply(content: Content) -> None:
    arabic = content.render("utter_greet", "ar")

    assert content.render("utter_greet", Language.ARABIZI) == arabic
    assert content.render("utter_greet", "fr") == arabic
    assert content.render("utter_greet", Language.EN) == content.render("utter_greet", "en")


def test_gendered_variant_without_buttons_takes_the_default_buttons(content: Content) -> None:
    assert content.render("utter_welcome", "ar", feminine=True, retention_days=30).buttons == (
        content.render("utter_welcome", "ar", retention_days=30).buttons
    )


@pytest.mark.parametrize(
    ("minutes", "arabic", "english"),
    [
        (1, "نحو دقيقة واحدة", "about 1 minute"),
        (2, "نحو دقيقتين", "about 2 minutes"),
        (5, "نحو 5 دقائق", "about 5 minutes"),
        (15, "نحو 15 دقيقة", "about 15 minutes"),
        (100, "نحو 100 دقيقة", "about 100 minutes"),
        (0, "نحو دقيقة واحدة", "about 1 minute"),
    ],
)
def test_wait_time_is_counted_correctly_in_each_language(
    content: Content, minutes: int, arabic: str, english: str
) -> None:
    assert arabic in content.render("utter_ask_human_queued", "ar", wait_minutes=minutes).text
    assert english in content.render("utter_ask_human_queued", "en", wait_minutes=minutes).text


def test_retention_of_a_few_days_uses_the_plural(content: Content) -> None:
    assert (
        "بعد 7 أيام من إغلاقها"
        in content.render("utter_bot_info", "ar", retention_days=7, counselor_hours="x").text
    )


def test_render_without_a_needed_value_names_it(content: Content) -> None:
    with pytest.raises(ContentError, match="wait_minutes"):
        content.render("utter_ask_human_queued", "ar")


def test_render_of_an_unknown_reply_names_it(content: Content) -> None:
    with pytest.raises(ContentError, match="utter_nothing"):
        content.render("utter_nothing", "ar")


def test_clarify_offers_the_two_topics_as_buttons(content: Content) -> None:
    reply = content.clarify("hacked_account", "scam", "en")

    assert (
        reply.text
        == 'I\'m not sure I understood. Do you mean "My account was hacked" or "Scams and fake links"?'
    )
    assert [(b.title, b.payload) for b in reply.buttons[:2]] == [
        ("My account was hacked", "/hacked_account"),
        ("Scams and fake links", "/scam"),
    ]
    assert reply.buttons[2].payload == "/ask_human"


def test_topic_titles_exist_for_topics_only(content: Content) -> None:
    assert content.topic_title(Intent.SEXTORTION, "ar") == "تهديد بنشر صوري"
    assert content.topic_title("sextortion", "arabizi") == "تهديد بنشر صوري"
    with pytest.raises(ContentError, match="self_harm"):
        content.topic_title("self_harm", "en")


def test_placeholders_are_only_used_where_the_engine_passes_them() -> None:
    assert set(PLACEHOLDERS) <= set(REQUIRED_RESPONSES)


# ------------------------------------------------------------------ word matching


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("هذا الشرف", ("شرف",)),
        ("تواصل مع المشرف", ()),
        ("هذا عيب عليك", ("عيب",)),
        ("وحرام عليك", ("حرام",)),
        ("هل تفكر في الانتحار؟", ()),
        ("This is not your fault", ()),
        ("It's your fault", ("it's your fault",)),
        ("He Committed Suicide", ("committed suicide",)),
        ("I promise nobody will ever know", ("i promise", "nobody will ever know")),
    ],
)
def test_forbidden_phrases_are_found_as_words(text: str, found: tuple[str, ...]) -> None:
    assert find_forbidden(text) == found


# ------------------------------------------------------------------ a broken file stops the start


def test_missing_response_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED)
    del data["responses"]["utter_cancelled"]

    with pytest.raises(ContentError, match="missing response 'utter_cancelled'"):
        load_content(restructured(tmp_path, data))


def test_missing_english_variant_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED)
    data["responses"]["utter_thanks"] = [v for v in data["responses"]["utter_thanks"] if v["lang"] != "en"]

    with pytest.raises(ContentError, match=r"utter_thanks: no English \(en\) variant"):
        load_content(restructured(tmp_path, data))


def test_broken_yaml_is_reported_with_file_and_line(tmp_path: Path) -> None:
    lines = BUNDLED.splitlines()
    index = lines.index("  utter_thanks:") + 1
    lines[index] = "    - lang: ar: broken"
    path = write_content(tmp_path, "\n".join(lines))

    with pytest.raises(ContentError) as caught:
        load_content(path)

    assert str(caught.value).startswith(f"{path}:{index + 1}: invalid YAML")


def test_wrong_field_is_reported_with_its_line(tmp_path: Path) -> None:
    lines = BUNDLED.splitlines()
    start = lines.index("  utter_thanks:")
    index = lines.index("    - lang: en", start)
    lines[index] = "    - lang: fr"
    path = write_content(tmp_path, "\n".join(lines))

    with pytest.raises(ContentError) as caught:
        load_content(path)

    assert f"{path}:{index + 1}: responses.utter_thanks.2.lang:" in str(caught.value)


def test_duplicate_response_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_content(tmp_path, BUNDLED + "  utter_thanks:\n    - lang: ar\n      text: نعم\n")
    line = BUNDLED.count("\n") + 1

    with pytest.raises(
        ContentError, match=rf"{re.escape(str(path))}:{line}: responses.utter_thanks: duplicate key"
    ):
        load_content(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "على الرحب والسعة. هل",
            "على الرحب والسعة. عيب. هل",
            r"utter_thanks: Arabic \(ar\): forbidden wording 'عيب'",
        ),
        (
            "Thank you for telling me; I'm sorry",
            "Thank you for telling me \U0001f64f; I'm sorry",
            r"utter_crisis_self_harm: English \(en\): emoji",
        ),
        (
            "nearest adult. You can also call the free child line 121. You are not alone.\n",
            "nearest adult. You are not alone.\n",
            r"utter_crisis_self_harm: English \(en\): must show the number 121",
        ),
        (
            "about {wait_minutes}, and",
            "about {wait_minute}, and",
            r"utter_ask_human_queued: English \(en\): placeholders \['wait_minute'\]",
        ),
        ('payload: "/image_removal"}', 'payload: "/image_remval"}', r"button '/image_remval' leads nowhere"),
        (
            "        Hello! I'm Sanad",
            "        Hello {name}! I'm Sanad",
            r"utter_greet: English \(en\): placeholders \['name'\]",
        ),
    ],
)
def test_unsafe_or_inconsistent_content_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        load_content(edited(tmp_path, old, new))


def test_reply_without_a_person_button_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED)
    english = data["responses"]["utter_scam"][2]
    english["buttons"] = [b for b in english["buttons"] if b["payload"] != "/ask_human"]

    with pytest.raises(ContentError, match=r"utter_scam: English \(en\): needs a 'talk to a person' button"):
        load_content(restructured(tmp_path, data))


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED)
    del data["responses"]["utter_deleted"]
    del data["responses"]["utter_stopped"]

    with pytest.raises(ContentError) as caught:
        load_content(restructured(tmp_path, data))

    assert len(caught.value.problems) == 2
