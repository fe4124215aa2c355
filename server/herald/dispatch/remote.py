"""Progress recorded by other replicas, for this replica's watchers.

On PostgreSQL every replica hears which requests another replica recorded
outcomes for (store/pg_listen.py, `herald_progress`). For each one that has a
watcher here (a waiting SendMessage, a WatchNotification stream), re-read its
deliveries and publish them to the hub; watchers skip what they already have.
Notifications that arrive while a re-read runs are coalesced into the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import structlog

from herald.core.delivery import DeliveryView
from herald.dispatch.hub import Hub
from herald.store.queue import Queue

log = structlog.get_logger("herald.dispatch.remote")

CONCURRENT_READS = 8


class RemoteProgress:
    def __init__(self, hub: Hub, queue: Queue) -> None:
        self.hub = hub
        self.queue = queue
        self._dirty: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def changed(self, request_ids: Sequence[str]) -> None:
        """Another replica recorded outcomes of these requests."""
        watched = [rid for rid in request_ids if self.hub.watching(rid)]
        if not watched:
            return
        self._dirty.update(watched)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="remote-progress")

    async def _drain(self) -> None:
        while self._dirty:
            pending = [rid for rid in self._dirty if self.hub.watching(rid)]
            self._dirty.clear()
            for start in range(0, len(pending), CONCURRENT_READS):
                chunk = pending[start : start + CONCURRENT_READS]
                found = await asyncio.gather(
                    *(self.queue.request_deliveries(rid) for rid in chunk), return_exceptions=True
                )
                for rid, rows in zip(chunk, found, strict=True):
                    if isinstance(rows, BaseException):
                        log.warning("remote_progress_read_failed", request=rid, error=repr(rows))
                        continue
                    for row in rows:
                        self.hub.publish(DeliveryView.from_row(row))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
