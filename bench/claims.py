"""Queue.claim alone: CPU per claimed row at a few claim sizes, on SQLite.

    .venv/bin/python -m bench.claims [--rows 20000] [--sizes 8,32] [--label NAME]

To compare with another commit, run it again with that commit's server first on the path:
`git archive <rev> server | tar -x -C /tmp/rev && PYTHONPATH=/tmp/rev/server .venv/bin/python
-m bench.claims --label <rev>`, alternating the two. Prints one JSON line per size.

A fresh SQLite store in a temporary directory (migrated), `rows` queued webhook deliveries
in 100 requests, then claims of `size` rows until `rows` are claimed, timed with
time.process_time (this process's CPU, every thread: the writer's thread included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from herald.store.database import Database
from herald.store.queue import Queue, queued_row
from herald.store.writer import GroupCommitWriter

REQUESTS = 100


async def measure(rows: int, size: int) -> dict[str, float]:
    directory = Path(tempfile.mkdtemp(prefix="herald-claims-"))
    db = Database(f"sqlite+aiosqlite:///{directory}/herald.db")
    await db.migrate()
    writer = GroupCommitWriter(db.engine, sqlite_path=db.sqlite_path)
    await writer.start()
    queue = Queue(db, writer)
    now = time.time()
    per_request = rows // REQUESTS
    for r in range(REQUESTS):
        request_id = f"{r:032x}"
        request = {
            "id": request_id,
            "kind": "notification",
            "idempotency_key": None,
            "fingerprint": "",
            "caller": "",
            "brand_id": "",
            "content": "{}",
            "summary": None,
            "created_at": now,
        }
        deliveries = [
            queued_row(
                request_id,
                i,
                "webhook",
                f"http://127.0.0.1/{r}/{i}",
                "",
                "transactional",
                now,
                now + 86400,
            )
            for i in range(per_request)
        ]
        await queue.enqueue(request, deliveries)
    claimed = 0
    cpu = time.process_time()
    wall = time.perf_counter()
    while claimed < per_request * REQUESTS:
        got = await queue.claim("bench", "transactional", size, time.time(), 30)
        if not got:
            break
        claimed += len(got)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    await writer.close()
    await db.close()
    return {
        "size": size,
        "rows": claimed,
        "cpu_us_per_row": 1e6 * cpu / claimed,
        "wall_us_per_row": 1e6 * wall / claimed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--sizes", default="8,32")
    parser.add_argument("--label", default="working tree")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        print(json.dumps({"label": args.label, **asyncio.run(measure(args.rows, size))}))


if __name__ == "__main__":
    main()
