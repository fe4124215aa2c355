"""The limits interceptor on an in-process server (127.0.0.1): rate per caller,
streams per caller, server-side deadlines for calls and streams. A stand-in for
the auth interceptor makes the `x-test-caller` header the caller."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from herald.api.limits import CallerBuckets, CallerLimits, LimitsInterceptor
from herald.auth.caller import Caller, acting_as, current
from herald.config import ConfigError, Settings


def _identity(value: bytes) -> bytes:
    return value


async def _echo(request: bytes, context: Any) -> bytes:
    return current().subject.encode()


async def _hang(request: bytes, context: Any) -> bytes:
    await asyncio.Event().wait()
    return b""


async def _remaining(request: bytes, context: Any) -> bytes:
    return repr(context.time_remaining()).encode()


async def _watch(request: bytes, context: Any) -> AsyncIterator[bytes]:
    yield b"first"
    await asyncio.Event().wait()


async def _ticks(request: bytes, context: Any) -> AsyncIterator[bytes]:
    while True:
        yield b"tick"
        await asyncio.sleep(0.02)


HANDLERS = grpc.method_handlers_generic_handler(
    "t.T",
    {
        "Echo": grpc.unary_unary_rpc_method_handler(_echo, _identity, _identity),
        "Hang": grpc.unary_unary_rpc_method_handler(_hang, _identity, _identity),
        "Remaining": grpc.unary_unary_rpc_method_handler(_remaining, _identity, _identity),
        "Watch": grpc.unary_stream_rpc_method_handler(_watch, _identity, _identity),
        "Ticks": grpc.unary_stream_rpc_method_handler(_ticks, _identity, _identity),
    },
)


class FakeAuth(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """The caller is the x-test-caller header (the real auth interceptor's job)."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        subject = dict(details.invocation_metadata or ()).get("x-test-caller", "anonymous")
        if handler is None or (handler.unary_unary is None and handler.unary_stream is None):
            return handler
        if handler.unary_unary is not None:
            inner = handler.unary_unary

            async def unary(request: Any, context: Any) -> Any:
                with acting_as(Caller(subject)):
                    return await inner(request, context)

            return grpc.unary_unary_rpc_method_handler(
                unary, handler.request_deserializer, handler.response_serializer
            )
        inner_stream = handler.unary_stream

        async def stream(request: Any, context: Any) -> AsyncIterator[Any]:
            with acting_as(Caller(subject)):
                async for item in inner_stream(request, context):
                    yield item

        return grpc.unary_stream_rpc_method_handler(
            stream, handler.request_deserializer, handler.response_serializer
        )


class Harness:
    def __init__(self, limits: CallerLimits) -> None:
        self.limits = LimitsInterceptor(limits)
        self.server = grpc.aio.server(interceptors=[FakeAuth(), self.limits])
        self.server.add_generic_rpc_handlers([HANDLERS])
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.channel: grpc.aio.Channel | None = None

    async def __aenter__(self) -> Harness:
        await self.server.start()
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.port}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.channel is not None
        await self.channel.close()
        await self.server.stop(0)

    def unary(self, name: str) -> Any:
        assert self.channel is not None
        return self.channel.unary_unary(f"/t.T/{name}", _identity, _identity)

    def stream(self, name: str) -> Any:
        assert self.channel is not None
        return self.channel.unary_stream(f"/t.T/{name}", _identity, _identity)


async def until(predicate: Callable[[], bool]) -> None:
    """Wait for the server to catch up (it notices a cancelled stream shortly)."""
    for _ in itertools.count():
        if predicate():
            return
        await asyncio.sleep(0.01)


def as_caller(subject: str) -> tuple[tuple[str, str], ...]:
    return (("x-test-caller", subject),)


def details(error: grpc.aio.AioRpcError) -> tuple[str, dict[str, str], float | None]:
    """(ErrorInfo reason, its metadata, RetryInfo delay in seconds or None)."""
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    reason, metadata, delay = "", {}, None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason, metadata = info.reason, dict(info.metadata)
            assert info.domain == "herald"
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            delay = retry.retry_delay.ToTimedelta().total_seconds()
    return reason, metadata, delay


async def test_rate_limit_is_per_caller_with_retry_info() -> None:
    async with Harness(CallerLimits(rate=(1 / 3600, 3), rate_text="1/h:3")) as h:
        echo = h.unary("Echo")
        for _ in range(3):
            assert await echo(b"", metadata=as_caller("alice"), timeout=5) == b"alice"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await echo(b"", metadata=as_caller("alice"), timeout=5)
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        reason, metadata, delay = details(caught.value)
        assert reason == "RATE_LIMITED"
        assert metadata == {"limit": "1/h:3"}
        assert delay is not None and 0 < delay <= 3600
        # Another caller has a bucket of its own; health is never limited.
        assert await echo(b"", metadata=as_caller("bob"), timeout=5) == b"bob"
        stub = health_pb2_grpc.HealthStub(h.channel)
        for _ in range(5):
            await stub.Check(health_pb2.HealthCheckRequest(), metadata=as_caller("alice"))
        # Streams take a token too.
        with pytest.raises(grpc.aio.AioRpcError) as streamed:
            async for _ in h.stream("Watch")(b"", metadata=as_caller("alice"), timeout=5):
                pass
        assert details(streamed.value)[0] == "RATE_LIMITED"


async def test_concurrent_streams_are_capped_per_caller() -> None:
    async with Harness(CallerLimits(max_streams=2)) as h:
        watch = h.stream("Watch")
        first = watch(b"", metadata=as_caller("alice"))
        second = watch(b"", metadata=as_caller("alice"))
        assert await first.read() == b"first"
        assert await second.read() == b"first"
        third = watch(b"", metadata=as_caller("alice"), timeout=5)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await third.read()
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert details(caught.value)[:2] == ("TOO_MANY_STREAMS", {"max_streams": "2"})
        other = watch(b"", metadata=as_caller("bob"))
        assert await other.read() == b"first"
        assert h.limits.streams == {"alice": 2, "bob": 1}
        # A stream that ends gives its place back.
        first.cancel()
        await until(lambda: h.limits.streams.get("alice") == 1)
        again = watch(b"", metadata=as_caller("alice"))
        assert await again.read() == b"first"
        for call in (second, other, again):
            call.cancel()
        await until(lambda: not h.limits.streams)


async def test_a_unary_call_is_bounded_whatever_the_client_deadline() -> None:
    async with Harness(CallerLimits(max_call_seconds=0.3)) as h:
        for timeout in (None, 3600):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await h.unary("Hang")(b"", timeout=timeout)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert details(caught.value)[0] == "CALL_TIME_LIMIT"
        # The handler sees the bound as its deadline, so it can answer in time.
        seen = float(await h.unary("Remaining")(b""))
        assert 0 < seen <= 0.3
        # A shorter client deadline is the client's own.
        seen = float(await h.unary("Remaining")(b"", timeout=0.1))
        assert 0 < seen < 0.3


async def test_an_idle_stream_ends_and_says_reconnect() -> None:
    async with Harness(CallerLimits(stream_idle_seconds=0.3, max_stream_seconds=3600)) as h:
        call = h.stream("Watch")(b"")
        assert await call.read() == b"first"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call.read()
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        reason, _, delay = details(caught.value)
        assert (reason, delay) == ("STREAM_IDLE_LIMIT", 0.0)
        await until(lambda: not h.limits.streams)


async def test_a_busy_stream_still_ends_at_the_total_bound() -> None:
    async with Harness(CallerLimits(stream_idle_seconds=5, max_stream_seconds=0.3)) as h:
        received = 0
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in h.stream("Ticks")(b""):
                received += 1
        assert received > 1
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert details(caught.value)[0] == "STREAM_TIME_LIMIT"


async def test_no_limits_configured_changes_nothing() -> None:
    async with Harness(CallerLimits()) as h:
        for _ in range(50):
            assert await h.unary("Echo")(b"", timeout=5) == b"anonymous"
        assert await h.unary("Remaining")(b"") == b"None"


def test_buckets_refill_and_forget() -> None:
    now = [0.0]
    buckets = CallerBuckets(2.0, 2.0, clock=lambda: now[0])
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0  # its own bucket


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HERALD_CALLER_RATE_LIMIT": "600/m:50",
            "HERALD_MAX_STREAMS_PER_CALLER": "7",
            "HERALD_MAX_CALL_SECONDS": "15",
            "HERALD_MAX_STREAM_SECONDS": "0",
            "HERALD_STREAM_IDLE_SECONDS": "60",
        }
    )
    assert settings.caller_rate_limit == (10.0, 50.0)
    assert settings.max_streams_per_caller == 7
    assert (settings.max_call_seconds, settings.max_stream_seconds) == (15.0, 0.0)
    assert settings.stream_idle_seconds == 60.0
    defaults = Settings.from_env({})
    assert defaults.caller_rate_limit is None  # off: every caller is anonymous without auth
    assert defaults.max_call_seconds > defaults.send_wait_seconds


@pytest.mark.parametrize("value", ["fast", "10/d", "-1/s", "0/s:5", "10/s:0", "inf/s"])
def test_bad_rate_limits_are_configuration_errors(value: str) -> None:
    with pytest.raises(ConfigError, match="HERALD_CALLER_RATE_LIMIT"):
        Settings.from_env({"HERALD_CALLER_RATE_LIMIT": value})


async def test_a_request_that_does_not_parse_is_invalid_argument() -> None:
    # A real message type, so parsing can fail: health's request has a string field.
    async with Harness(CallerLimits()) as h:
        assert h.channel is not None
        check = h.channel.unary_unary("/grpc.health.v1.Health/Check", _identity, _identity)
        for payload in (b"\xff\xff\xff", b"\x0a\x02\xff\xfe"):  # garbage, invalid UTF-8
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await check(payload, timeout=5)
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert details(caught.value)[0] == "MALFORMED_REQUEST"
        assert (
            await check(b"", timeout=5)
            == health_pb2.HealthCheckResponse(
                status=health_pb2.HealthCheckResponse.SERVING
            ).SerializeToString()
        )
