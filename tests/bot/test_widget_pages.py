"""The widget's HTTP side: the one-line embed, the script and styles, the demo and neutral pages."""

from __future__ import annotations

import re

import httpx

EMBED = '<script src="/widget.js" defer></script>'
HOOKS = ("launcher", "panel", "messages", "input", "send", "ask-human", "exit", "lang", "status")


async def test_the_demo_page_is_arabic_and_embeds_the_widget_with_one_script_tag(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert response.text.count("<script") == 1
    assert EMBED in response.text


async def test_the_widget_script_is_served_as_javascript(client: httpx.AsyncClient) -> None:
    response = await client.get("/widget.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_widget_script_has_every_test_hook_and_the_quick_exit(client: httpx.AsyncClient) -> None:
    script = (await client.get("/widget.js")).text

    missing = [hook for hook in HOOKS if f'"data-sanad": "{hook}"' not in script]
    assert missing == []
    assert "location.replace(EXIT_URL)" in script
    assert 'attachShadow({ mode: "open" })' in script


async def test_the_widget_script_never_writes_html_or_loads_other_sites(client: httpx.AsyncClient) -> None:
    script = (await client.get("/widget.js")).text

    code = re.sub(r"/\*.*?\*/", "", script, flags=re.DOTALL)  # the header comment shows an example URL
    assert "innerHTML" not in code
    assert "insertAdjacentHTML" not in code
    assert re.findall(r"https?://", code) == []
    assert [call for call in ("fetch(", "XMLHttpRequest", "sendBeacon", "import(") if call in code] == []
    assert '"file"' not in code  # no upload control, ever


async def test_the_widget_stylesheet_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/widget/static/widget.css")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".sanad-panel" in response.text


async def test_the_neutral_exit_page_says_nothing_about_sanad(client: httpx.AsyncClient) -> None:
    response = await client.get("/widget/neutral")

    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "سند" not in response.text
    assert "sanad" not in response.text.lower()
    assert "<script" not in response.text
