"""In-process wake-ups for WatchInbox streams, keyed by user id.

A wake-up says "this user's inbox changed, re-read it": the store stays the one
source of what changed, so a watcher handles its own process's changes and (by
its periodic re-read) other replicas' the same way.

Two things wake a user's watchers, both after the write has committed:
MarkInboxMessages, and an In-App delivery recorded as delivered. The latter is
seen on the dispatcher's hub (`InboxFeedHub`): the dispatcher publishes an
outcome only after recording it, and an In-App delivery is recorded delivered
only once its inbox row is stored (by InAppChannel.send, or in the outcome's own
transaction), so whichever way the row was written it is there to read.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from herald.core.channel import Channel, DeliveryState
from herald.core.delivery import DeliveryView
from herald.dispatch.hub import Hub


class InboxHub:
    def __init__(self) -> None:
        self._watchers: dict[str, set[asyncio.Event]] = defaultdict(set)
        self.closing = asyncio.Event()  # set at shutdown: watch streams end

    @contextmanager
    def watch(self, user_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever the user's inbox changes (clear it before re-reading)."""
        event = asyncio.Event()
        self._watchers[user_id].add(event)
        try:
            yield event
        finally:
            watchers = self._watchers.get(user_id)
            if watchers is not None:
                watchers.discard(event)
                if not watchers:
                    del self._watchers[user_id]

    def watching(self, user_id: str) -> bool:
        return user_id in self._watchers

    def changed(self, user_id: str) -> None:
        for event in self._watchers.get(user_id, ()):
            event.set()

    def close(self) -> None:
        self.closing.set()
        for watchers in self._watchers.values():
            for event in watchers:
                event.set()


class InboxFeedHub(Hub):
    """The dispatcher's hub, which also wakes the inbox watchers of the user an
    In-App message was just delivered to."""

    def __init__(self, inbox: InboxHub) -> None:
        super().__init__()
        self.inbox = inbox

    def publish(self, view: DeliveryView) -> None:
        super().publish(view)
        if view.channel is Channel.IN_APP and view.state is DeliveryState.DELIVERED:
            # The inbox row's user id is the delivery's recipient (channels/inapp.py).
            self.inbox.changed(view.recipient)
