"""Dispatcher.stop(grace) waits, until one deadline, for every attempt running in the
process, also those started after stop began: a fallback chain's next step, a send RPC
still in flight calling run(). Only then does it hand the leases back, so an attempt that
ends within the grace period is recorded (not handed back while it is being sent, to be
sent again). What still runs at the deadline is cancelled and handed back. A real
webhook channel and a real receiver, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from herald.channels.webhook import WebhookChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import HELD, Queue

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

CONTENT = Content(subject="s", text="t")
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


@dataclass
class Rig:
    queue: Queue
    dispatcher: Dispatcher
    receiver: WebhookReceiver


@pytest.fixture
async def rig(queue: Queue, receiver: WebhookReceiver) -> AsyncIterator[Rig]:
    webhook = WebhookChannel([WEBHOOK_SECRET], timeout=20, allow=LOOPBACK, allow_public=False)
    await webhook.start()
    dispatcher = Dispatcher(
        queue, {Channel.WEBHOOK: webhook}, Hub(), RetryPolicy(3, 0.05, 1.0), 30.0, 8
    )
    yield Rig(queue, dispatcher, receiver)
    await dispatcher.stop(1)
    await webhook.close()


async def store(rig: Rig, urls: list[str], fallback: bool = False) -> list[dict[str, Any]]:
    """A request's webhook deliveries, the first leased to the dispatcher (the rest held,
    for a fallback chain), as a send RPC stores them."""
    now = time.time()
    request_id = new_id()
    rows = []
    for position, url in enumerate(urls):
        row = delivery_row(
            request_id,
            position,
            Channel.WEBHOOK.value,
            rig.receiver.url(url),
            Lane.TRANSACTIONAL.value,
            now,
            rig.dispatcher.owner if position == 0 else None,
        )
        row["fallback"] = fallback
        if fallback and position:
            row["next_attempt_at"] = HELD
        rows.append(row)
    await rig.queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), rows)
    return rows


async def stored(queue: Queue, request_id: str) -> list[tuple[str, str | None, int]]:
    rows = await queue.request_deliveries(request_id)
    return [(row.state, row.lease_owner, row.attempts) for row in rows]


async def test_a_fallback_step_started_during_stop_is_recorded_before_leases_go_back(
    rig: Rig,
) -> None:
    rows = await store(rig, ["/status/400", "/hold/second"], fallback=True)
    rig.dispatcher.run([Leased.from_row(rows[0])], CONTENT)
    stopping = asyncio.create_task(rig.dispatcher.stop(20))
    # The first channel fails (400: permanent): the chain leases the second one and
    # starts it, after stop began.
    await asyncio.wait_for(rig.receiver.arrived["/hold/second"].wait(), 10)
    await asyncio.sleep(0.3)
    assert not stopping.done(), "stop() returned while the second channel was being sent"
    rig.receiver.release("second")
    await asyncio.wait_for(stopping, 10)
    assert await stored(rig.queue, rows[0]["request_id"]) == [
        ("failed", None, 1),
        ("delivered", None, 1),
    ]
    assert [r.path for r in rig.receiver.received] == ["/status/400", "/hold/second"]


async def test_a_send_started_after_stop_began_is_recorded_before_leases_go_back(
    rig: Rig,
) -> None:
    await rig.dispatcher.start()
    first = await store(rig, ["/hold/first"])
    rig.dispatcher.run([Leased.from_row(first[0])], CONTENT)
    await asyncio.wait_for(rig.receiver.arrived["/hold/first"].wait(), 10)
    stopping = asyncio.create_task(rig.dispatcher.stop(20))
    await asyncio.sleep(0.05)
    # A SendMessage still in flight stores its delivery (leased to this process) and
    # runs it, after stop began; then the attempt stop() found running ends.
    rows = await store(rig, ["/hold/late"])
    (attempt,) = rig.dispatcher.run([Leased.from_row(rows[0])], CONTENT)
    await asyncio.wait_for(rig.receiver.arrived["/hold/late"].wait(), 10)
    rig.receiver.release("first")
    await asyncio.sleep(0.3)
    assert not stopping.done(), "stop() returned while the late delivery was being sent"
    rig.receiver.release("late")
    assert (await asyncio.wait_for(attempt, 10)).state is DeliveryState.DELIVERED
    await asyncio.wait_for(stopping, 10)
    for request in (first, rows):
        assert await stored(rig.queue, request[0]["request_id"]) == [("delivered", None, 1)]
    assert sorted(r.path for r in rig.receiver.received) == ["/hold/first", "/hold/late"]


async def test_what_runs_past_the_grace_period_is_cancelled_and_handed_back(rig: Rig) -> None:
    rows = await store(rig, ["/status/400", "/hold/never"], fallback=True)
    rig.dispatcher.run([Leased.from_row(rows[0])], CONTENT)
    started = time.monotonic()
    await asyncio.wait_for(rig.dispatcher.stop(1.0), 10)
    assert time.monotonic() - started < 3.0  # one deadline, not one per chain step
    assert rig.receiver.arrived["/hold/never"].is_set()
    assert await stored(rig.queue, rows[0]["request_id"]) == [
        ("failed", None, 1),
        ("queued", None, 0),  # handed back: whoever claims it sends it
    ]


async def test_a_run_after_stop_sends_nothing(rig: Rig) -> None:
    await rig.dispatcher.stop(1)
    rows = await store(rig, ["/ok"])
    (attempt,) = rig.dispatcher.run([Leased.from_row(rows[0])], CONTENT)
    assert (await asyncio.wait_for(attempt, 5)).state is DeliveryState.SENDING
    await asyncio.sleep(0.2)
    assert rig.receiver.received == []
    # Nothing recorded: the lease expires and another worker sends it.
    assert await stored(rig.queue, rows[0]["request_id"]) == [("sending", rig.dispatcher.owner, 0)]


async def test_a_claimed_delivery_waiting_for_a_slot_goes_back_unsent_a_sends_goes_ahead(
    queue: Queue, receiver: WebhookReceiver
) -> None:
    webhook = WebhookChannel([WEBHOOK_SECRET], timeout=20, allow=LOOPBACK, allow_public=False)
    await webhook.start()
    dispatcher = Dispatcher(
        queue,
        {Channel.WEBHOOK: webhook},
        Hub(),
        RetryPolicy(3, 0.05, 1.0),
        30.0,
        8,
        concurrency={Channel.WEBHOOK: 1},
    )
    rig = Rig(queue, dispatcher, receiver)
    try:
        sending = await store(rig, ["/hold/first"])
        dispatcher.run([Leased.from_row(sending[0])], CONTENT)
        await asyncio.wait_for(receiver.arrived["/hold/first"].wait(), 10)
        # Queued for any worker: the claim loop takes it, and it waits for the slot. (The
        # bulk lane's: the store keeps other tests' transactional rows.)
        now = time.time()
        request_id = new_id()
        claimed = delivery_row(
            request_id, 0, Channel.WEBHOOK.value, receiver.url("/ok/claimed"), "bulk", now
        )
        await queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), [claimed])
        await dispatcher.start([Lane.BULK])
        for _ in range(100):
            if await stored(queue, request_id) == [("sending", dispatcher.owner, 0)]:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the queued delivery was not claimed")
        # A send's own delivery, waiting for the same slot: its RPC waits for it.
        own = await store(rig, ["/ok/own"])
        (attempt,) = dispatcher.run([Leased.from_row(own[0])], CONTENT)
        await asyncio.sleep(0.1)
        stopping = asyncio.create_task(dispatcher.stop(20))
        await asyncio.sleep(0.1)
        receiver.release("first")
        assert (await asyncio.wait_for(attempt, 10)).state is DeliveryState.DELIVERED
        await asyncio.wait_for(stopping, 10)
    finally:
        await dispatcher.stop(1)
        await webhook.close()
    assert await stored(queue, request_id) == [("queued", None, 0)]  # handed back, unsent
    assert sorted(r.path for r in receiver.received) == ["/hold/first", "/ok/own"]
    assert dispatcher._slots[Channel.WEBHOOK]._busy == 0  # every slot taken was given back
