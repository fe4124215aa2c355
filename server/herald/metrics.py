"""Prometheus metrics (prometheus-client), served on their own listener when
HERALD_METRICS_LISTEN is set.

The counters are always counted (an increment of a label-bound child costs well
under a microsecond); the listener only exposes them. Hot paths use children
bound once: `RpcMetrics` per method (built when the interceptor wraps the
method's handler) and `CHANNELS` per channel (built at import), so a call or a
delivery attempt builds no label dictionaries.

Queue depth and the age of the oldest queued delivery come from the store: an
asyncio task (`QueueSampler`) queries them every few seconds on the server's
loop, and the collector, which runs in prometheus-client's HTTP thread at scrape
time, reports the last sample (the age computed at scrape time).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import structlog
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from herald.core.channel import Channel, DeliveryState, Lane

log = structlog.get_logger("herald.metrics")

# Seconds: an RPC takes from under a millisecond (GetUnreadCount) to the send wait (SendMessage).
RPC_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
PROVIDER_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
QUEUE_SAMPLE_SECONDS = 5.0

RPCS = Counter(
    "herald_rpcs", "RPCs handled, by full method name and status code", ["method", "code"]
)
RPC_SECONDS = Histogram(
    "herald_rpc_duration_seconds",
    "Time from the call reaching the handler chain to its end (a stream: its whole life)",
    ["method"],
    buckets=RPC_BUCKETS,
)
ACTIVE_STREAMS = Gauge("herald_active_streams", "Server streams open, by method", ["method"])
DELIVERIES = Counter(
    "herald_deliveries",
    "Deliveries that reached a final outcome, by channel and outcome (delivered, failed)",
    ["channel", "outcome"],
)
RETRIES = Counter(
    "herald_delivery_retries",
    "Delivery attempts that failed transiently and were scheduled again, by channel",
    ["channel"],
)
PROVIDER_SECONDS = Histogram(
    "herald_provider_latency_seconds",
    "Time a channel's provider took per attempt (SMTP, Twilio, FCM, the webhook's receiver; "
    "In-App: the transaction that stores the message)",
    ["channel"],
    buckets=PROVIDER_BUCKETS,
)


class RpcMetrics:
    """One method's children: its latency histogram and its counter per status
    code (a handful, bound on first use)."""

    __slots__ = ("_codes", "method", "seconds")

    def __init__(self, method: str) -> None:
        self.method = method
        self.seconds = RPC_SECONDS.labels(method)
        self._codes: dict[str, Any] = {}

    def finished(self, code: str, seconds: float) -> None:
        counter = self._codes.get(code)
        if counter is None:
            counter = self._codes[code] = RPCS.labels(self.method, code)
        counter.inc()
        self.seconds.observe(seconds)


class StreamMetrics(RpcMetrics):
    """A server-streaming method's children: also its gauge of streams open (a
    unary method has none, rather than a series that is always 0)."""

    __slots__ = ("streams",)

    def __init__(self, method: str) -> None:
        super().__init__(method)
        self.streams = ACTIVE_STREAMS.labels(method)


class ChannelMetrics:
    __slots__ = ("delivered", "failed", "latency", "retried")

    def __init__(self, channel: Channel) -> None:
        self.delivered = DELIVERIES.labels(channel.value, "delivered")
        self.failed = DELIVERIES.labels(channel.value, "failed")
        self.retried = RETRIES.labels(channel.value)
        self.latency = PROVIDER_SECONDS.labels(channel.value)

    def outcome(self, state: DeliveryState) -> None:
        if state is DeliveryState.DELIVERED:
            self.delivered.inc()
        elif state is DeliveryState.QUEUED:
            self.retried.inc()
        elif state is DeliveryState.FAILED:
            self.failed.inc()


CHANNELS: Mapping[Channel, ChannelMetrics] = {c: ChannelMetrics(c) for c in Channel}

# lane -> (queued deliveries, created_at of the oldest or None)
QueueSample = Mapping[str, tuple[int, float | None]]


class QueueCollector(Collector):
    """Reports the last `QueueSample`; runs in prometheus-client's thread."""

    def __init__(self) -> None:
        self._sample: QueueSample = {}
        self._lock = threading.Lock()

    def update(self, sample: QueueSample) -> None:
        with self._lock:
            self._sample = sample

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._lock:
            sample = self._sample
        now = time.time()
        depth = GaugeMetricFamily(
            "herald_queue_depth",
            f"Deliveries queued (due now or scheduled for a retry), by lane; sampled every "
            f"{QUEUE_SAMPLE_SECONDS:g} s",
            labels=["lane"],
        )
        age = GaugeMetricFamily(
            "herald_queue_oldest_age_seconds",
            "Age of the oldest queued delivery, by lane (0 when none is queued)",
            labels=["lane"],
        )
        for lane in Lane:
            count, oldest = sample.get(lane.value, (0, None))
            depth.add_metric([lane.value], count)
            age.add_metric([lane.value], max(0.0, now - oldest) if oldest is not None else 0.0)
        yield depth
        yield age


_queue_collector: QueueCollector | None = None


def queue_collector() -> QueueCollector:
    """The process's one QueueCollector, registered on first use."""
    global _queue_collector  # noqa: PLW0603 - one registration per process
    if _queue_collector is None:
        _queue_collector = QueueCollector()
        REGISTRY.register(_queue_collector)
    return _queue_collector


class QueueSampler:
    """Refreshes the queue collector from the store every few seconds."""

    def __init__(
        self,
        sample: Callable[[], Awaitable[QueueSample]],
        collector: QueueCollector,
        every: float = QUEUE_SAMPLE_SECONDS,
    ) -> None:
        self._sample = sample
        self._collector = collector
        self._every = every
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._refresh()  # the first scrape already has numbers
        self._task = asyncio.create_task(self._run(), name="metrics-queue-sampler")

    async def _refresh(self) -> None:
        try:
            self._collector.update(await self._sample())
        except Exception:
            log.exception("queue_sample_failed")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            await self._refresh()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class MetricsServer:
    """prometheus-client's HTTP server (a daemon thread) on `listen` (host:port)."""

    def __init__(self, listen: str) -> None:
        host, _, port = listen.rpartition(":")
        self.host = host.strip("[]")
        self._server, self._thread = start_http_server(int(port), addr=self.host)
        self.port: int = self._server.server_port
        log.info("metrics_serving", listen=listen, port=self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
