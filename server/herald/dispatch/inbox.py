"""The inbox behind InboxService: list, count, mark, and watch a user's inbox.

WatchInbox follows the store: it subscribes to the in-process hub first, reads
the unread count (the first event), then re-reads the user's recent changes
whenever the hub wakes it (this process's In-App deliveries and marks) and at
least every POLL_SECONDS (other replicas' changes). A re-read covers what was
added or changed since shortly before the previous one (OVERLAP_SECONDS: rows
committed a little after their timestamp, clocks of other replicas a little
apart); what the stream has already reported is remembered, so nothing is
reported twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from enum import Enum

from herald.dispatch.inbox_hub import InboxHub
from herald.store.inbox import InboxRow, InboxStore, Marked

POLL_SECONDS = 0.5
OVERLAP_SECONDS = 5.0


class Change(Enum):
    ADDED = "added"
    UPDATED = "updated"


@dataclass(frozen=True, slots=True)
class InboxEvent:
    """One WatchInbox event: the first has no change, only the count."""

    change: Change | None
    message: InboxRow | None
    unread_count: int  # after this event (after the re-read that found it)


class Inbox:
    def __init__(self, store: InboxStore, hub: InboxHub) -> None:
        self.store = store
        self.hub = hub

    async def list_messages(
        self,
        user_id: str,
        limit: int,
        before_id: str | None,
        unread_only: bool,
        include_archived: bool,
        brand_id: str = "",
    ) -> tuple[list[InboxRow], int]:
        return await self.store.list_messages(
            user_id, limit, before_id, unread_only, include_archived, brand_id
        )

    async def unread_count(self, user_id: str, brand_id: str = "") -> int:
        return await self.store.unread_count(user_id, brand_id)

    async def mark(
        self, user_id: str, ids: Sequence[str], state: str, brand_id: str = ""
    ) -> Marked:
        """Raises store.inbox.UnknownMessagesError (nothing changed) for ids that
        are not this user's messages."""
        marked = await self.store.mark(user_id, ids, state, brand_id)
        if marked.updated:
            self.hub.changed(user_id)
        return marked

    def close(self) -> None:
        """End every watch stream (shutdown: the clients reconnect elsewhere)."""
        self.hub.close()

    async def watch(self, user_id: str, brand_id: str = "") -> AsyncIterator[InboxEvent]:
        with self.hub.watch(user_id) as woken:
            started = time.time()
            rows, unread = await self.store.changes(user_id, started - OVERLAP_SECONDS, brand_id)
            # Already there when the stream began: counted, not news.
            known = {row.id: row for row in rows}
            yield InboxEvent(None, None, unread)
            previous = started
            while not self.hub.closing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), POLL_SECONDS)
                if self.hub.closing.is_set():
                    return
                woken.clear()
                reading = time.time()
                since = previous - OVERLAP_SECONDS
                rows, unread = await self.store.changes(user_id, since, brand_id)
                previous = reading
                for row in rows:
                    seen = known.get(row.id)
                    if seen is None:
                        # Not seen in an earlier window: new if it was added in
                        # this one, else a change to an older message.
                        change = Change.ADDED if row.created_at > since else Change.UPDATED
                    elif seen.version != row.version:
                        change = Change.UPDATED
                    else:
                        continue
                    known[row.id] = row
                    yield InboxEvent(change, row, unread)
                # Forget what no later window can return unchanged.
                horizon = since - OVERLAP_SECONDS
                for key in [k for k, r in known.items() if _last_change(r) < horizon]:
                    del known[key]


def _last_change(row: InboxRow) -> float:
    return max(row.created_at, row.updated_at or 0.0)
