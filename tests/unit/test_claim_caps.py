"""A claim takes no more deliveries of a channel than the claiming process has room for
(Queue.claim's caps, Dispatcher._room): the rest stay queued for the other processes and
replicas, and a full channel's backlog does not hide the other channels' rows."""

from __future__ import annotations

import asyncio
import time

import pytest
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.limits import RateLimit
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue
from herald.store.schema import deliveries, requests

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")


async def store(queue: Queue, channels: list[Channel], now: float) -> list[str]:
    """Bulk deliveries of `channels`, due in that order; their ids."""
    request_id = new_id()
    rows = [
        delivery_row(request_id, i, c.value, "x@example.com", Lane.BULK.value, now - 100 + i)
        for i, c in enumerate(channels)
    ]
    async with queue.db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request_row(request_id, now)])
        await connection.execute(deliveries.insert(), rows)
    return [row["id"] for row in rows]


async def test_a_claim_takes_at_most_each_channels_cap_and_the_others_behind_it(
    queue: Queue,
) -> None:
    now = time.time()
    # A webhook backlog due first, then email: a cap on webhook leaves its rest queued
    # and still reaches the email rows behind it.
    ids = await store(queue, [Channel.WEBHOOK] * 5 + [Channel.EMAIL] * 3, now)
    async with queue.db.engine.begin() as connection:  # an expired lease counts too
        await connection.execute(
            deliveries.update()
            .where(deliveries.c.id == ids[4])
            .values(state=DeliveryState.SENDING.value, lease_owner="gone", lease_expires_at=now - 1)
        )

    caps = {Channel.WEBHOOK: 2, Channel.EMAIL: 5}
    claimed = await queue.claim("me", Lane.BULK.value, 10, now, 30.0, caps)
    rest = await queue.claim("other", Lane.BULK.value, 10, now, 30.0)

    assert sorted(row["id"] for row in claimed) == sorted([ids[0], ids[1], *ids[5:]])
    assert {row["lease_owner"] for row in claimed} == {"me"}
    assert sorted(row["id"] for row in rest) == sorted(ids[2:5])


async def test_the_cap_spans_queued_rows_and_expired_leases(queue: Queue) -> None:
    now = time.time()
    ids = await store(queue, [Channel.EMAIL] * 3, now)
    async with queue.db.engine.begin() as connection:
        await connection.execute(
            deliveries.update()
            .where(deliveries.c.id.in_(ids[:2]))
            .values(state=DeliveryState.SENDING.value, lease_owner="gone", lease_expires_at=now - 1)
        )

    claimed = await queue.claim("me", Lane.BULK.value, 10, now, 30.0, {Channel.EMAIL: 2})

    assert len(claimed) == 2  # the queued row, then one expired lease: not all three
    assert ids[2] in {row["id"] for row in claimed}


async def test_a_claim_takes_the_first_due_rows_across_channels(queue: Queue) -> None:
    now = time.time()
    ids = await store(queue, [Channel.EMAIL, Channel.WEBHOOK, Channel.EMAIL, Channel.SMS], now)

    claimed = await queue.claim("me", Lane.BULK.value, 3, now, 30.0, {Channel.EMAIL: 5})

    assert sorted(row["id"] for row in claimed) == sorted(ids[:3])


def _dispatcher(**limits: dict[Channel, object]) -> Dispatcher:
    return Dispatcher(
        queue=None,  # type: ignore[arg-type]  # nothing here reaches the store
        adapters={},
        hub=Hub(),
        retry=RetryPolicy(5, 1.0, 300.0),
        lease_seconds=30.0,
        workers=64,
        transactional_reserve=0.25,
        **limits,  # type: ignore[arg-type]
    )


def _leased(lane: Lane, channel: Channel = Channel.WEBHOOK) -> Leased:
    now = time.time()
    return Leased(new_id(), new_id(), 0, channel, "u", "", 0, now + 60, now, lane)


async def test_a_process_holds_twice_what_its_limits_let_it_send_at_once() -> None:
    dispatcher = _dispatcher(
        concurrency={Channel.WEBHOOK: 4},
        rate_limits={Channel.SMS: RateLimit(per_second=3.0, burst=2.0)},
    )
    # 4 webhook slots here, one kept for transactional sends; 3 SMS a second, 2 at once.
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL) == {Channel.WEBHOOK: 8, Channel.SMS: 5}
    assert dispatcher._claim_caps(Lane.BULK) == {Channel.WEBHOOK: 6, Channel.SMS: 5}

    held = asyncio.Event()
    for _ in range(6):
        dispatcher._spawn(_leased(Lane.BULK), held.wait(), bulk=True)
    dispatcher._spawn(_leased(Lane.TRANSACTIONAL), held.wait())
    assert dispatcher._claim_caps(Lane.BULK) == {Channel.WEBHOOK: 0, Channel.SMS: 5}
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL) == {Channel.WEBHOOK: 7, Channel.SMS: 5}
    held.set()
    await asyncio.sleep(0.01)
    assert dispatcher._claim_caps(Lane.BULK)[Channel.WEBHOOK] == 6


async def test_a_campaign_holding_its_room_leaves_transactional_work_room() -> None:
    """A rate-limited channel's bulk room is as large as its transactional room: a
    campaign that fills it must not keep notifications from being claimed (they take the
    next token ahead of it, limits.TokenBucket)."""
    dispatcher = _dispatcher(rate_limits={Channel.WEBHOOK: RateLimit(per_second=2.0, burst=2.0)})
    held = asyncio.Event()
    for _ in range(4):
        dispatcher._spawn(_leased(Lane.BULK), held.wait(), bulk=True)
    assert dispatcher._claim_caps(Lane.BULK) == {Channel.WEBHOOK: 0}
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL) == {Channel.WEBHOOK: 4}
    held.set()


async def test_a_full_channel_wakes_its_claim_loop_once_half_its_room_is_free() -> None:
    dispatcher = _dispatcher(concurrency={Channel.EMAIL: 4})  # room for 8
    releases = [asyncio.Event() for _ in range(8)]
    for release in releases:
        dispatcher._spawn(_leased(Lane.TRANSACTIONAL, Channel.EMAIL), release.wait())
    wake = dispatcher._wake[Lane.TRANSACTIONAL]
    caps = {Channel.EMAIL: 8}
    rows = [{"channel": Channel.EMAIL.value}] * 8
    assert not dispatcher._claimed_all_room(Lane.TRANSACTIONAL, caps, rows)
    wake.clear()

    for release in releases[:3]:
        release.set()
    await asyncio.sleep(0.01)
    assert not wake.is_set(), "a claim per finished attempt would make a claim per send"
    releases[3].set()
    await asyncio.sleep(0.01)
    assert wake.is_set(), "half the room is free: claim it"
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL) == {Channel.EMAIL: 4}
    for release in releases[4:]:
        release.set()
