"""Storing deliveries and recording their outcomes through the group commit, on
SQLite and PostgreSQL: every column lands, only the lease holder's outcome counts
(and `record` says whether it did), and of two outcomes for one delivery in one batch
the first wins (the executemany runs them in order; the second finds the lease already
given up)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import sqlalchemy as sa
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.store.queue import Outcome, Queue
from herald.store.schema import deliveries

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

ME, OTHER = "replica-me", "replica-other"


async def leased(queue: Queue, owners: list[str | None]) -> list[dict[str, Any]]:
    """A request with one SMS delivery per owner, each leased to that owner (None:
    queued); the rows stored."""
    now = time.time()
    request_id = new_id()
    rows = [
        delivery_row(
            request_id, position, Channel.SMS.value, "+4520123456", Lane.BULK.value, now, owner
        )
        for position, owner in enumerate(owners)
    ]
    request = request_row(request_id, now)
    await queue.enqueue(request, rows)
    return rows


async def leased_ids(queue: Queue, owners: list[str | None]) -> list[str]:
    return [row["id"] for row in await leased(queue, owners)]


async def stored(queue: Queue, delivery_id: str) -> Any:
    async with queue.db.engine.connect() as connection:
        result = await connection.execute(
            sa.select(deliveries).where(deliveries.c.id == delivery_id)
        )
        return result.one()


async def test_deliveries_enqueued_in_one_batch_are_stored_column_for_column(
    queue: Queue,
) -> None:
    first, second = await asyncio.gather(leased(queue, [ME, None]), leased(queue, [OTHER]))

    for row in [*first, *second]:
        assert dict((await stored(queue, row["id"]))._mapping) == {
            "error_code": "",
            "error": "",
            "permanent": False,
            "provider_message_id": "",
            "sms_encoding": "",
            "sms_segments": 0,
            "completed_at": None,
            **row,
        }


async def test_outcomes_recorded_in_one_batch_land_field_for_field(queue: Queue) -> None:
    delivered_id, retrying_id = await leased_ids(queue, [ME, ME])
    done = time.time()
    delivered = Outcome(
        delivered_id,
        ME,
        DeliveryState.DELIVERED,
        attempts=1,
        next_attempt_at=done,
        provider_message_id="SM123",
        sms_encoding="UCS-2",
        sms_segments=2,
        completed_at=done,
    )
    retrying = Outcome(
        retrying_id,
        ME,
        DeliveryState.QUEUED,
        attempts=2,
        next_attempt_at=done + 30,
        error_code="PROVIDER_UNAVAILABLE",
        error="503 from the provider",
    )

    recorded = await asyncio.gather(queue.record(delivered, done), queue.record(retrying, done))

    assert recorded == [delivered, retrying]
    first = await stored(queue, delivered_id)
    assert (first.state, first.attempts, first.provider_message_id) == ("delivered", 1, "SM123")
    assert (first.sms_encoding, first.sms_segments, first.completed_at) == ("UCS-2", 2, done)
    assert (first.lease_owner, first.lease_expires_at, first.updated_at) == (None, None, done)
    second = await stored(queue, retrying_id)
    assert (second.state, second.attempts, second.next_attempt_at) == ("queued", 2, done + 30)
    assert (second.error_code, second.error) == ("PROVIDER_UNAVAILABLE", "503 from the provider")
    assert (second.completed_at, second.lease_owner, second.permanent) == (None, None, False)


async def test_an_outcome_from_a_worker_that_lost_the_lease_changes_nothing(
    queue: Queue,
) -> None:
    mine, taken_over = await leased_ids(queue, [ME, OTHER])
    now = time.time()

    recorded = await asyncio.gather(
        queue.record(Outcome(mine, ME, DeliveryState.DELIVERED, 1, now, completed_at=now), now),
        queue.record(Outcome(taken_over, ME, DeliveryState.FAILED, 1, now, permanent=True), now),
    )

    assert recorded[1] is None, "the fenced-out outcome says it was not recorded"
    assert recorded[0] is not None and recorded[0].delivery_id == mine
    assert (await stored(queue, mine)).state == "delivered"
    untouched = await stored(queue, taken_over)
    assert (untouched.state, untouched.attempts, untouched.lease_owner) == ("sending", 0, OTHER)


async def test_of_two_outcomes_for_one_delivery_in_a_batch_the_first_wins(
    queue: Queue,
) -> None:
    (delivery_id,) = await leased_ids(queue, [ME])
    now = time.time()

    recorded = await asyncio.gather(
        queue.record(Outcome(delivery_id, ME, DeliveryState.DELIVERED, 1, now), now),
        queue.record(Outcome(delivery_id, ME, DeliveryState.FAILED, 7, now), now),
    )

    assert recorded[0] is not None and recorded[1] is None
    row = await stored(queue, delivery_id)
    assert (row.state, row.attempts, row.lease_owner) == ("delivered", 1, None)
