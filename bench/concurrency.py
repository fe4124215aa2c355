"""SendMessage throughput against concurrency and SendMessageStream time to first result,
Herald beside the bare grpc.aio echo server (bench/echo_server.py), same run, alternating.

    .venv/bin/python -m bench.concurrency [--quick]
        (results: bench/results/concurrency-<UTC timestamp>.{md,json};
         --quick writes them to the temporary directory instead: not a record)

Processes on 127.0.0.1: the webhook sink, the echo server, `herald serve` (SQLite,
HERALD_LOG_LEVEL=warning as bench/send_message.py) and the load (bench/loadgen.py, or this
module with --client for streams, each its own process).

1. SendMessage (InApp + Webhook) requests/second at each concurrency level, echo then
   Herald (order alternating per round); every latency of Herald's middle level is kept
   for the latency distribution plot.
2. SendMessageStream: `concurrency` callers open streams back to back; time to first
   result (the first ChannelResult) per stream, and stream messages/second (results and
   summaries received per second), echo against Herald.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from bench.harness import RESULTS, child, free_port, run_json, summary
from bench.raw_webhooks import BENCH_SECRET
from tests.support.auth import JWT_SECRET, bearer


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


async def stream_client(
    target: str, webhook_url: str, concurrency: int, seconds: float
) -> dict[str, Any]:
    first: list[float] = []
    whole: list[float] = []
    messages = errors = failed = 0
    metadata = bearer()
    async with grpc.aio.insecure_channel(target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        await channel.channel_ready()
        stop_at = time.perf_counter() + seconds

        async def caller() -> None:
            nonlocal messages, errors, failed
            while time.perf_counter() < stop_at:
                request = delivery_pb2.SendMessageStreamRequest(
                    message=delivery_pb2.SendMessageRequest(
                        subject="Benchmark",
                        body="A scheduled maintenance window starts at 22:00 UTC.",
                        channels=[common_pb2.CHANNEL_IN_APP, common_pb2.CHANNEL_WEBHOOK],
                        user_id=f"user-{uuid.uuid4().hex[:12]}",
                        webhook_url=webhook_url,
                    )
                )
                started = time.perf_counter()
                seen_first = False
                try:
                    async for reply in stub.SendMessageStream(
                        request, timeout=30, metadata=metadata
                    ):
                        messages += 1
                        if reply.HasField("result"):
                            failed += not reply.result.success
                            if not seen_first:
                                first.append(time.perf_counter() - started)
                                seen_first = True
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                whole.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "streams": len(whole),
        "messages_per_second": messages / elapsed,
        "streams_per_second": len(whole) / elapsed,
        "ttfr_p50_ms": pct(first, 0.5) * 1000,
        "ttfr_p99_ms": pct(first, 0.99) * 1000,
        "stream_p50_ms": pct(whole, 0.5) * 1000,
        "errors": errors,
        "failed_results": failed,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    sink_port, echo_port, herald_port = free_port(), free_port(), free_port()
    webhook_url = f"http://127.0.0.1:{sink_port}/hook"
    data_dir = Path(tempfile.mkdtemp(prefix="herald-bench-concurrency-"))
    herald_env = {
        "HERALD_LISTEN": f"127.0.0.1:{herald_port}",
        "HERALD_DATA_DIR": str(data_dir),
        "HERALD_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
        "HERALD_WEBHOOK_SECRET": BENCH_SECRET,
        "HERALD_LOG_LEVEL": "warning",
        "HERALD_JWT_SECRET": JWT_SECRET,
    }
    keep = args.concurrency[len(args.concurrency) // 2]

    def unary(port: int, concurrency: int, seconds: float, samples: bool) -> dict[str, Any]:
        flags = ["--samples"] if samples else []
        return run_json(
            [
                "-m",
                "bench.loadgen",
                "--target",
                f"127.0.0.1:{port}",
                "--webhook-url",
                webhook_url,
                "--concurrency",
                str(concurrency),
                "--seconds",
                str(seconds),
                *flags,
            ]
        )

    def stream(port: int) -> dict[str, Any]:
        return run_json(
            [
                "-m",
                "bench.concurrency",
                "--client",
                f"127.0.0.1:{port}",
                webhook_url,
                str(args.stream_concurrency),
                str(args.seconds),
            ]
        )

    unary_runs: dict[str, dict[int, list[dict[str, Any]]]] = {
        "echo": {c: [] for c in args.concurrency},
        "herald": {c: [] for c in args.concurrency},
    }
    stream_runs: dict[str, list[dict[str, Any]]] = {"echo": [], "herald": []}
    ports = {"echo": echo_port, "herald": herald_port}
    with (
        child(["-m", "bench.webhook_sink", "--port", str(sink_port)], sink_port),
        child(["-m", "bench.echo_server", "--port", str(echo_port)], echo_port),
        child(["-m", "herald", "serve"], herald_port, env=herald_env, log=data_dir / "log"),
    ):
        unary(echo_port, 8, 1.0, False)  # warm-up
        unary(herald_port, 8, 1.0, False)
        for number in range(args.rounds):
            order = ["echo", "herald"] if number % 2 == 0 else ["herald", "echo"]
            for concurrency in args.concurrency:
                for side in order:
                    result = unary(
                        ports[side],
                        concurrency,
                        args.seconds,
                        side == "herald" and concurrency == keep,
                    )
                    unary_runs[side][concurrency].append(result)
                    print(
                        f"unary  {side:6} c={concurrency:<3} {result['rps']:7.0f} rps", flush=True
                    )
            for side in order:
                result = stream(ports[side])
                stream_runs[side].append(result)
                print(
                    f"stream {side:6} {result['messages_per_second']:7.0f} msg/s  ttfr p50 "
                    f"{result['ttfr_p50_ms']:.1f} ms",
                    flush=True,
                )
    latencies = [x for r in unary_runs["herald"][keep] for x in r.pop("latencies_ms")]
    sweep = []
    for concurrency in args.concurrency:
        echo, herald = unary_runs["echo"][concurrency], unary_runs["herald"][concurrency]
        sweep.append(
            {
                "concurrency": concurrency,
                "echo_rps": summary([r["rps"] for r in echo]),
                "herald_rps": summary([r["rps"] for r in herald]),
                "ratio": summary([h["rps"] / e["rps"] for h, e in zip(herald, echo, strict=True)]),
                "herald_p50_ms": summary([r["p50_ms"] for r in herald]),
                "herald_p99_ms": summary([r["p99_ms"] for r in herald]),
                "errors": sum(r["errors"] + r["failed_results"] for r in herald),
            }
        )
    streams = {
        side: {
            key: summary([r[key] for r in runs])
            for key in ("messages_per_second", "streams_per_second", "ttfr_p50_ms", "ttfr_p99_ms")
        }
        for side, runs in stream_runs.items()
    }
    streams["ratio"] = summary(
        [
            h["messages_per_second"] / e["messages_per_second"]
            for h, e in zip(stream_runs["herald"], stream_runs["echo"], strict=True)
        ]
    )
    return {
        "sweep": sweep,
        "latency_sample": {"concurrency": keep, "latencies_ms": latencies},
        "stream": streams,
        "stream_errors": sum(r["errors"] + r["failed_results"] for r in stream_runs["herald"]),
        "runs": {"unary": unary_runs, "stream": stream_runs},
    }


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        "# SendMessage against concurrency, SendMessageStream time to first result",
        "",
        f"Command: `{doc['command']}`  ",
        f"When: {doc['when']}; {doc['machine']['cpus']} CPUs; Python {doc['machine']['python']};"
        f" load average at start {doc['machine']['load_average_at_start']}",
        "",
        f"{doc['params']['rounds']} rounds of {doc['params']['seconds']} s per side and level, "
        "echo and Herald alternating. Median (min-max).",
        "",
        "| concurrency | echo rps | Herald rps | Herald / echo | Herald p50 ms | Herald p99 ms |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in doc["sweep"]:
        e, h, r = row["echo_rps"], row["herald_rps"], row["ratio"]
        lines.append(
            f"| {row['concurrency']} | {e['median']:.0f} ({e['min']:.0f}-{e['max']:.0f}) | "
            f"{h['median']:.0f} ({h['min']:.0f}-{h['max']:.0f}) | {r['median']:.2f} | "
            f"{row['herald_p50_ms']['median']:.1f} | {row['herald_p99_ms']['median']:.1f} |"
        )
    s = doc["stream"]
    lines += [
        "",
        f"SendMessageStream, {doc['params']['stream_concurrency']} callers:",
        "",
        "| | stream msg/s | streams/s | first result p50 ms | first result p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for side in ("echo", "herald"):
        x = s[side]
        lines.append(
            f"| {side} | {x['messages_per_second']['median']:.0f} | "
            f"{x['streams_per_second']['median']:.0f} | {x['ttfr_p50_ms']['median']:.1f} | "
            f"{x['ttfr_p99_ms']['median']:.1f} |"
        )
    lines.append(
        f"\nHerald / echo stream messages/s: {s['ratio']['median']:.2f} "
        f"({s['ratio']['min']:.2f}-{s['ratio']['max']:.2f}). Errors and failed results: "
        f"{doc['stream_errors']} (streams), {sum(r['errors'] for r in doc['sweep'])} (unary)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--client":
        target, url, concurrency, seconds = sys.argv[2:]
        result = asyncio.run(stream_client(target, url, int(concurrency), float(seconds)))
        print(json.dumps(result), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, about 30 s")
    args = parser.parse_args()
    full = {"rounds": 3, "seconds": 4.0, "concurrency": [1, 8, 32, 64], "stream_concurrency": 32}
    quick = {**full, "rounds": 1, "seconds": 1.5, "concurrency": [1, 8, 32]}
    for key, value in (quick if args.quick else full).items():
        setattr(args, key, value)
    when = dt.datetime.now(dt.UTC)
    load = [round(x, 2) for x in os.getloadavg()]
    figures = run(args)
    doc = {
        "benchmark": "concurrency",
        "command": ".venv/bin/python -m bench.concurrency" + (" --quick" if args.quick else ""),
        "when": when.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load,
        },
        "params": {k: getattr(args, k) for k in full},
        **figures,
    }
    stem = RESULTS / f"concurrency-{when.strftime('%Y%m%dT%H%M%SZ')}"
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
