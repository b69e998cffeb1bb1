"""Small word cues the dialogue reads in a child's text: feminine self-reference, hopelessness,
the safe word, yes/cancel words and app names. Pure: no I/O; every match runs on `nlu.normalize`.

The NLU classifies intents and risk; these cues are what the conversation itself needs and the
NLU does not give: how to address the child (CONTENT-BRIEF §1), when to ask the direct
self-harm question (§4 level 1), and which short answers mean "yes" or "cancel".
"""

from __future__ import annotations

from nlu.normalize import normalize

# First-person feminine adjectives and nouns (Levantine, MSA; ة and ه meet after normalising).
_FEMININE_AR_TEXT = """
    خايفة خائفة زعلانة تعبانة متعبة حاسة مخنوقة وحيدة حزينة متضايقة قلقانة قلقة خجلانة ندمانة
    محتارة مكسورة مرعوبة عارفة فاهمة قادرة مجبورة مضطرة ضايعة يائسة مقهورة مصدومة متوترة مهددة
    مبتزة مبسوطة مستحية مصدقة مخطئة غلطانة ميتة بنت فتاة طالبة
"""
_FEMININE_AZ_TEXT = """
    5ayfe 5ayfa 5ayfeh 5ayfah khayfe khayfa khayfeh za3lane za3lana ta3bane ta3bana 7asse 7assa
    hasse hassa ma5noo2a ma5no2a makhnou2a wa7ide wa7ida wahide wahida 7azine 7azina 3arfe 3arfa
    fahme fahma 2al2ane 2al2ana mitda2e2a mitda2i2a madghoota mad8oota msta7ye mista7ye ma2hoora
    5ajlane 5ajlana mahdade mhaddade majboura bent bint girl
"""
_FEMININE_WORDS = frozenset(normalize(word) for word in (_FEMININE_AR_TEXT + _FEMININE_AZ_TEXT).split())
# Nouns that say "girl" only right after "I am" («انا بنت», "ana bent"): «في بنت بتحكيلي» is someone else.
_NOUNS_NEEDING_SELF = frozenset(normalize(w) for w in ("بنت", "فتاة", "طالبة", "bent", "bint", "girl"))
_SELF = frozenset({"انا", "ana", "i", "im"})
# «هي خايفة», "my sister is scared": the feminine word is about someone else.
_THIRD_PERSON = frozenset(
    normalize(w) for w in ("هي", "هيه", "اختي", "صاحبتي", "بنتي", "رفيقتي", "hiye", "hye", "she", "her")
)
_FEMININE_PHRASES_EN = ("i m a girl", "im a girl", "i am a girl", "as a girl", "i am female")

_HOPELESSNESS = tuple(
    normalize(p)
    for p in (
        "ما في فايدة",
        "مافي فايدة",
        "ما في فائدة",
        "لا فائدة",
        "بلا فايدة",
        "ما في امل",
        "مافي امل",
        "لا أمل",
        "فقدت الأمل",
        "يائس",
        "يائسة",
        "تعبت من كل",
        "تعبت من حياتي",
        "مليت من حياتي",
        "زهقت من حياتي",
        "كرهت حياتي",
        "ما الفائدة",
        "mafi fayde",
        "ma fi fayde",
        "mafi amal",
        "ta3ebt mn kol",
        "t3ebt mn kol",
        "zhe2t mn 7ayati",
        "kraht 7ayati",
        "no point",
        "whats the point",
        "what s the point",
        "hopeless",
        "tired of everything",
        "tired of life",
        "nothing matters",
    )
)

# The safe word (CONTENT-BRIEF §0 rule 9): the whole message is one of these.
SAFE_WORDS = frozenset(normalize(w) for w in ("help", "help me", "مساعدة", "مساعده", "musa3ade", "mosa3ade"))
CANCEL_WORDS = frozenset(normalize(w) for w in ("cancel", "إلغاء", "الغاء", "الغي", "ilgha2", "ilghaa"))
YES_WORDS = frozenset(
    normalize(w)
    for w in (
        "yes",
        "y",
        "yeah",
        "yep",
        "نعم",
        "اه",
        "آه",
        "ايوه",
        "ايوا",
        "اي",
        "أجل",
        "aywa",
        "ah",
        "eh",
        "na3am",
    )
)
NO_WORDS = frozenset(normalize(w) for w in ("no", "nope", "لا", "لأ", "لا شكرا", "la", "la2", "no thanks"))

PLATFORMS: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram", "insta", "ig", "انستا", "انستغرام", "انستقرام", "انستجرام", "الانستا"),
    "facebook": ("facebook", "fb", "face", "فيس", "الفيس", "فيسبوك", "فيس بوك", "messenger", "ماسنجر"),
    "whatsapp": ("whatsapp", "whats", "watsapp", "واتس", "الواتس", "واتساب", "الواتساب", "واتس اب"),
    "tiktok": ("tiktok", "tik tok", "تيك توك", "تيكتوك", "التيك توك", "التيكتوك"),
    "snapchat": ("snapchat", "snap", "سناب", "السناب", "سناب شات", "سنابشات"),
}


def _words(text: str) -> list[str]:
    return normalize(text).split()


def writes_feminine(text: str) -> bool:
    """Whether the child speaks of herself in the feminine («انا خايفة», "5ayfe", «انا بنت»)."""
    words = _words(text)
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in _NOUNS_NEEDING_SELF:
            if before in _SELF:
                return True
        elif word in _FEMININE_WORDS and before not in _THIRD_PERSON:
            return True
    padded = f" {' '.join(words)} "
    return any(f" {phrase} " in padded for phrase in _FEMININE_PHRASES_EN)


def sounds_hopeless(text: str) -> bool:
    """Hopelessness that calls for the direct self-harm question (CONTENT-BRIEF §4, level 1)."""
    padded = f" {normalize(text)} "
    return any(f" {phrase} " in padded for phrase in _HOPELESSNESS)


def is_safe_word(text: str) -> bool:
    return normalize(text) in SAFE_WORDS


def is_cancel(text: str) -> bool:
    return normalize(text) in CANCEL_WORDS


def is_yes(text: str) -> bool:
    return normalize(text) in YES_WORDS


def is_no(text: str) -> bool:
    return normalize(text) in NO_WORDS


def named_platform(text: str) -> str | None:
    """The app the child names ("insta", «الواتس»), for the hacked-account follow-up."""
    padded = f" {normalize(text)} "
    for platform, names in PLATFORMS.items():
        if any(f" {normalize(name)} " in padded for name in names):
            return platform
    return None


def word_count(text: str) -> int:
    return len(_words(text))
