"""An attempt whose lease another worker has taken over leaves no trace of itself: a
real webhook channel under a rate limit of one token, a real receiver. An attempt that
finds its lease lost just before it sends gives back the token it took, so the next
delivery goes out at once rather than waiting for a token that was never used. One
whose outcome comes after the takeover (its send answered, or its deadline passed while
it waited for a token) is fenced out of recording it, and then neither publishes it to
the watchers nor counts it: the watchers see what the new holder records."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from herald.channels.webhook import WebhookChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import DEADLINE_EXCEEDED, Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.limits import RateLimit
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue
from herald.store.schema import deliveries
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

CONTENT = Content(subject="s", text="t")
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
OTHER = "the-other-replica"
LEASE = 30.0
ONE_TOKEN = RateLimit(per_second=0.001, burst=1.0)  # the next token in 1,000 s
DEADLINE = 2.0  # seconds a delivery here may wait for its turn


@dataclass
class Rig:
    queue: Queue
    dispatcher: Dispatcher
    receiver: WebhookReceiver

    async def delivery(self, path: str, holder: str) -> dict[str, Any]:
        """A webhook delivery to `path`, leased to `holder`, due by DEADLINE from now."""
        now = time.time()
        request_id = new_id()
        row = delivery_row(
            request_id, 0, "webhook", self.receiver.url(path), Lane.TRANSACTIONAL.value, now
        )
        row.update(
            state=DeliveryState.SENDING.value,
            lease_owner=holder,
            lease_expires_at=now + LEASE,
            deadline_at=now + DEADLINE,
        )
        await self.queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), [row])
        return row

    async def take_over(self, row: dict[str, Any]) -> None:
        """What another worker's claim of the row after its lease ran out leaves."""
        async with self.queue.db.engine.begin() as connection:
            await connection.execute(
                deliveries.update()
                .where(deliveries.c.id == row["id"])
                .values(lease_owner=OTHER, lease_expires_at=time.time() + LEASE)
            )

    async def stored(self, row: dict[str, Any]) -> tuple[str, int, str | None]:
        (stored,) = await self.queue.request_deliveries(row["request_id"])
        return stored.state, stored.attempts, stored.lease_owner


def assert_none_published(updates: asyncio.Queue[DeliveryView]) -> None:
    assert updates.empty(), f"published a state the store does not have: {updates.get_nowait()}"


def counted(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "herald_deliveries_total", {"channel": "webhook", "outcome": outcome}
    )
    return value or 0.0


@pytest.fixture
async def rig(queue: Queue, receiver: WebhookReceiver) -> AsyncIterator[Rig]:
    webhook = WebhookChannel([WEBHOOK_SECRET], timeout=5.0, allow=LOOPBACK, allow_public=False)
    await webhook.start()
    dispatcher = Dispatcher(
        queue,
        {Channel.WEBHOOK: webhook},
        Hub(),
        RetryPolicy(3, 0.05, 1.0),
        LEASE,
        8,
        rate_limits={Channel.WEBHOOK: ONE_TOKEN},
    )
    yield Rig(queue, dispatcher, receiver)
    await dispatcher.stop(1)
    await webhook.close()


async def test_an_attempt_that_lost_its_lease_gives_its_rate_token_back(rig: Rig) -> None:
    # Run here as if this process had leased it, but the row is the other replica's
    # now; the attempt renews its lease before sending (its expiry is unknown: 0).
    taken = await rig.delivery("/taken", OTHER)
    stale = dataclasses.replace(Leased.from_row(taken), lease_expires_at=0.0)
    (lost,) = rig.dispatcher.run([stale], CONTENT)
    assert (await lost).state is DeliveryState.SENDING  # neither sent nor recorded

    mine = await rig.delivery("/next", rig.dispatcher.owner)
    (attempt,) = rig.dispatcher.run([Leased.from_row(mine)], CONTENT)
    view = await attempt

    assert view.error_code != DEADLINE_EXCEEDED, "the token went with the lost lease"
    assert view.state is DeliveryState.DELIVERED
    assert [hit.path for hit in rig.receiver.received] == ["/next"]


async def test_a_send_answered_after_a_takeover_is_neither_published_nor_counted(
    rig: Rig,
) -> None:
    row = await rig.delivery("/hold/answer", rig.dispatcher.owner)
    delivered_before = counted("delivered")
    with rig.dispatcher.hub.watch(row["request_id"]) as updates, capture_logs() as logs:
        (attempt,) = rig.dispatcher.run([Leased.from_row(row)], CONTENT)
        await asyncio.wait_for(rig.receiver.arrived["/hold/answer"].wait(), 5)
        await rig.take_over(row)
        rig.receiver.release("answer")

        view = await attempt

    assert view.state is DeliveryState.SENDING  # the new holder's attempt records it
    assert_none_published(updates)
    assert counted("delivered") == delivered_before
    assert await rig.stored(row) == ("sending", 0, OTHER)
    # The send happened (the receiver has it) but its outcome is not the delivery's: the
    # log line says so, at info though it succeeded, not as an ordinary success.
    [line] = [e for e in logs if e["event"] == "delivery_attempt"]
    assert (line["log_level"], line["ok"], line["recorded"]) == ("info", True, False)


async def test_a_deadline_passed_after_a_takeover_is_neither_published_nor_counted(
    rig: Rig,
) -> None:
    first = await rig.delivery("/first", rig.dispatcher.owner)
    (sent,) = rig.dispatcher.run([Leased.from_row(first)], CONTENT)
    assert (await sent).state is DeliveryState.DELIVERED  # the only token, spent
    row = await rig.delivery("/waits", rig.dispatcher.owner)
    failed_before = counted("failed")
    with rig.dispatcher.hub.watch(row["request_id"]) as updates:
        (attempt,) = rig.dispatcher.run([Leased.from_row(row)], CONTENT)
        await asyncio.sleep(0.2)  # waiting for a token
        await rig.take_over(row)

        view = await attempt  # its deadline passes while it waits

    assert (view.state, view.error_code) == (DeliveryState.SENDING, "")
    assert_none_published(updates)
    assert counted("failed") == failed_before
    assert await rig.stored(row) == ("sending", 0, OTHER)
    assert [hit.path for hit in rig.receiver.received] == ["/first"]
