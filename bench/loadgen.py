"""Closed-loop load: `concurrency` callers each sending SendMessage back to back
for `seconds`; prints one JSON line with requests/second and latency percentiles."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from typing import Any

import grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import bearer


async def run(
    target: str, webhook_url: str, concurrency: int, seconds: float, samples: bool = False
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    failed_results = 0
    # An admin token the server verifies (bench/send_message.py gives it
    # HERALD_JWT_SECRET); sent as call metadata, which the echo server ignores.
    metadata = bearer()
    async with grpc.aio.insecure_channel(target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        await channel.channel_ready()
        stop_at = time.perf_counter() + seconds

        async def caller() -> None:
            nonlocal errors, failed_results
            while time.perf_counter() < stop_at:
                request = delivery_pb2.SendMessageRequest(
                    subject="Benchmark",
                    body="A scheduled maintenance window starts at 22:00 UTC.",
                    channels=[common_pb2.CHANNEL_IN_APP, common_pb2.CHANNEL_WEBHOOK],
                    user_id=f"user-{uuid.uuid4().hex[:12]}",
                    webhook_url=webhook_url,
                )
                started = time.perf_counter()
                try:
                    reply = await stub.SendMessage(request, timeout=30, metadata=metadata)
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                failed_results += sum(not r.success for r in reply.results)

        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0,
        "errors": errors,
        "failed_results": failed_results,
        **({"latencies_ms": [round(x * 1000, 3) for x in latencies]} if samples else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--webhook-url", required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--samples", action="store_true", help="every latency, in ms")
    args = parser.parse_args()
    result = asyncio.run(
        run(args.target, args.webhook_url, args.concurrency, args.seconds, args.samples)
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
