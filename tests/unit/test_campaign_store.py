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
from herald.store.queue import Queue
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

DELIVERED, FAILED = DeliveryState.DELIVERED, DeliveryState.FAILED
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
