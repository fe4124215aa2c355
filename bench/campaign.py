"""A webhook campaign to a loopback receiver in another process: wall time and
deliveries/second beside raw aiohttp in the same run, peak server RSS, and SendMessage
latency with and without a campaign running.

    .venv/bin/python -m bench.campaign [--quick]
        (results: bench/results/campaign-<UTC timestamp>.{md,json};
         --quick writes them to the temporary directory instead: not a record)

Every process is on 127.0.0.1: one `herald serve` (tests/support/server.py's ServerProcess:
HERALD_LISTEN=127.0.0.1:0, a fresh data dir, SQLite, HERALD_WEBHOOK_ALLOW_CIDRS=127.0.0.0/8,
default HERALD_WORKERS=64), the webhook sink (bench/webhook_sink.py, its own process), the
SendMessage load (this module with --load, its own process) and this process, which is the
campaign's gRPC client and the raw aiohttp side.

1. Campaign: CreateCampaign (channels=[CHANNEL_WEBHOOK], subject, body), then SendCampaign
   with N recipients {person_id=p<i>, recipient=<sink>/c/<tag>/<i>} in one call, followed
   with WatchCampaignSend until COMPLETED. Wall time = completed_at - the moment of the
   SendCampaign call; the sink's count must grow by N and the send must report N sent.
   Peak server RSS is /proc/<pid>/status VmHWM right after it completes (the server has
   run only a 1,000-recipient warm-up campaign before).
2. Raw side: N standardwebhooks-signed JSON posts of the adapter's shape to the same sink,
   64 workers (= HERALD_WORKERS) on one aiohttp session, one round just before and one just
   after the campaign; ratio = Herald / the mean of the two. Then smaller alternating pairs
   (raw, campaign) for a per-pair ratio.
3. SendMessage latency: `--load` callers (4) send SendMessage (InApp + Webhook to the sink,
   as bench/loadgen.py) back to back for S seconds; rounds alternate "without" (nothing
   else running) and "during" (a campaign of N recipients sent at the window's start, then
   cancelled once the window ends, and waited for until nothing is in flight). Latencies
   are pooled over the rounds of each kind; the "during" ones are also split by whether the
   call started while SendCampaign was still queueing recipients.
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
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import grpc
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
)
from standardwebhooks import Webhook

from bench.harness import RESULTS, ROOT, child, free_port, summary
from bench.notifications import (
    SERVER_SOURCE,
    add_delivery_processes_argument,
    cpu_seconds,
    pid_of,
    server_cpu_seconds,
    server_env,
    server_status,
    start_server,
    use_delivery_processes,
)
from bench.raw_webhooks import signed_posts
from tests.support.auth import authenticated_channel
from tests.support.server import WEBHOOK_SECRET, ServerProcess

TARGET_RATIO = 0.50  # Herald campaign deliveries/s over raw aiohttp's
TARGET_RSS_BYTES = 300 * 10**6  # peak server RSS, "300 MB"
TARGET_P99_RATIO = 3.0  # SendMessage p99 during a campaign over without
WORKERS = 64  # HERALD_WORKERS' default; the raw side's concurrency
SUBJECT = "Scheduled maintenance"
BODY = "A scheduled maintenance window starts at 22:00 UTC and lasts one hour."
MAX_MESSAGE = 64 * 1024 * 1024  # HERALD_MAX_MESSAGE_BYTES' default
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE),
    ("grpc.max_receive_message_length", MAX_MESSAGE),
]
COMPLETED = campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
CANCELLED = campaign_pb2.CAMPAIGN_SEND_STATUS_CANCELLED


def status_name(status: int) -> str:
    return campaign_pb2.CampaignSendStatus.Name(status).removeprefix("CAMPAIGN_SEND_STATUS_")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


# -- the campaign side ------------------------------------------------------------


def recipients(sink: str, tag: str, total: int) -> list[campaign_pb2.CampaignRecipient]:
    return [
        campaign_pb2.CampaignRecipient(person_id=f"p{i}", recipient=f"{sink}/c/{tag}/{i}")
        for i in range(total)
    ]


async def sink_count(session: aiohttp.ClientSession, sink: str) -> int:
    async with session.get(f"{sink}/count") as response:
        return int((await response.json())["received"])


async def create_campaign(stub: campaign_pb2_grpc.CampaignServiceStub, tag: str) -> str:
    campaign = campaign_pb2.Campaign(
        id=f"bench-{tag}-{uuid.uuid4().hex[:8]}",
        display_name=f"bench {tag}",
        channels=[common_pb2.CHANNEL_WEBHOOK],
        subject=SUBJECT,
        body=BODY,
    )
    reply = await stub.CreateCampaign(
        campaign_pb2.CreateCampaignRequest(campaign=campaign), timeout=30
    )
    return str(reply.campaign.id)


async def watch_until_final(
    stub: campaign_pb2_grpc.CampaignServiceStub,
    send_id: str,
    limit: float,
    progress: list[list[float]] | None = None,
) -> tuple[campaign_pb2.CampaignSend, int]:
    """WatchCampaignSend to its end (completed, or cancelled with nothing in flight);
    `progress` gets [time.time(), sent, failed] per update."""
    last = None
    updates = 0
    call = stub.WatchCampaignSend(campaign_pb2.WatchCampaignSendRequest(id=send_id), timeout=limit)
    async for reply in call:
        last = reply.send
        updates += 1
        if progress is not None:
            progress.append([time.time(), reply.send.sent, reply.send.failed])
    assert last is not None
    return last, updates


async def campaign_round(
    server: ServerProcess,
    session: aiohttp.ClientSession,
    sink: str,
    total: int,
    tag: str,
) -> dict[str, Any]:
    """One campaign of `total` recipients, from the SendCampaign call to completed_at."""
    people = recipients(sink, tag, total)
    request = campaign_pb2.SendCampaignRequest(recipients=people)
    async with authenticated_channel(server.target, options=CHANNEL_OPTIONS) as channel:
        stub = campaign_pb2_grpc.CampaignServiceStub(channel)
        await channel.channel_ready()
        request.id = await create_campaign(stub, tag)
        before = await sink_count(session, sink)
        pid = pid_of(server)
        cpu_before, loop_before = server_cpu_seconds(server), cpu_seconds(pid, pid)
        started = time.time()
        reply = await stub.SendCampaign(request, timeout=600)
        queued_at = time.time()
        cpu_queueing = server_cpu_seconds(server) - cpu_before
        progress: list[list[float]] = []
        send, updates = await watch_until_final(
            stub, reply.send.id, max(600.0, total / 50), progress
        )
        watched_at = time.time()
        cpu = server_cpu_seconds(server) - cpu_before
        loop_cpu = cpu_seconds(pid, pid) - loop_before
    if send.status != COMPLETED:
        raise AssertionError(f"{tag}: the send ended {send.status}, not COMPLETED")
    deadline = time.monotonic() + 30
    received = await sink_count(session, sink) - before
    while received < total and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        received = await sink_count(session, sink) - before
    completed_at = send.completed_at.ToNanoseconds() / 1e9
    elapsed = completed_at - started
    status = server_status(server)
    return {
        "recipients": total,
        "send_id": send.id,
        "sent": send.sent,
        "failed": send.failed,
        "cancelled": send.cancelled,
        "sink_received": received,
        "send_campaign_rpc_seconds": queued_at - started,
        "seconds": elapsed,
        "deliveries_per_second": send.sent / elapsed,
        "watch_updates": updates,
        "watch_end_lag_seconds": watched_at - completed_at,
        "server_cpu_seconds": cpu,
        "server_cpu_ms_per_1k": 1e6 * cpu / total,
        # Of which until SendCampaign answered (the recipients durably queued).
        "server_cpu_queueing_seconds": cpu_queueing,
        # The serving process's event-loop thread alone (its store threads are the rest).
        "server_loop_cpu_seconds": loop_cpu,
        "rss_end_bytes": status["VmRSS"],
        "rss_peak_bytes": status["VmHWM"],
        # [seconds since the SendCampaign call, sent, failed] per WatchCampaignSend update
        "progress": [[round(t - started, 3), int(n), int(f)] for t, n, f in progress],
    }


# -- the raw side -------------------------------------------------------------------


async def raw_round(
    session: aiohttp.ClientSession, signer: Webhook, sink: str, total: int, concurrency: int
) -> dict[str, Any]:
    """`total` signed posts with `concurrency` workers: this campaign's content, one sink
    path and one person id per post."""
    return await signed_posts(
        session,
        signer,
        total,
        concurrency,
        url_for=lambda index: f"{sink}/raw/{index}",
        message_id=uuid.uuid4().hex,
        user_id_for=lambda index: f"p{index}",
        subject=SUBJECT,
        body=BODY,
    )


# -- the SendMessage load (its own process) ---------------------------------------


async def load_child(target: str, webhook_url: str, concurrency: int, seconds: float) -> None:
    """Closed loop as bench/loadgen.py; prints "ready" once connected and warm, then after
    `seconds` one JSON line with each call's start (wall clock) and latency."""
    samples: list[tuple[float, float]] = []
    errors = failed_results = 0
    async with authenticated_channel(target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        await channel.channel_ready()

        def request() -> delivery_pb2.SendMessageRequest:
            return delivery_pb2.SendMessageRequest(
                subject="Benchmark",
                body="A scheduled maintenance window starts at 22:00 UTC.",
                channels=[common_pb2.CHANNEL_IN_APP, common_pb2.CHANNEL_WEBHOOK],
                user_id=f"user-{uuid.uuid4().hex[:12]}",
                webhook_url=webhook_url,
            )

        await stub.SendMessage(request(), timeout=30)  # warm, not recorded
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # "go"
        stop_at = time.perf_counter() + seconds

        async def caller() -> None:
            nonlocal errors, failed_results
            while time.perf_counter() < stop_at:
                message = request()
                began = time.time()
                started = time.perf_counter()
                try:
                    reply = await stub.SendMessage(message, timeout=30)
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                samples.append((began, time.perf_counter() - started))
                failed_results += sum(not r.success for r in reply.results)

        await asyncio.gather(*(caller() for _ in range(concurrency)))
    print(
        json.dumps({"samples": samples, "errors": errors, "failed_results": failed_results}),
        flush=True,
    )


async def start_load(
    target: str, webhook_url: str, concurrency: int, seconds: float
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.campaign",
        "--load",
        target,
        webhook_url,
        str(concurrency),
        str(seconds),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if line.strip() != b"ready":
        process.kill()
        await process.wait()
        raise RuntimeError(f"the load process said {line!r}")
    return process


async def finish_load(process: asyncio.subprocess.Process) -> dict[str, Any]:
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the load process exited with {process.returncode}")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


def latency_figures(samples: list[list[float]], seconds: float) -> dict[str, Any]:
    latencies = [s[1] for s in samples]
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": pct(latencies, 0.50),
        "p90_ms": pct(latencies, 0.90),
        "p99_ms": pct(latencies, 0.99),
        "max_ms": max(latencies) * 1000 if latencies else 0.0,
    }


async def latency_round(
    server: ServerProcess,
    session: aiohttp.ClientSession,
    sink: str,
    seconds: float,
    concurrency: int,
    campaign_size: int,
    tag: str,
) -> dict[str, Any]:
    """S seconds of SendMessage load; with campaign_size > 0, a campaign of that many
    recipients is sent as the window opens and cancelled when it closes."""
    load = await start_load(server.target, f"{sink}/hook", concurrency, seconds)
    try:
        result: dict[str, Any] = {"kind": "during" if campaign_size else "without"}
        async with authenticated_channel(server.target, options=CHANNEL_OPTIONS) as channel:
            stub = campaign_pb2_grpc.CampaignServiceStub(channel)
            request = None
            if campaign_size:
                request = campaign_pb2.SendCampaignRequest(
                    id=await create_campaign(stub, tag),
                    recipients=recipients(sink, tag, campaign_size),
                )
            cpu_before = server_cpu_seconds(server)
            assert load.stdin is not None
            load.stdin.write(b"go\n")
            await load.stdin.drain()
            opened = time.time()
            if request is not None:
                reply = await stub.SendCampaign(request, timeout=600)
                result["queued_at_offset"] = time.time() - opened
            figures = await finish_load(load)
            closed = time.time()
            result["server_cpu_share"] = (server_cpu_seconds(server) - cpu_before) / (
                closed - opened
            )
            if request is not None:
                now = (
                    await stub.GetCampaignSend(
                        campaign_pb2.GetCampaignSendRequest(id=reply.send.id), timeout=30
                    )
                ).send
                result["campaign_at_close"] = {
                    "status": status_name(now.status),
                    "sent": now.sent,
                    "failed": now.failed,
                }
                try:
                    await stub.CancelCampaignSend(
                        campaign_pb2.CancelCampaignSendRequest(id=reply.send.id), timeout=30
                    )
                except grpc.aio.AioRpcError as exc:
                    # It completed between the read above and the cancel: nothing to stop.
                    if exc.code() != grpc.StatusCode.FAILED_PRECONDITION:
                        raise
                final, _ = await watch_until_final(stub, reply.send.id, 300)
                result["campaign_final"] = {
                    "status": status_name(final.status),
                    "sent": final.sent,
                    "failed": final.failed,
                    "cancelled": final.cancelled,
                }
                # let the cancelled send's last posts settle before the next window
                await asyncio.sleep(1.0)
    finally:
        if load.returncode is None:
            load.kill()
            await load.wait()
    samples = figures["samples"]
    result.update(latency_figures(samples, seconds))
    result.update(
        errors=figures["errors"],
        failed_results=figures["failed_results"],
        opened=opened,
        samples=samples,
    )
    return result


# -- the phases -----------------------------------------------------------------


async def delivery_phase(
    server: ServerProcess, sink: str, total: int, pair_rounds: int, pair_size: int
) -> dict[str, Any]:
    signer = Webhook(WEBHOOK_SECRET)
    connector = aiohttp.TCPConnector(limit=WORKERS)
    async with (
        aiohttp.ClientSession(connector=connector) as raw_session,
        aiohttp.ClientSession() as poll_session,
    ):
        await raw_round(raw_session, signer, sink, 1000, WORKERS)  # warm-ups, not recorded
        await campaign_round(server, poll_session, sink, 1000, "warm")
        rss_before = server_status(server)

        raw_before = await raw_round(raw_session, signer, sink, total, WORKERS)
        print(f"raw before  {raw_before['deliveries_per_second']:7.0f}/s", flush=True)
        main = await campaign_round(server, poll_session, sink, total, "main")
        print(
            f"campaign    {main['deliveries_per_second']:7.0f}/s  {main['seconds']:.1f} s  "
            f"peak RSS {main['rss_peak_bytes'] / 1e6:.0f} MB  sink {main['sink_received']}",
            flush=True,
        )
        raw_after = await raw_round(raw_session, signer, sink, total, WORKERS)
        print(f"raw after   {raw_after['deliveries_per_second']:7.0f}/s", flush=True)
        raw_rate = (raw_before["deliveries_per_second"] + raw_after["deliveries_per_second"]) / 2

        pairs: list[dict[str, Any]] = []
        for n in range(pair_rounds):
            raw = await raw_round(raw_session, signer, sink, pair_size, WORKERS)
            herald = await campaign_round(server, poll_session, sink, pair_size, f"pair{n}")
            pairs.append(
                {
                    "raw": raw,
                    "herald": herald,
                    "ratio": herald["deliveries_per_second"] / raw["deliveries_per_second"],
                }
            )
            print(
                f"pair {n}      raw {raw['deliveries_per_second']:7.0f}/s  "
                f"campaign {herald['deliveries_per_second']:7.0f}/s  "
                f"ratio {pairs[-1]['ratio']:.2f}",
                flush=True,
            )
    return {
        "recipients": total,
        "raw_concurrency": WORKERS,
        "rss_idle_bytes": rss_before["VmRSS"],
        "rss_after_warmup_bytes": rss_before["VmHWM"],
        "campaign": main,
        "raw_before": raw_before,
        "raw_after": raw_after,
        "raw_per_second": raw_rate,
        "ratio": main["deliveries_per_second"] / raw_rate,
        "pair_size": pair_size,
        "pairs": pairs,
        "pair_ratio": summary([p["ratio"] for p in pairs]) if pairs else None,
        "failed": main["failed"]
        + raw_before["failed"]
        + raw_after["failed"]
        + sum(p["herald"]["failed"] + p["raw"]["failed"] for p in pairs),
    }


async def latency_phase(
    server: ServerProcess,
    sink: str,
    rounds: int,
    seconds: float,
    concurrency: int,
    campaign_size: int,
) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as session:
        for n in range(rounds):
            for size in (0, campaign_size):
                run = await latency_round(
                    server, session, sink, seconds, concurrency, size, f"lat{n}"
                )
                runs.append(run)
                print(
                    f"sendmessage {run['kind']:7s} {run['rps']:6.0f} rps  "
                    f"p50 {run['p50_ms']:6.1f} ms  p99 {run['p99_ms']:7.1f} ms"
                    + (
                        f"  (campaign queued in {run['queued_at_offset']:.1f} s, "
                        f"{run['campaign_at_close']['status']} at close, "
                        f"{run['campaign_at_close']['sent']} sent)"
                        if size
                        else ""
                    ),
                    flush=True,
                )
    without = [s for r in runs if r["kind"] == "without" for s in r["samples"]]
    during = [s for r in runs if r["kind"] == "during" for s in r["samples"]]
    queueing: list[list[float]] = []
    delivering: list[list[float]] = []
    for r in runs:
        if r["kind"] == "during":
            edge = r["opened"] + r["queued_at_offset"]
            queueing += [s for s in r["samples"] if s[0] < edge]
            delivering += [s for s in r["samples"] if s[0] >= edge]
    total_seconds = seconds * rounds
    pooled = {
        "without": latency_figures(without, total_seconds),
        "during": latency_figures(during, total_seconds),
        "during_while_queueing": latency_figures(queueing, 0),
        "during_after_queueing": latency_figures(delivering, 0),
    }
    for r in runs:
        del r["samples"]
    return {
        "rounds": rounds,
        "seconds": seconds,
        "concurrency": concurrency,
        "campaign_recipients": campaign_size,
        "pooled": pooled,
        "p99_ratio": pooled["during"]["p99_ms"] / pooled["without"]["p99_ms"],
        "p50_ratio": pooled["during"]["p50_ms"] / pooled["without"]["p50_ms"],
        "per_round_p99_ratio": summary(
            [
                d["p99_ms"] / w["p99_ms"]
                for w, d in zip(runs[0::2], runs[1::2], strict=True)
                if w["p99_ms"]
            ]
        ),
        "errors": sum(r["errors"] for r in runs),
        "failed_results": sum(r["failed_results"] for r in runs),
        "runs": runs,
    }


# -- reporting ------------------------------------------------------------------


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True)
    return done.stdout


def git_facts() -> dict[str, Any]:
    dirty = [line[3:] for line in git("status", "--porcelain").splitlines() if line]
    return {
        "commit": git("rev-parse", "HEAD").strip(),
        "dirty_paths": dirty,
        "server_changes": [p for p in dirty if p.startswith("server/")],
    }


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = Path("/proc/meminfo").read_text().split()[1]
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(int(mem) / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "grpcio": grpc.__version__,
        "aiohttp": aiohttp.__version__,
    }


def met(flag: bool) -> str:
    return "met" if flag else "NOT met"


def markdown(doc: dict[str, Any]) -> str:
    m, g, dlv, lat = doc["machine"], doc["git"], doc["delivery"], doc["latency"]
    c = dlv["campaign"]
    p = lat["pooled"]
    changes = (
        "uncommitted changes under server/: " + ", ".join(g["server_changes"])
        if g["server_changes"]
        else "no uncommitted changes under server/"
    )
    if doc["server_source"] == "working tree":
        server_from = f"the working tree ({changes})"
    else:
        server_from = f"`git archive HEAD server` (the working tree had {changes})"
    lines = [
        "# Campaign: a webhook campaign to a loopback receiver",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; nproc {m['nproc']} ({m['cpu_model']}), {m['memory_gib']} GiB; "
        f"Python {m['python']}; SQLite {m['sqlite']}; grpcio {m['grpcio']}; "
        f"aiohttp {m['aiohttp']}; commit {g['commit'][:10]}; server from {server_from}.",
        *(
            [
                "",
                "The working tree changed during the run (other sessions' work); at the end: "
                f"commit {doc['git_after']['commit'][:10]}, uncommitted under server/: "
                + (", ".join(doc["git_after"]["server_changes"]) or "none")
                + (
                    ". The server ran from its start-of-run export, so this did not reach it."
                    if doc["server_source"] != "working tree"
                    else "."
                ),
            ]
            if doc["git_after"] != g
            else []
        ),
        "",
        f"Load average (1/5/15 min) before {doc['load_average_before']}, after "
        f"{doc['load_average_after']}: other work shares these CPUs, so rates swing between "
        "rounds; the raw side runs just before and just after the campaign in the same run.",
        "",
        "All processes on 127.0.0.1: herald serve (SQLite in a fresh data dir, "
        f"HERALD_WORKERS={WORKERS}, HERALD_LOG_LEVEL={doc['herald_log_level']}, "
        f"HERALD_DELIVERY_PROCESSES={doc.get('delivery_processes', 0)}"
        + (
            ": server RSS and CPU are summed over the server and its delivery processes"
            if doc.get("delivery_processes")
            else ""
        )
        + "), the webhook sink "
        "(bench/webhook_sink.py), the SendMessage load (its own process) and the benchmark (the "
        "campaign's gRPC client and the raw aiohttp side).",
        "",
        "## Targets",
        "",
        "| | figure | target | |",
        "|---|---:|---:|---|",
        f"| campaign deliveries/s over raw aiohttp | {dlv['ratio']:.3f} | >= {TARGET_RATIO:.2f} "
        f"| {met(doc['met']['ratio'])} |",
        f"| peak server RSS (VmHWM) | {c['rss_peak_bytes'] / 1e6:.0f} MB | "
        f"< {TARGET_RSS_BYTES / 1e6:.0f} MB | {met(doc['met']['rss'])} |",
        f"| SendMessage p99 during a campaign over without | {lat['p99_ratio']:.3f} | "
        f"<= {TARGET_P99_RATIO:.0f} | {met(doc['met']['p99'])} |",
        f"| every recipient delivered (sink count = recipients, none failed) | "
        f"{c['sink_received']} / {c['recipients']}, {c['failed']} failed | "
        f"{c['recipients']}, 0 | {met(doc['met']['all_delivered'])} |",
        "",
        f"## The {c['recipients']:,}-recipient campaign",
        "",
        "CreateCampaign (CHANNEL_WEBHOOK, subject and body), one SendCampaign with every "
        "recipient (a distinct sink path each), WatchCampaignSend until COMPLETED. Wall time "
        "from the SendCampaign call to the send's completed_at. The server had delivered only "
        "a 1,000-recipient warm-up campaign (and nothing else) before.",
        "",
        "| | |",
        "|---|---:|",
        f"| wall time, SendCampaign call to completed_at | {c['seconds']:.1f} s |",
        f"| SendCampaign RPC (recipients durably queued) | "
        f"{c['send_campaign_rpc_seconds']:.1f} s |",
        f"| deliveries/s | {c['deliveries_per_second']:.0f} |",
        f"| sent / failed / cancelled (the send's counters) | {c['sent']} / {c['failed']} / "
        f"{c['cancelled']} |",
        f"| sink received | {c['sink_received']} |",
        f"| WatchCampaignSend updates received | {c['watch_updates']} |",
        f"| server CPU | {c['server_cpu_seconds']:.1f} s "
        f"({c['server_cpu_ms_per_1k']:.0f} ms per 1,000 recipients) |",
        f"| server RSS idle / after warm-up (VmHWM) / peak (VmHWM) / at end | "
        f"{dlv['rss_idle_bytes'] / 1e6:.0f} / {dlv['rss_after_warmup_bytes'] / 1e6:.0f} / "
        f"{c['rss_peak_bytes'] / 1e6:.0f} / {c['rss_end_bytes'] / 1e6:.0f} MB |",
        "",
        f"Raw aiohttp, {dlv['raw_concurrency']} workers on one session, "
        f"{dlv['recipients']:,} standardwebhooks-signed posts of the adapter's JSON shape to "
        "the same sink:",
        "",
        "| | deliveries/s | seconds |",
        "|---|---:|---:|",
        f"| raw, just before the campaign | {dlv['raw_before']['deliveries_per_second']:.0f} | "
        f"{dlv['raw_before']['seconds']:.1f} |",
        f"| Herald campaign | {c['deliveries_per_second']:.0f} | {c['seconds']:.1f} |",
        f"| raw, just after the campaign | {dlv['raw_after']['deliveries_per_second']:.0f} | "
        f"{dlv['raw_after']['seconds']:.1f} |",
        "",
        f"Ratio Herald / mean raw = {c['deliveries_per_second']:.0f} / "
        f"{dlv['raw_per_second']:.0f} = **{dlv['ratio']:.2f}** (target >= {TARGET_RATIO:.2f}: "
        f"{met(doc['met']['ratio'])}). Campaign deliveries go in the bulk lane: with no "
        f"SendMessage for 5 s it may use {WORKERS - WORKERS // 16} of the {WORKERS} workers, "
        f"within 5 s of one 75% of them, within 0.5 s a quarter of that (dispatch/dispatcher.py); "
        f"the raw side uses all {WORKERS}.",
    ]
    if dlv["pairs"]:
        pr = dlv["pair_ratio"]
        lines += [
            "",
            f"Alternating pairs of {dlv['pair_size']:,} (raw, then a new campaign), same server:",
            "",
            "| pair | raw/s | campaign/s | campaign wall s | ratio |",
            "|---:|---:|---:|---:|---:|",
        ]
        for n, pair in enumerate(dlv["pairs"]):
            lines.append(
                f"| {n} | {pair['raw']['deliveries_per_second']:.0f} | "
                f"{pair['herald']['deliveries_per_second']:.0f} | "
                f"{pair['herald']['seconds']:.1f} | {pair['ratio']:.2f} |"
            )
        lines += [
            "",
            f"Per-pair ratio median {pr['median']:.2f} (min {pr['min']:.2f}, max {pr['max']:.2f}).",
        ]
    lines += [
        "",
        f"Failed posts or deliveries anywhere in this phase: {dlv['failed']}.",
        "",
        "## SendMessage latency with and without a campaign",
        "",
        f"{lat['concurrency']} callers, SendMessage (InApp + Webhook to the sink) back to back, "
        f"{lat['rounds']} rounds alternating {lat['seconds']:.0f} s without and "
        f"{lat['seconds']:.0f} s during a campaign of {lat['campaign_recipients']:,} recipients "
        "sent as the window opens (cancelled after it closes). Pooled over the rounds:",
        "",
        "| | requests | rps | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "without": "without a campaign",
        "during": "during a campaign",
        "during_while_queueing": "  of which while SendCampaign was queueing",
        "during_after_queueing": "  of which after (delivering)",
    }
    for key, name in names.items():
        f = p[key]
        rps = f"{f['rps']:.0f}" if f["rps"] else ""
        lines.append(
            f"| {name} | {f['requests']} | {rps} | {f['p50_ms']:.1f} | {f['p90_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {f['max_ms']:.1f} |"
        )
    pr = lat["per_round_p99_ratio"]
    lines += [
        "",
        f"p99 during / without = **{lat['p99_ratio']:.2f}** (target <= {TARGET_P99_RATIO:.0f}: "
        f"{met(doc['met']['p99'])}); p50 ratio {lat['p50_ratio']:.2f}; per-round p99 ratio "
        f"median {pr['median']:.2f} (min {pr['min']:.2f}, max {pr['max']:.2f}). "
        f"Errors {lat['errors']}, failed channel results {lat['failed_results']}.",
        "",
        "| round | kind | rps | p50 ms | p99 ms | server CPU share | campaign |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for n, r in enumerate(lat["runs"]):
        campaign = ""
        if r["kind"] == "during":
            at = r["campaign_at_close"]
            campaign = (
                f"queued in {r['queued_at_offset']:.1f} s; at close {at['status']}, "
                f"{at['sent']} sent"
            )
        lines.append(
            f"| {n // 2} | {r['kind']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['server_cpu_share']:.2f} | {campaign} |"
        )
    lines.append("")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sink_port = free_port()
    sink = f"http://127.0.0.1:{sink_port}"
    with child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port):
        server = start_server("campaign")
        try:
            print(f"server pid {pid_of(server)} on {server.target}", flush=True)
            delivery = await delivery_phase(
                server, sink, args.recipients, args.pair_rounds, args.pair_size
            )
            latency = await latency_phase(
                server,
                sink,
                args.latency_rounds,
                args.latency_seconds,
                args.load_concurrency,
                args.latency_campaign,
            )
            rss_at_end = server_status(server)
        finally:
            server.stop()
    return {"delivery": delivery, "latency": latency, "rss_at_end_of_run": rss_at_end}


PARAMS = (
    "recipients",
    "pair_rounds",
    "pair_size",
    "latency_rounds",
    "latency_seconds",
    "load_concurrency",
    "latency_campaign",
)


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--load":
        target, url, concurrency, seconds = sys.argv[2:]
        asyncio.run(load_child(target, url, int(concurrency), float(seconds)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small numbers, about a minute")
    parser.add_argument(
        "--smoke", action="store_true", help="smaller still (bench.suite --quick), about 30 s"
    )
    parser.add_argument(
        "--head",
        action="store_true",
        help="run the server from `git archive HEAD server` instead of the working tree",
    )
    add_delivery_processes_argument(parser, "the server")
    args = parser.parse_args()
    full = {
        "recipients": 100_000,
        "pair_rounds": 3,
        "pair_size": 20_000,
        "latency_rounds": 3,
        "latency_seconds": 20.0,
        "load_concurrency": 4,
        "latency_campaign": 100_000,
    }
    quick = {
        **full,
        "recipients": 10_000,
        "pair_rounds": 1,
        "pair_size": 2_000,
        "latency_rounds": 2,
        "latency_seconds": 5.0,
        "latency_campaign": 10_000,
    }
    smoke = {
        **quick,
        "recipients": 3_000,
        "pair_size": 1_000,
        "latency_rounds": 1,
        "latency_seconds": 3.0,
        "latency_campaign": 3_000,
    }
    args.quick = args.quick or args.smoke
    for key, value in (smoke if args.smoke else quick if args.quick else full).items():
        setattr(args, key, value)
    command = ".venv/bin/python -m bench.campaign" + (
        " --smoke" if args.smoke else " --quick" if args.quick else ""
    )
    when = dt.datetime.now(dt.UTC)
    load_before = [round(x, 2) for x in os.getloadavg()]
    git_before = git_facts()
    command += use_delivery_processes(args.delivery_processes)
    if args.head:
        command += " --head"
        export = Path(tempfile.mkdtemp(prefix="herald-head-"))
        archive = subprocess.run(
            ["git", "archive", git_before["commit"], "server"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
        SERVER_SOURCE["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(export / "server"), os.environ.get("PYTHONPATH", "")) if p
        )
    figures = asyncio.run(run(args))
    git_after = git_facts()
    if git_after != git_before:
        print("warning: the working tree changed during the run", flush=True)
    doc: dict[str, Any] = {
        "benchmark": "campaign",
        "command": command,
        "when": when.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "git": git_before,
        "git_after": git_after,
        "server_source": "git archive HEAD server" if args.head else "working tree",
        "herald_log_level": server_env()["HERALD_LOG_LEVEL"],
        "delivery_processes": args.delivery_processes,
        "params": {k: getattr(args, k) for k in PARAMS},
        "targets": {
            "ratio": TARGET_RATIO,
            "rss_peak_bytes": TARGET_RSS_BYTES,
            "p99_ratio": TARGET_P99_RATIO,
        },
        **figures,
    }
    c = doc["delivery"]["campaign"]
    doc["met"] = {
        "ratio": doc["delivery"]["ratio"] >= TARGET_RATIO,
        "rss": c["rss_peak_bytes"] < TARGET_RSS_BYTES,
        "p99": doc["latency"]["p99_ratio"] <= TARGET_P99_RATIO,
        "all_delivered": c["sink_received"] == c["recipients"] == c["sent"] and not c["failed"],
    }
    text = markdown(doc)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"campaign-{when.strftime('%Y%m%dT%H%M%SZ')}"
    if args.quick:
        stem = Path(tempfile.gettempdir()) / stem.name
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(text)
    print(f"written to {stem}.{{md,json}}")


if __name__ == "__main__":
    main()
