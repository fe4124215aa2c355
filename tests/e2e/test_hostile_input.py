"""Hostile input through the server: requests that do not parse (invalid UTF-8,
random bytes, nesting 1000 deep), huge repeated fields, header injection and
template sandbox escapes and bombs. Each is a clear error, and nothing is stored
or sent."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.internal.encoder import _VarintBytes
from herald.v1 import (
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)

from tests.support.db import count
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK, IN_APP, EMAIL = (
    common_pb2.CHANNEL_WEBHOOK,
    common_pb2.CHANNEL_IN_APP,
    common_pb2.CHANNEL_EMAIL,
)
TABLES = ("requests", "deliveries", "inbox_messages", "templates")


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _VarintBytes(number << 3 | 2) + _VarintBytes(len(payload)) + payload


def nested_struct(depth: int) -> bytes:
    """google.protobuf.Struct {"a": {"a": ... "x"}} nested `depth` deep, built as
    bytes (the Python runtime refuses to build it)."""
    struct = field(1, field(1, b"a") + field(2, field(3, b"x")))
    for _ in range(depth):
        struct = field(1, field(1, b"a") + field(2, field(5, struct)))
    return struct


def snapshot(server: ServerProcess) -> dict[str, int]:
    return {table: count(server, table) for table in TABLES}


def raw(channel: grpc.aio.Channel, method: str) -> grpc.aio.UnaryUnaryMultiCallable:
    return channel.unary_unary(method, lambda b: b, lambda b: b)


def send_message_bytes(url: str, extra: bytes = b"", subject: bytes = b"s") -> bytes:
    channels = field(3, _VarintBytes(WEBHOOK))
    return field(1, subject) + field(2, b"b") + channels + field(8, url.encode()) + extra


@pytest.fixture
def nothing_changes(server: ServerProcess, receiver: WebhookReceiver):  # type: ignore[no-untyped-def]
    before = snapshot(server)
    yield
    assert snapshot(server) == before
    assert receiver.received == []


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("invalid UTF-8 in subject", lambda url: send_message_bytes(url, subject=b"Hi \xff\xfe")),
        ("overlong UTF-8", lambda url: send_message_bytes(url, subject=b"\xc0\xaf")),
        ("surrogate in UTF-8", lambda url: send_message_bytes(url, subject=b"\xed\xa0\x80")),
        (
            "data nested 1000 deep",
            lambda url: send_message_bytes(url, field(15, nested_struct(1000))),
        ),
        ("random bytes", lambda url: b"\xff\x13\x00\x9a" * 64),
        ("truncated", lambda url: send_message_bytes(url)[:-3]),
    ],
)
async def test_a_request_that_does_not_parse_is_invalid_argument(
    channel: grpc.aio.Channel,
    receiver: WebhookReceiver,
    nothing_changes: None,
    name: str,
    payload: object,
) -> None:
    data = payload(receiver.url("/ok"))  # type: ignore[operator]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await raw(channel, "/herald.v1.DeliveryService/SendMessage")(data, timeout=10)
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "MALFORMED_REQUEST")


async def test_notification_data_nested_1000_deep_is_invalid_argument(
    channel: grpc.aio.Channel, nothing_changes: None
) -> None:
    request = delivery_pb2.SendNotificationRequest(
        channels=[IN_APP], to=["user-1"], message_title="t", message_content="c"
    ).SerializeToString() + field(12, nested_struct(1000))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await raw(channel, "/herald.v1.DeliveryService/SendNotification")(request, timeout=10)
    assert rich_error(caught.value).code == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_ten_megabyte_repeated_field_is_a_clear_error(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, nothing_changes: None
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[WEBHOOK],
                to=[receiver.url(f"/ok/{i:060d}") for i in range(120_000)],  # ~10 MB
                subject="s",
                body="b",
            ),
            timeout=60,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {"to"}


async def test_a_million_bad_entries_get_a_bounded_answer(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, nothing_changes: None
) -> None:
    # Every duplicate channel is a violation; the answer lists the first ones and
    # counts the rest, so it fits in a trailer.
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s",
                body="b",
                channels=[WEBHOOK] * 1_000_000,
                webhook_url=receiver.url("/ok"),
            ),
            timeout=60,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "channels[1]" in error.violations
    assert error.violations["…"].startswith("and ")
    assert len(error.violations) < 100


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject": "Hi\r\nBcc: victim@example.com"},
        {"subject": "Hi\nX-Injected: 1"},
        {"subject": "Hi\rX-Injected: 1"},
        {"email_address": "a@example.com\r\nBcc: victim@example.com"},
        {"email_address": "a@example.com,victim@example.com"},
        {"email_address": "a@example.com\nvictim@example.com"},
        {"email_address": '"a\r\nBcc: v@example.com" <a@example.com>'},
        {"email_address": "a@example.com\x00"},
    ],
)
async def test_header_injection_in_email_is_invalid_argument(
    channel: grpc.aio.Channel, nothing_changes: None, overrides: dict[str, str]
) -> None:
    fields = {"subject": "s", "body": "b", "email_address": "a@example.com", **overrides}
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(channels=[EMAIL], **fields),  # type: ignore[arg-type]
            timeout=10,
        )
    assert rich_error(caught.value).code == grpc.StatusCode.INVALID_ARGUMENT


async def test_header_injection_in_a_notification_subject_is_invalid_argument(
    channel: grpc.aio.Channel, nothing_changes: None
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[EMAIL],
                to=["a@example.com\r\nBcc: victim@example.com"],
                subject="Hi\r\nBcc: victim@example.com",
                body="b",
            ),
            timeout=10,
        )
    assert rich_error(caught.value).code in (
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.FAILED_PRECONDITION,  # nobody accepted
    )


ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x.__init__.__globals__ }}",
    "{{ ''['__class__'] }}",
    "{{ self._TemplateReference__context }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ config.items() }}{{ request.environ }}",
    "{% set x = [].append(1) %}{{ x }}",
    "{{ 'a' * 100000000 }}",
    "{{ 'x'.center(1000000000) }}",
    "{{ '%099999999d' % 1 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
]


@pytest.mark.parametrize("source", ESCAPES)
async def test_template_escapes_and_bombs_are_refused_and_the_server_stays_up(
    channel: grpc.aio.Channel, nothing_changes: None, source: str
) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    # Ad-hoc content through SendNotification, and a stored template's preview.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[IN_APP], to=["user-1"], message_title="t", message_content=source
            ),
            timeout=30,
        )
    assert rich_error(caught.value).code == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as preview:
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id="hostile", content=template_pb2.TemplateContent(email_text=source)
                )
            ),
            timeout=30,
        )
        await templates.RenderTemplate(template_pb2.RenderTemplateRequest(id="hostile"), timeout=30)
    assert rich_error(preview.value).code == grpc.StatusCode.INVALID_ARGUMENT
    # The template may have been stored (it compiles); take it away again.
    try:
        await templates.DeleteTemplate(template_pb2.DeleteTemplateRequest(id="hostile"), timeout=10)
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND
