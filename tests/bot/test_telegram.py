"""The Telegram channel end to end: real aiogram, real HTTP, the fake Bot API in tests/fakes.

A child writes through the fake Bot API (by webhook into the live app, or by `run_polling`, which
is what `sanad telegram poll` runs); the tests look at what Telegram was asked to send, what the
database holds and what a counselor sees in the console.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select

from bot.channels.telegram_cli import run_polling, set_webhook
from bot.policy import DELETE_CONFIRM
from escalation import actions, relay, repository
from escalation.models import Conversation, Message, utc_now
from sanad.app import create_app
from sanad.settings import Settings
from tests.cast import Cast
from tests.conftest import TEST_SECRET, free_port, make_settings
from tests.fakes.telegram_api import (
    FakeTelegramApi,
    callback_update,
    message_update,
    photo_update,
    text_update,
)

TOKEN = "123456:TEST-sanad-token"
WEBHOOK_SECRET = "webhook-secret_42"
LINA = 4242001  # the chat ids of two children writing to the bot
YOUSEF = 4242002
ASK_FOR_PERSON = "مساعدة"  # the safe word: reaches a person at any time (CONTENT-BRIEF §0.9)
T = TypeVar("T")


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi.running(TOKEN) as api:
        yield api


@pytest.fixture
def settings(db_url: str, tmp_path: Path, nlu_model_path: Path, telegram_api: FakeTelegramApi) -> Settings:
    return make_settings(
        db_url,
        tmp_path,
        nlu_model_path,
        telegram_token=TOKEN,
        telegram_api_url=telegram_api.base_url,
        telegram_webhook_secret=WEBHOOK_SECRET,
    )


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app served by uvicorn on loopback (its lifespan is already running)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Line(Protocol):
    """How a child's update reaches Sanad: Telegram's webhook call, or our getUpdates."""

    async def send(self, update: dict[str, Any]) -> None: ...


class WebhookLine:
    def __init__(self, api: FakeTelegramApi) -> None:
        self.api = api

    async def send(self, update: dict[str, Any]) -> None:
        assert await self.api.deliver_to_webhook(update) == 200


class PollingLine:
    def __init__(self, api: FakeTelegramApi) -> None:
        self.api = api

    async def send(self, update: dict[str, Any]) -> None:
        await self.api.push(update)


@asynccontextmanager
async def webhook_line(app: FastAPI, api: FakeTelegramApi, settings: Settings) -> AsyncIterator[Line]:
    async with serving(app) as base_url:
        assert await set_webhook(settings.model_copy(update={"public_url": base_url})) == 0
        yield WebhookLine(api)


@asynccontextmanager
async def polling_line(api: FakeTelegramApi, settings: Settings) -> AsyncIterator[Line]:
    """`sanad telegram poll` in this event loop: its own engine and bus, the same database."""
    stop = asyncio.Event()
    poller = asyncio.create_task(run_polling(settings, secret=TEST_SECRET, stop=stop))
    await api.wait_for("getUpdates")
    try:
        yield PollingLine(api)
    finally:
        stop.set()
        assert await asyncio.wait_for(poller, 30) == 0


@pytest.fixture(params=["webhook", "polling"])
async def line(
    request: pytest.FixtureRequest, app: FastAPI, telegram_api: FakeTelegramApi, settings: Settings
) -> AsyncIterator[Line]:
    opened = (
        webhook_line(app, telegram_api, settings)
        if request.param == "webhook"
        else polling_line(telegram_api, settings)
    )
    async with opened as child_line:
        yield child_line


async def eventually(check: Callable[[], Awaitable[T]], *, within: float = 20.0) -> T:
    """Poll `check` until it returns something truthy; the deadline only stops a broken test hanging."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not (result := await check()):
        assert loop.time() < deadline, "condition never became true"
        await asyncio.sleep(0.05)
    return result


async def telegram_conversations(app: FastAPI) -> list[Conversation]:
    async with app.state.sessions() as session:
        result = await session.scalars(
            select(Conversation).where(Conversation.channel == "telegram").order_by(Conversation.id)
        )
        return list(result.all())


async def messages_of(app: FastAPI, conversation_id: int) -> list[Message]:
    async with app.state.sessions() as session:
        return list(await repository.list_messages(session, conversation_id))


def buttons_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


# --- a child writes; the bot answers in the same chat --------------------------------------------


async def test_child_text_is_stored_and_answered_in_the_same_chat_with_buttons(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    await line.send(text_update(telegram_api, LINA, "السلام عليكم"))

    [reply] = await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)
    assert reply["text"].strip()
    assert any(button.get("callback_data") for button in buttons_of(reply))  # topics / talk to a person
    [conversation] = await telegram_conversations(app)
    child = [m for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    assert [m.text for m in child] == ["السلام عليكم"]


async def test_asking_for_a_person_queues_the_chat_and_the_counselor_reply_reaches_the_child(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI, client: httpx.AsyncClient, cast: Cast
) -> None:
    await line.send(text_update(telegram_api, LINA, ASK_FOR_PERSON))
    [conversation] = await eventually(lambda: _waiting(app))  # escalated: waiting for a counselor
    await cast.log_in(client, "sami")

    queue = await client.get("/console/queue")
    sami = await cast.staff("sami")
    async with app.state.sessions() as session:
        held = await repository.get_conversation(session, conversation.id)
        await actions.assign_counselor(session, app.state.bus, held, counselor=sami, now=utc_now())
        await relay.post_counselor_message(
            session, app.state.bus, held, staff=sami, text="أنا سامي، مرشد في سند. أنا معك.", now=utc_now()
        )

    assert queue.status_code == 200
    assert f'data-conversation-id="{conversation.id}"' in queue.text
    assert ASK_FOR_PERSON in queue.text  # the first words, for the counselor choosing whom to take
    sent = await telegram_api.wait_for("sendMessage", lambda p: p["text"].startswith("أنا سامي"))
    assert sent[0]["chat_id"] == LINA


async def _waiting(app: FastAPI) -> list[Conversation]:
    return [c for c in await telegram_conversations(app) if c.state == "waiting"]


async def test_a_button_press_is_acknowledged_and_acted_on(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    await line.send(callback_update(telegram_api, YOUSEF, "/ask_human"))

    await telegram_api.wait_for("answerCallbackQuery")
    [conversation] = await eventually(lambda: _waiting(app))
    assert conversation.channel_address == str(YOUSEF)


async def test_the_human_command_reaches_a_person(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    await line.send(text_update(telegram_api, YOUSEF, "/human@SanadTestBot"))

    [conversation] = await eventually(lambda: _waiting(app))
    assert conversation.channel_address == str(YOUSEF)


# --- counselor side: typing ---------------------------------------------------------------------


async def test_a_typing_counselor_shows_typing_in_the_childs_chat(
    telegram_api: FakeTelegramApi, app: FastAPI, cast: Cast
) -> None:
    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(text_update(telegram_api, LINA, ASK_FOR_PERSON))
        [conversation] = await eventually(lambda: _waiting(app))

        await relay.signal_typing(app.state.bus, conversation, who="counselor", active=True)

        [action] = await telegram_api.wait_for("sendChatAction")
    assert action == {"chat_id": LINA, "action": "typing"}


def _settings_of(app: FastAPI) -> Settings:
    settings: Settings = app.state.settings
    return settings


# --- media: never downloaded, never kept --------------------------------------------------------

SECRET_FILE_ID = "AgACAgQAAxkBAAIBQ2ZfakeFileIdOfAnIntimatePhoto"


def _database_text(db_url: str) -> str:
    """Every value of every table, as text: what a dump of the database would show."""
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    with closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [row for table in tables for row in db.execute(f'SELECT * FROM "{table}"')]
    return "\n".join(str(value) for row in rows for value in row)


async def test_a_photo_is_answered_without_downloading_or_keeping_the_file(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI, db_url: str
) -> None:
    await line.send(photo_update(telegram_api, LINA, file_id=SECRET_FILE_ID))

    replies = await telegram_api.wait_for("sendMessage", lambda p: "أحتفظ" in p["text"])
    assert replies[0]["chat_id"] == LINA  # «لم أفتح ما أرسلته ولن أحتفظ به …»
    assert telegram_api.calls_to("getFile") == []
    [conversation] = await telegram_conversations(app)
    child = [m for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    assert [(m.media_kind, m.text) for m in child] == [("photo", "")]
    assert "AgACAgQAAxkB" not in _database_text(db_url)


async def test_a_photo_caption_is_read_as_the_childs_words_but_the_file_is_not_kept(
    telegram_api: FakeTelegramApi, app: FastAPI, db_url: str
) -> None:
    update = photo_update(telegram_api, LINA, file_id=SECRET_FILE_ID, caption=ASK_FOR_PERSON)

    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(update)
        [conversation] = await eventually(lambda: _waiting(app))

    child = [m for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    assert [(m.media_kind, m.text) for m in child] == [("photo", ""), (None, ASK_FOR_PERSON)]
    assert "AgACAgQAAxkB" not in _database_text(db_url)
    assert telegram_api.calls_to("getFile") == []


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"voice": {"file_id": SECRET_FILE_ID, "file_unique_id": "v1", "duration": 3}}, "voice"),
        (
            {
                "sticker": {
                    "file_id": SECRET_FILE_ID,
                    "file_unique_id": "s1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            "sticker",
        ),
        (
            {"document": {"file_id": SECRET_FILE_ID, "file_unique_id": "d1", "file_name": "chat.pdf"}},
            "document",
        ),
        ({"location": {"latitude": 31.9, "longitude": 35.2}}, "location"),
    ],
)
async def test_other_media_keeps_only_its_kind(
    telegram_api: FakeTelegramApi, app: FastAPI, db_url: str, content: dict[str, Any], kind: str
) -> None:
    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(message_update(telegram_api, LINA, **content))
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)

    [conversation] = await telegram_conversations(app)
    child = [m for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    assert [m.media_kind for m in child] == [kind]
    stored = _database_text(db_url)
    assert "AgACAgQAAxkB" not in stored
    assert "chat.pdf" not in stored
    assert "35.2" not in stored


async def test_an_oversized_text_is_answered_but_not_kept(
    telegram_api: FakeTelegramApi, app: FastAPI, db_url: str
) -> None:
    long_text = "ساعدوني " * 400  # 3,200 characters: more than SANAD_MAX_MESSAGE_CHARS

    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(text_update(telegram_api, LINA, long_text))
        [reply] = await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)

    assert reply["text"].strip()
    assert long_text.strip() not in _database_text(db_url)


# --- Telegram pushing back: 429 and 403 ---------------------------------------------------------


async def test_a_429_is_waited_out_and_the_reply_still_arrives(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    telegram_api.fail_once("sendMessage", status=429, retry_after=1)

    await line.send(text_update(telegram_api, LINA, "السلام عليكم"))

    first, retried = await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA, count=2)
    assert retried["text"] == first["text"]  # the refused message was sent again, not skipped
    assert telegram_api.failures["sendMessage"] == []


async def test_a_child_who_blocked_the_bot_marks_the_conversation_unreachable(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    telegram_api.block(LINA)

    await line.send(text_update(telegram_api, LINA, "السلام عليكم"))

    [conversation] = await eventually(lambda: _matching(app, lambda c: c.unreachable))
    assert conversation.channel_address == str(LINA)


async def _matching(app: FastAPI, predicate: Callable[[Conversation], bool]) -> list[Conversation]:
    return [c for c in await telegram_conversations(app) if predicate(c)]


async def test_a_chat_slowed_by_429_does_not_hold_back_replies_to_other_children(
    telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    telegram_api.fail_once("sendMessage", status=429, retry_after=2)  # hits whoever is answered first

    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(text_update(telegram_api, LINA, "السلام عليكم"))
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)  # the refused one
        await child_line.send(text_update(telegram_api, YOUSEF, "hello"))

        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == YOUSEF)
        lina_calls = telegram_api.sent_to(LINA)
    assert len(lina_calls) == 1  # Yousef was answered while Lina's reply still waited out its 429


# --- what is not for us -------------------------------------------------------------------------


async def test_a_repeated_update_is_processed_once(telegram_api: FakeTelegramApi, app: FastAPI) -> None:
    update = text_update(telegram_api, LINA, "السلام عليكم")

    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(update)
        await child_line.send(update)  # Telegram redelivers when it missed our 200
        await child_line.send(text_update(telegram_api, LINA, "hello"))
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)

    [conversation] = await telegram_conversations(app)
    child = [m.text for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    assert child == ["السلام عليكم", "hello"]


async def test_a_repeated_update_is_processed_once_when_polling(
    telegram_api: FakeTelegramApi, app: FastAPI, settings: Settings
) -> None:
    update = text_update(telegram_api, LINA, "السلام عليكم")

    async with polling_line(telegram_api, settings) as child_line:
        await child_line.send(update)
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)
        await child_line.send(dict(update))
        await child_line.send(text_update(telegram_api, LINA, "hello"))
        await eventually(lambda: _child_texts(app, 2))

    assert await _child_texts(app, 2) == ["السلام عليكم", "hello"]


async def _child_texts(app: FastAPI, at_least: int) -> list[str]:
    texts = []
    for conversation in await telegram_conversations(app):
        texts += [m.text for m in await messages_of(app, conversation.id) if m.author_kind == "child"]
    return texts if len(texts) >= at_least else []


UNKNOWN_UPDATES = [
    {
        "edited_message": {
            "message_id": 1,
            "date": 1,
            "edit_date": 2,
            "text": "تعديل",
            "chat": {"id": LINA, "type": "private"},
        }
    },
    {
        "channel_post": {
            "message_id": 2,
            "date": 1,
            "text": "post",
            "chat": {"id": -100123, "type": "channel"},
        }
    },
    {
        "my_chat_member": {
            "chat": {"id": LINA, "type": "private"},
            "from": {"id": LINA, "is_bot": False, "first_name": "Child"},
            "date": 1,
            "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "S"}},
            "new_chat_member": {
                "status": "kicked",
                "until_date": 0,
                "user": {"id": 1, "is_bot": True, "first_name": "S"},
            },
        }
    },
    {  # shaped like an older Bot API (fields this aiogram requires are missing): unreadable, skipped
        "poll": {
            "id": "p1",
            "question": "?",
            "options": [],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    },
    {"a_kind_telegram_invents_next_year": {"id": 7}},
]


async def test_unknown_update_kinds_are_ignored_with_one_log_line_each(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.telegram")
    for body in UNKNOWN_UPDATES:
        await line.send({"update_id": telegram_api.next_update_id(), **body})

    await line.send(text_update(telegram_api, YOUSEF, "hello"))  # still listening afterwards
    await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == YOUSEF)

    [conversation] = await telegram_conversations(app)
    assert conversation.channel_address == str(YOUSEF)
    ignored = [r.getMessage() for r in caplog.records if "telegram update ignored" in r.getMessage()]
    kinds = [re.search(r"kind=(\w+)", message).group(1) for message in ignored]  # type: ignore[union-attr]
    assert kinds == [
        "edited_message",
        "channel_post",
        "my_chat_member",
        "poll",
        "a_kind_telegram_invents_next_year",
    ]


async def test_group_chats_are_ignored(telegram_api: FakeTelegramApi, app: FastAPI) -> None:
    async with webhook_line(app, telegram_api, _settings_of(app)) as child_line:
        await child_line.send(text_update(telegram_api, -100777, ASK_FOR_PERSON, chat_type="supergroup"))
        await child_line.send(text_update(telegram_api, YOUSEF, "hello"))
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == YOUSEF)

    [conversation] = await telegram_conversations(app)
    assert conversation.channel_address == str(YOUSEF)
    assert telegram_api.sent_to(-100777) == []


# --- the webhook's door -------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "wrong-secret", WEBHOOK_SECRET + "x", ""])
async def test_the_webhook_refuses_a_wrong_or_missing_secret(
    telegram_api: FakeTelegramApi, app: FastAPI, secret: str | None
) -> None:
    async with webhook_line(app, telegram_api, _settings_of(app)):
        status = await telegram_api.deliver_to_webhook(
            text_update(telegram_api, LINA, ASK_FOR_PERSON), secret=secret
        )

    assert status == 403
    assert await telegram_conversations(app) == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "x"}', b""])
async def test_the_webhook_answers_400_to_what_is_not_an_update(
    telegram_api: FakeTelegramApi, app: FastAPI, body: bytes
) -> None:
    async with webhook_line(app, telegram_api, _settings_of(app)):
        status = await telegram_api.deliver_to_webhook({}, body=body)

    assert status == 400
    assert await telegram_conversations(app) == []


async def test_set_webhook_registers_the_public_url_secret_and_update_kinds(
    telegram_api: FakeTelegramApi, settings: Settings
) -> None:
    configured = settings.model_copy(update={"public_url": "https://sanad.example.org/"})

    assert await set_webhook(configured) == 0

    assert telegram_api.webhook == {
        "url": "https://sanad.example.org/telegram/webhook",
        "secret_token": WEBHOOK_SECRET,
        "allowed_updates": ["message", "callback_query"],
    }


async def test_set_webhook_refuses_to_register_without_a_secret(
    telegram_api: FakeTelegramApi, settings: Settings
) -> None:
    assert await set_webhook(settings.model_copy(update={"telegram_webhook_secret": None})) == 2

    assert telegram_api.calls_to("setWebhook") == []


# --- polling ------------------------------------------------------------------------------------


async def test_polling_removes_a_webhook_first_and_confirms_what_it_processed(
    telegram_api: FakeTelegramApi, settings: Settings, app: FastAPI
) -> None:
    telegram_api.webhook = {
        "url": "https://old.example.org/hook",
        "secret_token": "s",
        "allowed_updates": None,
    }

    async with polling_line(telegram_api, settings) as child_line:
        await child_line.send(text_update(telegram_api, LINA, "hello"))
        await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA)

    assert telegram_api.calls_to("deleteWebhook")
    assert telegram_api.webhook is None
    assert telegram_api.updates == []  # confirmed by offset: a restart will not see it again


# --- privacy of the logs ------------------------------------------------------------------------


async def test_logs_name_conversations_never_chat_ids_or_words(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the default SANAD_LOG_LEVEL; our own loggers and aiogram at DEBUG
    for name in ("bot", "escalation", "aiogram"):
        caplog.set_level(logging.DEBUG, logger=name)
    telegram_api.fail_once("sendMessage", status=429, retry_after=1)
    words = "عندي سر ما بعرف لمين احكيه"

    await line.send(text_update(telegram_api, LINA, words))
    await line.send(photo_update(telegram_api, LINA, file_id=SECRET_FILE_ID, caption="صورتي"))
    await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA, count=3)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "telegram 429" in logged
    for secret in (str(LINA), words, "صورتي", SECRET_FILE_ID, TOKEN):
        assert secret not in logged


# --- /delete: the conversation goes, the child is still told ------------------------------------


async def test_delete_erases_the_conversation_and_still_tells_the_child(
    line: Line, telegram_api: FakeTelegramApi, app: FastAPI
) -> None:
    await line.send(text_update(telegram_api, LINA, "السلام عليكم"))
    await line.send(text_update(telegram_api, LINA, "/delete"))
    [confirm] = await telegram_api.wait_for(
        "sendMessage", lambda p: any(b.get("callback_data") == DELETE_CONFIRM for b in buttons_of(p))
    )
    before = len(telegram_api.sent_to(LINA))

    await line.send(callback_update(telegram_api, LINA, DELETE_CONFIRM))

    sent = await telegram_api.wait_for("sendMessage", lambda p: p["chat_id"] == LINA, count=before + 1)
    assert sent[-1]["text"].strip()
    assert sent[-1]["text"] != confirm["text"]
    [conversation] = await telegram_conversations(app)
    assert conversation.erased_at is not None
    assert conversation.channel_address is None
    assert await messages_of(app, conversation.id) == []


# --- several processes: one sender per deployment -----------------------------------------------


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str) -> Settings:
    """This module's settings with the Redis bus, as every worker of a multi-worker set-up has."""
    return settings.model_copy(update={"redis_url": redis_url})


async def test_with_redis_the_web_app_alone_sends_so_no_reply_goes_out_twice(
    telegram_api: FakeTelegramApi, redis_settings: Settings
) -> None:
    settings = redis_settings
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        async with polling_line(telegram_api, settings) as child_line:
            await child_line.send(text_update(telegram_api, LINA, "السلام عليكم"))
            await child_line.send(text_update(telegram_api, LINA, ASK_FOR_PERSON))
            [conversation] = await eventually(lambda: _waiting(app))
        # The poller has finished its last update: every reply is stored and published.
        said = [m.text for m in await messages_of(app, conversation.id) if m.author_kind == "bot"]
        await eventually(lambda: _at_least(telegram_api.sent_to(LINA), len(said)))

    # Both processes are closed (and drained): Telegram got each reply once, in order.
    assert len(said) >= 2
    assert [params["text"] for params in telegram_api.sent_to(LINA)] == said


async def _at_least(items: list[T], count: int) -> bool:
    return len(items) >= count


async def test_with_redis_two_web_workers_send_each_reply_once_and_in_order(
    telegram_api: FakeTelegramApi, redis_settings: Settings
) -> None:
    settings = redis_settings
    worker_a, worker_b = create_app(settings), create_app(settings)

    async with worker_a.router.lifespan_context(worker_a), worker_b.router.lifespan_context(worker_b):
        await asyncio.sleep(0.3)  # both workers' senders are listening on Redis
        async with webhook_line(worker_a, telegram_api, settings) as child_line:
            await child_line.send(text_update(telegram_api, LINA, "السلام عليكم"))
            await child_line.send(text_update(telegram_api, LINA, ASK_FOR_PERSON))
            [conversation] = await eventually(lambda: _waiting(worker_a))
            said = [m.text for m in await messages_of(worker_a, conversation.id) if m.author_kind == "bot"]
            await eventually(lambda: _at_least(telegram_api.sent_to(LINA), len(said)))
            await asyncio.sleep(0.5)  # a second copy from the other worker would have arrived by now

    assert len(said) >= 2
    assert [params["text"] for params in telegram_api.sent_to(LINA)] == said
