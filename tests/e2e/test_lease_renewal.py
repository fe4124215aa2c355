"""A delivery whose lease runs out while it waits for the channel's rate limit is
sent once: the claim that takes the expired lease back does not start a second
attempt in the process already running it, and the attempt renews its lease before
it sends. At one webhook a second, six deliveries claimed together under a
two-second lease wait up to five seconds for their tokens."""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.db import query
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

RECIPIENTS = 6
pytestmark = pytest.mark.backends("sqlite", "postgres")


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={
            **store_env,
            "HERALD_LEASE_SECONDS": "2",  # the least allowed (config.py: at least 1)
            "HERALD_RATE_LIMITS": "webhook=1/s",  # burst 1
        },
    )
    process.start()
    yield process
    process.stop()


async def until_quiet(receiver: WebhookReceiver, quiet: float, limit: float) -> None:
    """Return once nothing has arrived for `quiet` seconds (or after `limit`)."""
    end = time.monotonic() + limit
    seen = len(receiver.received)
    since = time.monotonic()
    while time.monotonic() < end:
        await asyncio.sleep(0.2)
        if len(receiver.received) != seen:
            seen, since = len(receiver.received), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


async def test_a_lease_expiring_while_waiting_for_a_token_sends_each_delivery_once(
    server: ServerProcess, receiver: WebhookReceiver
) -> None:
    urls = [receiver.url(f"/r{i}") for i in range(RECIPIENTS)]
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        reply = await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_WEBHOOK], to=urls, subject="s", body="b"
            ),
            timeout=30,
        )
        assert len(reply.accepted_recipients[0].recipients) == RECIPIENTS
        events = [
            event
            async for event in stub.WatchNotification(
                delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=60
            )
        ]
        assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
        # A second attempt would still be waiting for its token: give it the time.
        await until_quiet(receiver, quiet=3.0, limit=20.0)
        final = (
            await stub.GetNotification(
                delivery_pb2.GetNotificationRequest(name=reply.name), timeout=30
            )
        ).notification

    hits = collections.Counter(hit.path for hit in receiver.received)
    assert hits == {f"/r{i}": 1 for i in range(RECIPIENTS)}
    assert all(hit.verified for hit in receiver.received)
    assert (final.total, final.delivered, final.failed) == (RECIPIENTS, RECIPIENTS, 0)
    assert sorted(d.attempts for d in final.deliveries) == [1] * RECIPIENTS
    rows = query(
        server,
        "SELECT recipient, state, attempts, lease_owner FROM deliveries WHERE request_id = ?",
        reply.notification_id,
    )
    assert sorted(r["recipient"] for r in rows) == sorted(urls)
    assert {(r["state"], r["attempts"], r["lease_owner"]) for r in rows} == {("delivered", 1, None)}
