"""Per-channel rate limits hold at the peer, and a provider's 429 slows the
channel down (for no longer than HERALD_RETRY_MAX_SECONDS), while a webhook
receiver's 429 slows only its own delivery; a delivery waiting for a token past its
deadline fails unsent: as the peers see it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.peers.twilio import TwilioPeer
from tests.support.auth import authenticated_channel
from tests.support.loop_thread import LoopThread
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

RATE, BURST = 5, 5
RETRY_MAX_SECONDS = 2
# Far longer than any test: a Retry-After that must be capped.
HUGE_RETRY_AFTER = 100_000
FAILED = common_pb2.DELIVERY_STATE_FAILED


@pytest.fixture(scope="module")
def twilio() -> Iterator[TwilioPeer]:
    thread = LoopThread()
    peer = thread.run(TwilioPeer(retry_after=str(HUGE_RETRY_AFTER)).start())
    yield peer
    thread.run(peer.close())
    thread.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, twilio: TwilioPeer) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={
            "HERALD_RATE_LIMITS": f"webhook={RATE}/s:{BURST},sms={RATE}/s:{BURST}",
            "HERALD_RETRY_MAX_SECONDS": str(RETRY_MAX_SECONDS),
            "HERALD_TWILIO_ACCOUNT_SID": twilio.account_sid,
            "HERALD_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "HERALD_TWILIO_FROM": "+15005550006",
            "HERALD_TWILIO_BASE_URL": twilio.base_url,
        },
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


def sms(to: str) -> delivery_pb2.SendMessageRequest:
    return delivery_pb2.SendMessageRequest(
        subject="s",
        body="b",
        channels=[common_pb2.CHANNEL_SMS],
        phone_number=to,
        request_id=uuid.uuid4().hex,
    )


async def test_a_providers_429_pauses_the_channel_up_to_the_longest_retry_delay(
    channel: grpc.aio.Channel, twilio: TwilioPeer
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    limited = "+15005550429"  # Twilio answers 429 with the huge Retry-After
    await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[common_pb2.CHANNEL_SMS], to=[limited], subject="s", body="b"
        ),
        timeout=10,
    )
    for _ in range(200):
        if any(r.form.get("To") == limited for r in twilio.requests):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # Herald has read the 429
    refused_at = time.monotonic()
    reply = await stub.SendMessage(sms("+15005550100"), timeout=20)
    # Tokens were left in the bucket, yet nothing went to the provider before the
    # pause ran out; and it ran out after HERALD_RETRY_MAX_SECONDS, not the Retry-After.
    assert reply.results[0].success
    assert time.monotonic() - refused_at >= RETRY_MAX_SECONDS - 0.5


async def test_a_webhook_receivers_429_does_not_pause_the_channel(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    hostile = f"/flaky/1/429/{HUGE_RETRY_AFTER}"
    await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[common_pb2.CHANNEL_WEBHOOK],
            to=[receiver.url(hostile)],
            subject="s",
            body="b",
        ),
        timeout=10,
    )
    await asyncio.wait_for(receiver.arrived[hostile].wait(), 10)
    await asyncio.sleep(0.2)  # Herald has read the 429
    # Another receiver's delivery goes out at once: the 429 was one receiver's.
    await stub.SendMessage(webhook(receiver.url("/ok/other")), timeout=10)
    await asyncio.wait_for(receiver.arrived["/ok/other"].wait(), 10)


async def test_deliveries_waiting_for_a_token_past_their_deadline_fail_unsent(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    deadline = 3
    # One token a minute: the first delivery takes it; the others would wait for theirs
    # well past their deadline.
    server = ServerProcess(
        tmp_path / "herald",
        {"HERALD_RATE_LIMITS": "webhook=1/m", "HERALD_DELIVERY_DEADLINE_SECONDS": str(deadline)},
    ).start()
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            paths = ["/ok/a", "/ok/b", "/ok/c", "/ok/d"]
            reply = await stub.SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[receiver.url(p) for p in paths],
                    subject="s",
                    body="b",
                ),
                timeout=10,
            )
            # Every delivery is final soon after the deadline, not when a token is free.
            watch = stub.WatchNotification(
                delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=deadline + 5
            )
            events = [event async for event in watch]
            assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
            got = await stub.GetNotification(
                delivery_pb2.GetNotificationRequest(name=reply.name), timeout=10
            )
        outcomes = {d.recipient: (d.state, d.error_code) for d in got.notification.deliveries}
        sent = [url for url, (state, _) in outcomes.items() if state != FAILED]
        # The one that had the token went; the rest failed unsent, none of them later.
        assert [outcomes[url] for url in sent] == [(common_pb2.DELIVERY_STATE_DELIVERED, "")]
        assert [outcomes[url] for url in outcomes if url not in sent] == 3 * [
            (FAILED, "DELIVERY_DEADLINE_EXCEEDED")
        ]
        assert [receiver.url(r.path) for r in receiver.received] == sent
    finally:
        server.stop()
