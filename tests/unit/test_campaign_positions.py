"""Each position of a request holds one delivery, on SQLite and PostgreSQL: two calls
storing the same campaign batch (a retry beside the call it retries, in one process or
on two replicas) store it once, and a store holding the duplicates an earlier version
stored migrates to one delivery per position."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import sqlalchemy as sa
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.store.campaigns import CampaignStore
from herald.store.database import Database
from herald.store.schema import campaign_sends, campaigns, deliveries, requests
from herald.store.writer import GroupCommitWriter

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

BEFORE_UNIQUE = "0007"


def batch(request_id: str, positions: range, now: float) -> list[dict[str, Any]]:
    """One preparer's rows: its own delivery ids for the same positions."""
    return [
        delivery_row(request_id, p, Channel.IN_APP.value, f"u{p}", Lane.BULK.value, now)
        for p in positions
    ]


async def stored_positions(db: Database, request_id: str) -> list[int]:
    async with db.engine.connect() as connection:
        result = await connection.execute(
            sa.select(deliveries.c.position)
            .where(deliveries.c.request_id == request_id)
            .order_by(deliveries.c.position)
        )
        return [int(p) for p in result.scalars()]


async def add_request(db: Database, request_id: str, now: float) -> None:
    """A campaign send's request and send row (a batch is stored as its send stands)."""
    async with db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request_row(request_id, now)])
        await connection.execute(
            campaigns.insert(),
            [
                {
                    "brand_id": "",
                    "id": request_id,
                    "channels": "[]",
                    "content": b"{}",
                    "created_at": now,
                }
            ],
        )
        await connection.execute(
            campaign_sends.insert(),
            [
                {
                    "id": request_id,
                    "brand_id": "",
                    "campaign_id": request_id,
                    "status": "preparing",
                    "created_at": now,
                }
            ],
        )


@pytest.mark.parametrize("replicas", [1, 2])
async def test_two_preparers_storing_the_same_positions_store_each_once(
    db: Database, fresh_url: str, replicas: int
) -> None:
    await db.migrate()
    now = time.time()
    request_id = new_id()
    await add_request(db, request_id, now)
    databases = [db, *(Database(fresh_url) for _ in range(replicas - 1))]
    writers = [GroupCommitWriter(d.engine, sqlite_path=d.sqlite_path) for d in databases]
    stores = [CampaignStore(databases[i % replicas], writers[i % replicas]) for i in range(2)]
    for writer in writers:
        await writer.start()
    try:
        # The first preparer stores 0..749; the second, started from position 250,
        # stores 250..999 beside it.
        await asyncio.gather(
            *(
                stores[0].add_deliveries(batch(request_id, range(first, first + 250), now))
                for first in (0, 250, 500)
            ),
            *(
                stores[1].add_deliveries(batch(request_id, range(first, first + 250), now))
                for first in (250, 500, 750)
            ),
        )
    finally:
        for writer in writers:
            await writer.close()
        for other in databases[1:]:
            await other.close()

    assert await stored_positions(db, request_id) == list(range(1000))
    progress = await CampaignStore(db, writers[0]).progress(request_id)
    assert (progress.queued, progress.in_flight) == (1000, 1000)


async def test_a_store_holding_duplicate_positions_migrates_keeping_one_of_each(
    db: Database,
) -> None:
    await db.migrate(BEFORE_UNIQUE)
    now = time.time()
    request_id, other_id = new_id(), new_id()
    first, second = batch(request_id, range(4), now), batch(request_id, range(3), now)
    # Position 0: queued twice. Position 1: the second copy was delivered, the first
    # still queued. Position 2: the first copy failed, the second is being sent.
    second[1].update(state=DeliveryState.DELIVERED.value, completed_at=now)
    first[2].update(state=DeliveryState.FAILED.value, permanent=True, completed_at=now)
    second[2].update(state=DeliveryState.SENDING.value, lease_owner="w", lease_expires_at=now)
    other = batch(other_id, range(2), now)
    async with db.engine.begin() as connection:
        await connection.execute(
            requests.insert(), [request_row(request_id, now), request_row(other_id, now)]
        )
        await connection.execute(deliveries.insert(), [*first, *second, *other])

    await db.migrate()

    async with db.engine.connect() as connection:
        kept = {
            row.position: (row.id, row.state)
            for row in await connection.execute(
                sa.select(deliveries).where(deliveries.c.request_id == request_id)
            )
        }
    assert await stored_positions(db, request_id) == [0, 1, 2, 3]
    assert kept[0][0] in {first[0]["id"], second[0]["id"]}
    assert kept[1] == (second[1]["id"], DeliveryState.DELIVERED.value)
    assert kept[2] == (first[2]["id"], DeliveryState.FAILED.value)
    assert kept[3] == (first[3]["id"], DeliveryState.QUEUED.value)
    assert await stored_positions(db, other_id) == [0, 1]
    with pytest.raises(sa.exc.IntegrityError):
        async with db.engine.begin() as connection:
            await connection.execute(deliveries.insert(), batch(request_id, range(1), now))
