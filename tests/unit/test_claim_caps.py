"""A claim takes no more deliveries of a channel than the claiming process has free slots
for (store/queue.py's capped claims, Dispatcher._claim_caps): the rest stay queued for the
other processes and replicas, rather than waiting here for a slot."""

from __future__ import annotations

import asyncio
import time

import pytest
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue
from herald.store.schema import deliveries, requests

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")


async def test_a_capped_claim_takes_at_most_each_channels_cap(queue: Queue) -> None:
    now = time.time()
    request_id = new_id()
    channels = [Channel.WEBHOOK] * 4 + [Channel.EMAIL] * 2 + [Channel.WEBHOOK]
    rows = [
        delivery_row(request_id, i, c.value, "x@example.com", Lane.BULK.value, now - 10 + i)
        for i, c in enumerate(channels)
    ]
    rows[-1].update(  # an expired lease: the cap counts it with the queued ones
        state=DeliveryState.SENDING.value, lease_owner="gone", lease_expires_at=now - 1
    )
    async with queue.db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request_row(request_id, now)])
        await connection.execute(deliveries.insert(), rows)

    caps = {Channel.WEBHOOK.value: 2, Channel.EMAIL.value: 5}
    claimed = await queue.claim("me", Lane.BULK.value, 10, now, 30.0, caps)
    rest = await queue.claim("other", Lane.BULK.value, 10, now, 30.0)

    assert sorted(row["id"] for row in claimed) == sorted(rows[i]["id"] for i in (0, 1, 4, 5))
    assert {row["lease_owner"] for row in claimed} == {"me"}
    assert sorted(row["id"] for row in rest) == sorted(rows[i]["id"] for i in (2, 3, 6))


def _dispatcher(workers: int = 64) -> Dispatcher:
    return Dispatcher(
        queue=None,  # type: ignore[arg-type]  # nothing here reaches the store
        adapters={},
        hub=Hub(),
        retry=RetryPolicy(5, 1.0, 300.0),
        lease_seconds=30.0,
        workers=workers,
        concurrency={Channel.WEBHOOK: 4},
        transactional_reserve=0.25,
    )


def _leased(lane: Lane) -> Leased:
    now = time.time()
    return Leased(new_id(), new_id(), 0, Channel.WEBHOOK, "u", "", 0, now + 60, now, lane)


async def test_the_dispatcher_caps_a_claim_by_the_free_slots_of_each_channel() -> None:
    dispatcher = _dispatcher()
    # Nothing of the channel runs here: the plain claim (whatever it takes beyond the
    # channel's slots is handed back, below).
    assert dispatcher._claim_caps(Lane.BULK, 60) is None

    held = asyncio.Event()
    dispatcher._spawn(_leased(Lane.BULK), held.wait(), bulk=True)
    # 4 webhook slots here, one kept for transactional sends; one taken.
    assert dispatcher._claim_caps(Lane.BULK, 60) == {"webhook": 2}
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL, 64) == {"webhook": 3}
    assert dispatcher._claim_caps(Lane.BULK, 2) is None  # no channel limits this claim
    for _ in range(2):
        dispatcher._spawn(_leased(Lane.BULK), held.wait(), bulk=True)
    assert dispatcher._claim_caps(Lane.BULK, 57) == {"webhook": 0}
    assert dispatcher._claim_caps(Lane.TRANSACTIONAL, 61) == {"webhook": 1}

    dispatcher._wake.clear()
    held.set()
    await asyncio.sleep(0.01)
    assert dispatcher._wake.is_set(), "a full channel's freed slot wakes the claims"
    assert dispatcher._claim_caps(Lane.BULK, 60) is None


async def test_a_plain_claim_hands_back_what_it_has_no_slots_for(queue: Queue) -> None:
    now = time.time()
    request_id = new_id()
    channels = [Channel.WEBHOOK] * 5 + [Channel.IN_APP]
    rows = [
        delivery_row(request_id, i, c.value, "x", Lane.BULK.value, now - 10 + i)
        for i, c in enumerate(channels)
    ]
    async with queue.db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request_row(request_id, now)])
        await connection.execute(deliveries.insert(), rows)
    dispatcher = _dispatcher()  # 3 webhook slots for bulk work, in-app unlimited

    claimed = await queue.claim("me", Lane.BULK.value, 10, now, 30.0)
    beyond = dispatcher._beyond_caps(Lane.BULK, claimed)
    assert [row["channel"] for row in beyond] == [Channel.WEBHOOK.value] * 2
    await queue.hand_back("me", beyond, now)

    rest = await queue.claim("other", Lane.BULK.value, 10, now, 30.0)
    assert sorted(row["id"] for row in rest) == sorted(row["id"] for row in beyond)
