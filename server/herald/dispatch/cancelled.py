"""Which campaign sends are cancelled, as a dispatcher's deliveries that waited for
their turn ask before they are sent: read from the store at most every REREAD_SECONDS
per send, and marked at once by a cancel handled in this process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

REREAD_SECONDS = 0.5
# Past this many sends known, those not read for FORGET_SECONDS are forgotten.
KEEP = 4096
FORGET_SECONDS = 60.0


class CancelledSends:
    def __init__(
        self,
        read: Callable[[Sequence[str]], Awaitable[set[str]]],
        reread: float = REREAD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`read`: which of the given send ids the store holds cancelled."""
        self._read = read
        self._reread = reread
        self._clock = clock
        self._known: dict[str, tuple[bool, float]] = {}  # send id -> (cancelled, read at)
        # The sends due a re-read that the next read takes, all in one query.
        self._due: set[str] = set()
        self._next: asyncio.Future[set[str]] | None = None
        self._reader: asyncio.Task[None] | None = None

    def mark(self, send_id: str) -> None:
        """The send was cancelled here: so it stays (a cancel is never undone)."""
        self._known[send_id] = (True, self._clock())

    async def cancelled(self, send_id: str) -> bool:
        known = self._known.get(send_id)
        if known is not None and (known[0] or self._clock() - known[1] < self._reread):
            return known[0]
        self._due.add(send_id)
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            self._reader = asyncio.create_task(self._read_due(self._next))
        # Shielded: an attempt cancelled while it waits must not cancel the others' read.
        found = await asyncio.shield(self._next)
        return send_id in found or self._known.get(send_id, (False, 0.0))[0]

    async def _read_due(self, future: asyncio.Future[set[str]]) -> None:
        await asyncio.sleep(0)  # the sends that ask in this turn of the loop join the read
        due, self._due, self._next = self._due, set(), None
        try:
            found = await self._read(sorted(due))
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: an attempt that asked may have gone
            return
        now = self._clock()
        for send_id in due:
            cancelled = send_id in found or self._known.get(send_id, (False, 0.0))[0]
            self._known[send_id] = (cancelled, now)
        if len(self._known) > KEEP:
            self._known = {s: k for s, k in self._known.items() if now - k[1] < FORGET_SECONDS}
        future.set_result(found)
