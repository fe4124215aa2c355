"""CampaignStore.cancel on SQLite and PostgreSQL: it cancels what is left of a send,
and changes nothing of a send that has nothing left (stored in full, every delivery
final), which is completed: what a CancelCampaignSend finds when the send's last
delivery finished after it read the send as still sending."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy as sa
from herald.core.channel import DeliveryState
from herald.core.ids import new_id
from herald.store.campaigns import CampaignStore
from herald.store.queue import Outcome, Queue
from herald.store.schema import deliveries, requests
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

DELIVERED, FAILED = DeliveryState.DELIVERED, DeliveryState.FAILED
CANCELLED = DeliveryState.CANCELLED
QUEUED, SENDING = DeliveryState.QUEUED, DeliveryState.SENDING


@pytest.fixture
def store(queue: Queue) -> CampaignStore:
    """On the migrated store and group commit of conftest's `queue`."""
    return CampaignStore(queue.db, queue.writer)


async def a_send(store: CampaignStore, status: str, states: list[DeliveryState], total: int) -> str:
    """A send in `status` of `total` recipients, the first of them stored in `states`."""
    campaign_id, send_id, now = new_id(), new_id(), time.time()
    await store.create_campaign(
        {
            "brand_id": "",
            "id": campaign_id,
            "channels": '["webhook"]',
            "content": b"{}",
            "created_at": now,
        }
    )
    send = {
        "id": send_id,
        "brand_id": "",
        "campaign_id": campaign_id,
        "status": status,
        "total_recipients": total,
        "created_at": now,
    }
    assert await store.create_send({**request_row(send_id, now), "kind": "campaign"}, send)
    rows = []
    for position, state in enumerate(states):
        row = delivery_row(send_id, position, "webhook", f"https://h/{position}", "bulk", now)
        if state.final:
            row.update(state=state.value, completed_at=now)
        elif state is SENDING:
            row.update(state=state.value, lease_owner="worker", lease_expires_at=now + 60)
        rows.append(row)
    await store.add_deliveries(rows)
    return send_id


async def status(store: CampaignStore, send_id: str) -> str:
    row = await store.get_send("", send_id)
    assert row is not None
    return str(row.status)


async def test_a_send_with_every_delivery_final_is_completed_not_cancelled(
    store: CampaignStore,
) -> None:
    send_id = await a_send(store, "queued", [DELIVERED, FAILED, DELIVERED], 3)

    assert not await store.cancel(send_id, time.time())

    assert await status(store, send_id) == "queued"
    progress = await store.progress(send_id)
    assert (progress.sent, progress.failed, progress.cancelled) == (2, 1, 0)


@pytest.mark.parametrize(
    ("status_before", "states", "total", "cancelled"),
    [
        ("queued", [DELIVERED, QUEUED, QUEUED], 3, 2),  # the queued ones are cancelled
        ("queued", [DELIVERED, SENDING], 2, 0),  # the one being sent finishes
        ("preparing", [DELIVERED], 2, 0),  # one recipient not stored yet
    ],
)
async def test_a_send_with_recipients_left_is_cancelled(
    store: CampaignStore,
    status_before: str,
    states: list[DeliveryState],
    total: int,
    cancelled: int,
) -> None:
    send_id = await a_send(store, status_before, states, total)

    assert await store.cancel(send_id, time.time())

    assert await status(store, send_id) == "cancelled"
    assert (await store.progress(send_id)).cancelled == cancelled


async def test_a_batch_stored_after_the_cancel_is_stored_cancelled(store: CampaignStore) -> None:
    # SendCampaign read the send as preparing, built a batch, and the cancel committed
    # before the batch did: nothing of the batch may be left for the dispatcher.
    send_id = await a_send(store, "preparing", [QUEUED], 4)
    assert await store.cancel(send_id, time.time())

    await store.add_deliveries(batch(send_id, range(1, 4)))

    progress = await store.progress(send_id)
    assert (progress.queued, progress.in_flight, progress.cancelled) == (4, 0, 4)


@pytest.mark.backends("postgres")
async def test_a_cancel_beside_a_batch_being_stored_cancels_it_once_it_commits(
    store: CampaignStore,
) -> None:
    # On PostgreSQL the two run at once: the batch's rows are in, not yet committed
    # (its foreign key check waits on a lock held here), when the cancel runs.
    send_id = await a_send(store, "preparing", [QUEUED], 4)
    engine = create_async_engine(store.db.url)
    try:
        async with engine.connect() as blocker, engine.connect() as watcher:
            await blocker.execute(
                sa.text("SELECT id FROM requests WHERE id = :id FOR UPDATE"), {"id": send_id}
            )
            adding = asyncio.create_task(store.add_deliveries(batch(send_id, range(1, 4))))
            await until(lambda: waiting(watcher, 1))
            cancelling = asyncio.create_task(store.cancel(send_id, time.time()))

            async def finished_or_waiting() -> bool:
                return cancelling.done() or await waiting(watcher, 2)

            # The cancel finishes, or waits for the batch: no longer than that.
            await until(finished_or_waiting)
            await blocker.rollback()
            await adding
            assert await cancelling
    finally:
        await engine.dispose()

    progress = await store.progress(send_id)
    assert (progress.queued, progress.in_flight, progress.cancelled) == (4, 0, 4)


async def test_a_retry_of_a_delivery_being_sent_at_the_cancel_is_recorded_cancelled(
    store: CampaignStore, queue: Queue
) -> None:
    # The cancel leaves the two being sent to finish their attempt: one is delivered,
    # the other fails transiently and must not be queued to be sent again.
    send_id = await a_send(store, "queued", [SENDING, SENDING, QUEUED], 3)
    first, second, _ = await delivery_ids(store, send_id)
    assert await store.cancel(send_id, time.time())

    now = time.time()
    retried = await queue.record(retry(first, send_id, now), now)
    delivered = await queue.record(
        Outcome(second, "worker", DELIVERED, 1, now, completed_at=now, request_id=send_id), now
    )

    row = await stored(store, first)
    assert (row.state, row.attempts, row.lease_owner) == ("cancelled", 1, None)
    assert (row.error_code, row.error) == ("CANCELLED", "the campaign send was cancelled")
    assert (row.completed_at, row.updated_at) == (now, now)
    progress = await store.progress(send_id)
    assert (progress.sent, progress.failed, progress.cancelled, progress.in_flight) == (1, 0, 2, 0)
    # What the dispatcher publishes: the outcome as recorded.
    assert retried is not None and delivered is not None
    assert (retried.state, retried.error_code, retried.completed_at) == (
        CANCELLED,
        "CANCELLED",
        now,
    )
    assert delivered.state is DELIVERED

    # A send not cancelled retries as before.
    going = await a_send(store, "queued", [SENDING], 1)
    (delivery_id,) = await delivery_ids(store, going)
    kept = await queue.record(retry(delivery_id, going, now), now)
    assert kept is not None and kept.state is QUEUED
    assert (await stored(store, delivery_id)).state == "queued"


async def test_a_lease_handed_back_at_shutdown_for_a_cancelled_send_is_cancelled(
    store: CampaignStore, queue: Queue
) -> None:
    cancelled_send = await a_send(store, "queued", [SENDING], 1)
    going = await a_send(store, "queued", [SENDING], 1)
    assert await store.cancel(cancelled_send, time.time())

    now = time.time()
    assert await queue.release("worker", now) >= 2  # (and other tests' "worker" leases)

    (stopped,) = await delivery_ids(store, cancelled_send)
    row = await stored(store, stopped)
    assert (row.state, row.error_code, row.completed_at, row.lease_owner) == (
        "cancelled",
        "CANCELLED",
        now,
        None,
    )
    (handed_back,) = await delivery_ids(store, going)
    row = await stored(store, handed_back)
    assert (row.state, row.completed_at, row.lease_owner) == ("queued", None, None)


@pytest.mark.backends("postgres")
async def test_a_retry_recorded_beside_a_cancel_in_progress_waits_and_is_cancelled(
    store: CampaignStore, queue: Queue
) -> None:
    # The cancel has locked the send's row and waits (here, for a queued delivery's
    # lock held elsewhere) when the retry is recorded: the record must wait for it and
    # see the send cancelled, not read the send as of before and queue the retry.
    send_id = await a_send(store, "queued", [SENDING, QUEUED], 2)
    sending, queued = await delivery_ids(store, send_id)
    engine = create_async_engine(store.db.url)
    try:
        async with engine.connect() as blocker, engine.connect() as watcher:
            await blocker.execute(
                sa.select(deliveries.c.id).where(deliveries.c.id == queued).with_for_update()
            )
            cancelling = asyncio.create_task(store.cancel(send_id, time.time()))
            await until(lambda: waiting(watcher, 1))
            now = time.time()
            recording = asyncio.create_task(queue.record(retry(sending, send_id, now), now))

            async def finished_or_waiting() -> bool:
                return recording.done() or await waiting(watcher, 2)

            await until(finished_or_waiting)
            await blocker.rollback()
            assert await cancelling
            recorded = await recording
    finally:
        await engine.dispose()

    assert recorded is not None and recorded.state is CANCELLED
    progress = await store.progress(send_id)
    assert (progress.in_flight, progress.cancelled) == (0, 2)


@pytest.mark.backends("postgres")
async def test_a_cancel_beside_a_retry_being_recorded_cancels_it_once_it_commits(
    store: CampaignStore, queue: Queue
) -> None:
    # The retry's UPDATE has run (the send not cancelled then) and its transaction has
    # not committed (a write after it waits on a lock held here) when the cancel runs:
    # the cancel must wait for it and cancel the retry it queued.
    send_id = await a_send(store, "queued", [SENDING], 1)
    (sending,) = await delivery_ids(store, send_id)
    other = new_id()
    await queue.enqueue(request_row(other, time.time()), [])
    after = requests.update().where(requests.c.id == other).values(summary=None)
    engine = create_async_engine(store.db.url)
    try:
        async with engine.connect() as blocker, engine.connect() as watcher:
            await blocker.execute(
                sa.select(requests.c.id).where(requests.c.id == other).with_for_update()
            )
            now = time.time()
            recording = asyncio.create_task(
                queue.record(retry(sending, send_id, now), now, [(after, {})])
            )
            await until(lambda: waiting(watcher, 1))
            cancelling = asyncio.create_task(store.cancel(send_id, time.time()))

            async def finished_or_waiting() -> bool:
                return cancelling.done() or await waiting(watcher, 2)

            await until(finished_or_waiting)
            await blocker.rollback()
            assert await cancelling
            assert await recording is not None
    finally:
        await engine.dispose()

    row = await stored(store, sending)
    assert (row.state, row.attempts, row.error_code) == ("cancelled", 1, "CANCELLED")
    progress = await store.progress(send_id)
    assert (progress.in_flight, progress.cancelled) == (0, 1)


@pytest.mark.backends("postgres")
async def test_a_cancel_with_nothing_queued_beside_outcomes_being_recorded_ends_both(
    store: CampaignStore, queue: Queue
) -> None:
    # One transaction records a delivery delivered (holding its row) and then a retry
    # (waiting for the send's row), while the cancel, ahead of it for the send's row,
    # finds nothing queued and asks whether anything is being sent.
    send_id = await a_send(store, "queued", [SENDING, SENDING], 2)
    first, second = await delivery_ids(store, send_id)
    engine = create_async_engine(store.db.url)
    try:
        async with engine.connect() as blocker, engine.connect() as watcher:
            await blocker.execute(
                sa.text("SELECT id FROM campaign_sends WHERE id = :id FOR UPDATE"), {"id": send_id}
            )
            cancelling = asyncio.create_task(store.cancel(send_id, time.time()))
            await until(lambda: waiting(watcher, 1))
            now = time.time()
            delivered = Outcome(first, "worker", DELIVERED, 1, now, completed_at=now)
            recording = asyncio.gather(
                queue.record(delivered, now), queue.record(retry(second, send_id, now), now)
            )
            await until(lambda: waiting(watcher, 2))
            await blocker.rollback()
            assert await cancelling
            outcomes = await recording
    finally:
        await engine.dispose()

    assert [o.state if o else None for o in outcomes] == [DELIVERED, CANCELLED]
    progress = await store.progress(send_id)
    assert (progress.sent, progress.cancelled, progress.in_flight) == (1, 1, 0)


def retry(delivery_id: str, send_id: str, now: float) -> Outcome:
    """A transient failure of a delivery's first attempt (by a_send's "worker")."""
    return Outcome(
        delivery_id,
        "worker",
        QUEUED,
        attempts=1,
        next_attempt_at=now + 30,
        error_code="PROVIDER_UNAVAILABLE",
        error="503 from the webhook",
        request_id=send_id,
    )


async def delivery_ids(store: CampaignStore, send_id: str) -> list[str]:
    async with store.db.engine.connect() as connection:
        result = await connection.execute(
            sa.select(deliveries.c.id)
            .where(deliveries.c.request_id == send_id)
            .order_by(deliveries.c.position)
        )
        return list(result.scalars())


async def stored(store: CampaignStore, delivery_id: str) -> Any:
    async with store.db.engine.connect() as connection:
        result = await connection.execute(
            sa.select(deliveries).where(deliveries.c.id == delivery_id)
        )
        return result.one()


def batch(send_id: str, positions: range) -> list[dict[str, Any]]:
    now = time.time()
    return [
        delivery_row(send_id, position, "webhook", f"https://h/{position}", "bulk", now)
        for position in positions
    ]


async def waiting(connection: AsyncConnection, n: int) -> bool:
    """Whether `n` sessions wait for a lock (read anew: pg_stat_activity stands still
    within a transaction)."""
    await connection.rollback()
    result = await connection.execute(
        sa.text(
            "SELECT COUNT(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
    )
    return int(result.scalar_one()) >= n


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(1000):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("still not so after 10 s")
