"""Per-channel rate and concurrency limits, aware of the two lanes.

Transactional sends (SendMessage, SendMessageStream) are never starved by bulk
work: a bulk send takes a rate token only when one is free right now and no
transactional send is waiting for one, and it can hold at most
`limit - reserve` of a channel's concurrency slots.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from herald.core.channel import Lane

BULK_RETRY_SECONDS = 0.005
MAX_SLOWDOWN = 16.0


@dataclass(frozen=True, slots=True)
class RateLimit:
    per_second: float
    burst: float


class TokenBucket:
    """A token bucket that a provider's 429 slows down.

    A 429 pauses the bucket for the Retry-After (or one interval), up to the longest
    pause given, and halves its rate (down to 1/16); every send that goes through
    recovers 5% of it.
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._tokens = limit.burst
        self._updated = self._clock()
        self._slowdown = 1.0
        self._paused_until = 0.0
        self._transactional_waiting = 0

    @property
    def rate(self) -> float:
        return self.limit.per_second / self._slowdown

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - max(self._updated, self._paused_until))
        self._tokens = min(self.limit.burst, self._tokens + elapsed * self.rate)
        self._updated = now

    def _wait_for_token(self, now: float) -> float:
        """Seconds until a whole token is free (0 when one is free now)."""
        pause = max(0.0, self._paused_until - now)
        if pause:
            return pause
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def try_acquire(self, lane: Lane) -> bool:
        """Take a token if one is free now (for bulk: and no transactional send waits)."""
        now = self._clock()
        self._refill(now)
        if self._wait_for_token(now) > 0:
            return False
        if lane is Lane.BULK and self._transactional_waiting:
            return False
        self._tokens -= 1.0
        return True

    async def acquire(self, lane: Lane) -> None:
        if lane is Lane.TRANSACTIONAL:
            self._transactional_waiting += 1
            try:
                while True:
                    if self.try_acquire(lane):
                        return
                    await asyncio.sleep(self._wait_for_token(self._clock()))
            finally:
                self._transactional_waiting -= 1
        while True:
            if self.try_acquire(lane):
                return
            await asyncio.sleep(max(self._wait_for_token(self._clock()), BULK_RETRY_SECONDS))

    def throttled(self, retry_after: float | None, longest: float) -> None:
        now = self._clock()
        self._refill(now)
        self._slowdown = min(MAX_SLOWDOWN, self._slowdown * 2)
        self._tokens = min(self._tokens, 0.0)
        pause = min(retry_after or 1.0 / self.rate, longest)
        self._paused_until = max(self._paused_until, now + pause)

    def succeeded(self) -> None:
        self._slowdown = max(1.0, self._slowdown * 0.95)

    def give_back(self) -> None:
        """Return a token taken for a send that did not happen."""
        self._tokens = min(self.limit.burst, self._tokens + 1.0)


def bulk_slots(limit: int, reserve: float) -> int:
    """The slots of a concurrency limit bulk work may hold: all but a share `reserve`
    of them (at least one) kept for transactional sends, and at least one."""
    return max(1, limit - max(1, int(limit * reserve)))


class LaneSlots:
    """At most `limit` sends at once; bulk may use at most `bulk_limit` of them
    (`bulk_slots`: the rest are kept for transactional sends).

    Taking a free slot is a counter update (no lock, no await); only a send that
    finds no free slot for its lane waits, and every release wakes the waiters
    to look again.
    """

    def __init__(self, limit: int, bulk_limit: int) -> None:
        self.limit = limit
        self.bulk_limit = bulk_limit
        self._busy = 0
        self._bulk_busy = 0
        self._waiters: list[asyncio.Future[None]] = []

    def _free(self, bulk: bool) -> bool:
        return self._busy < self.limit and (not bulk or self._bulk_busy < self.bulk_limit)

    def try_acquire(self, lane: Lane) -> bool:
        """Take a slot if one is free for the lane now."""
        bulk = lane is Lane.BULK
        if not self._free(bulk):
            return False
        self._busy += 1
        self._bulk_busy += bulk
        return True

    async def acquire(self, lane: Lane) -> None:
        while not self.try_acquire(lane):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if not waiter.done():
                    waiter.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)

    def release(self, lane: Lane) -> None:
        self._busy -= 1
        self._bulk_busy -= lane is Lane.BULK
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def hold(self, lane: Lane) -> _Held:
        return _Held(self, lane)


class _Held:
    __slots__ = ("_lane", "_slots")

    def __init__(self, slots: LaneSlots, lane: Lane) -> None:
        self._slots = slots
        self._lane = lane

    async def __aenter__(self) -> None:
        await self._slots.acquire(self._lane)

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release(self._lane)
