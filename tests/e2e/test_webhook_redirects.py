"""A webhook receiver's 3xx is a permanent failure and its Location is never
requested: redirects are not followed (each hop would need the SSRF check)."""

from __future__ import annotations

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.webhook_receiver import WebhookReceiver


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
async def test_a_redirect_is_not_followed(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, code: int
) -> None:
    # The test server allows loopback, so the first hop arrives; the second must not.
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="s",
            body="b",
            channels=[common_pb2.CHANNEL_WEBHOOK],
            webhook_url=receiver.url(f"/redirect/{code}/followed"),
        ),
        timeout=10,
    )
    [result] = reply.results
    assert (result.success, result.permanent, result.error_code) == (
        False,
        True,
        "WEBHOOK_REDIRECT",
    )
    assert [r.path for r in receiver.received] == [f"/redirect/{code}/followed"]
