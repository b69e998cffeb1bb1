"""The Redis bus carries events between two workers (real redis-server)."""

from __future__ import annotations

import asyncio
import uuid

from escalation.bus import QUEUE_TOPIC, ConversationChanged, conversation_topic
from escalation.redis_bus import RedisBus


async def test_an_event_published_by_one_worker_reaches_another(redis_url: str) -> None:
    worker_a, worker_b = RedisBus(redis_url), RedisBus(redis_url)
    await worker_a.start()
    await worker_b.start()
    queue_view = await worker_b.subscribe(QUEUE_TOPIC)
    other_chat = await worker_b.subscribe(conversation_topic(999))
    await asyncio.sleep(0.2)  # both readers subscribed

    await worker_a.publish(
        ConversationChanged(conversation_id=7, channel="widget", state="waiting", risk_level=3)
    )
    received = await asyncio.wait_for(queue_view.queue.get(), timeout=5)

    assert received == ConversationChanged(conversation_id=7, channel="widget", state="waiting", risk_level=3)
    assert other_chat.queue.empty()
    await worker_a.close()
    await worker_b.close()


async def test_a_hold_belongs_to_one_worker_until_it_lapses(redis_url: str) -> None:
    worker_a, worker_b = RedisBus(redis_url), RedisBus(redis_url)
    key = f"telegram:conversation:{uuid.uuid4().hex}"

    taken = await worker_a.hold(key, ttl_secs=0.5)
    refused = await worker_b.hold(key, ttl_secs=0.5)
    kept = await worker_a.hold(key, ttl_secs=0.5)  # the holder extends it
    await asyncio.sleep(0.7)
    handed_over = await worker_b.hold(key, ttl_secs=0.5)
    lost = await worker_a.hold(key, ttl_secs=0.5)

    assert (taken, refused, kept, handed_over, lost) == (True, False, True, True, False)
    await worker_a.close()
    await worker_b.close()


async def test_a_worker_that_stops_releases_its_holds_at_once(redis_url: str) -> None:
    worker_a, worker_b = RedisBus(redis_url), RedisBus(redis_url)
    key = f"telegram:conversation:{uuid.uuid4().hex}"
    assert await worker_a.hold(key, ttl_secs=60)

    await worker_a.close()

    assert await worker_b.hold(key, ttl_secs=60)
    await worker_b.close()
