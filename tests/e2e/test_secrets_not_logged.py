"""Secrets never reach the log or an error message: servers run with every
secret configured (SMTP passwords, a Twilio token, an FCM service-account key,
the webhook and JWT secrets), every channel is exercised, with good and with
bad credentials, and the whole log and every error text is searched for each
secret, as is and base64-encoded."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import JWT_SECRET, authenticated_channel, token
from tests.support.live_peers import SMTP_PASSWORD, Peers
from tests.support.server import WEBHOOK_SECRET, ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

EMAIL, SMS, PUSH, IN_APP, WEBHOOK = (
    common_pb2.CHANNEL_EMAIL,
    common_pb2.CHANNEL_SMS,
    common_pb2.CHANNEL_PUSH,
    common_pb2.CHANNEL_IN_APP,
    common_pb2.CHANNEL_WEBHOOK,
)
WRONG_SMTP_PASSWORD = "wrong-smtp-password-7Qx9"
WRONG_TWILIO_TOKEN = "wrong-twilio-token-3Kd8"


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    peers = Peers(Path(tmp_path_factory.mktemp("peers")))
    yield peers
    peers.close()


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, peers: Peers
) -> Iterator[list[ServerProcess]]:
    good = {**peers.env(), "HERALD_LOG_LEVEL": "debug", "HERALD_MAX_ATTEMPTS": "1"}
    bad = {
        **good,
        "HERALD_SMTP_URL": good["HERALD_SMTP_URL"]
        .split(",")[1]
        .replace(f":{SMTP_PASSWORD}@", f":{WRONG_SMTP_PASSWORD}@"),
        "HERALD_TWILIO_AUTH_TOKEN": WRONG_TWILIO_TOKEN,
    }
    started = []
    try:
        for name, env in (("good", good), ("bad", bad)):
            process = ServerProcess(Path(tmp_path_factory.mktemp(f"secrets-{name}")), env)
            started.append(process.start())
        yield started
    finally:
        for process in started:
            process.stop()


def secrets_of(peers: Peers) -> dict[str, str]:
    key = peers.service_account.info
    pem_lines = [line for line in key["private_key"].splitlines() if "-----" not in line]
    return {
        "smtp password": SMTP_PASSWORD,
        "wrong smtp password": WRONG_SMTP_PASSWORD,
        "twilio token": peers.twilio.auth_token,
        "wrong twilio token": WRONG_TWILIO_TOKEN,
        "webhook secret": WEBHOOK_SECRET,
        "webhook secret key": WEBHOOK_SECRET.removeprefix("whsec_"),
        "jwt secret": JWT_SECRET,
        "fcm private key id": key["private_key_id"],
        "fcm private key": pem_lines[len(pem_lines) // 2],
        "bearer token": token(),
    }


async def exercise(server: ServerProcess, receiver: WebhookReceiver) -> list[str]:
    """Every channel, good and failing, and some refused calls: the error texts."""
    texts: list[str] = []
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        requests = [
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="b",
                channels=[EMAIL, SMS, PUSH, IN_APP, WEBHOOK],
                email_address="ada@example.com",
                phone_number="+4520123456",
                push_token="device-token-1",
                user_id="user-1",
                webhook_url=receiver.url("/ok"),
            ),
            delivery_pb2.SendMessageRequest(  # provider-side failures
                subject="s",
                body="b",
                channels=[SMS, WEBHOOK],
                phone_number="+15005550001",
                webhook_url=receiver.url("/status/500"),
            ),
            delivery_pb2.SendMessageRequest(subject="", body="", channels=[EMAIL]),
        ]
        for request in requests:
            try:
                reply = await stub.SendMessage(request, timeout=30)
                texts += [f"{r.error_code} {r.error}" for r in reply.results]
            except grpc.aio.AioRpcError as exc:
                texts.append(f"{exc.details()} {exc.trailing_metadata()}")
    for credential in ("not-a-token", token(secret="another-secret-entirely-0123456789")):
        async with authenticated_channel(server.target, credential) as channel:
            try:
                await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
                    requests[0], timeout=10
                )
            except grpc.aio.AioRpcError as exc:
                texts.append(f"{exc.details()} {exc.trailing_metadata()}")
    return texts


async def test_no_secret_in_any_log_line_or_error(
    servers: list[ServerProcess], peers: Peers, receiver: WebhookReceiver
) -> None:
    texts: list[str] = []
    for server in servers:
        texts += await exercise(server, receiver)
    # Both runs did reach the providers, and the bad credentials were refused.
    assert any("INVALID_CREDENTIALS" in t for t in texts), texts
    haystack = "\n".join(server.logs() for server in servers) + "\n" + "\n".join(texts)
    assert json.dumps(haystack)  # everything is text
    found = {}
    for name, secret in secrets_of(peers).items():
        for form in (secret, base64.b64encode(secret.encode()).decode()):
            if form in haystack:
                found[name] = form
    assert found == {}
