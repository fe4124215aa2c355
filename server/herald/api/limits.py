"""Per-caller limits, enforced by one server interceptor.

- A rate limit: a token bucket per caller (`auth.caller.current().subject`); a
  call beyond it is RESOURCE_EXHAUSTED with an ErrorInfo (reason RATE_LIMITED)
  and a RetryInfo saying when the next call would be let through.
- A cap on each caller's concurrent server-streaming calls (the watches and
  SendMessageStream): one more is RESOURCE_EXHAUSTED (TOO_MANY_STREAMS), with a
  RetryInfo of 1 s.
- Server-side deadlines. A unary call is bounded by `max_call_seconds` whatever
  deadline the client gave (or none): the handler sees the bound through
  `context.time_remaining()` (so SendMessage answers with what it has, like a
  client deadline), and past it the call is DEADLINE_EXCEEDED. A stream ends
  DEADLINE_EXCEEDED after `max_stream_seconds` in all, or after
  `stream_idle_seconds` without sending a message (reasons STREAM_TIME_LIMIT,
  STREAM_IDLE_LIMIT, each with a RetryInfo of zero: reconnect; every watch
  starts with the current state).

Health and reflection are exempt. The interceptor must come after the one that
establishes the caller (auth), so that `current()` is the real caller.

It also turns a request that does not parse (random bytes, invalid UTF-8 in a
string field, nesting beyond protobuf's recursion limit) into INVALID_ARGUMENT
(MALFORMED_REQUEST) rather than grpc's UNKNOWN: the deserializer hands the
handler an `Undecodable` instead of raising, and the wrapper refuses it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import structlog
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2

from herald.api.errors import status_for
from herald.api.wrapping import WrappingInterceptor, responses
from herald.auth import caller
from herald.config import Settings

log = structlog.get_logger("herald.limits")
EXEMPT = ("/grpc.health.v1.Health/", "/grpc.reflection.")
MAX_TRACKED_CALLERS = 10_000  # idle (full) buckets are forgotten beyond this
# A place frees when one of the caller's streams ends, which the server cannot foresee.
STREAM_PLACE_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class CallerLimits:
    """0 (or None for the rate) turns a limit off."""

    rate: tuple[float, float] | None = None  # (calls per second, burst)
    max_streams: int = 0
    max_call_seconds: float = 0.0
    max_stream_seconds: float = 0.0
    stream_idle_seconds: float = 0.0
    rate_text: str = ""  # as configured, for ErrorInfo metadata


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class CallerBuckets:
    """One token bucket per caller subject."""

    def __init__(
        self, per_second: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, subject: str) -> float:
        """Take a token for `subject`: 0.0 if one was free, else the seconds until
        one will be (nothing taken)."""
        now = self._clock()
        bucket = self._buckets.get(subject)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_CALLERS:
                self._forget_full(now)
            bucket = self._buckets[subject] = _Bucket(self.burst, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.per_second)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second

    def _forget_full(self, now: float) -> None:
        """A full bucket is the same as no bucket: drop those."""
        for subject, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * self.per_second >= self.burst:
                del self._buckets[subject]


def _retry_info(seconds: float) -> error_details_pb2.RetryInfo:
    whole = math.floor(seconds)
    return error_details_pb2.RetryInfo(
        retry_delay=duration_pb2.Duration(seconds=whole, nanos=int((seconds - whole) * 1e9))
    )


def _status(
    code: grpc.StatusCode,
    message: str,
    reason: str,
    retry_after: float | None = None,
    **metadata: str,
) -> grpc.Status:
    details: list[Any] = []
    if retry_after is not None:
        details.append(_retry_info(retry_after))
    return status_for(code, message, reason, details, metadata)


class Undecodable:
    """What a request that did not parse deserializes to."""

    __slots__ = ("error",)

    def __init__(self, error: str) -> None:
        self.error = error


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception as exc:  # DecodeError, RecursionError, ...
            return Undecodable(f"{type(exc).__name__}: {exc}")

    return deserialize


async def _refuse_undecodable(
    request: Any, context: grpc.aio.ServicerContext[Any, Any], method: str
) -> None:
    if isinstance(request, Undecodable):
        log.info("malformed_request", error=request.error)
        await context.abort_with_status(
            _status(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"the request is not a valid message for {method}",
                "MALFORMED_REQUEST",
            )
        )


class _BoundedContext:
    """The call's context, with time_remaining() no later than the server's bound."""

    def __init__(self, context: grpc.aio.ServicerContext[Any, Any], deadline: float) -> None:
        self._context = context
        self._deadline = deadline

    def time_remaining(self) -> float:
        own = max(0.0, self._deadline - time.monotonic())
        theirs = self._context.time_remaining()
        return own if theirs is None else min(own, theirs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


class LimitsInterceptor(WrappingInterceptor):
    def __init__(self, limits: CallerLimits) -> None:
        super().__init__()
        self.limits = limits
        self.buckets = CallerBuckets(*limits.rate) if limits.rate is not None else None
        self.streams: dict[str, int] = {}

    def wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        return self._wrap(handler, method, method.startswith(EXEMPT))

    async def _admit(self, context: grpc.aio.ServicerContext[Any, Any], subject: str) -> None:
        if self.buckets is None:
            return
        wait = self.buckets.take(subject)
        if wait > 0.0:
            log.info("caller_rate_limited", caller=subject, retry_after=round(wait, 3))
            await context.abort_with_status(
                _status(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    f"too many calls; retry in {wait:.3f} s",
                    "RATE_LIMITED",
                    wait,
                    limit=self.limits.rate_text,
                )
            )

    def _wrap(
        self, handler: grpc.RpcMethodHandler, method: str, exempt: bool
    ) -> grpc.RpcMethodHandler:
        limits = CallerLimits() if exempt else self.limits
        if handler.unary_unary is not None:
            inner_unary = handler.unary_unary

            async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
                if not exempt:
                    await self._admit(context, caller.current().subject)
                await _refuse_undecodable(request, context, method)
                if not limits.max_call_seconds:
                    return await inner_unary(request, context)
                theirs = context.time_remaining()
                if theirs is not None and theirs <= limits.max_call_seconds:
                    return await inner_unary(request, context)  # the client's is shorter
                bound = time.monotonic() + limits.max_call_seconds
                try:
                    async with asyncio.timeout_at(_loop_time(bound)):
                        return await inner_unary(request, _BoundedContext(context, bound))
                except TimeoutError:
                    await context.abort_with_status(
                        _status(
                            grpc.StatusCode.DEADLINE_EXCEEDED,
                            f"the call took longer than the server allows "
                            f"({limits.max_call_seconds:g} s)",
                            "CALL_TIME_LIMIT",
                        )
                    )

            return grpc.unary_unary_rpc_method_handler(
                unary,
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            inner_stream = handler.unary_stream

            async def stream(
                request: Any, context: grpc.aio.ServicerContext[Any, Any]
            ) -> AsyncIterator[Any]:
                subject = caller.current().subject
                if not exempt:
                    await self._admit(context, subject)
                await _refuse_undecodable(request, context, method)
                if limits.max_streams and self.streams.get(subject, 0) >= limits.max_streams:
                    log.info("caller_too_many_streams", caller=subject)
                    await context.abort_with_status(
                        _status(
                            grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"at most {limits.max_streams} concurrent streams per caller",
                            "TOO_MANY_STREAMS",
                            STREAM_PLACE_RETRY_SECONDS,
                            max_streams=str(limits.max_streams),
                        )
                    )
                self.streams[subject] = self.streams.get(subject, 0) + 1
                try:
                    items = responses(inner_stream, request, context)
                    async for item in self._bounded(items, context, limits):
                        yield item
                finally:
                    left = self.streams[subject] - 1
                    if left:
                        self.streams[subject] = left
                    else:
                        del self.streams[subject]

            return grpc.unary_stream_rpc_method_handler(
                stream,
                request_deserializer=_tolerant(handler.request_deserializer),
                response_serializer=handler.response_serializer,
            )
        return handler

    @staticmethod
    async def _bounded(
        items: AsyncIterator[Any],
        context: grpc.aio.ServicerContext[Any, Any],
        limits: CallerLimits,
    ) -> AsyncIterator[Any]:
        """The stream's items, ended at the total or idle bound."""
        total, idle = limits.max_stream_seconds, limits.stream_idle_seconds
        if not (total or idle):
            async for item in items:
                yield item
            return
        end = time.monotonic() + total if total else math.inf
        try:
            while True:
                now = time.monotonic()
                wait = min(end - now, idle or math.inf)
                try:
                    async with asyncio.timeout(max(0.0, wait)):
                        item = await anext(items)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    total_hit = time.monotonic() >= end
                    await context.abort_with_status(
                        _status(
                            grpc.StatusCode.DEADLINE_EXCEEDED,
                            (
                                f"streams last at most {total:g} s; reconnect"
                                if total_hit
                                else f"nothing to send for {idle:g} s; reconnect"
                            ),
                            "STREAM_TIME_LIMIT" if total_hit else "STREAM_IDLE_LIMIT",
                            0.0,
                        )
                    )
                yield item
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()


def _loop_time(monotonic_deadline: float) -> float:
    loop = asyncio.get_running_loop()
    return loop.time() + (monotonic_deadline - time.monotonic())


def caller_limits(settings: Settings) -> CallerLimits:
    return CallerLimits(
        rate=settings.caller_rate_limit,
        max_streams=settings.max_streams_per_caller,
        max_call_seconds=settings.max_call_seconds,
        max_stream_seconds=settings.max_stream_seconds,
        stream_idle_seconds=settings.stream_idle_seconds,
        rate_text=settings.caller_rate_limit_text,
    )
