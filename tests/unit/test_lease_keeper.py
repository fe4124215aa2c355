"""A send that outlasts its lease keeps it: two dispatchers (two replicas) on one
store, the first sending a webhook the (real) receiver answers after three lease
periods, the second claiming every lease that runs out. The first renews the lease
while its send runs, so the second never takes the delivery over: the receiver gets
it once, and it is recorded once."""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import time
from collections.abc import AsyncIterator

import pytest
from herald.channels.webhook import WebhookChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

CONTENT = Content(subject="s", text="t")
LEASE = 1.0
ANSWER_AFTER = 3 * LEASE


@pytest.fixture
async def dispatchers(queue: Queue) -> AsyncIterator[list[Dispatcher]]:
    webhook = WebhookChannel(
        [WEBHOOK_SECRET], timeout=10.0, allow=(ipaddress.ip_network("127.0.0.0/8"),)
    )
    await webhook.start()
    started = [
        Dispatcher(queue, {Channel.WEBHOOK: webhook}, Hub(), RetryPolicy(3, 0.05, 1.0), LEASE, 16)
        for _ in range(2)
    ]
    yield started
    for dispatcher in started:
        await dispatcher.stop(1)
    await webhook.close()


async def test_a_send_longer_than_its_lease_is_not_taken_over(
    queue: Queue, dispatchers: list[Dispatcher], receiver: WebhookReceiver
) -> None:
    sending, other = dispatchers
    now = time.time()
    request_id = new_id()
    row = delivery_row(
        request_id,
        0,
        "webhook",
        receiver.url(f"/delay/{ANSWER_AFTER}"),
        Lane.TRANSACTIONAL.value,
        now,
        sending.owner,
        LEASE,
    )
    await queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), [row])
    taken_over: list[str] = []

    async def follow() -> None:
        with other.hub.watch(request_id) as updates:
            while True:
                taken_over.append((await updates.get()).id)

    follower = asyncio.create_task(follow())
    await sending.start([Lane.TRANSACTIONAL])
    [task] = sending.run([Leased.from_row(row)], CONTENT)
    await other.start([Lane.TRANSACTIONAL])
    async with asyncio.timeout(20):
        view = await task
    await asyncio.sleep(LEASE)  # a takeover would be sending by now
    follower.cancel()

    assert view.state is DeliveryState.DELIVERED
    assert collections.Counter(hit.path for hit in receiver.received) == {
        f"/delay/{ANSWER_AFTER}": 1
    }
    assert taken_over == []
    stored = await queue.request_deliveries(request_id)
    assert [(r.state, r.attempts, r.lease_owner) for r in stored] == [("delivered", 1, None)]
