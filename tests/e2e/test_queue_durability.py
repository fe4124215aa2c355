"""Nothing accepted is lost: a server killed with SIGKILL in the middle of a
notification's deliveries finishes them after a restart. Any delivery made twice
(sent, then the crash before it was recorded) carries the same webhook id, so the
receiver can drop the duplicate."""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path

import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

RECIPIENTS = 2000
pytestmark = pytest.mark.backends("sqlite", "postgres")


async def test_sigkill_mid_notification_loses_nothing(
    tmp_path: Path, receiver: WebhookReceiver, store_env: dict[str, str]
) -> None:
    env = {
        **store_env,
        "HERALD_MAX_RECIPIENTS": str(RECIPIENTS),
        # Short leases so the restarted server takes over the dead one's quickly.
        "HERALD_LEASE_SECONDS": "3",
        "HERALD_WORKERS": "32",
    }
    urls = [receiver.url(f"/delay/0.02/r{i}") for i in range(RECIPIENTS)]
    first = ServerProcess(tmp_path, env=env).start()
    try:
        async with authenticated_channel(first.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            reply = await stub.SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK], to=urls, subject="s", body="b"
                ),
                timeout=30,
            )
        assert len(reply.accepted_recipients[0].recipients) == RECIPIENTS
        async with asyncio.timeout(60):
            await receiver.until_received(RECIPIENTS // 4)
    finally:
        first.kill()
    received_at_kill = len(receiver.received)
    assert received_at_kill < RECIPIENTS, "the kill came too late to test anything"

    second = ServerProcess(tmp_path, env=env).start()
    try:
        async with authenticated_channel(second.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            events = [
                event
                async for event in stub.WatchNotification(
                    delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=120
                )
            ]
            final = (
                await stub.GetNotification(
                    delivery_pb2.GetNotificationRequest(name=reply.name), timeout=30
                )
            ).notification
    finally:
        second.stop()

    assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
    assert (final.total, final.delivered, final.failed) == (RECIPIENTS, RECIPIENTS, 0)
    ids_by_path: dict[str, set[str]] = collections.defaultdict(set)
    for hit in receiver.received:
        assert hit.verified
        ids_by_path[hit.path].add(hit.headers["webhook-id"])
    assert set(ids_by_path) == {f"/delay/0.02/r{i}" for i in range(RECIPIENTS)}
    # However often a recipient was posted to, it was always the same delivery.
    assert all(len(ids) == 1 for ids in ids_by_path.values())
    delivery_ids = {d.recipient: d.id for d in final.deliveries}
    for i, url in enumerate(urls):
        assert ids_by_path[f"/delay/0.02/r{i}"] == {delivery_ids[url]}
    duplicates = len(receiver.received) - RECIPIENTS
    # Only what was in flight at the kill can arrive twice.
    assert duplicates <= int(env["HERALD_WORKERS"])
