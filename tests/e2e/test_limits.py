"""Limits through a real server: message size, recipients, attachment size,
concurrent streams per caller and the server-side bound on a unary call."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, inbox_pb2, inbox_pb2_grpc

from tests.support.db import count
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK = common_pb2.CHANNEL_WEBHOOK
R = delivery_pb2.RejectionReason
MAX_MESSAGE_BYTES = 65536
LIMITS = {
    "HERALD_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
    "HERALD_MAX_RECIPIENTS": "2",
    "HERALD_MAX_ATTACHMENT_BYTES": "1000",
    "HERALD_MAX_STREAMS_PER_CALLER": "2",
    "HERALD_MAX_CALL_SECONDS": "1",
}


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    process = ServerProcess(Path(tmp_path_factory.mktemp("limits")), {**store_env, **LIMITS})
    process.start()
    yield process
    process.stop()


def stored(server: ServerProcess) -> tuple[int, int]:
    return count(server, "requests"), count(server, "deliveries")


async def test_a_request_over_the_message_size_is_resource_exhausted(
    channel: grpc.aio.Channel, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    before = stored(server)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="x" * (MAX_MESSAGE_BYTES + 1),
                channels=[WEBHOOK],
                webhook_url=receiver.url("/ok"),
            ),
            timeout=10,
        )
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert stored(server) == before
    assert receiver.received == []


async def test_recipients_beyond_the_limit_are_rejected(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    to = [receiver.url(f"/ok/{i}") for i in range(3)]
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(channels=[WEBHOOK], to=to, subject="s", body="b"),
        timeout=10,
    )
    assert [list(a.recipients) for a in reply.accepted_recipients] == [to[:2]]
    [rejected] = reply.rejected_recipients
    assert [(r.recipient, r.reason) for r in rejected.rejected] == [
        (to[2], R.REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED)
    ]


async def test_attachments_over_the_limit_are_invalid_argument(
    channel: grpc.aio.Channel, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    before = stored(server)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="b",
                channels=[WEBHOOK],
                webhook_url=receiver.url("/ok"),
                attachments=[
                    common_pb2.Attachment(
                        filename="a.bin",
                        content_type="application/octet-stream",
                        content=b"x" * 600,
                    ),
                    common_pb2.Attachment(
                        filename="b.bin",
                        content_type="application/octet-stream",
                        content=b"x" * 600,
                    ),
                ],
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert any(field.startswith("attachments") for field in error.violations)
    assert stored(server) == before
    assert receiver.received == []


async def test_concurrent_streams_per_caller_are_capped(channel: grpc.aio.Channel) -> None:
    stub = inbox_pb2_grpc.InboxServiceStub(channel)
    watches = [stub.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=f"u{i}")) for i in range(2)]
    for watch in watches:
        first = await watch.read()
        assert first.unread_count == 0
    third = stub.WatchInbox(inbox_pb2.WatchInboxRequest(user_id="u3"), timeout=10)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await third.read()
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "TOO_MANY_STREAMS")
    assert error.retry_delay is not None and error.retry_delay > 0  # the gateway's Retry-After
    # Unary calls are not streams; a stream that ends gives its place back.
    await stub.GetUnreadCount(inbox_pb2.GetUnreadCountRequest(user_id="u1"), timeout=10)
    watches[0].cancel()
    while True:  # the server notices the cancellation shortly
        again = stub.WatchInbox(inbox_pb2.WatchInboxRequest(user_id="u4"), timeout=10)
        try:
            assert (await again.read()).unread_count == 0
            break
        except grpc.aio.AioRpcError as exc:
            assert rich_error(exc).reason == "TOO_MANY_STREAMS"
            await asyncio.sleep(0.05)
    again.cancel()
    watches[1].cancel()


async def test_a_unary_call_without_deadline_is_bounded_by_the_server(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    # The webhook is held, so SendMessage would wait HERALD_SEND_WAIT_SECONDS (30 s);
    # the server's 1 s bound is its deadline instead, and it answers with the state so far.
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    try:
        for timeout in (None, 3600.0):
            reply = await stub.SendMessage(
                delivery_pb2.SendMessageRequest(
                    subject="s",
                    body="b",
                    channels=[WEBHOOK],
                    webhook_url=receiver.url(f"/hold/bounded-{timeout}"),
                ),
                timeout=timeout,
            )
            [result] = reply.results
            assert not result.success
            assert result.state != common_pb2.DELIVERY_STATE_DELIVERED
    finally:
        receiver.release("bounded-None")
        receiver.release("bounded-3600.0")
