"""SendNotification (seed 003), GetNotification and WatchNotification against a
real server, an SMTP peer and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.peers.smtp import SmtpPeer
from tests.support.db import count
from tests.support.loop_thread import LoopThread
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

EMAIL, SMS, WEBHOOK, IN_APP = (
    common_pb2.CHANNEL_EMAIL,
    common_pb2.CHANNEL_SMS,
    common_pb2.CHANNEL_WEBHOOK,
    common_pb2.CHANNEL_IN_APP,
)
R = delivery_pb2
pytestmark = pytest.mark.backends("sqlite", "postgres")
COMPLETED = delivery_pb2.NOTIFICATION_STATE_COMPLETED


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpPeer]:
    thread = LoopThread()
    peer = thread.run(SmtpPeer().start())
    yield peer
    thread.run(peer.close())
    thread.stop()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, smtp: SmtpPeer, store_env: dict[str, str]
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={"HERALD_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", **store_env},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> delivery_pb2_grpc.DeliveryServiceStub:
    return delivery_pb2_grpc.DeliveryServiceStub(channel)


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def watch_to_the_end(
    stub: delivery_pb2_grpc.DeliveryServiceStub, name: str
) -> list[delivery_pb2.WatchNotificationResponse]:
    request = delivery_pb2.WatchNotificationRequest(name=name)
    return [event async for event in stub.WatchNotification(request, timeout=30)]


def accepted(reply: delivery_pb2.SendNotificationResponse) -> dict[int, list[str]]:
    return {a.channel: list(a.recipients) for a in reply.accepted_recipients}


def rejected(reply: delivery_pb2.SendNotificationResponse) -> dict[int, list[tuple[str, int]]]:
    return {
        r.channel: [(x.recipient, x.reason) for x in r.rejected] for r in reply.rejected_recipients
    }


async def test_seed_003_request_queues_one_email_per_recipient(
    stub: delivery_pb2_grpc.DeliveryServiceStub, smtp: SmtpPeer
) -> None:
    alice, bob = f"alice-{tag()}@example.com", f"bob-{tag()}@example.com"
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            to=[alice, bob],  # no channels: Email is the default
            subject="Launch deck ready for review",
            body="The updated deck is attached to the project workspace.",
            body_html="<p>The updated deck is attached to the project workspace.</p>",
        ),
        timeout=10,
    )
    assert list(reply.channels) == [EMAIL]
    assert accepted(reply) == {EMAIL: [alice, bob]}
    assert rejected(reply) == {}
    assert reply.name == f"notifications/{reply.notification_id}"
    assert reply.queued_at.seconds > 0

    events = await watch_to_the_end(stub, reply.name)
    assert events[-1].state == COMPLETED
    assert (events[-1].total, events[-1].delivered, events[-1].failed) == (2, 2, 0)

    got = await stub.GetNotification(R.GetNotificationRequest(name=reply.name), timeout=10)
    notification = got.notification
    assert notification.state == COMPLETED
    assert notification.subject == "Launch deck ready for review"
    assert [(d.channel, d.recipient, d.state, d.attempts) for d in notification.deliveries] == [
        (EMAIL, alice, common_pb2.DELIVERY_STATE_DELIVERED, 1),
        (EMAIL, bob, common_pb2.DELIVERY_STATE_DELIVERED, 1),
    ]
    assert notification.completed_at.seconds > 0
    # One message per recipient (failures are isolated), each with text and HTML.
    for address in (alice, bob):
        [mail] = [m for m in smtp.messages if m.rcpt_tos == [address]]
        text, html = mail.message.iter_parts()
        assert text.get_content().strip() == (
            "The updated deck is attached to the project workspace."
        )
        assert html.get_content().strip() == (
            "<p>The updated deck is attached to the project workspace.</p>"
        )


async def test_rejections_carry_reasons_per_channel(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
) -> None:
    email, phone = f"carol-{tag()}@example.com", "+4520123456"
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[EMAIL, SMS],
            to=[email, "not-an-address", phone, email.upper(), phone],
            subject="s",
            body="b",
        ),
        timeout=10,
    )
    assert accepted(reply) == {EMAIL: [email], SMS: [phone]}
    assert rejected(reply) == {
        EMAIL: [
            ("not-an-address", R.REJECTION_REASON_INVALID_EMAIL),
            (phone, R.REJECTION_REASON_INVALID_EMAIL),
            (email.upper(), R.REJECTION_REASON_DUPLICATE_RECIPIENT),
            (phone, R.REJECTION_REASON_DUPLICATE_RECIPIENT),
        ],
        SMS: [
            (email, R.REJECTION_REASON_INVALID_PHONE),
            ("not-an-address", R.REJECTION_REASON_INVALID_PHONE),
            (email.upper(), R.REJECTION_REASON_INVALID_PHONE),
            (phone, R.REJECTION_REASON_DUPLICATE_RECIPIENT),
        ],
    }


async def test_more_than_fifty_recipients_per_channel_are_rejected(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess
) -> None:
    run = tag()
    to = [f"user{i}-{run}@example.com" for i in range(53)]
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(channels=[EMAIL], to=to, subject="s", body="b"),
        timeout=10,
    )
    assert accepted(reply) == {EMAIL: to[:50]}
    assert rejected(reply) == {
        EMAIL: [(a, R.REJECTION_REASON_MAX_RECIPIENTS_EXCEEDED) for a in to[50:]]
    }
    got = await stub.GetNotification(R.GetNotificationRequest(name=reply.name), timeout=10)
    assert got.notification.total == 50


async def test_nobody_accepted_is_failed_precondition_and_nothing_is_stored(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess
) -> None:
    before = count(server, "requests")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[EMAIL, SMS], to=["nobody", "+1"], subject="s", body="b"
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert error.reason == "NO_RECIPIENTS_ACCEPTED"
    assert error.preconditions == [
        ("invalid_email", "email:nobody"),
        ("invalid_email", "email:+1"),
        ("invalid_phone", "sms:nobody"),
        ("invalid_phone", "sms:+1"),
    ]
    assert count(server, "requests") == before


@pytest.mark.parametrize(
    ("fields", "violations"),
    [
        ({"to": ["a@example.com"], "body": "b"}, {"subject"}),
        ({"to": ["a@example.com"], "subject": "s"}, {"body"}),
        ({"subject": "s", "body": "b"}, {"to"}),
        ({"channels": [99], "to": ["a@example.com"], "subject": "s", "body": "b"}, {"channels[0]"}),
        (
            {
                "channels": [common_pb2.CHANNEL_UNSPECIFIED],
                "to": ["x"],
                "subject": "s",
                "body": "b",
            },
            {"channels[0]"},
        ),
        (
            {"channels": [EMAIL, EMAIL], "to": ["a@example.com"], "subject": "s", "body": "b"},
            {"channels[1]"},
        ),
        (
            {
                "channels": [EMAIL, SMS],
                "to": ["+4520123456"],
                "subject": "s",
                "body": "b",
                "body_html": "<p>b</p>",
            },
            {"body_html"},
        ),
        ({}, {"subject", "body", "to"}),
        # Over ten times HERALD_MAX_RECIPIENTS (50) is refused whole, not answered with
        # 450 max_recipients_exceeded rejections.
        ({"to": [f"r{i}@example.com" for i in range(501)], "subject": "s", "body": "b"}, {"to"}),
        (
            {"recipients": [f"u{i}" for i in range(501)], "subject": "s", "body": "b"},
            {"recipients"},
        ),
    ],
)
async def test_bad_input_is_invalid_argument_and_nothing_is_stored(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    server: ServerProcess,
    fields: dict[str, object],
    violations: set[str],
) -> None:
    before = count(server, "requests")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(**fields),  # type: ignore[arg-type]
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == violations
    assert count(server, "requests") == before


async def test_failures_are_isolated_per_recipient_and_retries_are_reported(
    stub: delivery_pb2_grpc.DeliveryServiceStub, receiver: WebhookReceiver
) -> None:
    ok, gone, flaky = (receiver.url(p) for p in ("/ok", "/status/410", "/flaky/1/503"))
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[WEBHOOK], to=[ok, gone, flaky], subject="s", body="b"
        ),
        timeout=10,
    )
    events = await watch_to_the_end(stub, reply.name)
    assert (events[-1].delivered, events[-1].failed, events[-1].state) == (2, 1, COMPLETED)
    got = await stub.GetNotification(R.GetNotificationRequest(name=reply.name), timeout=10)
    states = {d.recipient: (d.state, d.attempts, d.error_code) for d in got.notification.deliveries}
    assert states == {
        ok: (common_pb2.DELIVERY_STATE_DELIVERED, 1, ""),
        gone: (common_pb2.DELIVERY_STATE_FAILED, 1, "WEBHOOK_HTTP_STATUS"),
        flaky: (common_pb2.DELIVERY_STATE_DELIVERED, 2, ""),
    }


async def test_an_attachment_too_large_to_keep_in_memory_is_sent_intact(
    stub: delivery_pb2_grpc.DeliveryServiceStub, smtp: SmtpPeer
) -> None:
    """Over the dispatcher's per-content limit (a sixteenth of 64 MiB): its delivery is
    claimed with the content read back from the store."""
    address = f"big-{tag()}@example.com"
    blob = os.urandom(5 * 2**20)
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            to=[address],
            subject="s",
            body="b",
            attachments=[
                common_pb2.Attachment(
                    filename="big.bin", content_type="application/octet-stream", content=blob
                )
            ],
        ),
        timeout=30,
    )
    events = await watch_to_the_end(stub, reply.name)
    assert (events[-1].state, events[-1].delivered) == (COMPLETED, 1)
    [mail] = [m for m in smtp.messages if m.rcpt_tos == [address]]
    [attachment] = mail.message.iter_attachments()
    assert (attachment.get_filename(), attachment.get_content()) == ("big.bin", blob)


async def test_watch_starts_with_the_current_state_and_streams_each_change(
    stub: delivery_pb2_grpc.DeliveryServiceStub, receiver: WebhookReceiver
) -> None:
    hold = f"hold-{tag()}"
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[WEBHOOK],
            to=[receiver.url("/ok"), receiver.url(f"/hold/{hold}")],
            subject="s",
            body="b",
        ),
        timeout=10,
    )
    await asyncio.wait_for(receiver.arrived[f"/hold/{hold}"].wait(), 10)
    stream = stub.WatchNotification(R.WatchNotificationRequest(name=reply.name), timeout=30)
    first = await stream.read()
    assert first.WhichOneof("event") == "snapshot"
    assert first.state == delivery_pb2.NOTIFICATION_STATE_IN_PROGRESS
    assert first.snapshot.total == 2
    receiver.release(hold)
    rest = []
    while (event := await stream.read()) != grpc.aio.EOF:
        rest.append(event)
    assert all(e.WhichOneof("event") == "delivery" for e in rest)
    assert rest[-1].state == COMPLETED and rest[-1].delivered == 2
    assert rest[-1].delivery.recipient == receiver.url(f"/hold/{hold}")

    # A watcher that connects late gets the final state at once, and the stream ends.
    late = await watch_to_the_end(stub, reply.name)
    assert [e.WhichOneof("event") for e in late] == ["snapshot"]
    assert late[0].state == COMPLETED and late[0].snapshot.delivered == 2


async def test_a_repeated_request_id_answers_with_the_first_notification(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess
) -> None:
    request = delivery_pb2.SendNotificationRequest(
        to=[f"dave-{tag()}@example.com", "bad"], subject="s", body="b", request_id=tag()
    )
    first = await stub.SendNotification(request, timeout=10)
    deliveries = count(server, "deliveries")
    again = await stub.SendNotification(request, timeout=10)
    assert (again.notification_id, again.replayed, first.replayed) == (
        first.notification_id,
        True,
        False,
    )
    assert accepted(again) == accepted(first) and rejected(again) == rejected(first)
    assert count(server, "deliveries") == deliveries
    request.subject = "different"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS


async def test_get_and_watch_name_errors(
    stub: delivery_pb2_grpc.DeliveryServiceStub, receiver: WebhookReceiver
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetNotification(R.GetNotificationRequest(name="notes/1"), timeout=10)
    assert rich_error(caught.value).violations.keys() == {"name"}
    missing = f"notifications/{uuid.uuid4().hex}"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetNotification(R.GetNotificationRequest(name=missing), timeout=10)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.resource is not None and error.resource.resource_name == missing
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await watch_to_the_end(stub, missing)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    # A SendMessage id is not a notification.
    message = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="s", body="b", channels=[WEBHOOK], webhook_url=receiver.url("/ok")
        ),
        timeout=10,
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetNotification(
            R.GetNotificationRequest(name=f"notifications/{message.message_id}"), timeout=10
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
