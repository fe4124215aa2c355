"""Rotating the webhook signing secret: with two secrets configured every delivery
carries a signature by each, so receivers still on the old secret and receivers on
the new one both verify it; a bad secret stops the server at start."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import WEBHOOK_SECRET, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

NEW = "whsec_" + base64.b64encode(b"the-next-webhook-signing-key-32b").decode()
UNRELATED = "whsec_" + base64.b64encode(b"a-key-neither-side-has-used-0032").decode()


@pytest.fixture(scope="module")
def rotating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path_factory.mktemp("rotating"), {"HERALD_WEBHOOK_SECRET": f"{NEW} {WEBHOOK_SECRET}"}
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def receivers() -> AsyncIterator[dict[str, WebhookReceiver]]:
    started = {
        name: await WebhookReceiver(secret).start()
        for name, secret in (("new", NEW), ("old", WEBHOOK_SECRET), ("unrelated", UNRELATED))
    }
    yield started
    for receiver in started.values():
        await receiver.close()


async def test_receivers_on_either_secret_verify_every_delivery(
    rotating: ServerProcess, receivers: dict[str, WebhookReceiver]
) -> None:
    async with authenticated_channel(rotating.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        for receiver in receivers.values():
            reply = await stub.SendMessage(
                delivery_pb2.SendMessageRequest(
                    subject="Key rotation",
                    body="Signed by both keys.",
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    webhook_url=receiver.url("/ok"),
                ),
                timeout=10,
            )
            assert reply.results[0].success

    verified = {name: [hit.verified for hit in r.received] for name, r in receivers.items()}
    assert verified == {"new": [True], "old": [True], "unrelated": [False]}
    signature = receivers["new"].received[0].headers["webhook-signature"]
    assert [part.split(",")[0] for part in signature.split(" ")] == ["v1", "v1"]


def test_a_bad_secret_stops_the_server_at_start_without_showing_it(tmp_path: Path) -> None:
    short = "whsec_" + base64.b64encode(b"sixteen-byte-key").decode()
    server = ServerProcess(tmp_path, {"HERALD_WEBHOOK_SECRET": f"{NEW},{short}"})
    try:
        with pytest.raises(RuntimeError, match="herald exited"):
            server.start()
        logs = server.logs()
    finally:
        server.stop()

    assert "HERALD_WEBHOOK_SECRET: secret 2 of 2 is a 16-byte key" in logs
    assert short.removeprefix("whsec_") not in logs
    assert NEW.removeprefix("whsec_") not in logs
