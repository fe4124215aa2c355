"""Every log line of a call carries its request_id (docs/architecture.md), the delivery
attempts it started included: a retry claimed from the queue after the call has ended,
and every attempt of a SendNotification (which only queues its deliveries), carry the
x-request-id of the call that asked for them, read from the server's JSON log."""

from __future__ import annotations

import asyncio
import time
import uuid

import grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK = common_pb2.CHANNEL_WEBHOOK
ATTEMPTS = 3  # HERALD_MAX_ATTEMPTS of the test servers


async def attempts_of(server: ServerProcess, request: str) -> list[dict[str, object]]:
    """The delivery_attempt lines of the request `request` (a message or notification
    id) once all ATTEMPTS of its one delivery are logged."""
    deadline = time.monotonic() + 20
    while True:
        lines = [
            e
            for e in server.events()
            if e.get("event") == "delivery_attempt" and e.get("request") == request
        ]
        if len(lines) >= ATTEMPTS or time.monotonic() > deadline:
            return lines
        await asyncio.sleep(0.05)


async def test_every_attempt_of_a_message_carries_the_calls_request_id(
    channel: grpc.aio.Channel, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    request_id = f"attempts-message-{uuid.uuid4().hex[:8]}"
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            channels=[WEBHOOK], webhook_url=receiver.url("/status/503"), subject="s", body="b"
        ),
        metadata=(("x-request-id", request_id),),
        timeout=10,
    )
    lines = await attempts_of(server, reply.message_id)
    assert [e["attempt"] for e in lines] == [1, 2, 3], lines
    assert [e.get("request_id") for e in lines] == [request_id] * ATTEMPTS, lines


async def test_every_attempt_of_a_notification_carries_the_calls_request_id(
    channel: grpc.aio.Channel, server: ServerProcess, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    call = stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[WEBHOOK], to=[receiver.url("/status/503")], subject="s", body="b"
        ),
        timeout=10,
    )
    reply = await call
    # No x-request-id from the caller: the one the server made up and answered with.
    [request_id] = [v for k, v in await call.trailing_metadata() if k == "x-request-id"]
    lines = await attempts_of(server, reply.notification_id)
    assert [e["attempt"] for e in lines] == [1, 2, 3], lines
    assert [e.get("request_id") for e in lines] == [request_id] * ATTEMPTS, lines
