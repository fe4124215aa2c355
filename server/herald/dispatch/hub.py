"""In-process fan-out of delivery updates to the streams that watch them."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from herald.core.delivery import DeliveryView


class Hub:
    def __init__(self) -> None:
        self._watchers: dict[str, set[asyncio.Queue[DeliveryView]]] = defaultdict(set)

    @contextmanager
    def watch(self, request_id: str) -> Iterator[asyncio.Queue[DeliveryView]]:
        queue: asyncio.Queue[DeliveryView] = asyncio.Queue()
        self._watchers[request_id].add(queue)
        try:
            yield queue
        finally:
            watchers = self._watchers.get(request_id)
            if watchers is not None:
                watchers.discard(queue)
                if not watchers:
                    del self._watchers[request_id]

    def watching(self, request_id: str) -> bool:
        """Whether anything here watches the request (another replica's progress
        on it is worth re-reading)."""
        return request_id in self._watchers

    def publish(self, view: DeliveryView) -> None:
        for queue in self._watchers.get(view.request_id, ()):
            queue.put_nowait(view)
