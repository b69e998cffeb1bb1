"""The one TaskSupervisor that owns detached background work (timers, senders, training)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskSupervisor:
    """Keeps references to background tasks, logs their failures, cancels them at shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()


async def run_every(round_: Callable[[], Awaitable[object]], *, every_secs: float, what: str) -> None:
    """Run `round_` now and then every `every_secs` until cancelled. A failed round (a locked or
    unreachable database) is logged and the next one still runs."""
    while True:
        try:
            await round_()
        except Exception:  # atop a background loop (STYLE): one bad round must not end the loop
            log.exception("%s round failed; retrying in %.0f s", what, every_secs)
        await asyncio.sleep(every_secs)
