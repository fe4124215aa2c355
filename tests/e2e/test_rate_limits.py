"""Per-channel rate limits hold at the peer, and a provider's 429 slows the
channel down: counted from the arrival times the receiver records."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

RATE, BURST = 5, 5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={"HERALD_RATE_LIMITS": f"webhook={RATE}/s:{BURST}"},
    )
    process.start()
    yield process
    process.stop()


def webhook(url: str) -> delivery_pb2.SendMessageRequest:
    return delivery_pb2.SendMessageRequest(
        subject="s",
        body="b",
        channels=[common_pb2.CHANNEL_WEBHOOK],
        webhook_url=url,
        request_id=uuid.uuid4().hex,
    )


def most_in_any_window(arrivals: list[float], window: float) -> int:
    arrivals = sorted(arrivals)
    return max(sum(1 for t in arrivals if start <= t < start + window) for start in arrivals)


async def test_a_burst_never_exceeds_the_channel_rate_at_the_peer(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    replies = await asyncio.gather(
        *(stub.SendMessage(webhook(receiver.url("/ok")), timeout=30) for _ in range(20))
    )
    assert all(r.results[0].success for r in replies)
    arrivals = [r.at for r in receiver.received]
    assert len(arrivals) == 20
    # A token bucket admits at most burst + rate * t in any window of t seconds.
    assert most_in_any_window(arrivals, 1.0) <= BURST + RATE
    assert most_in_any_window(arrivals, 2.0) <= BURST + 2 * RATE


async def test_a_429_pauses_the_channel_for_its_retry_after(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    await asyncio.sleep(BURST / RATE)  # the bucket refills from the last test
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    limited = asyncio.ensure_future(
        stub.SendMessage(webhook(receiver.url("/flaky/1/429/2")), timeout=30)
    )
    await asyncio.wait_for(receiver.arrived["/flaky/1/429/2"].wait(), 10)
    await asyncio.sleep(0.2)  # Herald has read the 429
    others = await asyncio.gather(
        *(stub.SendMessage(webhook(receiver.url("/ok")), timeout=30) for _ in range(3))
    )
    first = await limited
    assert first.results[0].success and first.results[0].attempts == 2
    assert all(r.results[0].success for r in others)
    refused_at = receiver.received[0].at
    later = [r.at for r in receiver.received if r.path == "/ok"]
    # Tokens were left in the bucket, yet nothing went to the provider before its
    # Retry-After ran out.
    assert min(later) - refused_at >= 1.9
