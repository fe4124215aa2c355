"""A delivery past its deadline_at is not sent, however it reaches a worker: queued
(a backlog), an orphaned lease taken over after a crash, a fallback step leased
after the step before it failed. It fails at once, permanently, with
DELIVERY_DEADLINE_EXCEEDED, and is published like any outcome. A real webhook
channel and a real receiver: the receiver hears of none of them."""

from __future__ import annotations

import asyncio
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
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import HELD, Queue

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

CONTENT = Content(subject="s", text="t")
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
WEBHOOK_TIMEOUT = 1.5


@dataclass
class Rig:
    queue: Queue
    dispatcher: Dispatcher
    receiver: WebhookReceiver


@pytest.fixture
async def rig(queue: Queue, receiver: WebhookReceiver) -> AsyncIterator[Rig]:
    webhook = WebhookChannel(
        [WEBHOOK_SECRET],
        timeout=WEBHOOK_TIMEOUT,
        allow=LOOPBACK,
        allow_public=False,
    )
    await webhook.start()
    dispatcher = Dispatcher(
        queue, {Channel.WEBHOOK: webhook}, Hub(), RetryPolicy(3, 0.05, 1.0), 30.0, 8
    )
    yield Rig(queue, dispatcher, receiver)
    await dispatcher.stop(1)
    await webhook.close()


async def final_views(updates: asyncio.Queue[DeliveryView], count: int) -> list[DeliveryView]:
    views: dict[str, DeliveryView] = {}
    async with asyncio.timeout(10):
        while len(views) < count:
            view = await updates.get()
            if view.state.final:
                views[view.id] = view
    return list(views.values())


async def test_queued_and_orphaned_deliveries_past_their_deadline_are_not_sent(
    rig: Rig,
) -> None:
    now = time.time()
    request_id = new_id()
    url = rig.receiver.url("/late")
    queued = delivery_row(request_id, 0, "webhook", url, Lane.TRANSACTIONAL.value, now - 7200)
    orphaned = delivery_row(
        request_id, 1, "webhook", url, Lane.TRANSACTIONAL.value, now - 7200, "dead-process", 30
    )
    for row in (queued, orphaned):
        row["deadline_at"] = now - 3600
    await rig.queue.enqueue(
        request_row(request_id, now, content_codec.encode(CONTENT)),
        [
            queued,
            orphaned,
        ],
    )
    with rig.dispatcher.hub.watch(request_id) as updates:
        await rig.dispatcher.start([Lane.TRANSACTIONAL])
        views = await final_views(updates, 2)

    assert {(v.state, v.error_code, v.permanent) for v in views} == {
        (DeliveryState.FAILED, "DELIVERY_DEADLINE_EXCEEDED", True)
    }
    rows = await rig.queue.request_deliveries(request_id)
    assert [(r.state, r.error_code, r.permanent, r.lease_owner) for r in rows] == [
        ("failed", "DELIVERY_DEADLINE_EXCEEDED", True, None)
    ] * 2
    assert all(r.completed_at is not None for r in rows)
    await asyncio.sleep(0.3)  # nothing on its way either
    assert rig.receiver.received == []


async def test_a_fallback_step_leased_after_the_deadline_is_not_sent(rig: Rig) -> None:
    """The first step is sent in time but times out after the deadline; the second,
    leased to this process by that outcome's transaction, fails unsent."""
    now = time.time()
    request_id = new_id()
    first = delivery_row(
        request_id,
        0,
        "webhook",
        rig.receiver.url("/hold/first"),  # never answered: the channel times out
        Lane.TRANSACTIONAL.value,
        now,
        rig.dispatcher.owner,
    )
    second = delivery_row(
        request_id, 1, "webhook", rig.receiver.url("/second"), Lane.TRANSACTIONAL.value, now
    )
    second["next_attempt_at"] = HELD
    for row in (first, second):
        row.update(fallback=True, deadline_at=now + WEBHOOK_TIMEOUT / 2)
    await rig.queue.enqueue(
        request_row(request_id, now, content_codec.encode(CONTENT)), [first, second]
    )
    with rig.dispatcher.hub.watch(request_id) as updates:
        rig.dispatcher.run([Leased.from_row(first)], CONTENT)
        views = {v.position: v for v in await final_views(updates, 2)}

    assert [hit.path for hit in rig.receiver.received] == ["/hold/first"]
    assert views[0].state is DeliveryState.FAILED
    assert views[0].error_code != "DELIVERY_DEADLINE_EXCEEDED"  # it was sent: a timeout
    assert (views[1].state, views[1].error_code, views[1].permanent) == (
        DeliveryState.FAILED,
        "DELIVERY_DEADLINE_EXCEEDED",
        True,
    )
    rows = await rig.queue.request_deliveries(request_id)
    assert [(r.state, r.error_code) for r in rows] == [
        ("failed", views[0].error_code),
        ("failed", "DELIVERY_DEADLINE_EXCEEDED"),
    ]
