"""The webhook SSRF guard, proven with loopback targets under a policy that
does not allow loopback: the receiver must see nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # An allow-list that does not cover loopback: the default policy applies to it.
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("guarded")), {"HERALD_WEBHOOK_ALLOW_CIDRS": "192.0.2.0/24"}
    )
    process.start()
    yield process
    process.stop()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/ok",
        "http://localhost:{port}/ok",
        "http://127.1.2.3:{port}/ok",
        "http://[::ffff:127.0.0.1]:{port}/ok",
        "http://0x7f000001:{port}/ok",
    ],
)
async def test_webhook_to_a_loopback_address_is_refused_before_connecting(
    guarded_server: ServerProcess, receiver: WebhookReceiver, url: str
) -> None:
    async with authenticated_channel(guarded_server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        reply = await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="b",
                channels=[common_pb2.CHANNEL_WEBHOOK],
                webhook_url=url.format(port=receiver.port),
            ),
            timeout=10,
        )
    [result] = reply.results
    assert not result.success
    assert result.permanent
    assert result.error_code == "SSRF_REFUSED", result
    assert receiver.received == []
