"""A fallback chain moves on only with an outcome that was recorded: the step (lease the
next channel to the outcome's owner, or skip the rest) is in the recording's transaction
and applies only if the lease-fenced record did. A worker whose lease was taken over
neither leases the next channel to itself nor skips anything, on SQLite and PostgreSQL,
alone or in one group commit with the new holder's outcome. Then, with two real
dispatchers, real webhook channels and a real receiver: the old holder's timed-out
attempt does not send the next channel while the new holder delivers the first."""

from __future__ import annotations

import asyncio
import ipaddress
import time
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
from herald.store.queue import HELD, Outcome, Queue

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

OLD, NEW = "old-holder", "new-holder"
LEASE = 30.0
CONTENT = Content(subject="s", text="t")
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


async def chain(queue: Queue, holder: str, recipients: list[str], lease: float = 60.0) -> str:
    """A fallback chain whose first delivery is leased to `holder`, the rest held."""
    now = time.time()
    request_id = new_id()
    rows = []
    for position, recipient in enumerate(recipients):
        row = delivery_row(
            request_id,
            position,
            Channel.WEBHOOK.value,
            recipient,
            Lane.TRANSACTIONAL.value,
            now,
            holder if position == 0 else None,
            lease,
        )
        row["fallback"] = True
        if position:
            row["next_attempt_at"] = HELD
        rows.append(row)
    await queue.enqueue(request_row(request_id, now, content_codec.encode(CONTENT)), rows)
    return request_id


async def record(queue: Queue, request_id: str, owner: str, delivered: bool) -> None:
    """`owner` records the first delivery's final outcome with the chain's step, as the
    dispatcher does."""
    first = (await queue.request_deliveries(request_id))[0]
    now = time.time()
    outcome = Outcome(
        delivery_id=first.id,
        lease_owner=owner,
        state=DeliveryState.DELIVERED if delivered else DeliveryState.FAILED,
        attempts=first.attempts + 1,
        next_attempt_at=now,
        error_code="" if delivered else "WEBHOOK_REJECTED",
        permanent=not delivered,
        completed_at=now,
        request_id=request_id,
    )
    await queue.record(outcome, now, queue.fallback_ops(outcome, 0, now, LEASE))


def states(rows: list[Any]) -> list[tuple[str, str | None]]:
    return [(row.state, row.lease_owner) for row in rows]


async def test_the_lease_holders_failure_leases_the_next_channel_to_it(queue: Queue) -> None:
    request_id = await chain(queue, NEW, ["a", "b", "c"])
    await record(queue, request_id, NEW, delivered=False)
    assert states(await queue.request_deliveries(request_id)) == [
        ("failed", None),
        ("sending", NEW),
        ("queued", None),
    ]


async def test_a_fenced_out_failure_leases_nothing(queue: Queue) -> None:
    request_id = await chain(queue, NEW, ["a", "b", "c"])
    await record(queue, request_id, OLD, delivered=False)
    rows = await queue.request_deliveries(request_id)
    assert states(rows) == [("sending", NEW), ("queued", None), ("queued", None)]
    assert rows[1].next_attempt_at == HELD  # still held: no claim runs it
    # The holder then delivers: the rest is skipped, no second channel goes out.
    await record(queue, request_id, NEW, delivered=True)
    assert states(await queue.request_deliveries(request_id)) == [
        ("delivered", None),
        ("skipped", None),
        ("skipped", None),
    ]


async def test_a_fenced_out_success_skips_nothing(queue: Queue) -> None:
    request_id = await chain(queue, NEW, ["a", "b"])
    await record(queue, request_id, OLD, delivered=True)
    assert states(await queue.request_deliveries(request_id)) == [
        ("sending", NEW),
        ("queued", None),
    ]
    await record(queue, request_id, NEW, delivered=False)
    assert states(await queue.request_deliveries(request_id)) == [
        ("failed", None),
        ("sending", NEW),
    ]


@pytest.mark.parametrize("old_first", [True, False])
async def test_both_outcomes_in_one_group_commit(queue: Queue, old_first: bool) -> None:
    """The old holder's failure and the new holder's success in one transaction, in either
    order: the records run before the chain steps, only the new holder's counts."""
    request_id = await chain(queue, NEW, ["a", "b"])
    writes = [record(queue, request_id, OLD, False), record(queue, request_id, NEW, True)]
    await asyncio.gather(*(writes if old_first else writes[::-1]))
    assert states(await queue.request_deliveries(request_id)) == [
        ("delivered", None),
        ("skipped", None),
    ]


async def test_a_replica_that_lost_its_lease_mid_send_does_not_send_the_next_channel(
    queue: Queue, receiver: WebhookReceiver
) -> None:
    """The old holder's lease (1 s) runs out while its webhook is slow to answer; the new
    holder claims the row and sends it again; the old holder's attempt then times out (a
    failure, fenced out) and the new holder's is delivered. The next channel of the chain
    is never sent: skipped."""
    webhooks = [
        WebhookChannel([WEBHOOK_SECRET], timeout=timeout, allow=LOOPBACK, allow_public=False)
        for timeout in (2.0, 10.0)
    ]
    dispatchers = []
    for webhook, lease in zip(webhooks, (1.0, LEASE), strict=True):
        await webhook.start()
        dispatchers.append(
            Dispatcher(
                queue, {Channel.WEBHOOK: webhook}, Hub(), RetryPolicy(3, 0.05, 1.0), lease, 8
            )
        )
    old, new = dispatchers
    try:
        request_id = await chain(
            queue, old.owner, [receiver.url("/delay/3.5"), receiver.url("/second")], lease=1.0
        )
        first = (await queue.request_deliveries(request_id))[0]
        (attempt,) = old.run([Leased.from_row(first)], CONTENT)
        await asyncio.wait_for(receiver.arrived["/delay/3.5"].wait(), 5)
        await asyncio.sleep(max(0.0, first.lease_expires_at - time.time()) + 0.1)
        await new.start([Lane.TRANSACTIONAL])  # takes over the expired lease at once
        # Timed out, fenced out: nothing recorded, nothing published.
        assert (await attempt).state is DeliveryState.SENDING
        for _ in range(200):  # the new holder's attempt answers 3.5 s after it began
            if (await queue.request_deliveries(request_id))[0].state == "delivered":
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # a second channel on its way would arrive by now
        assert [r.path for r in receiver.received] == ["/delay/3.5", "/delay/3.5"]
        rows = await queue.request_deliveries(request_id)
        assert states(rows) == [("delivered", None), ("skipped", None)]
        assert rows[0].attempts == 1  # the new holder's attempt alone
    finally:
        for dispatcher in dispatchers:
            await dispatcher.stop(1)
        for webhook in webhooks:
            await webhook.close()
