"""Redis pub/sub bus: the same events as InProcessBus, shared by several workers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from escalation.bus import Event, InProcessBus, QueueSubscription, event_from_dict

log = logging.getLogger(__name__)
CHANNEL = "sanad:events"


class RedisBus:
    """Publishes every event to one Redis channel; each worker fans it out locally."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported here: only multi-worker set-ups need it

        self._redis: Any = redis.from_url(url)
        self._local = InProcessBus()
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(CHANNEL)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                self._local.deliver(event_from_dict(json.loads(message["data"])))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus read failed; retrying")
                await asyncio.sleep(0.5)

    async def publish(self, event: Event) -> None:
        await self._redis.publish(CHANNEL, json.dumps(event.to_dict(), ensure_ascii=False))

    async def subscribe(self, *topics: str) -> QueueSubscription:
        return await self._local.subscribe(*topics)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._local.close()
        await self._redis.aclose()
