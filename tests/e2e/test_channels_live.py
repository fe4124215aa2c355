"""Every channel for real, through a Herald server process: Email to two SMTP
relays (the first always defers, the second wants STARTTLS and AUTH), SMS to a
Twilio Messages API peer, Push to an FCM HTTP v1 peer with its OAuth token
endpoint, In-App and Webhook. All peers listen on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.db import count, query
from tests.support.live_peers import MAX_ATTACHMENT_BYTES, SMTP_USER, Peers
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

EMAIL, SMS, PUSH, IN_APP, WEBHOOK = (
    common_pb2.CHANNEL_EMAIL,
    common_pb2.CHANNEL_SMS,
    common_pb2.CHANNEL_PUSH,
    common_pb2.CHANNEL_IN_APP,
    common_pb2.CHANNEL_WEBHOOK,
)
DELIVERED, FAILED, SKIPPED = (
    common_pb2.DELIVERY_STATE_DELIVERED,
    common_pb2.DELIVERY_STATE_FAILED,
    common_pb2.DELIVERY_STATE_SKIPPED,
)


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Peers]:
    # Fresh peers per backend: the tests count what a fixed address received.
    peers = Peers(Path(tmp_path_factory.mktemp("peers")))
    yield peers
    peers.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, peers: Peers, store_env: dict[str, str]
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")), env={**peers.env(), **store_env}
    )
    process.start()
    yield process
    process.stop()


def unique_email(tag: str = "") -> str:
    return f"ada-{uuid.uuid4().hex[:8]}{tag}@example.com"


def by_channel(reply: delivery_pb2.SendMessageResponse) -> dict[int, common_pb2.ChannelResult]:
    return {r.channel: r for r in reply.results}


async def test_every_channel_delivers_exactly_what_was_asked(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, peers: Peers, server: ServerProcess
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = unique_email()
    request = delivery_pb2.SendMessageRequest(
        subject="Wartung: Übersicht ✓ 日本",
        body="<p>Hello <b>Ada</b>, the window starts at 22:00.</p>",
        is_html=True,
        channels=[EMAIL, SMS, PUSH, IN_APP, WEBHOOK],
        email_address=address,
        phone_number="+4520123456",
        push_token="device-token-1",
        user_id=f"user-{uuid.uuid4().hex[:8]}",
        webhook_url=receiver.url("/ok"),
        attachments=[
            common_pb2.Attachment(
                filename="notes.txt", content_type="text/plain", content=b"line one\n"
            )
        ],
        push_data={"ticket": "T-7"},
    )
    reply = await stub.SendMessage(request, timeout=20)
    results = by_channel(reply)
    assert {c: (r.success, r.state, r.attempts) for c, r in results.items()} == {
        c: (True, DELIVERED, 1) for c in (EMAIL, SMS, PUSH, IN_APP, WEBHOOK)
    }, reply

    # Email: the first relay deferred, the second took it over STARTTLS with AUTH.
    assert address in peers.deferring.rcpt_attempts
    [mail] = [m for m in peers.smtp.messages if address in m.rcpt_tos]
    assert (mail.tls, mail.auth_user) == (True, SMTP_USER)
    parsed = mail.message
    assert parsed["Subject"] == request.subject
    assert parsed["From"] == "Herald <noreply@herald.test>"
    assert parsed["To"] == address
    assert parsed["Message-ID"] == f"<{results[EMAIL].delivery_id}@herald>"
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    text, html = alternative.iter_parts()
    assert html.get_content().strip() == request.body
    assert "Hello Ada, the window starts at 22:00." in text.get_content()
    assert attachment.get_filename() == "notes.txt"
    assert attachment.get_content() == "line one\n"

    # SMS: the plain text, from the configured number; segments reported.
    [sms] = [r for r in peers.twilio.requests if r.form.get("To") == request.phone_number]
    assert sms.form["From"] == "+15005550006"
    assert sms.form["Body"] == "Hello Ada, the window starts at 22:00."
    assert (results[SMS].sms.encoding, results[SMS].sms.segments) == ("GSM-7", 1)
    assert results[SMS].provider_message_id.startswith("SM")

    # Push: title = subject, body = text, the data payload.
    [push] = [s for s in peers.fcm.sends if s["body"]["message"].get("token") == request.push_token]
    sent = push["body"]["message"]
    assert sent["notification"] == {"title": request.subject, "body": sms.form["Body"]}
    assert sent["data"] == {"ticket": "T-7"}
    assert push["project"] == "herald-test"

    [hit] = receiver.received
    assert hit.verified and hit.json["data"]["html"] == request.body
    [inbox] = query(server, "SELECT title FROM inbox_messages WHERE user_id = ?", request.user_id)
    assert inbox["title"] == request.subject


async def test_permanent_failures_are_not_retried_and_isolated(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, peers: Peers
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    rejected = unique_email("+550")
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="s",
            body="b",
            channels=[EMAIL, SMS, PUSH, WEBHOOK],
            email_address=rejected,
            phone_number="+15005550001",  # Twilio 21211
            push_token=f"unregistered-{uuid.uuid4().hex[:6]}",
            webhook_url=receiver.url("/ok"),
        ),
        timeout=20,
    )
    results = by_channel(reply)
    assert results[WEBHOOK].success
    expected = {EMAIL: "SMTP_REJECTED", SMS: "INVALID_PHONE", PUSH: "UNREGISTERED_TOKEN"}
    for channel_id, code in expected.items():
        result = results[channel_id]
        assert (result.success, result.state, result.permanent, result.attempts) == (
            False,
            FAILED,
            True,
            1,
        ), result
        assert result.error_code == code
        assert result.error
    push_token = reply.results[2].recipient
    assert sum(1 for s in peers.fcm.sends if s["body"]["message"]["token"] == push_token) == 1
    assert sum(1 for r in peers.twilio.requests if r.form["To"] == "+15005550001") == 1
    assert peers.smtp.rcpt_attempts.count(rejected) == 1


async def test_transient_failures_are_retried_up_to_the_limit(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="s",
            body="b",
            channels=[SMS, PUSH],
            phone_number="+15005550500",  # Twilio answers 500
            push_token=f"unavailable-{uuid.uuid4().hex[:6]}",  # FCM answers 503
        ),
        timeout=20,
    )
    for result in reply.results:
        assert (result.success, result.state, result.permanent, result.attempts) == (
            False,
            FAILED,
            False,
            3,  # HERALD_MAX_ATTEMPTS in tests
        ), result
    sms, push = reply.results
    assert sum(1 for r in peers.twilio.requests if r.form["To"] == sms.recipient) == 3
    assert sum(1 for s in peers.fcm.sends if s["body"]["message"]["token"] == push.recipient) == 3


async def test_fallback_stops_at_the_first_success(channel: grpc.aio.Channel, peers: Peers) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = unique_email()
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="Your code",
            body="123456",
            mode=delivery_pb2.DISPATCH_MODE_FALLBACK,
            channels=[PUSH, SMS, EMAIL],
            push_token=f"unregistered-{uuid.uuid4().hex[:6]}",
            phone_number="+4520123457",
            email_address=address,
        ),
        timeout=20,
    )
    push, sms, email = reply.results
    assert (push.channel, push.state, push.error_code) == (PUSH, FAILED, "UNREGISTERED_TOKEN")
    assert (sms.channel, sms.state, sms.success) == (SMS, DELIVERED, True)
    assert (email.channel, email.state, email.attempts) == (EMAIL, SKIPPED, 0)
    assert [r.form["Body"] for r in peers.twilio.requests if r.form["To"] == "+4520123457"] == [
        "123456"
    ]
    assert address not in peers.deferring.rcpt_attempts + peers.smtp.rcpt_attempts


async def test_fallback_moves_on_after_a_transient_failure_and_streams_each_step(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = unique_email()
    request = delivery_pb2.SendMessageRequest(
        subject="Your code",
        body="654321",
        mode=delivery_pb2.DISPATCH_MODE_FALLBACK,
        channels=[SMS, EMAIL],
        phone_number="+15005550500",
        email_address=address,
    )
    updates = [
        u
        async for u in stub.SendMessageStream(
            delivery_pb2.SendMessageStreamRequest(message=request), timeout=20
        )
    ]
    sms, email, summary = updates
    assert (sms.result.channel, sms.result.state, sms.result.attempts) == (SMS, FAILED, 1)
    assert not sms.result.permanent
    assert (email.result.channel, email.result.success) == (EMAIL, True)
    assert (summary.summary.succeeded, summary.summary.failed) == (1, 1)
    assert any(address in m.rcpt_tos for m in peers.smtp.messages)


async def test_oversized_attachments_are_invalid_and_nothing_is_sent(
    channel: grpc.aio.Channel, peers: Peers, server: ServerProcess
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = unique_email()
    before = count(server, "requests")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="b",
                channels=[EMAIL],
                email_address=address,
                attachments=[
                    common_pb2.Attachment(
                        filename="a.bin",
                        content_type="application/octet-stream",
                        content=b"x" * 3000,
                    ),
                    common_pb2.Attachment(
                        filename="b.bin",
                        content_type="application/octet-stream",
                        content=b"y" * 3000,
                    ),
                ],
            ),
            timeout=10,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = rich_error(caught.value)
    assert list(details.violations) == ["attachments[1].content"]
    assert str(MAX_ATTACHMENT_BYTES) in details.violations["attachments[1].content"]
    assert count(server, "requests") == before
    assert address not in peers.deferring.rcpt_attempts + peers.smtp.rcpt_attempts
