"""Redis pub/sub bus: the same events as InProcessBus, shared by several workers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import Any

from escalation.bus import Event, InProcessBus, QueueSubscription, event_from_dict

log = logging.getLogger(__name__)
CHANNEL = "sanad:events"
HOLD_PREFIX = "sanad:hold:"
MAX_TRACKED_HOLDS = 1000
# KEYS[1] the hold, ARGV[1] this worker, ARGV[2] milliseconds: 1 if this worker holds it now.
HOLD_SCRIPT = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
"""
RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisBus:
    """Publishes every event to one Redis channel; each worker fans it out locally."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported here: only multi-worker set-ups need it

        self._redis: Any = redis.from_url(url)
        self.worker_id = uuid.uuid4().hex
        self._held: dict[str, float] = {}  # hold → when it lapses (monotonic), to release at close
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

    async def hold(self, key: str, *, ttl_secs: float) -> bool:
        """Take `key` if free, or extend it if this worker holds it (one atomic script)."""
        name = f"{HOLD_PREFIX}{key}"
        held = bool(await self._redis.eval(HOLD_SCRIPT, 1, name, self.worker_id, int(ttl_secs * 1000)))
        if held:
            now = time.monotonic()
            self._held[name] = now + ttl_secs
            if len(self._held) > MAX_TRACKED_HOLDS:  # forget the lapsed ones
                self._held = {k: until for k, until in self._held.items() if until > now}
        return held

    async def _release_holds(self) -> None:
        """A worker that stops lets go of what it holds, so others take over at once."""
        now = time.monotonic()
        for name in [k for k, until in self._held.items() if until > now]:
            with contextlib.suppress(Exception):
                await self._redis.eval(RELEASE_SCRIPT, 1, name, self.worker_id)
        self._held.clear()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._local.close()
        await self._release_holds()
        await self._redis.aclose()
