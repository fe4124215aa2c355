"""Two Herald replicas sharing one PostgreSQL against one replica alone: SendNotification
recipients/s accepted and delivered to a loopback webhook receiver, a webhook campaign's
deliveries/s and peak RSS, SendMessage p99 during a campaign, and the scaling ratios.

    .venv/bin/python -m bench.replicas [--quick]
        (results: bench/results/replicas-<UTC timestamp>.{md,json};
         --quick writes them to the temporary directory instead: not a record)

Every process is on 127.0.0.1: a throwaway PostgreSQL cluster set back to durable commits
(bench/notifications.py's start_postgres), two databases, one `herald serve` on the first
("one") and two on the second ("two": they share its queue, claims FOR UPDATE SKIP LOCKED,
LISTEN/NOTIFY), the webhook sink and this process (the gRPC client). Product defaults
(HERALD_WORKERS=64 per replica).

A round sends N recipients (SendNotification, 50 webhook URLs each, 16 calls in flight,
spread round-robin over the configuration's replicas) and waits until the sink has counted
all N; delivered/s = N / (the sink's last count - the first call), accepted/s = N / the time
the calls took. Rounds alternate one / two; the scaling ratio is two / one per pair.

Then campaigns (bench/campaign.py's rounds, on the configuration's first replica; every
replica of it claims the recipients from the shared queue): C recipients per round, rounds
alternating one / two; deliveries/s = sent / (completed_at - the SendCampaign call), CPU per
delivery as above, peak RSS of each replica (VmHWM, over the whole benchmark). Last,
SendMessage latency with and without a campaign running (bench/campaign.py's latency phase:
4 callers on the first replica, windows of S seconds alternating "without" and "during" a
campaign sent as the window opens); the figure is p99 during / p99 without, per
configuration.

On a 2-CPU machine the replicas, PostgreSQL, the sink and the client share the same two
cores: the ratio says what a second process buys here, not on a bigger machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from bench.apprise_peer import count, wait_count
from bench.campaign import TARGET_P99_RATIO, campaign_round, latency_phase
from bench.harness import RESULTS, child, free_port, summary
from bench.notifications import (
    cpu_seconds,
    server_cpu_seconds,
    server_status,
    start_postgres,
    start_server,
)
from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess

BATCH = 50
LATENCY_CALLERS = 4  # bench.campaign's load_concurrency
IN_FLIGHT = 16
PARTS = ("replicas", "postgresql", "sink", "client")


def postgres_cpu_seconds(data_dir: Path) -> float:
    """CPU of the cluster: the postmaster, its live backends and the ones it reaped."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    total = ticks / os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(stat[1]) == postmaster:
            total += cpu_seconds(int(entry.name))
    return total


class CpuMeter:
    """CPU seconds used by each part of a round: the configuration's replicas (and their
    delivery processes), PostgreSQL, the sink, and this process (the gRPC client)."""

    def __init__(self, servers: list[ServerProcess], postgres_dir: Path, sink_pid: int) -> None:
        self._servers, self._postgres_dir, self._sink_pid = servers, postgres_dir, sink_pid

    def read(self) -> dict[str, float]:
        return {
            "replicas": sum(server_cpu_seconds(s) for s in self._servers),
            "postgresql": postgres_cpu_seconds(self._postgres_dir),
            "sink": cpu_seconds(self._sink_pid),
            "client": time.process_time(),
        }


def cpu_us_per(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
    """Each part's CPU, in µs per item, between two CpuMeter readings."""
    return {part: 1e6 * (after[part] - before[part]) / count for part in PARTS}


def per_config(runs: dict[str, list[dict[str, Any]]], key: str) -> dict[str, dict[str, float]]:
    """Each configuration's summary of `key`, and the two / one ratio per pair of rounds."""
    return {
        **{name: summary([r[key] for r in side]) for name, side in runs.items()},
        "ratio": summary([t[key] / o[key] for o, t in zip(runs["one"], runs["two"], strict=True)]),
    }


def cpu_per_config(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {
        name: {part: summary([r["cpu_us_per_delivery"][part] for r in side]) for part in PARTS}
        for name, side in runs.items()
    }


async def replica_round(
    servers: list[ServerProcess], sink_port: int, tag: str, total: int, meter: CpuMeter
) -> dict[str, Any]:
    calls = total // BATCH
    before = await asyncio.to_thread(count, sink_port)
    cpu_before = meter.read()
    channels = [authenticated_channel(s.target) for s in servers]
    try:
        stubs = [delivery_pb2_grpc.DeliveryServiceStub(c) for c in channels]
        for c in channels:
            await c.channel_ready()
        next_call = 0
        accepted = 0
        began = time.perf_counter()

        async def caller() -> None:
            nonlocal next_call, accepted
            while next_call < calls:
                number = next_call
                next_call += 1
                request = delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[f"http://127.0.0.1:{sink_port}/{tag}/{number}/{i}" for i in range(BATCH)],
                    subject="Scheduled maintenance",
                    body="A scheduled maintenance window starts at 22:00 UTC.",
                )
                reply = await stubs[number % len(stubs)].SendNotification(request, timeout=60)
                accepted += sum(len(c.recipients) for c in reply.accepted_recipients)

        await asyncio.gather(*(caller() for _ in range(IN_FLIGHT)))
        accepted_at = time.perf_counter()
        done = await wait_count(sink_port, before + calls * BATCH, 600)
        cpu_after = meter.read()
    finally:
        for c in channels:
            await c.close()
    await asyncio.sleep(0.2)
    received = await asyncio.to_thread(count, sink_port) - before
    return {
        "recipients": calls * BATCH,
        "accepted": accepted,
        "received": received,
        "accepted_per_second": accepted / (accepted_at - began),
        "delivered_per_second": calls * BATCH / (done - began),
        "seconds": done - began,
        # CPU per delivered recipient, and cores kept busy, from the first call to the last count.
        "cpu_us_per_delivery": cpu_us_per(cpu_before, cpu_after, calls * BATCH),
        "cores_busy": sum(cpu_after[p] - cpu_before[p] for p in PARTS) / (done - began),
    }


async def campaign_phase(
    configs: dict[str, list[ServerProcess]],
    meters: dict[str, CpuMeter],
    sink_port: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Campaign rounds alternating one / two, then SendMessage latency with and without a
    campaign on each configuration; the figures and the rounds."""
    sink = f"http://127.0.0.1:{sink_port}"
    runs: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
    async with aiohttp.ClientSession() as session:
        for number in range(args.campaign_rounds):
            for name in ["one", "two"] if number % 2 == 0 else ["two", "one"]:
                group, total = configs[name], args.campaign_recipients
                before = meters[name].read()
                result = await campaign_round(group[0], session, sink, total, f"{name}-{number}")
                after = meters[name].read()
                result["cpu_us_per_delivery"] = cpu_us_per(before, after, total)
                result["rss_peak_bytes"] = [server_status(s)["VmHWM"] for s in group]
                del result["progress"], result["server_cpu_seconds"], result["server_cpu_ms_per_1k"]
                runs[name].append(result)
                print(
                    f"{name} campaign {number}: {result['deliveries_per_second']:7.0f}/s "
                    f"({result['sink_received']}/{total} at the sink, {result['sent']} sent)",
                    flush=True,
                )
    latency: dict[str, dict[str, Any]] = {}
    for name in ("one", "two"):
        latency[name] = await latency_phase(
            configs[name][0],
            sink,
            args.latency_rounds,
            args.latency_seconds,
            LATENCY_CALLERS,
            args.campaign_recipients,
        )
    return {
        "deliveries_per_second": per_config(runs, "deliveries_per_second"),
        "seconds": {name: summary([r["seconds"] for r in side]) for name, side in runs.items()},
        "cpu_us_per_delivery": cpu_per_config(runs),
        "rss_peak_bytes": {name: runs[name][-1]["rss_peak_bytes"] for name in runs},
        "all_delivered": all(
            r["sink_received"] == r["recipients"] == r["sent"]
            for side in runs.values()
            for r in side
        ),
        "send_message_p99_ms": {
            name: {
                "without": phase["pooled"]["without"]["p99_ms"],
                "during": phase["pooled"]["during"]["p99_ms"],
                "ratio": phase["p99_ratio"],
            }
            for name, phase in latency.items()
        },
        "p99_ratio_target": TARGET_P99_RATIO,
        "send_message_errors": sum(p["errors"] + p["failed_results"] for p in latency.values()),
        "runs": runs,
        "latency": latency,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sink_port = free_port()
    cluster, settings = start_postgres()
    servers: list[ServerProcess] = []
    runs: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
    try:
        with child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port) as sink:
            one_url = cluster.create_database("herald_one")
            two_url = cluster.create_database("herald_two")
            one = [start_server("replica-one", {"HERALD_DATABASE_URL": one_url})]
            servers += one
            two = [
                start_server(f"replica-two-{n}", {"HERALD_DATABASE_URL": two_url}) for n in range(2)
            ]
            servers += two
            configs = {"one": one, "two": two}
            meters = {
                name: CpuMeter(group, cluster.data_dir, sink.pid) for name, group in configs.items()
            }
            for name, group in configs.items():  # warm-up, not recorded
                await replica_round(group, sink_port, f"warm-{name}", 1000, meters[name])
            for number in range(args.rounds):
                order = ["one", "two"] if number % 2 == 0 else ["two", "one"]
                for name in order:
                    result = await replica_round(
                        configs[name], sink_port, f"{name}-{number}", args.recipients, meters[name]
                    )
                    runs[name].append(result)
                    print(
                        f"{name} round {number}: accepted {result['accepted_per_second']:7.0f}/s "
                        f"delivered {result['delivered_per_second']:7.0f}/s "
                        f"({result['received']}/{result['recipients']})",
                        flush=True,
                    )
            campaigns = await campaign_phase(configs, meters, sink_port, args)
    finally:
        for server in servers:
            server.stop()
        cluster.stop()
    figures: dict[str, Any] = {"campaign": campaigns}
    for key in ("accepted_per_second", "delivered_per_second"):
        figures[key] = per_config(runs, key)
    figures["cpu_us_per_delivery"] = cpu_per_config(runs)
    figures["cores_busy"] = {
        name: summary([r["cores_busy"] for r in side]) for name, side in runs.items()
    }
    figures["all_delivered"] = all(
        r["received"] == r["recipients"] for side in runs.values() for r in side
    )
    return {"postgresql_settings": settings, "figures": figures, "runs": runs}


def cell(f: dict[str, float], digits: int = 0) -> str:
    """median (min-max)"""
    return f"{f['median']:.{digits}f} ({f['min']:.{digits}f}-{f['max']:.{digits}f})"


def cpu_table(
    cpu: dict[str, dict[str, Any]], busy: dict[str, dict[str, float]] | None = None
) -> list[str]:
    """The CPU-per-delivery table of each configuration (medians), with cores busy if given."""
    extra = " | cores busy" if busy else ""
    lines = [
        "| | " + " | ".join(PARTS) + f" | total{extra} |",
        "|---|" + "---:|" * (len(PARTS) + (2 if busy else 1)),
    ]
    for name in ("one", "two"):
        parts = [cpu[name][part]["median"] for part in PARTS]
        tail = f" | {busy[name]['median']:.2f}" if busy else ""
        lines.append(
            f"| {name} | " + " | ".join(f"{v:.0f}" for v in parts) + f" | {sum(parts):.0f}{tail} |"
        )
    return lines


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# Two replicas sharing PostgreSQL against one",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; {doc['machine']['cpus']} CPUs; Python {doc['machine']['python']};"
        f" load average at start {doc['machine']['load_average_at_start']}; PostgreSQL "
        f"{doc['postgresql_settings']['server_version']} (fsync, synchronous_commit on)",
        "",
        f"{doc['params']['rounds']} rounds per configuration, alternating; "
        f"{doc['params']['recipients']} webhook recipients per round (SendNotification, "
        f"{BATCH} per call, {IN_FLIGHT} in flight, round-robin over the replicas). "
        "Median (min-max); ratio = two / one per pair.",
        "",
        "| figure | one replica | two replicas | two / one |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (
        ("accepted_per_second", "recipients/s accepted"),
        ("delivered_per_second", "recipients/s delivered (sink count)"),
    ):
        f = doc["figures"][key]
        lines.append(f"| {label} | {cell(f['one'])} | {cell(f['two'])} | {cell(f['ratio'], 2)} |")
    cpu, busy = doc["figures"]["cpu_us_per_delivery"], doc["figures"]["cores_busy"]
    lines += [
        "",
        "CPU per delivered recipient (µs, median over the rounds) and cores kept busy, from"
        " /proc (the replicas with their delivery processes; PostgreSQL's postmaster, its"
        " backends and the ones it reaped; the sink; this process):",
        "",
        *cpu_table(cpu, busy),
    ]
    lines.append(f"\nEvery recipient counted at the sink: {doc['figures']['all_delivered']}.")
    lines += campaign_markdown(doc)
    return "\n".join(lines) + "\n"


def campaign_markdown(doc: dict[str, Any]) -> list[str]:
    c, p = doc["figures"]["campaign"], doc["params"]
    rate, seconds = c["deliveries_per_second"], c["seconds"]
    p99 = c["send_message_p99_ms"]
    lines = [
        "",
        f"## A {p['campaign_recipients']:,}-recipient webhook campaign",
        "",
        f"{p['campaign_rounds']} campaigns per configuration, alternating (SendCampaign on the "
        "first replica; every replica of the configuration delivers from the shared queue). "
        "Median (min-max); ratio = two / one per pair.",
        "",
        "| figure | one replica | two replicas | two / one |",
        "|---|---:|---:|---:|",
        f"| deliveries/s | {cell(rate['one'])} | {cell(rate['two'])} | {cell(rate['ratio'], 2)} |",
        f"| wall time, s | {cell(seconds['one'], 1)} | {cell(seconds['two'], 1)} | |",
        "| peak RSS per replica, MB | "
        + " | ".join(
            ", ".join(f"{b / 1e6:.0f}" for b in c["rss_peak_bytes"][n]) for n in ("one", "two")
        )
        + " | |",
        f"| SendMessage p99 without / during a campaign, ms ({LATENCY_CALLERS} callers on the "
        f"first replica, {p['latency_rounds']} windows of {p['latency_seconds']:.0f} s each) | "
        + " | ".join(
            f"{p99[n]['without']:.1f} / {p99[n]['during']:.1f} ({p99[n]['ratio']:.2f}x)"
            for n in ("one", "two")
        )
        + f" | (target <= {c['p99_ratio_target']:.0f}x) |",
        "",
        "CPU per delivery in the campaigns (µs, median):",
        "",
        *cpu_table(c["cpu_us_per_delivery"]),
    ]
    lines.append(
        f"\nEvery campaign recipient sent and counted at the sink: {c['all_delivered']}; "
        f"SendMessage errors or failed results: {c['send_message_errors']}."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, about a minute")
    args = parser.parse_args()
    full = {
        "rounds": 3,
        "recipients": 20_000,
        "campaign_rounds": 2,
        "campaign_recipients": 100_000,
        "latency_rounds": 2,
        "latency_seconds": 15.0,
    }
    quick = {
        "rounds": 1,
        "recipients": 2_000,
        "campaign_rounds": 1,
        "campaign_recipients": 3_000,
        "latency_rounds": 1,
        "latency_seconds": 3.0,
    }
    for key, value in (quick if args.quick else full).items():
        setattr(args, key, value)
    when = dt.datetime.now(dt.UTC)
    load = [round(x, 2) for x in os.getloadavg()]
    figures = asyncio.run(run(args))
    doc = {
        "benchmark": "replicas",
        "command": ".venv/bin/python -m bench.replicas" + (" --quick" if args.quick else ""),
        "when": when.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load,
        },
        "params": {k: getattr(args, k) for k in full},
        **figures,
    }
    stem = RESULTS / f"replicas-{when.strftime('%Y%m%dT%H%M%SZ')}"
    if args.quick:
        stem = Path(tempfile.gettempdir()) / stem.name
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    text = markdown(doc)
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"written to {stem}.{{md,json}}")


if __name__ == "__main__":
    main()
