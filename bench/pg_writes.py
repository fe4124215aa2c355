"""The group commit's two per-delivery writes on PostgreSQL, row by row against over arrays.

    .venv/bin/python -m bench.pg_writes [--rows 20000] [--rounds 3] [--insert-batch 250]
        [--record-batch 64] [--label NAME]

A throwaway PostgreSQL cluster with durable commits (bench/notifications.py's
start_postgres), one migrated database, and the statements the queue uses: storing
delivery rows (batches of 250 by default, a campaign's batch) and recording their
outcomes (batches of 64 by default, a busy group commit), each batch in its own
transaction. "per row" runs the statement as an executemany (what the writer did before
store/arrays.py), "arrays" as the one statement over arrays it runs now. Rounds alternate
the two forms. Per row written: wall time, PostgreSQL's CPU (postmaster and backends,
from /proc) and this process's CPU (SQLAlchemy and asyncpg). Results:
bench/results/pg_writes-<date>[-label].
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from herald.core.channel import DeliveryState
from herald.store.arrays import ArrayStatement
from herald.store.database import Database
from herald.store.queue import Outcome, Queue, delivery_insert, queued_row
from herald.store.schema import requests
from herald.store.writer import GroupCommitWriter

from bench.harness import summary, write_results
from bench.notifications import start_postgres
from bench.replicas import postgres_cpu_seconds

OWNER = "bench"
LANE = "bulk"
FORMS = ("per row", "arrays")
KINDS = ("store deliveries", "record outcomes")


def request_row(request_id: str, now: float) -> dict[str, Any]:
    return {
        "id": request_id,
        "kind": "notification",
        "idempotency_key": None,
        "fingerprint": "",
        "caller": "",
        "brand_id": "",
        "content": b"{}",
        "summary": None,
        "created_at": now,
    }


class Round:
    def __init__(
        self, cluster: Any, queue: Queue, rows: int, insert_batch: int, record_batch: int
    ) -> None:
        self.cluster, self.queue, self.rows = cluster, queue, rows
        self.insert_batch, self.record_batch = insert_batch, record_batch

    async def _execute(self, form: str, statement: Any, rows: list[dict[str, Any]]) -> None:
        assert isinstance(statement, ArrayStatement)
        async with self.queue.db.engine.begin() as connection:
            if form == "arrays":
                await connection.execute(*statement.bulk(rows))
            else:
                await connection.execute(statement.per_row, rows)

    async def _measured(self, work: Callable[[], Awaitable[None]]) -> dict[str, float]:
        postgres, client, wall = (
            postgres_cpu_seconds(self.cluster.data_dir),
            time.process_time(),
            time.perf_counter(),
        )
        await work()
        per_row = 1e6 / self.rows
        return {
            "wall_us": (time.perf_counter() - wall) * per_row,
            "postgresql_us": (postgres_cpu_seconds(self.cluster.data_dir) - postgres) * per_row,
            "client_us": (time.process_time() - client) * per_row,
        }

    async def run(self, form: str) -> dict[str, dict[str, float]]:
        now = time.time()
        request_id = f"{time.monotonic_ns():032x}"[-32:]
        async with self.queue.db.engine.begin() as connection:
            await connection.execute(requests.insert(), request_row(request_id, now))
        rows = [
            {
                **queued_row(
                    request_id, i, "webhook", f"http://127.0.0.1/{i}", "", "bulk", now, now
                ),
                "state": DeliveryState.SENDING.value,
                "lease_owner": OWNER,
            }
            for i in range(self.rows)
        ]
        insert = delivery_insert(self.queue.db)
        outcomes = [
            self.queue.record_op(
                Outcome(row["id"], OWNER, DeliveryState.DELIVERED, 1, now, completed_at=now), now
            )
            for row in rows
        ]

        async def store() -> None:
            for start in range(0, len(rows), self.insert_batch):
                await self._execute(form, insert, rows[start : start + self.insert_batch])

        async def record() -> None:
            for start in range(0, len(outcomes), self.record_batch):
                batch = outcomes[start : start + self.record_batch]
                await self._execute(form, batch[0][0], [params for _, params in batch])

        return {
            "store deliveries": await self._measured(store),
            "record outcomes": await self._measured(record),
        }


async def measure(rows: int, rounds: int, insert_batch: int, record_batch: int) -> dict[str, Any]:
    cluster, settings = start_postgres()
    try:
        db = Database(cluster.create_database("pg_writes"))
        await db.migrate()
        queue = Queue(db, GroupCommitWriter(db.engine))
        bench = Round(cluster, queue, rows, insert_batch, record_batch)
        await bench.run("per row")  # warm-up: plans, caches, the table's first pages
        runs: list[dict[str, Any]] = []
        for _ in range(rounds):
            for form in FORMS:
                runs.append({"form": form, **await bench.run(form)})
        await db.close()
    finally:
        cluster.stop()
    figures: dict[str, Any] = {}
    for kind in KINDS:
        for form in FORMS:
            mine = [r[kind] for r in runs if r["form"] == form]
            figures[f"{kind}, {form}"] = {k: summary([m[k] for m in mine]) for k in mine[0]}
    return {
        "settings": settings,
        "rows": rows,
        "rounds": rounds,
        "insert_batch": insert_batch,
        "record_batch": record_batch,
        "figures": figures,
        "runs": runs,
    }


def markdown(document: dict[str, Any], command: str) -> str:
    lines = [
        "# PostgreSQL writes: row by row against over arrays",
        "",
        f"`{command}`: {document['rows']} rows per round, stored in batches of "
        f"{document['insert_batch']} and recorded in batches of {document['record_batch']}, "
        f"{document['rounds']} rounds of each "
        f"form, alternating; PostgreSQL {document['settings']['server_version']} with fsync and "
        "synchronous_commit on. Microseconds per row, median (min-max).",
        "",
        "| write | form | wall | PostgreSQL CPU | client CPU |",
        "|---|---|---:|---:|---:|",
    ]
    for name, figure in document["figures"].items():
        kind, form = name.split(", ")
        cells = [
            f"{figure[k]['median']:.1f} ({figure[k]['min']:.1f}-{figure[k]['max']:.1f})"
            for k in ("wall_us", "postgresql_us", "client_us")
        ]
        lines.append(f"| {kind} | {form} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--insert-batch", type=int, default=250)
    parser.add_argument("--record-batch", type=int, default=64)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    document = asyncio.run(measure(args.rows, args.rounds, args.insert_batch, args.record_batch))
    command = (
        f".venv/bin/python -m bench.pg_writes --rows {args.rows} --rounds {args.rounds} "
        f"--insert-batch {args.insert_batch} --record-batch {args.record_batch}"
    )
    text = markdown(document, command)
    print(text)
    print(write_results("pg_writes", document, text, args.label))


if __name__ == "__main__":
    main()
