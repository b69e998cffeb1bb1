"""Console languages: Arabic by default, English by cookie; catalogs and the Jinja2 gettext hooks.

Message ids are the English strings. `locale/<language>.json` maps an id to its translation; a
plural entry maps the singular id to a list of forms (Arabic has six: zero, one, two, few, many,
other — CLDR). English needs no catalog. Templates call `_()` / `{% trans %}` (newstyle gettext);
the language comes from the template context's `locale`, so one Environment serves every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
LANG_COOKIE = "lang"
RTL_LANGUAGES = frozenset({"ar"})


@dataclass(frozen=True, slots=True)
class Locale:
    language: str

    @property
    def text_direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"

    @property
    def other(self) -> Locale:
        """The language the header switch offers."""
        return Locale("en" if self.language == "ar" else "ar")


def locale_from_cookies(cookies: Mapping[str, str]) -> Locale:
    language = cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return Locale(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def arabic_plural_form(n: int) -> int:
    """CLDR Arabic: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many (by the last two digits), else other."""
    if n == 0:
        return 0
    if n == 1:
        return 1
    if n == 2:
        return 2
    if 3 <= n % 100 <= 10:
        return 3
    if 11 <= n % 100 <= 99:
        return 4
    return 5


def english_plural_form(n: int) -> int:
    return 0 if n == 1 else 1


PLURAL_RULES: dict[str, Callable[[int], int]] = {"ar": arabic_plural_form, "en": english_plural_form}


class Catalog:
    """Translations of one language; a missing id falls back to the English id."""

    def __init__(self, language: str, messages: Mapping[str, str | list[str]]) -> None:
        self.language = language
        self.messages = messages
        self._plural = PLURAL_RULES[language]

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.messages.get(singular)
        if isinstance(forms, list) and forms:
            return forms[min(self._plural(n), len(forms) - 1)]
        return singular if n == 1 else plural


@cache
def catalog(language: str) -> Catalog:
    path = LOCALE_DIR / f"{language}.json"
    messages: dict[str, str | list[str]] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    return Catalog(language, messages)


def _context_catalog(context: Context) -> Catalog:
    locale = context.get("locale")
    return catalog(locale.language if isinstance(locale, Locale) else DEFAULT_LANGUAGE)


@pass_context
def context_gettext(context: Context, message: str) -> str:
    return _context_catalog(context).gettext(message)


@pass_context
def context_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _context_catalog(context).ngettext(singular, plural, n)


def translate(locale: Locale, message: str, **variables: Any) -> str:
    """Python-side `_()` for text that leaves through a socket or a header, not a template."""
    text = catalog(locale.language).gettext(message)
    return text % variables if variables else text
