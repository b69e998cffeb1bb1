"""The terminal channel: `sanad chat [--json]` talks to the bot as a child would (SPEC §5).

One message a line from standard input goes through the same dialogue engine, database and
escalation as the widget and Telegram (a conversation really is queued for counselors). Every
reply is printed — with `--json` as one JSON object a line:
`{"text", "buttons": [{"title", "payload"}], "intent", "risk": {"level", "signals"}, "state",
"author"}` where intent and risk are those of the child's line that produced the reply and state
is the conversation's state after it. A counselor's messages (from the console, possibly in
another process) are printed the same way, with author "counselor".
A line starting with "/" is a command or a button payload ("/ask_human", "/delete_confirm").
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.engine import DialogueEngine, HandleResult, Inbound, build_engine
from escalation import repository
from escalation.bus import InProcessBus
from escalation.db import make_engine, make_sessions
from escalation.models import AuthorKind, Channel, Message

log = logging.getLogger(__name__)

COUNSELOR_POLL_SECS = 2.0  # an interactive chat shows a counselor's replies this soon


def run_chat(
    settings: Any, *, as_json: bool, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Chat until end of input; returns the exit code (2 when the bot cannot start)."""
    return asyncio.run(
        _chat(settings, as_json=as_json, stdin=stdin or sys.stdin, stdout=stdout or sys.stdout)
    )


def terminal_secret(settings: Any) -> str:
    """The service's key if there is one (SANAD_SECRET_KEY or <data_dir>/secret.key), else a fresh one."""
    if getattr(settings, "secret_key", None):
        return str(settings.secret_key)
    path = Path(getattr(settings, "data_dir", "var")) / "secret.key"
    return path.read_text().strip() if path.exists() else secrets.token_urlsafe(48)


async def _chat(settings: Any, *, as_json: bool, stdin: TextIO, stdout: TextIO) -> int:
    from bot.content import ContentError

    database = make_engine(settings.database_url)
    bus = InProcessBus()
    try:
        dialogue = build_engine(make_sessions(database), bus, settings, secret=terminal_secret(settings))
    except ContentError as exc:
        print(f"sanad chat: the content file cannot be used:\n{exc}", file=sys.stderr)
        await database.dispose()
        return 2
    chat = TerminalChat(dialogue, as_json=as_json, out=stdout)
    try:
        print("sanad chat: loading the language model (the first run trains it)…", file=sys.stderr)
        await dialogue.warm_up()
        await chat.run(stdin)
    finally:
        await bus.close()
        await database.dispose()
    return 0


class TerminalChat:
    """One child's session: a fresh address per run, so every run starts a new conversation."""

    def __init__(self, dialogue: DialogueEngine, *, as_json: bool, out: TextIO) -> None:
        self.dialogue = dialogue
        self.as_json = as_json
        self.out = out
        self.address = f"terminal-{uuid.uuid4().hex}"
        self.conversation_id: int | None = None
        self.shown_seq = 0
        self._printing = asyncio.Lock()

    async def run(self, stdin: TextIO) -> None:
        poller = asyncio.create_task(self._poll_counselor()) if stdin.isatty() else None
        try:
            while line := await asyncio.to_thread(stdin.readline):
                if line.strip():
                    await self.say(line.rstrip("\r\n"))
        finally:
            if poller is not None:
                poller.cancel()

    async def say(self, line: str) -> HandleResult:
        inbound = Inbound(
            channel=Channel.TERMINAL.value, address=self.address, client_id=str(uuid.uuid4()), text=line
        )
        result = await self.dialogue.handle(inbound)
        self.conversation_id = result.conversation.id
        async with self._printing:
            for reply in result.replies:
                self._print(reply, child=result.child_message, state=result.state)
                self.shown_seq = max(self.shown_seq, reply.seq)
            if result.erased:
                self.conversation_id, self.shown_seq = None, 0  # the next line starts afresh
        await self._show_counselor_messages()
        return result

    async def _poll_counselor(self) -> None:
        while True:
            await asyncio.sleep(COUNSELOR_POLL_SECS)
            try:
                await self._show_counselor_messages()
            except Exception:  # a background loop: log and keep the chat going
                log.exception("terminal chat could not read counselor messages")

    async def _show_counselor_messages(self) -> None:
        if self.conversation_id is None:
            return
        async with self.dialogue.sessions() as session, self._printing:
            conversation = await repository.find_conversation(session, self.conversation_id)
            if conversation is None:
                return
            newer = await repository.list_messages(session, self.conversation_id, after_seq=self.shown_seq)
            for message in newer:
                if message.author_kind == AuthorKind.COUNSELOR.value:
                    self._print(message, child=None, state=conversation.state)
                self.shown_seq = max(self.shown_seq, message.seq)

    def _print(self, message: Message, *, child: Message | None, state: str) -> None:
        buttons: Sequence[dict[str, str]] = list(message.buttons or [])  # type: ignore[arg-type]
        if self.as_json:
            print(
                json.dumps(reply_json(message, child=child, state=state), ensure_ascii=False), file=self.out
            )
        else:
            print(readable(message, buttons, state), file=self.out)
        self.out.flush()


def reply_json(message: Message, *, child: Message | None, state: str) -> dict[str, Any]:
    """The SPEC §5 object for one reply."""
    return {
        "text": message.text,
        "buttons": [{"title": b["title"], "payload": b["payload"]} for b in (message.buttons or [])],  # type: ignore[index]
        "intent": child.intent if child is not None else None,
        "risk": {
            "level": child.risk_level if child is not None else 0,
            "signals": list(child.risk_signals or []) if child is not None else [],
        },
        "state": state,
        "author": message.author_kind,
    }


def readable(message: Message, buttons: Sequence[dict[str, str]], state: str) -> str:
    who = "مرشد | counselor" if message.author_kind == AuthorKind.COUNSELOR.value else "سند | Sanad"
    lines = [f"{who}:", message.text]
    lines += [f"  [{b['title']}]  {b['payload']}" for b in buttons]
    lines.append(f"  (state: {state})")
    return "\n".join(lines) + "\n"
