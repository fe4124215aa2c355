"""Bad input is INVALID_ARGUMENT with a field violation per problem, and
nothing is stored or sent."""

from __future__ import annotations

import grpc
import pytest
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.db import count
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
GOOD = {"subject": "Hi", "body": "Hello", "channels": [WEBHOOK], "webhook_url": "RECEIVER"}

CASES: list[tuple[str, dict[str, object], set[str]]] = [
    ("missing subject", {"subject": ""}, {"subject"}),
    ("blank subject", {"subject": "   "}, {"subject"}),
    ("missing body", {"body": ""}, {"body"}),
    ("missing subject and body", {"subject": "", "body": ""}, {"subject", "body"}),
    ("no channels", {"channels": []}, {"channels"}),
    ("unspecified channel", {"channels": [common_pb2.CHANNEL_UNSPECIFIED]}, {"channels[0]"}),
    ("unknown channel number", {"channels": [WEBHOOK, 42]}, {"channels[1]"}),
    ("duplicate channel", {"channels": [WEBHOOK, WEBHOOK]}, {"channels[1]"}),
    ("email without address", {"channels": [EMAIL]}, {"email_address"}),
    ("malformed email", {"channels": [EMAIL], "email_address": "not-an-email"}, {"email_address"}),
    (
        "email with header injection",
        {"channels": [EMAIL], "email_address": "a@b.com\r\nBcc: x@y.com"},
        {"email_address"},
    ),
    ("sms without phone", {"channels": [SMS]}, {"phone_number"}),
    ("phone not E.164", {"channels": [SMS], "phone_number": "55555555"}, {"phone_number"}),
    ("phone with letters", {"channels": [SMS], "phone_number": "+45abc12345"}, {"phone_number"}),
    ("push without token", {"channels": [PUSH]}, {"push_token"}),
    ("in-app without user", {"channels": [IN_APP]}, {"user_id"}),
    ("webhook without url", {"webhook_url": ""}, {"webhook_url"}),
    ("ftp webhook", {"webhook_url": "ftp://127.0.0.1/x"}, {"webhook_url"}),
    ("file webhook", {"webhook_url": "file:///etc/passwd"}, {"webhook_url"}),
    ("webhook without host", {"webhook_url": "http:///path"}, {"webhook_url"}),
    ("subject with line break", {"subject": "Hi\r\nBcc: x@y.com"}, {"subject"}),
    ("request id too long", {"request_id": "r" * 129}, {"request_id"}),
    ("unknown dispatch mode", {"mode": 99}, {"mode"}),
    (
        "several problems at once",
        {"subject": "", "channels": [EMAIL, SMS], "email_address": "nope", "phone_number": "123"},
        {"subject", "email_address", "phone_number"},
    ),
]


def build(
    receiver: WebhookReceiver, overrides: dict[str, object]
) -> delivery_pb2.SendMessageRequest:
    fields = {**GOOD, "webhook_url": receiver.url("/ok"), **overrides}
    return delivery_pb2.SendMessageRequest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "overrides", "fields"), CASES, ids=[c[0] for c in CASES])
async def test_bad_send_message_is_invalid_argument_and_changes_nothing(
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
    server: ServerProcess,
    name: str,
    overrides: dict[str, object],
    fields: set[str],
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    requests_before = count(server, "requests")
    deliveries_before = count(server, "deliveries")
    request = build(receiver, overrides)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(request, timeout=10)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert (error.reason, error.domain) == ("INVALID_ARGUMENT", "herald")
    assert set(error.violations) == fields
    assert all(error.violations.values()), "every violation says what is wrong"

    with pytest.raises(grpc.aio.AioRpcError) as streamed:
        async for _ in stub.SendMessageStream(
            delivery_pb2.SendMessageStreamRequest(message=request), timeout=10
        ):
            pass
    # The same problems, under the stream request's `message` field.
    assert rich_error(streamed.value).violations == {
        f"message.{field}": description for field, description in error.violations.items()
    }

    assert receiver.received == []
    assert count(server, "requests") == requests_before
    assert count(server, "deliveries") == deliveries_before


async def test_stream_without_a_message_is_invalid_argument(channel: grpc.aio.Channel) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stub.SendMessageStream(delivery_pb2.SendMessageStreamRequest(), timeout=10):
            pass
    assert set(rich_error(caught.value).violations) == {"message"}
