"""Two replicas on one PostgreSQL database share a 5,000-recipient notification;
one is killed (SIGKILL) mid-way. Every recipient is delivered, and the only
recipients posted to twice are those the killed replica had in flight: sent
before the kill, sent again by the survivor once their leases ran out."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

RECIPIENTS = 5000
WORKERS = 32


def attempts(server: ServerProcess) -> int:
    return sum(1 for e in server.events() if e.get("event") == "delivery_attempt")


async def test_killing_one_replica_mid_way_loses_nothing_and_doubles_only_its_in_flight(
    tmp_path: Path,
    postgres_url_factory: Callable[[str], str],
    receiver: WebhookReceiver,
) -> None:
    env = {
        "HERALD_DATABASE_URL": postgres_url_factory("replicas_crash"),
        "HERALD_MAX_RECIPIENTS": str(RECIPIENTS),
        "HERALD_WORKERS": str(WORKERS),
        "HERALD_LEASE_SECONDS": "3",
        "HERALD_LOG_LEVEL": "debug",  # every delivery_attempt line
    }
    a = ServerProcess(tmp_path / "a", env)
    b = ServerProcess(tmp_path / "b", env)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda server: server.start(), (a, b)))
    paths = [f"/delay/0.05/r{i}" for i in range(RECIPIENTS)]
    try:
        async with authenticated_channel(a.target) as to_a:
            reply = await delivery_pb2_grpc.DeliveryServiceStub(to_a).SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[receiver.url(p) for p in paths],
                    subject="Maintenance",
                    body="Tonight at 22:00",
                ),
                timeout=60,
            )
        await receiver.until_received(RECIPIENTS // 4)
        a.kill()
        killed_at = time.monotonic()
        assert len(receiver.received) < RECIPIENTS, "the kill came too late to test anything"
        async with authenticated_channel(b.target) as to_b:
            stub = delivery_pb2_grpc.DeliveryServiceStub(to_b)
            events = [
                event
                async for event in stub.WatchNotification(
                    delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=180
                )
            ]
            final = (
                await stub.GetNotification(
                    delivery_pb2.GetNotificationRequest(name=reply.name), timeout=30
                )
            ).notification
    finally:
        a.stop()
        b.stop()

    assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
    assert (final.delivered, final.failed) == (RECIPIENTS, 0)
    assert attempts(a) > 0 and attempts(b) > 0, "both replicas took a share"
    arrivals: dict[str, list[float]] = collections.defaultdict(list)
    ids: dict[str, set[str]] = collections.defaultdict(set)
    for hit in receiver.received:
        arrivals[hit.path].append(hit.at)
        ids[hit.path].add(hit.headers["webhook-id"])
    assert set(arrivals) == set(paths)
    assert all(len(delivery_ids) == 1 for delivery_ids in ids.values())
    twice = {path: times for path, times in arrivals.items() if len(times) > 1}
    # While both replicas lived, no recipient was posted to twice: every repeat is a
    # delivery in flight on the killed replica (its post reached the receiver around
    # the kill), sent again by the survivor once the lease had run out.
    for times in twice.values():
        assert len(times) == 2
        assert times[0] < killed_at + 1.0 < times[1], times
    assert len(twice) <= WORKERS
