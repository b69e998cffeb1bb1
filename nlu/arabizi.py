"""Transliterate Arabizi (Arabic written in Latin letters and digits) into an Arabic-script view.

The view is not a spelling corrector: it exists so that "ana 5ayfe ktir" and "انا خايفه كتير"
share character n-grams and lexicon entries. Rules, applied per token of the normalised text:

* tokens already in Arabic script, numbers, emoji and plainly English words stay as they are;
* digits that stand for letters: 2→ء (ا at the start of a word), 3→ع, 5→خ, 6→ط, 7→ح, 8→غ, 9→ص;
* digraphs first (sh/ch→ش, kh→خ, gh→غ, th→ث, dh→ذ), then single consonants;
* long vowels written double (aa, ee/ii, oo/ou) → ا / ي / و; a short vowel at the start of a word
  becomes ا, at the end a/e → ا/ه, i/y → ي, o/u → و, and inside a word it is dropped;
* doubled consonants ("baddi") become one letter, as Arabic writes them with a (removed) shadda.

The output is itself normalised text (single spaces, only normalised Arabic letters).
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.normalize import normalize

# Longest match first. Values are Arabic letters in their normalised forms (ا not أ, ه not ة).
_DIGRAPHS: dict[str, str] = {
    "sh": "ش",
    "ch": "ش",
    "kh": "خ",
    "gh": "غ",
    "th": "ث",
    "dh": "ذ",
    "aa": "ا",
    "ee": "ي",
    "ii": "ي",
    "ei": "ي",
    "ai": "ي",
    "oo": "و",
    "ou": "و",
    "uu": "و",
}
_CONSONANTS: dict[str, str] = {
    "2": "ء",
    "3": "ع",
    "5": "خ",
    "6": "ط",
    "7": "ح",
    "8": "غ",
    "9": "ص",
    "b": "ب",
    "p": "ب",
    "t": "ت",
    "j": "ج",
    "g": "ج",
    "d": "د",
    "r": "ر",
    "z": "ز",
    "s": "س",
    "f": "ف",
    "v": "ف",
    "q": "ق",
    "k": "ك",
    "c": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "h": "ه",
    "w": "و",
    "y": "ي",
    "x": "كس",
}
_VOWELS = frozenset("aeiou")
_FINAL_VOWEL = {"a": "ا", "e": "ه", "i": "ي", "o": "و", "u": "و"}
_ARABIZI_DIGITS = frozenset("2356789")

_LATIN_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")

# Common English words that never need a second view; kept short on purpose (Arabizi wins ties:
# "ma", "la", "ya", "fi" and "bas" are Arabizi far more often in a child's message here).
_PLAIN_ENGLISH_TEXT = """
    i me my mine you your yours he him his she her hers it its we us our they them their the a an
    and or but if so not no yes is am are was were be been being do does did have has had will
    would can could should may might must shall what who whom whose which when where why how this
    that these those there here to of in on at by for from with about into over after before
    again all any some just only also very too than then now please help want need know think
    feel scared afraid sad alone hello hi hey bye goodbye thanks thank ok okay sorry someone
    somebody person people friend friends mom mum dad mother father parent parents family school
    teacher photo photos picture pictures pic pics video videos account password hacked block
    report police send sent said told tell threat threatens threatened money pay online game
    instagram snapchat tiktok facebook whatsapp telegram discord phone message messages chat
    bot robot human real talk speak life kill die dead hurt myself going come coming tonight
    today tomorrow again
    """
PLAIN_ENGLISH: frozenset[str] = frozenset(_PLAIN_ENGLISH_TEXT.split())


# Very common words whose vowels the rules cannot guess (short vs long, س vs ص); the spelling a
# Levantine writer would use in Arabic script, normalised.
COMMON_WORDS: dict[str, str] = {
    "ktir": "كتير",
    "kteer": "كتير",
    "ktiir": "كتير",
    "wallah": "والله",
    "walla": "والله",
    "wallahi": "والله",
    "hala2": "هلا",
    "halla2": "هلا",
    "halla": "هلا",
    "sora": "صوره",
    "soura": "صوره",
    "sura": "صوره",
    "sowar": "صور",
    "suwar": "صور",
    "sowari": "صوري",
    "swari": "صوري",
    "3aref": "عارف",
    "3arfe": "عارفه",
    "5ayef": "خايف",
    "5ayfe": "خايفه",
    "khayef": "خايف",
    "khayfe": "خايفه",
    "5ayfeh": "خايفه",
    "khayfeh": "خايفه",
    "shukran": "شكرا",
    "shokran": "شكرا",
    "yalla": "يلا",
    "khalas": "خلص",
    "5alas": "خلص",
    "5ales": "خلص",
    "inshallah": "انشالله",
    "mashallah": "ماشالله",
    "salam": "سلام",
    "mama": "ماما",
    "baba": "بابا",
    "3ayle": "عيله",
    "3eile": "عيله",
    "a3ref": "اعرف",
    "bedi": "بدي",
    "msh": "مش",
    "la2": "لا",
    "mni7": "منيح",
    "mnee7": "منيح",
}

_ARTICLES = frozenset({"el", "il", "al"})


def _is_arabizi_candidate(token: str) -> bool:
    if not _LATIN_WORD.fullmatch(token):
        return False  # Arabic script, pure numbers, emoji, other scripts
    if any(c in _ARABIZI_DIGITS for c in token):
        return True
    return token not in PLAIN_ENGLISH


def _vowel(token: str, i: int, char: str) -> str:
    if i == 0:
        return "ا"
    if i == len(token) - 1:
        return _FINAL_VOWEL[char]
    return ""


def _transliterate_token(token: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(token):
        pair = token[i : i + 2]
        if pair == "ay" and i + 2 < len(token) and token[i + 2] not in _VOWELS:
            letter, i = "اي", i + 2  # "5ayfe": the a is long before a consonant cluster
        elif len(pair) == 2 and pair in _DIGRAPHS:
            letter, i = _DIGRAPHS[pair], i + 2
        elif token[i] in _VOWELS:
            letter, i = _vowel(token, i, token[i]), i + 1
        elif token[i] == "2" and i == 0:
            letter, i = "ا", i + 1
        else:
            letter, i = _CONSONANTS.get(token[i], token[i]), i + 1
        if letter and not (out and out[-1] == letter and letter not in "اوي"):
            out.append(letter)  # a doubled consonant is one letter with a shadda in Arabic
    return "".join(out)


@lru_cache(maxsize=16384)
def _convert(token: str) -> str:
    if token in COMMON_WORDS:
        return COMMON_WORDS[token]
    return _transliterate_token(token) if _is_arabizi_candidate(token) else token


def _join_articles(tokens: list[str]) -> list[str]:
    """'el sowar' → 'الصور', as Arabic writes the article attached to its noun."""
    joined: list[str] = []
    for token in tokens:
        if joined and joined[-1] == "ال" and _ARABIC_WORD.fullmatch(token):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def to_arabic(text: str) -> str:
    """Arabic-script view of `text` (normalised first); non-Arabizi tokens pass through unchanged."""
    return arabic_view(normalize(text))


def arabic_view(normalized: str) -> str:
    """`to_arabic` for text that is already normalised (skips the normaliser)."""
    tokens = ["ال" if t in _ARTICLES else _convert(t) for t in normalized.split()]
    return " ".join(_join_articles(tokens))
