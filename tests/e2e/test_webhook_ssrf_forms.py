"""Every loopback form a webhook URL can take is refused by a server whose
policy does not allow loopback, and the loopback receiver sees nothing.
(Private, link-local, metadata and
other non-loopback forms are proven without any packet leaving the process:
tests/channels/test_webhook_guard.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

LOOPBACK_FORMS = [
    "http://127.0.0.1:{port}/ok",
    "http://127.255.255.254:{port}/ok",
    "http://[::1]:{port}/ok",
    "http://[::ffff:127.0.0.1]:{port}/ok",
    "http://[::ffff:7f00:1]:{port}/ok",
    "http://2130706433:{port}/ok",  # decimal
    "http://0x7f000001:{port}/ok",  # hex
    "http://0x7f.1:{port}/ok",  # hex, two parts
    "http://0177.0.0.1:{port}/ok",  # octal
    "http://127.1:{port}/ok",  # short form
    "http://localhost:{port}/ok",  # a name that resolves to loopback (/etc/hosts)
    "http://LocalHost:{port}/ok",
    "https://127.0.0.1:{port}/ok",
]


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    # The default policy (public addresses only): loopback is not allowed.
    env = {**store_env, "HERALD_WEBHOOK_ALLOW_CIDRS": ""}
    process = ServerProcess(Path(tmp_path_factory.mktemp("ssrf-forms")), env)
    process.start()
    yield process
    process.stop()


async def send(channel: grpc.aio.Channel, url: str) -> delivery_pb2.SendMessageResponse:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    return await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="s", body="b", channels=[common_pb2.CHANNEL_WEBHOOK], webhook_url=url
        ),
        timeout=10,
    )


@pytest.mark.parametrize("url", LOOPBACK_FORMS)
async def test_every_loopback_form_is_refused_and_nothing_arrives(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, url: str
) -> None:
    reply = await send(channel, url.format(port=receiver.port))
    [result] = reply.results
    assert (result.success, result.permanent, result.error_code) == (False, True, "SSRF_REFUSED")
    assert result.attempts == 1  # refused, never retried
    assert receiver.received == []


async def test_a_url_with_credentials_is_refused_without_echoing_them(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send(channel, f"http://user:hunter2@127.0.0.1:{receiver.port}/ok")
    error = rich_error(caught.value)
    assert (error.code, set(error.violations)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        {"webhook_url"},
    )
    assert "hunter2" not in str(caught.value.details()) + str(error.violations)
    assert receiver.received == []
