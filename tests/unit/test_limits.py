"""Rate and concurrency limits: token buckets a 429 slows down, and the lanes."""

from __future__ import annotations

import asyncio

import pytest
from herald.config import ConfigError, Settings
from herald.core.channel import Lane
from herald.dispatch.limits import LaneSlots, RateLimit, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_bucket_allows_the_burst_then_one_token_per_interval() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(per_second=10, burst=3), clock=clock)
    for _ in range(3):
        await asyncio.wait_for(bucket.acquire(Lane.TRANSACTIONAL), 1)
    assert bucket._wait_for_token(clock.now) == pytest.approx(0.1)
    clock.now += 0.05
    bucket._refill(clock.now)
    assert bucket._wait_for_token(clock.now) == pytest.approx(0.05)
    clock.now += 10  # idle time refills only up to the burst
    bucket._refill(clock.now)
    assert bucket._tokens == 3


async def test_a_429_pauses_for_retry_after_and_halves_the_rate_until_sends_succeed() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(per_second=10, burst=5), clock=clock)
    bucket.throttled(retry_after=2.0, longest=300)
    assert bucket.rate == 5
    assert bucket._wait_for_token(clock.now) == pytest.approx(2.0)
    clock.now += 2.0
    bucket._refill(clock.now)
    # No tokens were earned while paused; the next comes at the halved rate.
    assert bucket._wait_for_token(clock.now) == pytest.approx(0.2)
    bucket.throttled(retry_after=None, longest=300)
    assert bucket.rate == 2.5
    for _ in range(200):
        bucket.succeeded()
    assert bucket.rate == 10


async def test_a_429_pauses_for_no_longer_than_the_longest_pause_given() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(per_second=1 / 3600, burst=1), clock=clock)
    bucket.throttled(retry_after=86400.0, longest=300)
    assert bucket._wait_for_token(clock.now) == pytest.approx(300)
    clock.now += 300
    bucket.throttled(retry_after=None, longest=300)  # one interval: hours
    assert bucket._wait_for_token(clock.now) == pytest.approx(300)


async def test_a_token_given_back_is_free_again_up_to_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(per_second=1, burst=2), clock=clock)
    for _ in range(2):
        await asyncio.wait_for(bucket.acquire(Lane.TRANSACTIONAL), 1)
    assert bucket._wait_for_token(clock.now) == pytest.approx(1.0)
    bucket.give_back()
    assert bucket._wait_for_token(clock.now) == 0
    bucket.give_back()
    bucket.give_back()
    assert bucket._tokens == 2


async def test_repeated_429s_slow_down_at_most_sixteen_fold() -> None:
    bucket = TokenBucket(RateLimit(per_second=16, burst=1), clock=FakeClock())
    for _ in range(10):
        bucket.throttled(retry_after=None, longest=300)
    assert bucket.rate == 1


async def test_bulk_never_takes_a_token_a_transactional_send_waits_for() -> None:
    bucket = TokenBucket(RateLimit(per_second=100, burst=1))
    await bucket.acquire(Lane.TRANSACTIONAL)  # empty now
    order: list[str] = []

    async def take(lane: Lane) -> None:
        await bucket.acquire(lane)
        order.append(lane.value)

    bulk = asyncio.create_task(take(Lane.BULK))  # waiting first
    await asyncio.sleep(0)
    transactional = asyncio.create_task(take(Lane.TRANSACTIONAL))
    await asyncio.wait_for(asyncio.gather(bulk, transactional), 5)
    assert order == [Lane.TRANSACTIONAL.value, Lane.BULK.value]


async def test_bulk_cannot_fill_the_slots_reserved_for_transactional_sends() -> None:
    slots = LaneSlots(limit=3, bulk_limit=2)
    release = asyncio.Event()
    entered: list[str] = []

    async def hold(lane: Lane, name: str) -> None:
        async with slots.hold(lane):
            entered.append(name)
            await release.wait()

    tasks = [asyncio.create_task(hold(Lane.BULK, f"bulk-{i}")) for i in range(3)]
    tasks.append(asyncio.create_task(hold(Lane.TRANSACTIONAL, "transactional")))
    for _ in range(5):
        await asyncio.sleep(0)
    assert entered == ["bulk-0", "bulk-1", "transactional"]  # bulk-2 waits
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert entered[-1] == "bulk-2"


async def test_transactional_sends_also_respect_the_whole_limit() -> None:
    slots = LaneSlots(limit=1, bulk_limit=1)
    release = asyncio.Event()
    entered: list[int] = []

    async def hold(number: int) -> None:
        async with slots.hold(Lane.TRANSACTIONAL):
            entered.append(number)
            await release.wait()

    tasks = [asyncio.create_task(hold(i)) for i in range(2)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert entered == [0]
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert entered == [0, 1]


async def test_taking_at_once_follows_the_same_rules_as_waiting() -> None:
    """The dispatcher's fast path: a slot or token taken without waiting, only when a
    wait would not have been needed, and never one a transactional send waits for."""
    slots = LaneSlots(limit=2, bulk_limit=1)
    assert slots.try_acquire(Lane.BULK)
    assert not slots.try_acquire(Lane.BULK)  # the bulk share is full
    assert slots.try_acquire(Lane.TRANSACTIONAL)
    assert not slots.try_acquire(Lane.TRANSACTIONAL)  # the whole limit is full
    assert (slots._busy, slots._bulk_busy) == (2, 1)  # refusals took nothing
    slots.release(Lane.BULK)
    assert slots.try_acquire(Lane.BULK)

    clock = FakeClock()
    bucket = TokenBucket(RateLimit(per_second=10, burst=1), clock=clock)
    assert bucket.try_acquire(Lane.BULK)
    assert not bucket.try_acquire(Lane.TRANSACTIONAL)  # empty
    assert bucket._tokens == 0  # a refusal spends nothing
    waiting = asyncio.create_task(bucket.acquire(Lane.TRANSACTIONAL))
    await asyncio.sleep(0)
    clock.now += 0.1  # a token is free, but a transactional send waits for it
    assert not bucket.try_acquire(Lane.BULK)
    assert bucket.try_acquire(Lane.TRANSACTIONAL)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    bucket.throttled(retry_after=1.0, longest=300)
    clock.now += 0.5  # paused: no token even after what would have refilled one
    assert not bucket.try_acquire(Lane.TRANSACTIONAL)


async def test_a_cancelled_wait_takes_no_slot_and_no_token() -> None:
    """The dispatcher bounds these waits by a deadline (asyncio.timeout): a cancelled wait
    must leave nothing taken, even when the slot it waited for came in the same instant."""
    slots = LaneSlots(limit=1, bulk_limit=1)
    await slots.acquire(Lane.TRANSACTIONAL)
    waiting = asyncio.create_task(slots.acquire(Lane.TRANSACTIONAL))
    await asyncio.sleep(0)
    slots.release(Lane.TRANSACTIONAL)  # wakes it; cancelled before it runs
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert slots._busy == 0
    bucket = TokenBucket(RateLimit(per_second=1, burst=1))
    await bucket.acquire(Lane.TRANSACTIONAL)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await bucket.acquire(Lane.TRANSACTIONAL)
    assert 0 <= bucket._tokens < 1  # none spent
    assert bucket._transactional_waiting == 0  # bulk sends are not held back for it


def test_limits_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HERALD_RATE_LIMITS": "email=5/s:10, sms=60/m",
            "HERALD_CONCURRENCY_LIMITS": "push=8",
        }
    )
    assert settings.rate_limits == {"email": (5.0, 10.0), "sms": (1.0, 1.0)}
    assert settings.concurrency_limits["push"] == 8
    assert settings.concurrency_limits["email"] == 16  # the default stays


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HERALD_RATE_LIMITS", "fax=5/s"),
        ("HERALD_RATE_LIMITS", "email=5/week"),
        ("HERALD_RATE_LIMITS", "email=0/s"),
        ("HERALD_RATE_LIMITS", "email"),
        ("HERALD_CONCURRENCY_LIMITS", "sms=0"),
        ("HERALD_CONCURRENCY_LIMITS", "sms=many"),
    ],
)
def test_bad_limits_are_configuration_errors(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})
