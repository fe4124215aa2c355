"""What PostgreSQL spends on each delivery, statement by statement (pg_stat_statements).

    .venv/bin/python -m bench.pg_statements [--recipients 20000] [--replicas 1] [--label NAME]

To compare with another commit, run it again with that commit's server first on the path:
`git archive <rev> server | tar -x -C /tmp/rev && PYTHONPATH=/tmp/rev/server .venv/bin/python
-m bench.pg_statements --label <rev>`, alternating the two.

A throwaway cluster with durable commits and pg_stat_statements loaded, `replicas` `herald
serve` sharing one database on it, the webhook sink; a warm-up round of 2,000 recipients, the
statistics reset, then one round of `recipients` (bench.replicas' round: SendNotification, 50
webhook URLs each, 16 calls in flight). Prints the CPU per delivery of each part
(bench.replicas' CpuMeter) and the statements by execution time, in µs per delivery. Execution
time is the executor's alone: parsing, binding, the protocol and commits are in PostgreSQL's
CPU but not in it.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bench.harness import child, free_port
from bench.notifications import start_postgres, start_server
from bench.replicas import PARTS, CpuMeter, replica_round
from tests.support.server import ServerProcess

WARM_UP = 2000
TOP = 12


def statements_sql(recipients: int) -> str:
    return (
        "SELECT calls, rows, round((total_exec_time * 1000 / "
        f"{recipients})::numeric, 1), left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
        f"FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT {TOP}"
    )


async def measure(recipients: int, replicas: int) -> dict[str, Any]:
    sink_port = free_port()
    cluster, _ = start_postgres({"shared_preload_libraries": "pg_stat_statements"})
    servers: list[ServerProcess] = []
    try:
        url = cluster.create_database("herald_statements")
        database = url.rsplit("/", 1)[1]
        cluster.psql("CREATE EXTENSION pg_stat_statements", database)
        with child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port) as sink:
            for n in range(replicas):
                servers.append(start_server(f"statements-{n}", {"HERALD_DATABASE_URL": url}))
            meter = CpuMeter(servers, cluster.data_dir, sink.pid)
            await replica_round(servers, sink_port, "warm", WARM_UP, meter)
            cluster.psql("SELECT pg_stat_statements_reset()", database)
            result = await replica_round(servers, sink_port, "measured", recipients, meter)
            rows = cluster.psql(statements_sql(recipients), database)
    finally:
        for server in servers:
            server.stop()
        cluster.stop()
    statements = []
    for line in rows.splitlines():
        calls, count, us, query = line.split("|", 3)
        statements.append(
            {
                "calls": int(calls),
                "rows": int(count),
                "exec_us_per_delivery": float(us),
                "query": query,
            }
        )
    return {
        "delivered_per_second": result["delivered_per_second"],
        "received": result["received"],
        "cpu_us_per_delivery": result["cpu_us_per_delivery"],
        "statements": statements,
    }


def report(label: str, recipients: int, figures: dict[str, Any]) -> str:
    cpu = figures["cpu_us_per_delivery"]
    lines = [
        f"{label}: {figures['received']}/{recipients} delivered, "
        f"{figures['delivered_per_second']:.0f}/s; CPU µs per delivery: "
        + ", ".join(f"{part} {cpu[part]:.0f}" for part in PARTS),
        "",
        "| calls | rows | exec µs per delivery | statement |",
        "|---:|---:|---:|---|",
    ]
    lines += [
        f"| {s['calls']} | {s['rows']} | {s['exec_us_per_delivery']:.1f} | `{s['query']}` |"
        for s in figures["statements"]
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--replicas", type=int, default=1, help="servers sharing the database")
    parser.add_argument("--label", default="this tree")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.recipients, args.replicas))
    print(report(args.label, args.recipients, figures))


if __name__ == "__main__":
    main()
