"""SendNotification: acceptance on SQLite and PostgreSQL, end-to-end webhook delivery
beside raw aiohttp in the same run, and server RSS at two run sizes.

    .venv/bin/python -m bench.notifications [--quick]
        (results: bench/results/notifications-<UTC timestamp>.{md,json};
         --quick writes them to the temporary directory instead: not a record)

Every process is on 127.0.0.1: `herald serve` (tests/support/server.py's ServerProcess,
port from its "serving" log event), the webhook sink (bench/webhook_sink.py, its own
process), a throwaway PostgreSQL cluster (tests/support/postgres.py) and this process, which
is the gRPC client and the raw aiohttp side. Each SendNotification carries 50 distinct
webhook URLs on the sink (channels=[CHANNEL_WEBHOOK]), no request_id.

1. Acceptance: recipients accepted per second by `concurrency` callers sending
   SendNotification back to back for `seconds`; the RPC answers once the request and
   delivery rows are committed. Deliveries are kept from competing: those servers run with
   HERALD_WORKERS=1 and HERALD_RATE_LIMITS=webhook=1/s (one delivery a second, no claim
   polling while the one slot is busy). SQLite and PostgreSQL servers run side by side and
   the rounds alternate. PostgreSQL is set back to durable commits (fsync, full_page_writes
   and synchronous_commit on; the test cluster turns them off), so "queued" means on disk.
2. Delivery (SQLite, default HERALD_WORKERS=64): N recipients through SendNotification
   (16 calls in flight), then wait until the sink has N posts and GetNotification says
   every notification is complete; rate = N / (last completed_at - first call). Beside it,
   raw aiohttp: N Standard-Webhooks-signed JSON posts (standardwebhooks, the same payload
   shape) to the same sink with 64 workers on one session. Rounds alternate raw / Herald;
   the ratio is per pair, the median reported. Herald's CPU per delivery (all its
   processes, /proc/<pid>/stat) and the server's event loop thread's share of it
   (/proc/<pid>/task/<pid>/stat), from the first call until the sink has every post.
3. RSS (SQLite, default workers): a fresh server per run, N = 10,000 then 100,000 recipients
   accepted and delivered as in 2; peak RSS is /proc/<pid>/status VmHWM at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc
from standardwebhooks import Webhook

from bench.harness import RESULTS, ROOT, child, free_port, summary
from bench.raw_webhooks import signed_posts
from tests.support.auth import authenticated_channel
from tests.support.server import WEBHOOK_SECRET, ServerProcess

TARGET_ACCEPT = 3000.0  # recipients/s, on either store
TARGET_RATIO = 0.50  # Herald delivery rate / raw aiohttp rate
TARGET_RSS_GROWTH = 0.20  # peak RSS at the large run vs the small run
RECIPIENTS = 50
SUBMIT_CONCURRENCY = 16
ISOLATED = {"HERALD_WORKERS": "1", "HERALD_RATE_LIMITS": "webhook=1/s"}


# -- processes ----------------------------------------------------------------


# --head: the server runs from `git archive HEAD server` (set in main), not the working tree.
SERVER_SOURCE: dict[str, str] = {}


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **SERVER_SOURCE,
        # The product's default; ServerProcess reads the port from the info-level
        # "serving" event, so a level above info cannot start.
        "HERALD_LOG_LEVEL": "info",
        "HERALD_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
        # ServerProcess shortens these for tests; the product's defaults here.
        "HERALD_WEBHOOK_TIMEOUT": "10",
        "HERALD_MAX_ATTEMPTS": "5",
        "HERALD_RETRY_BASE_SECONDS": "1",
        **(extra or {}),
    }


# --delivery-processes N: HERALD_DELIVERY_PROCESSES for the servers that deliver (set in main).
DELIVERING: dict[str, str] = {}


def add_delivery_processes_argument(parser: argparse.ArgumentParser, servers: str) -> None:
    parser.add_argument(
        "--delivery-processes",
        type=int,
        default=0,
        help=f"HERALD_DELIVERY_PROCESSES for {servers} (default 0)",
    )


def use_delivery_processes(count: int) -> str:
    """Start delivering servers with `count` delivery processes; the command-line
    suffix that says so ("" for none)."""
    if not count:
        return ""
    DELIVERING["HERALD_DELIVERY_PROCESSES"] = str(count)
    return f" --delivery-processes {count}"


def start_server(
    name: str, extra: dict[str, str] | None = None, delivering: bool = True
) -> ServerProcess:
    """A fresh server; `delivering` ones get --delivery-processes (DELIVERING)."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"herald-bench-{name}-"))
    server = ServerProcess(
        data_dir, server_env({**(DELIVERING if delivering else {}), **(extra or {})})
    )
    try:
        return server.start()
    except BaseException:
        server.stop()  # a server that never reported "serving" must not outlive the bench
        raise


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024
    return values


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU of process `pid`, or of its thread `thread` alone (the main
    thread's id is the pid: the event loop's thread)."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pid_of(server: ServerProcess) -> int:
    assert server.process is not None
    return server.process.pid


def server_pids(server: ServerProcess) -> list[int]:
    """The server and its delivery processes (HERALD_DELIVERY_PROCESSES)."""
    serving = next(e for e in server.events() if e.get("event") == "serving")
    return [pid_of(server), *(int(p) for p in serving.get("delivery_processes", []))]  # type: ignore[attr-defined]


def server_status(server: ServerProcess) -> dict[str, int]:
    """VmRSS and VmHWM summed over the server's processes (a peak: the sum of their peaks)."""
    statuses = [proc_status(pid) for pid in server_pids(server)]
    return {key: sum(s[key] for s in statuses) for key in ("VmRSS", "VmHWM")}


def server_cpu_seconds(server: ServerProcess) -> float:
    return sum(cpu_seconds(pid) for pid in server_pids(server))


def store_rows(server: ServerProcess) -> int:
    """The number of delivery rows in the server's store."""
    if server.database_url:
        from tests.support.postgres import query  # noqa: PLC0415

        return int(query(server.database_url, "SELECT count(*) FROM deliveries")[0][0])
    with contextlib.closing(sqlite3.connect(server.data_dir / "herald.db")) as db:
        return int(db.execute("SELECT count(*) FROM deliveries").fetchone()[0])


def start_postgres(extra: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
    """A throwaway cluster with durable commits; `extra`: more postgresql.conf settings."""
    from tests.support.postgres import PostgresCluster  # noqa: PLC0415 - only this phase

    cluster = PostgresCluster(extra).start()
    for setting in ("fsync", "full_page_writes", "synchronous_commit"):
        cluster.psql(f"ALTER SYSTEM SET {setting} = on")
    cluster.psql("SELECT pg_reload_conf()")
    time.sleep(0.5)
    settings = {
        s: cluster.psql(f"SHOW {s}").strip()
        for s in ("server_version", "fsync", "full_page_writes", "synchronous_commit", "wal_level")
    }
    return cluster, settings


# -- the gRPC side --------------------------------------------------------------


def notification(urls: list[str]) -> delivery_pb2.SendNotificationRequest:
    return delivery_pb2.SendNotificationRequest(
        channels=[common_pb2.CHANNEL_WEBHOOK],
        to=urls,
        subject="Scheduled maintenance",
        body="A scheduled maintenance window starts at 22:00 UTC and lasts one hour.",
    )


def accepted_count(reply: delivery_pb2.SendNotificationResponse) -> int:
    return sum(len(c.recipients) for c in reply.accepted_recipients)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


async def acceptance_round(
    server: ServerProcess, sink: str, concurrency: int, seconds: float
) -> dict[str, float]:
    """Closed loop: `concurrency` callers, SendNotification back to back for `seconds`."""
    request = notification([f"{sink}/accept/{i}" for i in range(RECIPIENTS)])
    latencies: list[float] = []
    accepted = errors = 0
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        await channel.channel_ready()
        stop_at = time.perf_counter() + seconds

        async def caller() -> None:
            nonlocal accepted, errors
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    reply = await stub.SendNotification(request, timeout=30)
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                accepted += accepted_count(reply)

        cpu_before = cpu_seconds(pid_of(server))
        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
        cpu = cpu_seconds(pid_of(server)) - cpu_before
    return {
        "requests": len(latencies),
        "recipients": accepted,
        "seconds": elapsed,
        "recipients_per_second": accepted / elapsed,
        "p50_ms": pct(latencies, 0.50),
        "p99_ms": pct(latencies, 0.99),
        "errors": errors,
        "server_cpu_ms_per_1k_recipients": 1e6 * cpu / accepted if accepted else 0.0,
    }


async def get_all(
    stub: delivery_pb2_grpc.DeliveryServiceStub, ids: list[str]
) -> list[delivery_pb2.Notification]:
    """GetNotification for each id, 16 calls in flight."""
    gate = asyncio.Semaphore(SUBMIT_CONCURRENCY)

    async def one(notification_id: str) -> delivery_pb2.Notification:
        async with gate:
            request = delivery_pb2.GetNotificationRequest(name=f"notifications/{notification_id}")
            return (await stub.GetNotification(request, timeout=60)).notification

    return list(await asyncio.gather(*(one(i) for i in ids)))


async def sink_count(session: aiohttp.ClientSession, sink: str) -> int:
    async with session.get(f"{sink}/count") as response:
        return int((await response.json())["received"])


async def herald_delivery_round(
    server: ServerProcess,
    session: aiohttp.ClientSession,
    sink: str,
    total: int,
    tag: str,
    rss_samples: list[int] | None = None,
) -> dict[str, Any]:
    """Accept `total` recipients, then wait until every delivery is final."""
    requests = [
        notification([f"{sink}/{tag}/{r}/{i}" for i in range(RECIPIENTS)])
        for r in range(-(-total // RECIPIENTS))
    ]
    ids: list[str] = []
    accepted = errors = 0
    sampling = True

    async def sample() -> None:
        while sampling and rss_samples is not None:
            rss_samples.append(server_status(server)["VmRSS"])
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        await channel.channel_ready()
        before = await sink_count(session, sink)
        pending = iter(requests)

        async def submitter() -> None:
            nonlocal accepted, errors
            for request in pending:
                try:
                    reply = await stub.SendNotification(request, timeout=60)
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                ids.append(reply.notification_id)
                accepted += accepted_count(reply)

        pid = pid_of(server)
        cpu_before, loop_before = server_cpu_seconds(server), cpu_seconds(pid, pid)
        started = time.time()
        await asyncio.gather(*(submitter() for _ in range(SUBMIT_CONCURRENCY)))
        accepted_at = time.time()
        deadline = time.monotonic() + max(120.0, total / 100)
        while time.monotonic() < deadline:  # the sink's counter, read cheaply
            if await sink_count(session, sink) - before >= accepted:
                break
            await asyncio.sleep(0.05)
        cpu = server_cpu_seconds(server) - cpu_before
        loop_cpu = cpu_seconds(pid, pid) - loop_before
        received = await sink_count(session, sink) - before
        delivered = failed = 0
        completed_at = 0.0
        while time.monotonic() < deadline:
            notes = await get_all(stub, ids)
            if all(n.state == delivery_pb2.NOTIFICATION_STATE_COMPLETED for n in notes):
                delivered = sum(n.delivered for n in notes)
                failed = sum(n.failed for n in notes)
                completed_at = max(n.completed_at.ToNanoseconds() / 1e9 for n in notes)
                break
            await asyncio.sleep(0.2)
    sampling = False
    await sampler
    if not completed_at:
        raise TimeoutError(f"{tag}: not every delivery was final in time")
    elapsed = completed_at - started
    status = server_status(server)
    return {
        "recipients": accepted,
        "delivered": delivered,
        "failed": failed,
        "rpc_errors": errors,
        "sink_received": received,
        "accept_seconds": accepted_at - started,
        "accept_per_second": accepted / (accepted_at - started),
        "seconds": elapsed,
        "deliveries_per_second": delivered / elapsed,
        # Acceptance included, as in the rate; the event loop's thread is the server's own.
        "server_cpu_us_per_delivery": 1e6 * cpu / delivered if delivered else 0.0,
        "event_loop_cpu_us_per_delivery": 1e6 * loop_cpu / delivered if delivered else 0.0,
        "rss_end_bytes": status["VmRSS"],
        "rss_peak_bytes": status["VmHWM"],
    }


async def raw_round(
    session: aiohttp.ClientSession, signer: Webhook, sink: str, total: int, concurrency: int
) -> dict[str, Any]:
    """`total` signed webhook posts with `concurrency` workers, as the adapter builds them
    (a notification's content, 50 sink paths as its 50 recipients)."""
    return await signed_posts(
        session,
        signer,
        total,
        concurrency,
        url_for=lambda index: f"{sink}/raw/{index % RECIPIENTS}",
        message_id="raw",
        user_id_for=lambda index: "",
        subject="Scheduled maintenance",
        body="A scheduled maintenance window starts at 22:00 UTC and lasts one hour.",
    )


# -- the phases -----------------------------------------------------------------


async def acceptance_phase(
    sink: str, rounds: int, seconds: float, concurrency: int, use_postgres: bool
) -> dict[str, Any]:
    stores: dict[str, ServerProcess] = {}
    cluster = None
    pg_settings: dict[str, str] = {}
    checked: dict[str, int] = {}
    try:
        stores["sqlite"] = start_server("accept-sqlite", ISOLATED, delivering=False)
        if use_postgres:
            cluster, pg_settings = start_postgres()
            url = cluster.create_database("herald_bench")
            stores["postgresql"] = start_server(
                "accept-pg", {**ISOLATED, "HERALD_DATABASE_URL": url}, delivering=False
            )
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in stores}
        warm: dict[str, int] = {}
        for name, server in stores.items():  # warm-up, not recorded
            warm[name] = int(
                (await acceptance_round(server, sink, concurrency, min(1.0, seconds)))["recipients"]
            )
        for _ in range(rounds):
            for name, server in stores.items():
                runs[name].append(await acceptance_round(server, sink, concurrency, seconds))
                r = runs[name][-1]
                print(
                    f"accept {name:10s} {r['recipients_per_second']:7.0f} recipients/s  "
                    f"p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms",
                    flush=True,
                )
        # Every recipient a reply called accepted is a row in the store.
        for name, server in stores.items():
            accepted = warm[name] + sum(int(r["recipients"]) for r in runs[name])
            stored = store_rows(server)
            print(f"accept {name}: {accepted} accepted, {stored} delivery rows", flush=True)
            if stored != accepted:
                raise AssertionError(f"{name}: {accepted} accepted but {stored} rows stored")
            checked[name] = stored
    finally:
        for server in stores.values():
            server.stop()
        if cluster is not None:
            cluster.stop()
    return {
        "stores": {
            name: {
                "recipients_per_second": summary([r["recipients_per_second"] for r in rs]),
                "p50_ms": summary([r["p50_ms"] for r in rs]),
                "p99_ms": summary([r["p99_ms"] for r in rs]),
                "server_cpu_ms_per_1k_recipients": summary(
                    [r["server_cpu_ms_per_1k_recipients"] for r in rs]
                ),
                "errors": sum(r["errors"] for r in rs),
                "delivery_rows_checked": checked[name],
                "runs": rs,
            }
            for name, rs in runs.items()
        },
        "postgresql_settings": pg_settings,
    }


async def delivery_phase(sink: str, rounds: int, total: int, concurrency: int) -> dict[str, Any]:
    server = start_server("delivery")
    signer = Webhook(WEBHOOK_SECRET)
    raw_runs: list[dict[str, Any]] = []
    herald_runs: list[dict[str, Any]] = []
    try:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with (
            aiohttp.ClientSession(connector=connector) as raw_session,
            aiohttp.ClientSession() as poll_session,
        ):
            warm = max(RECIPIENTS, total // 10)
            await raw_round(raw_session, signer, sink, warm, concurrency)
            await herald_delivery_round(server, poll_session, sink, warm, "warm")
            for n in range(rounds):
                raw_runs.append(await raw_round(raw_session, signer, sink, total, concurrency))
                herald_runs.append(
                    await herald_delivery_round(server, poll_session, sink, total, f"d{n}")
                )
                print(
                    f"delivery raw {raw_runs[-1]['deliveries_per_second']:7.0f}/s  "
                    f"herald {herald_runs[-1]['deliveries_per_second']:7.0f}/s",
                    flush=True,
                )
    finally:
        server.stop()
    ratios = [
        h["deliveries_per_second"] / r["deliveries_per_second"]
        for h, r in zip(herald_runs, raw_runs, strict=True)
    ]
    return {
        "recipients_per_round": total,
        "raw_concurrency": concurrency,
        "herald_workers": 64,
        "raw_per_second": summary([r["deliveries_per_second"] for r in raw_runs]),
        "herald_per_second": summary([r["deliveries_per_second"] for r in herald_runs]),
        "herald_server_cpu_us_per_delivery": summary(
            [r["server_cpu_us_per_delivery"] for r in herald_runs]
        ),
        "herald_event_loop_cpu_us_per_delivery": summary(
            [r["event_loop_cpu_us_per_delivery"] for r in herald_runs]
        ),
        "herald_accept_per_second_while_delivering": summary(
            [r["accept_per_second"] for r in herald_runs]
        ),
        "ratio": summary(ratios),
        "failed": sum(r["failed"] for r in herald_runs) + sum(r["failed"] for r in raw_runs),
        "runs": {"raw": raw_runs, "herald": herald_runs},
    }


async def rss_phase(sink: str, sizes: list[int]) -> dict[str, Any]:
    runs = []
    async with aiohttp.ClientSession() as session:
        for size in sizes:
            server = start_server(f"rss-{size}")
            try:
                idle = server_status(server)["VmRSS"]
                samples: list[int] = []
                run = await herald_delivery_round(
                    server, session, sink, size, f"rss{size}", samples
                )
            finally:
                server.stop()
            run.update(recipients=size, rss_idle_bytes=idle, rss_samples=len(samples))
            runs.append(run)
            print(
                f"rss {size:7d} recipients: peak {run['rss_peak_bytes'] / 2**20:.1f} MiB "
                f"(idle {idle / 2**20:.1f} MiB), {run['deliveries_per_second']:.0f} deliveries/s",
                flush=True,
            )
    growth = runs[-1]["rss_peak_bytes"] / runs[0]["rss_peak_bytes"] - 1
    return {"runs": runs, "peak_growth": growth}


# -- reporting ------------------------------------------------------------------


def cpu_rows(delivery: dict[str, Any]) -> list[str]:
    """The delivery table's CPU rows (results from before they were measured have none)."""
    rows = []
    for key, label in (
        ("herald_server_cpu_us_per_delivery", "Herald CPU per delivery, µs (all its processes)"),
        ("herald_event_loop_cpu_us_per_delivery", "of which the server's event loop thread, µs"),
    ):
        if stat := delivery.get(key):
            rows.append(
                f"| {label} | {stat['median']:.0f} | {stat['min']:.0f} | {stat['max']:.0f} |"
            )
    return rows


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = Path("/proc/meminfo").read_text().split()[1]

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(int(mem) / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "grpcio": grpc.__version__,
        "aiohttp": aiohttp.__version__,
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty_paths": [line[3:] for line in git("status", "--short").splitlines()],
        "server_source": "git archive HEAD server" if SERVER_SOURCE else "working tree",
    }


def markdown(doc: dict[str, Any]) -> str:
    m, acc, dlv, rss = doc["machine"], doc["acceptance"], doc["delivery"], doc["rss"]
    mib = 2**20
    lines = [
        "# SendNotification: acceptance, delivery, RSS",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB; "
        f"Python {m['python']}; SQLite {m['sqlite']}; grpcio {m['grpcio']}; "
        f"aiohttp {m['aiohttp']}; commit {m['git_commit'][:10]}; server from "
        + (
            "the commit (git archive HEAD server)"
            if m["server_source"] != "working tree"
            else "the working tree"
            + (
                " (with local changes)"
                if any(p.startswith("server/") for p in m["git_dirty_paths"])
                else ""
            )
        ),
        "",
        f"Load average (1/5/15 min) at start {m['load_average_at_start']}, at end "
        f"{m['load_average_at_end']}: other work shares these CPUs; the ratios come from "
        "alternating rounds in the same run.",
        "",
        "All processes on 127.0.0.1: herald serve, the webhook sink (bench/webhook_sink.py), "
        "PostgreSQL, and the benchmark (gRPC client and raw aiohttp side). "
        f"HERALD_LOG_LEVEL={doc['herald_log_level']}. 50 webhook recipients per request.",
        "",
        "## Acceptance (recipients durably queued per second)",
        "",
        f"{doc['params']['accept_concurrency']} callers back to back, "
        f"{doc['params']['accept_rounds']} alternating rounds of "
        f"{doc['params']['accept_seconds']} s per store. Deliveries held off: "
        "HERALD_WORKERS=1, HERALD_RATE_LIMITS=webhook=1/s.",
        "",
        "| store | recipients/s median | min | max | p50 ms | p99 ms "
        "| server CPU ms / 1k | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, s in acc["stores"].items():
        r = s["recipients_per_second"]
        lines.append(
            f"| {name} | {r['median']:.0f} | {r['min']:.0f} | {r['max']:.0f} | "
            f"{s['p50_ms']['median']:.1f} | {s['p99_ms']['median']:.1f} | "
            f"{s['server_cpu_ms_per_1k_recipients']['median']:.0f} | {TARGET_ACCEPT:.0f} | "
            f"{'yes' if r['median'] >= TARGET_ACCEPT else 'NO'} |"
        )
    lines += [
        "",
        "Checked after the rounds: delivery rows in each store = recipients the replies "
        "accepted ("
        + ", ".join(f"{n}: {s['delivery_rows_checked']}" for n, s in acc["stores"].items())
        + ").",
    ]
    if acc["postgresql_settings"]:
        ps = acc["postgresql_settings"]
        lines += [
            "",
            f"PostgreSQL {ps['server_version']}: fsync={ps['fsync']}, "
            f"full_page_writes={ps['full_page_writes']}, "
            f"synchronous_commit={ps['synchronous_commit']}. "
            "SQLite: WAL, synchronous=NORMAL (Herald's setting).",
        ]
    r, h, ratio = dlv["raw_per_second"], dlv["herald_per_second"], dlv["ratio"]
    lines += [
        "",
        "## Delivery to a loopback webhook receiver (SQLite)",
        "",
        f"{dlv['recipients_per_round']} recipients per round, "
        f"{len(dlv['runs']['raw'])} alternating rounds per side. Herald: accepted "
        f"through SendNotification ({SUBMIT_CONCURRENCY} calls in flight), timed from the "
        "first call to the last delivery's completed_at, HERALD_WORKERS=64, "
        f"HERALD_DELIVERY_PROCESSES={doc.get('delivery_processes', 0)}. Raw: aiohttp, "
        f"{dlv['raw_concurrency']} workers on one session, standardwebhooks-signed JSON.",
        "",
        "| | median | min | max |",
        "|---|---:|---:|---:|",
        f"| raw aiohttp deliveries/s | {r['median']:.0f} | {r['min']:.0f} | {r['max']:.0f} |",
        f"| Herald deliveries/s | {h['median']:.0f} | {h['min']:.0f} | {h['max']:.0f} |",
        f"| ratio Herald / raw | {ratio['median']:.2f} | {ratio['min']:.2f} | {ratio['max']:.2f} |",
        f"| Herald acceptance while delivering, recipients/s | "
        f"{dlv['herald_accept_per_second_while_delivering']['median']:.0f} | | |",
        *cpu_rows(dlv),
        "",
        f"Target: ratio >= {TARGET_RATIO:.2f}: "
        f"{'met' if ratio['median'] >= TARGET_RATIO else 'NOT met'}. "
        f"Failed deliveries: {dlv['failed']}.",
        "",
        "## Server RSS (SQLite, fresh server per run"
        + (
            f"; summed over the server and its {doc.get('delivery_processes', 0)} "
            "delivery processes)"
            if doc.get("delivery_processes")
            else ")"
        ),
        "",
        "| recipients | idle MiB | peak MiB (VmHWM) | end MiB | deliveries/s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for run in rss["runs"]:
        lines.append(
            f"| {run['recipients']} | {run['rss_idle_bytes'] / mib:.1f} | "
            f"{run['rss_peak_bytes'] / mib:.1f} | {run['rss_end_bytes'] / mib:.1f} | "
            f"{run['deliveries_per_second']:.0f} |"
        )
    lines += [
        "",
        f"Peak growth: {rss['peak_growth'] * 100:+.1f}% (target within "
        f"{TARGET_RSS_GROWTH * 100:.0f}%: "
        f"{'met' if abs(rss['peak_growth']) <= TARGET_RSS_GROWTH else 'NOT met'}).",
        "",
    ]
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sink_port = free_port()
    sink = f"http://127.0.0.1:{sink_port}"
    with child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port):
        acceptance = await acceptance_phase(
            sink, args.accept_rounds, args.accept_seconds, args.accept_concurrency, args.postgres
        )
        delivery = await delivery_phase(
            sink, args.delivery_rounds, args.delivery_recipients, args.raw_concurrency
        )
        rss = await rss_phase(sink, args.rss_sizes)
    return {"acceptance": acceptance, "delivery": delivery, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small numbers, under a minute")
    parser.add_argument(
        "--smoke", action="store_true", help="smaller still (bench.suite --quick), about 20 s"
    )
    parser.add_argument("--no-postgres", dest="postgres", action="store_false")
    add_delivery_processes_argument(parser, "the delivery and RSS servers")
    parser.add_argument(
        "--head",
        action="store_true",
        help="run the server from `git archive HEAD server` instead of the working tree",
    )
    args = parser.parse_args()
    full = {
        "accept_rounds": 5,
        "accept_seconds": 5.0,
        "accept_concurrency": 32,
        "delivery_rounds": 5,
        "delivery_recipients": 10_000,
        "raw_concurrency": 64,
        "rss_sizes": [10_000, 100_000],
    }
    quick = {
        **full,
        "accept_rounds": 2,
        "accept_seconds": 1.5,
        "delivery_rounds": 1,
        "delivery_recipients": 1_000,
        "rss_sizes": [1_000, 5_000],
    }
    smoke = {
        **quick,
        "accept_rounds": 1,
        "accept_seconds": 1.0,
        "delivery_recipients": 500,
        "rss_sizes": [500, 1_000],
    }
    args.quick = args.quick or args.smoke
    for key, value in (smoke if args.smoke else quick if args.quick else full).items():
        setattr(args, key, value)
    command = ".venv/bin/python -m bench.notifications" + (
        " --smoke" if args.smoke else " --quick" if args.quick else ""
    )
    if not args.postgres:
        command += " --no-postgres"
    command += use_delivery_processes(args.delivery_processes)
    if args.head:
        command += " --head"
        export = Path(tempfile.mkdtemp(prefix="herald-head-"))
        archive = subprocess.run(
            ["git", "archive", "HEAD", "server"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
        SERVER_SOURCE["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(export / "server"), os.environ.get("PYTHONPATH", "")) if p
        )
    log_level = server_env()["HERALD_LOG_LEVEL"]
    when = dt.datetime.now(dt.UTC)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    figures = asyncio.run(run(args))
    doc = {
        "benchmark": "notifications",
        "command": command,
        "when": when.isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_start": load_at_start},
        "herald_log_level": log_level,
        "delivery_processes": args.delivery_processes,
        "params": {k: getattr(args, k) for k in quick},
        "targets": {
            "accept_recipients_per_second": TARGET_ACCEPT,
            "delivery_ratio": TARGET_RATIO,
            "rss_peak_growth": TARGET_RSS_GROWTH,
        },
        **figures,
    }
    accept = [s["recipients_per_second"]["median"] for s in doc["acceptance"]["stores"].values()]
    doc["met"] = {
        "acceptance": all(a >= TARGET_ACCEPT for a in accept),
        "delivery_ratio": doc["delivery"]["ratio"]["median"] >= TARGET_RATIO,
        "rss": abs(doc["rss"]["peak_growth"]) <= TARGET_RSS_GROWTH,
    }
    text = markdown(doc)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"notifications-{when.strftime('%Y%m%dT%H%M%SZ')}"
    if args.quick:
        stem = Path(tempfile.gettempdir()) / stem.name
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"written to {stem}.{{md,json}}")


if __name__ == "__main__":
    main()
