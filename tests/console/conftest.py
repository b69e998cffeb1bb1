"""Console fixtures: a second browser, conversations queued with a given risk, socket helpers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection

from escalation import actions, relay, repository
from escalation.bus import Event, Subscription
from escalation.models import Conversation, utc_now
from nlu.types import SIGNAL_LEVEL, RiskSignal
from tests.cast import Cast

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
FRAME_WAIT_SECS = 5  # a safety net against hanging, not a speed requirement


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser on the same app (another counselor)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sanad.test") as http:
        yield http


async def csrf_token(client: httpx.AsyncClient, page: str = "/console/queue") -> str:
    response = await client.get(page)
    found = CSRF.search(response.text)
    assert found, f"no csrf_token on {page}"
    return found.group(1)


async def queue_chat(
    cast: Cast,
    *,
    child: str,
    first_message: str,
    signals: Sequence[str] = (),
    waited_mins: int = 0,
    media_kind: str | None = None,
) -> Conversation:
    """A child's widget conversation whose first message the NLU annotated with `signals`, queued for
    a counselor `waited_mins` ago. Built through the escalation actions (no dialogue policy), so the
    risk and the waiting time are exactly what the test says."""
    level = max((int(SIGNAL_LEVEL[RiskSignal(s)]) for s in signals), default=0)
    annotation = actions.Annotation(
        intent=signals[0] if signals else None, risk_level=level, risk_signals=tuple(signals)
    )
    bus = cast.app.state.bus
    now = utc_now()
    async with cast.sessions() as session:
        conversation = await actions.start_conversation(
            session, channel="widget", child_key=f"test:{child}", now=now
        )
        await relay.post_child_message(
            session,
            bus,
            conversation,
            text=first_message,
            now=now,
            annotation=annotation,
            media_kind=media_kind,
        )
        queued_at = now - timedelta(minutes=waited_mins)
        await actions.request_counselor(
            session, bus, conversation, actor="child", reason="ask_human", now=queued_at
        )
        return conversation


async def take(cast: Cast, conversation: Conversation, counselor: str) -> Conversation:
    staff = await cast.staff(counselor)
    async with cast.sessions() as session:
        fresh = await repository.get_conversation(session, conversation.id)
        await actions.assign_counselor(session, cast.app.state.bus, fresh, counselor=staff, now=utc_now())
        return fresh


def cookie_header(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"sanad_console={client.cookies['sanad_console']}"}


async def next_frame(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next frame of one type, skipping others."""
    async with asyncio.timeout(FRAME_WAIT_SECS):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame  # type: ignore[no-any-return]


async def next_event(sub: Subscription, wanted: Callable[[Event], bool]) -> Event:
    """The next bus event that `wanted` accepts (what a child's channel would deliver)."""
    async with asyncio.timeout(FRAME_WAIT_SECS):
        async for event in sub:
            if wanted(event):
                return event
    raise AssertionError("the subscription ended")
