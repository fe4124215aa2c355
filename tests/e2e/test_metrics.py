"""Prometheus metrics on their own listener (HERALD_METRICS_LISTEN), scraped
over HTTP and parsed with prometheus_client's text parser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from herald.v1 import (
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)
from prometheus_client.parser import text_string_to_metric_families

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

WEBHOOK, IN_APP = common_pb2.CHANNEL_WEBHOOK, common_pb2.CHANNEL_IN_APP
SEND = "/herald.v1.DeliveryService/SendMessage"
WATCH = "/herald.v1.InboxService/WatchInbox"
REFLECTION = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
SERVER_STREAMS = {
    "/herald.v1.DeliveryService/SendMessageStream",
    "/herald.v1.DeliveryService/WatchNotification",
    "/herald.v1.CampaignService/WatchCampaignSend",
    WATCH,
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        {"HERALD_METRICS_LISTEN": "127.0.0.1:0"},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def metrics_url(server: ServerProcess) -> str:
    [event] = [e for e in server.events() if e.get("event") == "metrics_serving"]
    return f"http://127.0.0.1:{event['port']}/metrics"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def scrape(http: aiohttp.ClientSession, url: str) -> Samples:
    async with http.get(url) as response:
        assert response.status == 200
        text = await response.text()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def message(url: str, **fields: object) -> delivery_pb2.SendMessageRequest:
    values: dict[str, object] = {
        "subject": "Metrics",
        "body": "Counted.",
        "channels": [IN_APP, WEBHOOK],
        "user_id": "metrics-user",
        "webhook_url": url,
    }
    values.update(fields)
    return delivery_pb2.SendMessageRequest(**values)  # type: ignore[arg-type]


async def test_rpcs_deliveries_retries_latency_and_streams_are_counted(
    server: ServerProcess,
    metrics_url: str,
    http: aiohttp.ClientSession,
    receiver: WebhookReceiver,
) -> None:
    before = await scrape(http, metrics_url)
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        ok = [
            await stub.SendMessage(message(receiver.url(f"/ok/{i}")), timeout=30) for i in range(3)
        ]
        assert all(r.success for reply in ok for r in reply.results)
        failed = await stub.SendMessage(message(receiver.url("/status/410")), timeout=30)
        assert [r.success for r in failed.results] == [True, False]
        retried = await stub.SendMessage(
            message(receiver.url("/flaky/1/503"), channels=[WEBHOOK]), timeout=30
        )
        assert retried.results[0].success and retried.results[0].attempts == 2
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.SendMessage(message("ftp://nowhere"), timeout=30)
        assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT

        # A watch stays open while the metrics are scraped.
        watch = inbox_pb2_grpc.InboxServiceStub(channel).WatchInbox(
            inbox_pb2.WatchInboxRequest(user_id="metrics-user")
        )
        await watch.read()  # the first message: the stream is open on the server
        during = await scrape(http, metrics_url)
        watch.cancel()

    def moved(samples: Samples, name: str, **labels: str) -> float:
        return value(samples, name, **labels) - value(before, name, **labels)

    # RPCs by method and code, with a latency histogram.
    assert moved(during, "herald_rpcs_total", method=SEND, code="OK") == 5
    assert moved(during, "herald_rpcs_total", method=SEND, code="INVALID_ARGUMENT") == 1
    assert moved(during, "herald_rpc_duration_seconds_count", method=SEND) == 6
    assert moved(during, "herald_rpc_duration_seconds_bucket", method=SEND, le="+Inf") == 6
    assert moved(during, "herald_rpc_duration_seconds_sum", method=SEND) > 0
    assert value(during, "herald_active_streams", method=WATCH) == 1
    # Deliveries by channel and outcome; retries; provider latency per attempt.
    assert moved(during, "herald_deliveries_total", channel="webhook", outcome="delivered") == 4
    assert moved(during, "herald_deliveries_total", channel="webhook", outcome="failed") == 1
    assert moved(during, "herald_deliveries_total", channel="in_app", outcome="delivered") == 4
    assert moved(during, "herald_delivery_retries_total", channel="webhook") == 1
    assert moved(during, "herald_provider_latency_seconds_count", channel="webhook") == 6
    assert moved(during, "herald_provider_latency_seconds_count", channel="in_app") == 4

    # Once the watch has ended, the gauge comes back down and the stream is counted.
    for _ in range(200):
        after = await scrape(http, metrics_url)
        if value(after, "herald_active_streams", method=WATCH) == 0:
            break
        await asyncio.sleep(0.05)
    assert value(after, "herald_active_streams", method=WATCH) == 0
    assert moved(after, "herald_rpcs_total", method=WATCH, code="CANCELLED") == 1


async def test_reflection_is_counted_and_only_server_streams_have_a_stream_gauge(
    server: ServerProcess, metrics_url: str, http: aiohttp.ClientSession
) -> None:
    before = await scrape(http, metrics_url)
    async with authenticated_channel(server.target) as channel:
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        for _ in range(2):  # what `grpcurl list` does
            requests = iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            [reply] = [r async for r in reflection.ServerReflectionInfo(requests, timeout=5)]
            assert reply.list_services_response.service
        await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
            delivery_pb2.SendMessageRequest(
                subject="s", body="b", channels=[IN_APP], user_id="metrics-user"
            ),
            timeout=30,
        )
        watch = inbox_pb2_grpc.InboxServiceStub(channel).WatchInbox(
            inbox_pb2.WatchInboxRequest(user_id="metrics-user")
        )
        await watch.read()
        watch.cancel()
    after = await scrape(http, metrics_url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("herald_rpcs_total", method=REFLECTION, code="OK") == 2
    assert moved("herald_rpc_duration_seconds_count", method=REFLECTION) == 2
    gauges = {dict(labels)["method"] for name, labels in after if name == "herald_active_streams"}
    assert WATCH in gauges and gauges <= SERVER_STREAMS, gauges


async def test_queue_depth_and_oldest_age(
    server: ServerProcess,
    metrics_url: str,
    http: aiohttp.ClientSession,
    receiver: WebhookReceiver,
) -> None:
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        # The receiver answers 503 with Retry-After: 600, so the delivery waits in the queue.
        reply = await stub.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[WEBHOOK],
                to=[receiver.url("/flaky/5/503/600")],
                subject="Later",
                body="Queued for a while.",
            ),
            timeout=30,
        )
        assert reply.notification_id
    await receiver.until_received(1)
    # The queue is sampled every few seconds: scrape until the sample shows it.
    for _ in range(400):
        samples = await scrape(http, metrics_url)
        if value(samples, "herald_queue_depth", lane="transactional") >= 1:
            break
        await asyncio.sleep(0.05)
    # SendNotification's deliveries are in the transactional lane.
    assert value(samples, "herald_queue_depth", lane="transactional") == 1
    assert value(samples, "herald_queue_oldest_age_seconds", lane="transactional") > 0
    assert ("herald_queue_depth", frozenset({("lane", "bulk")})) in samples


async def test_metrics_are_off_by_default(tmp_path: Path) -> None:
    process = ServerProcess(tmp_path).start()
    try:
        assert not [e for e in process.events() if e.get("event") == "metrics_serving"]
    finally:
        process.stop()
