"""The claim indexes are partial (only queued, only leased deliveries), on SQLite and
PostgreSQL: the claims walk them even under a plan made without the parameters' values,
and a store migrated from the full indexes claims what it claimed before."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.store.database import Database
from herald.store.queue import Queue
from herald.store.schema import deliveries, requests
from herald.store.writer import GroupCommitWriter

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

BEFORE_PARTIAL = "0006"
CLAIMS = {"ix_deliveries_queued": 0, "ix_deliveries_leased": 1}  # index -> Queue._claims


async def index_definitions(db: Database) -> dict[str, str]:
    sql = (
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deliveries'"
        if db.is_postgres
        else "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'"
    )
    async with db.engine.connect() as connection:
        rows = (await connection.exec_driver_sql(sql)).all()
    return {str(name): str(definition) for name, definition in rows}


async def test_each_claim_index_holds_only_its_state(db: Database) -> None:
    await db.migrate()

    definitions = await index_definitions(db)

    assert "ix_deliveries_due" not in definitions
    assert "ix_deliveries_lease" not in definitions
    assert "WHERE" in definitions["ix_deliveries_queued"]
    assert "'queued'" in definitions["ix_deliveries_queued"]
    assert "'sending'" in definitions["ix_deliveries_leased"]


@pytest.mark.parametrize("index", sorted(CLAIMS))
async def test_the_claim_walks_its_partial_index_in_a_plan_made_without_its_values(
    db: Database, index: str
) -> None:
    await db.migrate()
    writer = GroupCommitWriter(db.engine)
    statement = Queue(db, writer)._claims[CLAIMS[index]]
    sql = str(statement.compile(dialect=db.engine.dialect))

    async with db.engine.connect() as connection:
        if db.is_postgres:
            # A generic plan, as PostgreSQL switches to for a prepared statement run
            # often: a "state = $n" there could not use a partial index.
            await connection.exec_driver_sql("SET enable_seqscan = off")
            await connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            await connection.exec_driver_sql(f"PREPARE claim AS {sql}")
            count = max(int(n) for n in re.findall(r"\$(\d+)", sql))
            arguments = ", ".join(["NULL"] * count)
            rows = await connection.exec_driver_sql(f"EXPLAIN EXECUTE claim({arguments})")
        else:
            rows = await connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {sql}", tuple([0] * sql.count("?"))
            )
        plan = "\n".join(str(row[-1]) for row in rows)
    assert index in plan, plan


async def store_rows(db: Database, rows: list[dict[str, Any]], now: float) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request_row(rows[0]["request_id"], now)])
        await connection.execute(deliveries.insert(), rows)


async def test_a_store_migrated_from_the_full_indexes_claims_as_before(db: Database) -> None:
    await db.migrate(BEFORE_PARTIAL)
    now = time.time()
    request_id = new_id()
    rows = [
        delivery_row(request_id, position, Channel.WEBHOOK.value, "http://127.0.0.1/", lane, now)
        for position, lane in enumerate([Lane.BULK.value] * 3 + [Lane.TRANSACTIONAL.value])
    ]
    rows[0].update(next_attempt_at=now - 10)  # due first
    rows[1].update(state=DeliveryState.DELIVERED.value, completed_at=now)
    rows[2].update(  # a lease that expired: claimed after the queued rows
        state=DeliveryState.SENDING.value, lease_owner="gone", lease_expires_at=now - 1
    )
    rows[3].update(next_attempt_at=now + 3600)  # another lane, and not due
    await store_rows(db, rows, now)

    await db.migrate()
    writer = GroupCommitWriter(db.engine, sqlite_path=db.sqlite_path)
    await writer.start()
    try:
        queue = Queue(db, writer)
        claimed = await queue.claim("me", Lane.BULK.value, 10, now, 30.0)
        again = await queue.claim("other", Lane.BULK.value, 10, now, 30.0)
    finally:
        await writer.close()

    assert [row["id"] for row in claimed] == [rows[0]["id"], rows[2]["id"]]
    assert {row["lease_owner"] for row in claimed} == {"me"}
    assert {row["state"] for row in claimed} == {DeliveryState.SENDING.value}
    assert again == []
