"""Arabic by default, English on request; every string the console shows has its Arabic."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from console import taxonomy
from console.i18n import arabic_plural_form, catalog
from console.pages import TEMPLATE_DIR, build_environment
from tests.cast import Cast
from tests.console.conftest import queue_chat


def template_message_ids() -> list[str | tuple[str, str]]:
    env = build_environment("UTC")
    found: list[str | tuple[str, str]] = []
    for path in sorted(Path(TEMPLATE_DIR).rglob("*.html")):
        for _line, function, message in env.extract_translations(path.read_text("utf-8")):  # type: ignore[attr-defined]
            if function == "ngettext":
                found.append((message[0], message[1]))
            elif isinstance(message, str) and message:
                found.append(message)
    return found


def taxonomy_labels() -> list[str]:
    groups = [g.label for g in taxonomy.CATEGORY_GROUPS]
    choices = [c.label for g in taxonomy.CATEGORY_GROUPS for c in g.choices]
    fields = (*taxonomy.COMPONENTS, *taxonomy.PLATFORMS, *taxonomy.DEMANDS, *taxonomy.PERPETRATORS)
    return groups + choices + [c.label for c in (*taxonomy.CONTACT_TYPES, *taxonomy.REFERRALS, *fields)]


def test_every_template_string_has_an_arabic_translation() -> None:
    arabic = catalog("ar").messages
    ids = template_message_ids()

    missing = [m for m in ids if (m[0] if isinstance(m, tuple) else m) not in arabic]

    assert len(ids) > 100
    assert missing == []


def test_every_taxonomy_label_has_an_arabic_translation() -> None:
    arabic = catalog("ar").messages

    assert [label for label in taxonomy_labels() if label not in arabic] == []


def test_arabic_plurals_have_all_six_forms() -> None:
    plurals = [m for m in template_message_ids() if isinstance(m, tuple)]

    assert plurals
    assert all(len(catalog("ar").messages[singular]) == 6 for singular, _ in plurals)


@pytest.mark.parametrize(
    ("n", "form"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5), (103, 3), (111, 4)],
)
def test_arabic_plural_rule(n: int, form: int) -> None:
    assert arabic_plural_form(n) == form


async def test_pages_are_arabic_right_to_left_by_default(client: httpx.AsyncClient, cast: Cast) -> None:
    await cast.log_in(client, "sami")

    page = (await client.get("/console/queue")).text

    assert '<html lang="ar" dir="rtl">' in page
    assert "قائمة الانتظار" in page
    assert 'href="/console/lang/en?next=/console/queue"' in page


async def test_the_english_switch_sets_a_cookie_and_returns_to_the_page(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    await cast.log_in(client, "sami")

    switch = await client.get("/console/lang/en", params={"next": "/console/queue"})
    page = (await client.get("/console/queue")).text

    assert switch.status_code == 303
    assert switch.headers["location"] == "/console/queue"
    assert '<html lang="en" dir="ltr">' in page
    assert "Waiting for a counselor" in page
    assert "No one is waiting right now." in page


async def test_an_unknown_language_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/console/lang/fr")

    assert response.status_code == 404


async def test_the_switch_never_redirects_off_site(client: httpx.AsyncClient) -> None:
    response = await client.get("/console/lang/en", params={"next": "https://evil.example/"})

    assert response.headers["location"] == "/console/queue"


async def test_arabic_plural_reads_right_for_two_waiting(client: httpx.AsyncClient, cast: Cast) -> None:
    await queue_chat(cast, child="lina", first_message="مرحبا")
    await queue_chat(cast, child="yousef", first_message="مرحبا")
    await cast.log_in(client, "sami")

    page = (await client.get("/console/queue")).text

    assert "محادثتان بانتظار مرشد" in page
