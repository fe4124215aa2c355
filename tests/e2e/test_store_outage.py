"""PostgreSQL goes away under a running server and comes back: while it is down the
calls that need it answer UNAVAILABLE (STORE_UNAVAILABLE, with a RetryInfo) and health
is NOT_SERVING; once it is back the calls succeed, health is SERVING again, and a
notification accepted before the outage is delivered in full."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, inbox_pb2, inbox_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.postgres import PostgresCluster, running_cluster
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

PASSWORD = "outage-pw-3f9c"  # trust authentication accepts it; it must never be logged
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    """A cluster of this module's own: the tests stop and start it."""
    yield from running_cluster()


@pytest.fixture
def server(tmp_path: Path, cluster: PostgresCluster) -> Iterator[ServerProcess]:
    url = cluster.create_database("outage").replace("postgres@", f"postgres:{PASSWORD}@", 1)
    # One worker: while it is held, a notification's second delivery waits in the queue.
    process = ServerProcess(
        tmp_path,
        {"HERALD_DATABASE_URL": url, "HERALD_WORKERS": "1", "HERALD_LEASE_SECONDS": "2"},
    )
    process.start()
    yield process
    process.stop()


async def until_health(channel: grpc.aio.Channel, status: int) -> None:
    """Return once the overall health is `status`."""
    stub = health_pb2_grpc.HealthStub(channel)
    while True:
        reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        if reply.status == status:
            return
        await asyncio.sleep(0.1)


async def assert_unavailable(call: Awaitable[object]) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call
    error = rich_error(failed.value)
    assert (error.code, error.reason, error.domain) == (
        grpc.StatusCode.UNAVAILABLE,
        "STORE_UNAVAILABLE",
        "herald",
    ), failed.value.details()
    assert error.retry_delay is not None and error.retry_delay > 0


async def test_a_store_outage_is_unavailable_and_loses_nothing_accepted_before_it(
    server: ServerProcess, cluster: PostgresCluster, receiver: WebhookReceiver
) -> None:
    async with authenticated_channel(server.target) as channel:
        delivery = delivery_pb2_grpc.DeliveryServiceStub(channel)
        inbox = inbox_pb2_grpc.InboxServiceStub(channel)
        notification = await delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_WEBHOOK],
                to=[receiver.url("/hold/outage"), receiver.url("/ok")],
                subject="Maintenance",
                body="Tonight at 22:00",
            ),
            timeout=30,
        )
        await asyncio.wait_for(receiver.arrived["/hold/outage"].wait(), 30)
        created = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "herald", "apikey", "create", "--role", "admin"],
            env={**os.environ, **server.env, "HERALD_LOG_LEVEL": "error"},
            capture_output=True,
            text=True,
            check=True,
        )
        key = created.stdout.strip()

        cluster.halt()
        receiver.release("outage")  # its outcome cannot be recorded now
        send_message = delivery_pb2.SendMessageRequest(
            subject="s", body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id="u1"
        )
        await assert_unavailable(delivery.SendMessage(send_message, timeout=30))
        await assert_unavailable(
            delivery.SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_IN_APP], to=["u1"], subject="s", body="b"
                ),
                timeout=30,
            )
        )
        unread = inbox_pb2.GetUnreadCountRequest(user_id="u1")
        await assert_unavailable(inbox.GetUnreadCount(unread, timeout=30))
        watch = delivery_pb2.WatchNotificationRequest(name=notification.name)
        await assert_unavailable(delivery.WatchNotification(watch, timeout=30).read())
        await asyncio.wait_for(until_health(channel, NOT_SERVING), 30)
        # An API key is looked up in the store before the call reaches its handler.
        async with authenticated_channel(server.target, key) as keyed:
            stub = inbox_pb2_grpc.InboxServiceStub(keyed)
            await assert_unavailable(stub.GetUnreadCount(unread, timeout=30))

        cluster.resume()
        await asyncio.wait_for(until_health(channel, SERVING), 30)
        reply = await delivery.SendMessage(send_message, timeout=30)
        assert [r.success for r in reply.results] == [True]
        assert (await inbox.GetUnreadCount(unread, timeout=30)).unread_count == 1
        events = [event async for event in delivery.WatchNotification(watch, timeout=60)]

    assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
    assert (events[-1].delivered, events[-1].failed) == (2, 0)
    assert {"/hold/outage", "/ok"} <= {hit.path for hit in receiver.received}
    outage = [e for e in server.events() if e.get("event") == "store_unavailable"]
    assert outage and all(e.get("error") for e in outage)
    assert PASSWORD not in server.logs()
    # The attempt whose outcome could not be recorded says so in one structured line.
    assert "Task exception was never retrieved" not in server.logs()
    assert any(e.get("event") == "attempt_not_recorded" for e in server.events())
