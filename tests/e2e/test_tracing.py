"""OpenTelemetry tracing: one server span per RPC and one span per delivery
attempt, on an in-process server whose tracer exports to memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from herald import tracing
from herald.config import ConfigError, Settings
from herald.server import Herald, start, stop
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from tests.support.auth import JWT_SECRET, bearer
from tests.support.server import WEBHOOK_SECRET
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK, IN_APP = common_pb2.CHANNEL_WEBHOOK, common_pb2.CHANNEL_IN_APP
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    yield exporter
    tracing.install(None)
    provider.shutdown()


@pytest.fixture
async def herald(tmp_path: Path, exporter: InMemorySpanExporter) -> AsyncIterator[Herald]:
    settings = Settings.from_env(
        {
            "HERALD_LISTEN": "127.0.0.1:0",
            "HERALD_DATA_DIR": str(tmp_path),
            "HERALD_JWT_SECRET": JWT_SECRET,
            "HERALD_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "HERALD_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
            "HERALD_MAX_ATTEMPTS": "3",
            "HERALD_RETRY_BASE_SECONDS": "0.05",
            "HERALD_SHUTDOWN_DRAIN": "0",
        }
    )
    server = await start(settings)
    yield server
    await stop(server)


def by_kind(spans: tuple[ReadableSpan, ...], kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in spans if s.kind is kind]


async def test_one_span_per_rpc_and_per_delivery_attempt(
    herald: Herald, exporter: InMemorySpanExporter, receiver: WebhookReceiver
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{herald.port}") as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        reply = await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="Traced",
                body="One span per attempt.",
                channels=[IN_APP, WEBHOOK],
                user_id="traced-user",
                webhook_url=receiver.url("/flaky/1/503"),
            ),
            metadata=(*bearer(), ("traceparent", TRACEPARENT)),
            timeout=30,
        )
    assert [r.success for r in reply.results] == [True, True]
    assert reply.results[1].attempts == 2

    spans = exporter.get_finished_spans()
    [rpc] = by_kind(spans, SpanKind.SERVER)
    assert rpc.name == "herald.v1.DeliveryService/SendMessage"
    assert rpc.attributes is not None
    assert rpc.attributes["rpc.system"] == "grpc"
    assert rpc.attributes["rpc.method"] == "SendMessage"
    assert rpc.attributes["rpc.grpc.status_code"] == 0
    assert rpc.context is not None and rpc.parent is not None
    # The caller's traceparent is the RPC span's parent.
    assert format(rpc.context.trace_id, "032x") == TRACE_ID
    assert format(rpc.parent.span_id, "016x") == "00f067aa0ba902b7"

    attempts = by_kind(spans, SpanKind.CLIENT)
    names = sorted(s.name for s in attempts)
    assert names == ["deliver in_app", "deliver webhook", "deliver webhook"]
    webhook = sorted(
        (s for s in attempts if s.name == "deliver webhook"),
        key=lambda s: str((s.attributes or {}).get("herald.attempt")),
    )
    first, second = (s.attributes or {} for s in webhook)
    assert (first["herald.attempt"], first["herald.state"]) == (1, "queued")
    assert first["herald.error_code"] == "WEBHOOK_HTTP_STATUS"
    assert webhook[0].status.status_code is StatusCode.ERROR
    assert (second["herald.attempt"], second["herald.state"]) == (2, "delivered")
    # The first attempts ran inside the RPC: its children, in its trace.
    [inapp] = [s for s in attempts if s.name == "deliver in_app"]
    for span in (inapp, webhook[0]):
        assert span.parent is not None and span.parent.span_id == rpc.context.span_id
        assert span.context is not None and span.context.trace_id == rpc.context.trace_id
    assert first["herald.delivery_id"] == reply.results[1].delivery_id


async def test_a_failed_rpc_span_has_the_status_code(
    herald: Herald, exporter: InMemorySpanExporter
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{herald.port}") as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.SendMessage(delivery_pb2.SendMessageRequest(), timeout=10)  # no token
    [rpc] = by_kind(exporter.get_finished_spans(), SpanKind.SERVER)
    assert rpc.attributes is not None
    assert rpc.attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNAUTHENTICATED.value[0]
    assert rpc.status.status_code is StatusCode.ERROR
    assert not by_kind(exporter.get_finished_spans(), SpanKind.CLIENT)


def test_off_by_default_and_exporters_from_the_otel_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings.from_env({}).otel is False
    tracing.configure(Settings.from_env({}))
    assert tracing.TRACER is None
    on = Settings.from_env({"HERALD_OTEL": "1"})
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    tracing.configure(on)
    try:
        assert tracing.TRACER is not None
    finally:
        tracing.shutdown()
    assert tracing.TRACER is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "carrier-pigeon")
    with pytest.raises(ConfigError):
        tracing.configure(on)


async def test_a_stream_is_one_span_with_its_attempts_inside(
    herald: Herald, exporter: InMemorySpanExporter, receiver: WebhookReceiver
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{herald.port}") as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        request = delivery_pb2.SendMessageStreamRequest(
            message=delivery_pb2.SendMessageRequest(
                subject="Streamed",
                body="b",
                channels=[IN_APP, WEBHOOK],
                user_id="traced-user",
                webhook_url=receiver.url("/ok/stream"),
            )
        )
        replies = [r async for r in stub.SendMessageStream(request, metadata=bearer(), timeout=30)]
    assert replies[-1].WhichOneof("event") == "summary"
    spans = exporter.get_finished_spans()
    [rpc] = by_kind(spans, SpanKind.SERVER)
    assert rpc.name == "herald.v1.DeliveryService/SendMessageStream"
    assert rpc.context is not None
    attempts = by_kind(spans, SpanKind.CLIENT)
    assert sorted(s.name for s in attempts) == ["deliver in_app", "deliver webhook"]
    assert all(s.parent is not None and s.parent.span_id == rpc.context.span_id for s in attempts)
