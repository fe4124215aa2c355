"""Two `herald serve` processes on one PostgreSQL database share the queue: they
start together (one migrates, the other waits on the advisory lock), work sent
through one is claimed by the other, nothing is delivered twice, and a watcher on
one replica follows deliveries the other makes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.db import query
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK = common_pb2.CHANNEL_WEBHOOK
COMPLETED = delivery_pb2.NOTIFICATION_STATE_COMPLETED
RECIPIENTS = 12


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, postgres_url_factory: Callable[[str], str]
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    url = postgres_url_factory("replicas_e2e")
    base = Path(tmp_path_factory.mktemp("replicas"))
    common = {
        "HERALD_DATABASE_URL": url,
        "HERALD_WEBHOOK_TIMEOUT": "20",
        "HERALD_LOG_LEVEL": "debug",  # every delivery_attempt line
    }
    # A runs one delivery at a time, so work beyond that is B's to claim.
    a = ServerProcess(base / "a", {**common, "HERALD_WORKERS": "1"})
    b = ServerProcess(base / "b", common)
    try:
        with ThreadPoolExecutor(2) as pool:  # both migrate at start, at the same time
            list(pool.map(lambda server: server.start(), (a, b)))
        yield a, b
    finally:
        a.stop()
        b.stop()


def attempts(server: ServerProcess) -> list[str]:
    return [str(e["delivery_id"]) for e in server.events() if e.get("event") == "delivery_attempt"]


async def test_work_sent_to_one_replica_is_shared_and_delivered_once(
    pair: tuple[ServerProcess, ServerProcess], receiver: WebhookReceiver
) -> None:
    a, b = pair
    hold = f"hold-{uuid.uuid4().hex[:8]}"
    urls = [receiver.url(f"/hold/{hold}/{n}") for n in range(RECIPIENTS)]
    async with (
        authenticated_channel(a.target) as to_a,
        authenticated_channel(b.target) as to_b,
    ):
        reply = await delivery_pb2_grpc.DeliveryServiceStub(to_a).SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[WEBHOOK], to=urls, subject="Deploy", body="Rolling out"
            ),
            timeout=10,
        )
        stream = delivery_pb2_grpc.DeliveryServiceStub(to_b).WatchNotification(
            delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=60
        )
        first = await stream.read()
        assert first.WhichOneof("event") == "snapshot"
        # Every webhook is in flight at once, held by the receiver: A holds at most
        # one (HERALD_WORKERS=1), so B claimed the rest from the shared queue.
        await asyncio.wait_for(receiver.until_received(RECIPIENTS), 30)
        receiver.release(hold)
        events = [first]
        while (event := await stream.read()) != grpc.aio.EOF:
            events.append(event)

    assert events[-1].state == COMPLETED
    assert (events[-1].delivered, events[-1].failed) == (RECIPIENTS, 0)
    # B's watcher saw each delivery become final, whichever replica made it.
    delivered = common_pb2.DELIVERY_STATE_DELIVERED
    finals = [e.delivery.recipient for e in events[1:] if e.delivery.state == delivered]
    assert sorted(finals) == sorted(urls)

    # Delivered exactly once: one request per recipient, each with its own webhook-id,
    # and one attempt per delivery across both replicas.
    assert sorted(r.path for r in receiver.received) == sorted(u.split(":", 2)[2][5:] for u in urls)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(set(ids)) == RECIPIENTS
    made = attempts(a) + attempts(b)
    assert sorted(made) == sorted(ids)
    assert len(attempts(a)) <= 1 and len(attempts(b)) >= RECIPIENTS - 1
    rows = query(
        b, "SELECT state, attempts FROM deliveries WHERE request_id = ?", reply.notification_id
    )
    assert [(r["state"], r["attempts"]) for r in rows] == [("delivered", 1)] * RECIPIENTS


async def test_send_message_on_one_replica_is_replayed_by_the_other(
    pair: tuple[ServerProcess, ServerProcess], receiver: WebhookReceiver
) -> None:
    a, b = pair
    request = delivery_pb2.SendMessageRequest(
        subject="Deploy",
        body="Rolling out",
        channels=[WEBHOOK],
        webhook_url=receiver.url("/ok"),
        request_id=f"deploy-{uuid.uuid4().hex[:8]}",
    )
    async with (
        authenticated_channel(a.target) as to_a,
        authenticated_channel(b.target) as to_b,
    ):
        first = await delivery_pb2_grpc.DeliveryServiceStub(to_a).SendMessage(request, timeout=10)
        again = await delivery_pb2_grpc.DeliveryServiceStub(to_b).SendMessage(request, timeout=10)
    assert first.results[0].state == common_pb2.DELIVERY_STATE_DELIVERED
    assert (again.replayed, again.message_id) == (True, first.message_id)
    assert again.results[0].delivery_id == first.results[0].delivery_id
    assert [r.path for r in receiver.received] == ["/ok"]
