"""Nothing a child writes appears in the logs (CONTENT-BRIEF §8, developers' guide)."""

from __future__ import annotations

import logging

import pytest

from escalation.models import utc_now
from escalation.relay import post_counselor_message
from tests.cast import Cast

SECRET_TEXT = "عمي بلمسني وانا خايفة كثير اسمي ليلى ورقمي 0599123456"


async def test_a_childs_words_never_reach_the_logs(cast: Cast, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # as an operator debugging SQL would

    chat = await cast.live_chat(child="lina", counselor="sami", first_message=SECRET_TEXT)
    await cast.child_says("lina", "he says it is our secret 0599123456")
    sami = await cast.staff("sami")
    async with cast.sessions() as session:
        await post_counselor_message(session, cast.app.state.bus, chat, staff=sami, text="أنا معك", now=utc_now())

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the flow logged nothing at all: the check would be empty"
    assert "بلمسني" not in logged and "0599123456" not in logged and "secret" not in logged
