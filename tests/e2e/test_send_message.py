"""SendMessage and SendMessageStream over In-App and Webhook, against a real
server process and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import quote

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.db import query, write_lock
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


def message(webhook_url: str, **overrides: object) -> delivery_pb2.SendMessageRequest:
    fields: dict[str, object] = {
        "subject": "System maintenance",
        "body": "A scheduled maintenance window starts at 22:00 UTC.",
        "channels": [IN_APP, WEBHOOK],
        "user_id": f"user-{uuid.uuid4().hex[:8]}",
        "webhook_url": webhook_url,
    }
    fields.update(overrides)
    return delivery_pb2.SendMessageRequest(**fields)  # type: ignore[arg-type]


def by_channel(results: list[common_pb2.ChannelResult]) -> dict[int, common_pb2.ChannelResult]:
    return {r.channel: r for r in results}


async def test_send_message_delivers_in_app_and_a_signed_webhook(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, server: ServerProcess
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(receiver.url("/ok"), push_data={"ticket": "T-1"})
    reply = await stub.SendMessage(request, timeout=10)

    assert [r.channel for r in reply.results] == [IN_APP, WEBHOOK]
    assert all(r.success and r.state == common_pb2.DELIVERY_STATE_DELIVERED for r in reply.results)
    assert all(r.attempts == 1 and r.error == "" and r.delivery_id for r in reply.results)
    webhook = by_channel(list(reply.results))[WEBHOOK]

    [hit] = receiver.received
    assert hit.verified, "the Standard Webhooks signature must verify with the shared secret"
    assert hit.headers["webhook-id"] == webhook.delivery_id
    payload = hit.json
    assert payload["type"] == "message.sent"
    assert payload["data"]["subject"] == request.subject
    assert payload["data"]["body"] == request.body
    assert payload["data"]["user_id"] == request.user_id
    assert payload["data"]["message_id"] == reply.message_id
    assert payload["data"]["data"] == {"ticket": "T-1"}

    [inbox] = query(server, "SELECT * FROM inbox_messages WHERE user_id = ?", request.user_id)
    assert (inbox["title"], inbox["body"], inbox["state"]) == (
        request.subject,
        request.body,
        "unread",
    )


async def test_html_body_reaches_webhook_as_html_and_text(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(
        receiver.url("/ok"),
        channels=[WEBHOOK],
        is_html=True,
        body="<p>Hello <b>there</b> &amp; bye</p>",
    )
    reply = await stub.SendMessage(request, timeout=10)
    assert reply.results[0].success
    data = receiver.received[0].json["data"]
    assert data["html"] == request.body
    assert data["body"] == "Hello there & bye"


@pytest.mark.parametrize("path", ["/status/500", "/status/503", "/delay/3"])
async def test_failing_webhook_fails_only_that_channel(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, server: ServerProcess, path: str
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(receiver.url(path))
    reply = await stub.SendMessage(request, timeout=10)
    results = by_channel(list(reply.results))

    assert results[IN_APP].success
    failed = results[WEBHOOK]
    assert not failed.success
    assert failed.error_code == ("TIMEOUT" if path.startswith("/delay") else "WEBHOOK_HTTP_STATUS")
    assert failed.error
    assert not failed.permanent
    # Transient: retried (HERALD_MAX_ATTEMPTS=3 in tests) and then given up.
    assert (failed.state, failed.attempts) == (common_pb2.DELIVERY_STATE_FAILED, 3)
    posts = [r for r in receiver.received if r.path == path]
    assert len(posts) == 3
    assert {p.headers["webhook-id"] for p in posts} == {failed.delivery_id}
    assert results[IN_APP].attempts == 1


async def test_transient_failure_then_success_reports_the_attempts(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        message(receiver.url("/flaky/2/503"), channels=[WEBHOOK]), timeout=10
    )
    [result] = reply.results
    assert (result.success, result.state, result.attempts) == (
        True,
        common_pb2.DELIVERY_STATE_DELIVERED,
        3,
    )
    assert [r.verified for r in receiver.received] == [True, True, True]


async def test_retry_after_is_honoured(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        message(receiver.url("/flaky/1/503/1"), channels=[WEBHOOK]), timeout=10
    )
    assert reply.results[0].success and reply.results[0].attempts == 2
    first, second = receiver.received
    # Backoff alone would retry within 0.05 s; the receiver asked for 1 s.
    assert second.at - first.at >= 0.95


async def test_a_retry_after_on_a_success_is_ignored(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    # A "-0000" date parses naive: read on a 200, it once crashed the adapter, and the
    # delivery was posted three times and reported INTERNAL_ERROR.
    path = "/status/200/" + quote("Wed, 21 Oct 2037 07:28:00 -0000")
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(message(receiver.url(path), channels=[WEBHOOK]), timeout=10)
    [result] = reply.results
    assert (result.success, result.state, result.attempts, result.error_code) == (
        True,
        common_pb2.DELIVERY_STATE_DELIVERED,
        1,
        "",
    )
    assert [r.headers["webhook-id"] for r in receiver.received] == [result.delivery_id]


async def test_webhook_client_error_is_permanent(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        message(receiver.url("/status/410"), channels=[WEBHOOK]), timeout=10
    )
    [result] = reply.results
    assert (result.success, result.permanent, result.state) == (
        False,
        True,
        common_pb2.DELIVERY_STATE_FAILED,
    )
    assert result.error_code == "WEBHOOK_HTTP_STATUS"


async def test_a_cookie_one_delivery_is_given_never_goes_with_another(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    """Each delivery stands alone: a receiver's Set-Cookie is not kept (nor would
    a receiver setting ever new cookies grow the server's memory). By name, since
    aiohttp's cookie jar would keep nothing for an IP address anyway."""
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    host = f"http://localhost:{receiver.port}"

    for path in ("/cookie/session", "/ok"):
        reply = await stub.SendMessage(message(host + path, channels=[WEBHOOK]), timeout=10)
        assert reply.results[0].success

    setting, later = receiver.received
    assert setting.path == "/cookie/session"
    assert "cookie" not in later.headers


async def test_an_endless_answer_is_cut_short_and_the_delivery_counts(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    """The receiver's 200 decides; its body is read only so far (reading it all
    would take the server's memory, or the whole timeout and a retry)."""
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(message(receiver.url("/endless"), channels=[WEBHOOK]), timeout=8)

    [result] = reply.results
    assert (result.success, result.attempts, result.error_code) == (True, 1, "")
    assert [hit.path for hit in receiver.received] == ["/endless"]


async def test_unconfigured_channel_reports_not_configured(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(receiver.url("/ok"), channels=[SMS, WEBHOOK], phone_number="+4520123456")
    reply = await stub.SendMessage(request, timeout=10)
    results = by_channel(list(reply.results))
    assert results[WEBHOOK].success
    assert not results[SMS].success
    assert results[SMS].error_code == "CHANNEL_NOT_CONFIGURED"
    assert results[SMS].permanent


async def test_stream_yields_the_fast_channel_before_the_slow_one(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = delivery_pb2.SendMessageStreamRequest(message=message(receiver.url("/hold/slow")))
    stream = stub.SendMessageStream(request, timeout=20)
    first = await stream.read()
    # The webhook cannot finish before release(): the in-app result did not wait for it.
    assert first.result.channel == IN_APP and first.result.success
    await asyncio.wait_for(receiver.arrived["/hold/slow"].wait(), 10)
    receiver.release("slow")
    second = await stream.read()
    assert second.result.channel == WEBHOOK and second.result.success
    summary = await stream.read()
    assert summary.WhichOneof("event") == "summary"
    assert (summary.summary.total, summary.summary.succeeded, summary.summary.failed) == (2, 2, 0)
    assert await stream.read() == grpc.aio.EOF


async def test_retry_with_the_same_request_id_returns_the_first_answer_without_sending(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, server: ServerProcess
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(receiver.url("/ok"), request_id=f"req-{uuid.uuid4()}")
    first = await stub.SendMessage(request, timeout=10)
    second = await stub.SendMessage(request, timeout=10)
    assert not first.replayed and second.replayed
    assert second.message_id == first.message_id
    assert [(r.delivery_id, r.success) for r in second.results] == [
        (r.delivery_id, r.success) for r in first.results
    ]
    assert len(receiver.received) == 1
    assert (
        len(query(server, "SELECT id FROM inbox_messages WHERE user_id = ?", request.user_id)) == 1
    )

    streamed = [
        m
        async for m in stub.SendMessageStream(
            delivery_pb2.SendMessageStreamRequest(message=request), timeout=10
        )
    ]
    assert streamed[-1].summary.replayed and streamed[-1].summary.message_id == first.message_id
    assert len(receiver.received) == 1


@pytest.mark.parametrize("phase", ["storing", "sending"])
async def test_a_caller_deadline_before_the_send_ends_loses_nothing(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, server: ServerProcess, phase: str
) -> None:
    """The caller's 0.5 s deadline passes while the call is still storing its send (the
    store is busy) or while the webhook is still answering. The accepted message is
    still delivered at once, once, and its outcome recorded; a retry with the same
    request_id answers with those results and sends nothing again; the call that ran
    out of time is not logged as a failure.

    While sending, the server answers just before the deadline with the results so far
    (the webhook not final); a loaded machine may miss that and make it DEADLINE_EXCEEDED."""
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    log_offset = server.log_path.stat().st_size
    name = f"late-{uuid.uuid4().hex[:8]}"
    path = f"/hold/{name}"
    request = message(receiver.url(path), request_id=f"req-{uuid.uuid4()}")
    if phase == "storing":
        async with write_lock(server):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.SendMessage(request, timeout=0.5)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            await asyncio.sleep(0.2)  # the server has given up on the call too
    else:
        try:
            reply = await stub.SendMessage(request, timeout=0.5)
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        else:
            results = by_channel(list(reply.results))
            assert results[IN_APP].state == common_pb2.DELIVERY_STATE_DELIVERED
            assert not results[WEBHOOK].success
            assert results[WEBHOOK].state == common_pb2.DELIVERY_STATE_SENDING
    # Sent now, not once its lease (HERALD_LEASE_SECONDS, 30 s) has run out.
    await asyncio.wait_for(receiver.arrived[path].wait(), 5)
    await asyncio.sleep(0.3)  # the call has ended before the webhook answers
    receiver.release(name)

    def states() -> list[tuple[str, str, int]]:
        return [
            (row["channel"], row["state"], row["attempts"])
            for row in query(
                server,
                "SELECT d.channel, d.state, d.attempts FROM deliveries d JOIN requests r"
                " ON r.id = d.request_id WHERE r.idempotency_key LIKE ? ORDER BY d.position",
                f"%:{request.request_id}",
            )
        ]

    for _ in range(100):
        if all(state != "sending" for _, state, _ in states()):
            break
        await asyncio.sleep(0.05)
    assert states() == [("in_app", "delivered", 1), ("webhook", "delivered", 1)]

    retry = await stub.SendMessage(request, timeout=10)
    assert retry.replayed
    assert [(r.channel, r.success, r.state, r.attempts) for r in retry.results] == [
        (IN_APP, True, common_pb2.DELIVERY_STATE_DELIVERED, 1),
        (WEBHOOK, True, common_pb2.DELIVERY_STATE_DELIVERED, 1),
    ]
    assert [hit.path for hit in receiver.received] == [path]
    assert (
        len(query(server, "SELECT id FROM inbox_messages WHERE user_id = ?", request.user_id)) == 1
    )

    logs = server.logs()[log_offset:]
    assert "Traceback" not in logs, logs
    assert [e for e in server.events(log_offset) if e.get("level") in ("error", "critical")] == []


async def test_concurrent_duplicates_send_once(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request = message(receiver.url("/ok"), channels=[WEBHOOK], request_id=f"req-{uuid.uuid4()}")
    replies = await asyncio.gather(*(stub.SendMessage(request, timeout=10) for _ in range(8)))
    assert len({r.message_id for r in replies}) == 1
    assert sum(not r.replayed for r in replies) == 1
    assert all(r.results[0].success for r in replies)
    assert len(receiver.received) == 1


async def test_request_id_reused_for_a_different_message_is_refused(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    request_id = f"req-{uuid.uuid4()}"
    await stub.SendMessage(message(receiver.url("/ok"), request_id=request_id), timeout=10)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            message(receiver.url("/ok"), request_id=request_id, body="other"), timeout=10
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "REQUEST_ID_REUSED")
    assert len(receiver.received) == 1
