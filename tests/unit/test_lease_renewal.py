"""Two dispatchers (two replicas) on one store: the first holds six webhook deliveries
under a two-second lease and may send one a second; the second takes over the leases
that run out while they wait for a token. Before it sends, an attempt renews a lease
that is running low, or, finding it taken, neither sends nor records: every
delivery reaches the (real) receiver once, and is recorded once, by whoever sent it."""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from herald.channels.webhook import WebhookChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.limits import RateLimit
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

CONTENT = Content(subject="s", text="t")
LEASE = 2.0
COUNT = 6


@dataclass
class Replica:
    dispatcher: Dispatcher
    webhook: WebhookChannel


@pytest.fixture
async def replicas(queue: Queue) -> AsyncIterator[list[Replica]]:
    started: list[Replica] = []

    async def replica(rate: float | None) -> Replica:
        webhook = WebhookChannel(
            [WEBHOOK_SECRET], timeout=2.0, allow=(ipaddress.ip_network("127.0.0.0/8"),)
        )
        await webhook.start()
        limits = {Channel.WEBHOOK: RateLimit(rate, 1.0)} if rate else None
        dispatcher = Dispatcher(
            queue,
            {Channel.WEBHOOK: webhook},
            Hub(),
            RetryPolicy(3, 0.05, 1.0),
            LEASE,
            16,
            rate_limits=limits,
        )
        started.append(Replica(dispatcher, webhook))
        return started[-1]

    await replica(1.0)  # sends one a second
    await replica(None)  # no limit: sends what it takes over at once
    yield started
    for r in started:
        await r.dispatcher.stop(1)
        await r.webhook.close()


async def test_an_attempt_that_lost_its_lease_while_waiting_neither_sends_nor_records(
    queue: Queue, replicas: list[Replica], receiver: WebhookReceiver
) -> None:
    slow, other = replicas
    now = time.time()
    request_id = new_id()
    rows = [
        delivery_row(
            request_id,
            i,
            "webhook",
            receiver.url(f"/r{i}"),
            Lane.TRANSACTIONAL.value,
            now,
            slow.dispatcher.owner,
            LEASE,
        )
        for i in range(COUNT)
    ]
    await queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), rows)
    recorded: dict[str, list[DeliveryView]] = collections.defaultdict(list)
    all_recorded = asyncio.Event()

    async def follow(name: str, hub: Hub) -> None:
        with hub.watch(request_id) as updates:
            while True:
                view = await updates.get()
                if view.state.final:
                    recorded[name].append(view)
                    if sum(len(v) for v in recorded.values()) >= COUNT:
                        all_recorded.set()

    followers = [
        asyncio.create_task(follow("slow", slow.dispatcher.hub)),
        asyncio.create_task(follow("other", other.dispatcher.hub)),
    ]
    await asyncio.sleep(0)
    # Like a SendMessage: leased to the slow replica, which runs them at once; the
    # other claims whatever lease runs out.
    tasks = slow.dispatcher.run([Leased.from_row(row) for row in rows], CONTENT)
    await other.dispatcher.start([Lane.TRANSACTIONAL])
    async with asyncio.timeout(20):
        views = await asyncio.gather(*tasks)
        await all_recorded.wait()
    await asyncio.sleep(0.5)  # anything still on its way
    for follower in followers:
        follower.cancel()

    hits = collections.Counter(hit.path for hit in receiver.received)
    assert hits == {f"/r{i}": 1 for i in range(COUNT)}
    # The other replica took some over, and the slow one's attempts for those ended
    # where they lost the lease: unrecorded, unpublished.
    taken = {v.id for v in recorded["other"]}
    assert taken, "no lease ran out: the test tested nothing"
    assert {v.id for v in views if v.state is DeliveryState.SENDING} == taken
    assert {v.id for v in recorded["slow"]}.isdisjoint(taken)
    assert len(recorded["slow"]) + len(taken) == COUNT
    stored = await queue.request_deliveries(request_id)
    assert [(r.state, r.attempts, r.lease_owner) for r in stored] == [
        ("delivered", 1, None)
    ] * COUNT
