"""The message bus: how news (a new message, a queue change, typing) reaches sockets and channels.

Actions publish after they commit; subscribers (a child's widget socket, a counselor's chat
socket, the queue page, the Telegram sender) listen on topics. `InProcessBus` serves one worker;
`RedisBus` (escalation/redis_bus.py) carries the same events between several workers.
Delivery is at-most-once and best effort: the database is the record, so a socket that
reconnects reads what it missed from the database by sequence number, never from the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

log = logging.getLogger(__name__)

QUEUE_TOPIC = "queue"
SUBSCRIBER_BUFFER = 1000


def conversation_topic(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def channel_topic(channel: str) -> str:
    return f"channel:{channel}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    kind: ClassVar[str] = "event"

    def topics(self) -> tuple[str, ...]:
        return ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Event):
    kind: ClassVar[str] = "message"
    conversation_id: int
    channel: str
    message_id: int
    seq: int
    author_kind: str
    text: str
    created_at: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    media_kind: str | None = None
    risk_level: int = 0

    def topics(self) -> tuple[str, ...]:
        return (conversation_topic(self.conversation_id), channel_topic(self.channel))


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationChanged(Event):
    """State or risk changed; the queue page and open chat views refresh from it."""

    kind: ClassVar[str] = "conversation"
    conversation_id: int
    channel: str
    state: str
    risk_level: int
    counselor_id: int | None = None
    reason: str = ""

    def topics(self) -> tuple[str, ...]:
        return (
            conversation_topic(self.conversation_id),
            QUEUE_TOPIC,
            channel_topic(self.channel),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Typing(Event):
    kind: ClassVar[str] = "typing"
    conversation_id: int
    channel: str
    who: str  # "child" or "counselor"
    active: bool

    def topics(self) -> tuple[str, ...]:
        return (conversation_topic(self.conversation_id), channel_topic(self.channel))


EVENT_TYPES: dict[str, type[Event]] = {cls.kind: cls for cls in (MessagePosted, ConversationChanged, Typing)}


def event_from_dict(data: dict[str, Any]) -> Event:
    payload = dict(data)
    kind = payload.pop("kind")
    return EVENT_TYPES[kind](**payload)


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[Event]: ...
    async def close(self) -> None: ...


class MessageBus(Protocol):
    async def publish(self, event: Event) -> None: ...
    async def subscribe(self, *topics: str) -> Subscription: ...
    async def hold(self, key: str, *, ttl_secs: float) -> bool:
        """Whether this worker holds `key` for the next `ttl_secs` (took it now, or held it and
        extends it). Every worker sees every event; a hold names the one that acts on it."""
        ...

    async def close(self) -> None: ...


class QueueSubscription:
    """Events for some topics, buffered in an asyncio.Queue; the slowest reader drops, not blocks."""

    def __init__(self, topics: tuple[str, ...], on_close: Any) -> None:
        self.topics = topics
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=SUBSCRIBER_BUFFER)
        self._on_close = on_close
        self.closed = False

    def offer(self, event: Event | None) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("bus subscriber overflow, dropping event kind=%s", getattr(event, "kind", None))

    async def __aiter__(self) -> AsyncIterator[Event]:
        while not self.closed:
            event = await self.queue.get()
            if event is None:
                return
            yield event

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.offer(None)
        result = self._on_close(self)
        if asyncio.iscoroutine(result):
            await result


class InProcessBus:
    """All subscribers live in this process: the embedded default."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[QueueSubscription]] = {}

    async def publish(self, event: Event) -> None:
        self.deliver(event)

    def deliver(self, event: Event) -> None:
        seen: set[int] = set()
        for topic in event.topics():
            for sub in tuple(self._subscribers.get(topic, ())):
                if id(sub) not in seen:
                    seen.add(id(sub))
                    sub.offer(event)

    async def hold(self, key: str, *, ttl_secs: float) -> bool:
        return True  # one process is the only worker

    async def subscribe(self, *topics: str) -> QueueSubscription:
        sub = QueueSubscription(topics, self._remove)
        for topic in topics:
            self._subscribers.setdefault(topic, set()).add(sub)
        return sub

    def _remove(self, sub: QueueSubscription) -> None:
        for topic in sub.topics:
            subs = self._subscribers.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[topic]

    async def close(self) -> None:
        for subs in list(self._subscribers.values()):
            for sub in list(subs):
                with contextlib.suppress(Exception):
                    await sub.close()
        self._subscribers.clear()
