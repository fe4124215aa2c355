"""Server interceptors: a request id, one log line, the RPC metrics and (when
tracing is on) a span per RPC."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, NoReturn

import grpc
import structlog
from opentelemetry import trace

from herald import tracing
from herald.api.wrapping import WrappingInterceptor, responses
from herald.core.ids import new_id
from herald.metrics import RpcMetrics, StreamMetrics

log = structlog.get_logger("herald.rpc")
REQUEST_ID_HEADER = "x-request-id"
_QUIET = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def _request_id(metadata: Any) -> str:
    for key, value in metadata or ():
        if (
            key == REQUEST_ID_HEADER
            and isinstance(value, str)
            and 0 < len(value) <= 128
            and value.isprintable()
        ):
            return value
    return new_id()


def _code(context: grpc.aio.ServicerContext[Any, Any], error: BaseException | None = None) -> str:
    code = context.code()
    if code is None:
        if error is None or isinstance(error, grpc.aio.AbortError):
            return "OK"
        # grpc answers an exception the handler did not turn into a status as UNKNOWN.
        if isinstance(error, asyncio.CancelledError | GeneratorExit):
            return "CANCELLED"
        return "UNKNOWN"
    return code.name if isinstance(code, grpc.StatusCode) else str(code)


def _code_value(code: str) -> int:
    status = grpc.StatusCode.__members__.get(code)
    return int(status.value[0]) if status is not None else 2


class RequestContextInterceptor(WrappingInterceptor):
    """Wraps each method's handler once (cached per handler); the wrapper reads
    the request id from the call's metadata, binds it and the method to every
    log line of the call, echoes it as a trailer on every answer, an error's too (a
    server stream's also as a header) and logs the outcome; counts the call by method and
    code with its latency (herald.metrics) and, with tracing on, runs it in a server span."""

    def wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        return _wrap(method, handler)


def _wrap(method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    quiet = method.startswith(_QUIET)

    if handler.unary_unary is not None:
        inner_unary = handler.unary_unary
        rpc = RpcMetrics(method)

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            request_id, started, span = _begin(method, context)
            answering = RequestIdContext(context, request_id)
            error: BaseException | None = None
            try:
                if span is None:
                    return await inner_unary(request, answering)
                with trace.use_span(span, end_on_exit=False):
                    return await inner_unary(request, answering)
            except BaseException as exc:
                error = exc
                raise
            finally:
                _end(rpc, context, error, started, span, quiet)

        return grpc.unary_unary_rpc_method_handler(
            unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            _streaming(method, handler.unary_stream, StreamMetrics(method), quiet),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.stream_stream is not None:  # reflection: Herald's own services have none
        return grpc.stream_stream_rpc_method_handler(
            _streaming(method, handler.stream_stream, RpcMetrics(method), quiet),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


def _streaming(
    method: str, inner: Any, rpc: RpcMetrics, quiet: bool
) -> Callable[[Any, grpc.aio.ServicerContext[Any, Any]], AsyncIterator[Any]]:
    """A streaming handler (server-streaming, or bidi for reflection) logged, traced and
    counted; a server stream (StreamMetrics) is also in the open-streams gauge and sends
    its request id at the start."""

    async def stream(
        request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        request_id, started, span = _begin(method, context)
        answering = RequestIdContext(context, request_id)
        error: BaseException | None = None
        if isinstance(rpc, StreamMetrics):
            rpc.streams.inc()
        try:
            if isinstance(rpc, StreamMetrics):
                # Also at the start, where the REST gateway reads it: a stream refused
                # before its first message has no other header to carry it.
                await context.send_initial_metadata(((REQUEST_ID_HEADER, request_id),))
            if span is None:
                async for item in responses(inner, request, answering):
                    yield item
            else:
                with trace.use_span(span, end_on_exit=False):
                    async for item in responses(inner, request, answering):
                        yield item
        except BaseException as exc:
            error = exc
            raise
        finally:
            if isinstance(rpc, StreamMetrics):
                rpc.streams.dec()
            _end(rpc, context, error, started, span, quiet)

    return stream


def _with_request_id(metadata: Any, request_id: str) -> tuple[tuple[str, Any], ...]:
    pairs = tuple(metadata or ())
    if any(key == REQUEST_ID_HEADER for key, _ in pairs):
        return pairs
    return (*pairs, (REQUEST_ID_HEADER, request_id))


class RequestIdContext:
    """The call's context as the interceptors and handlers inside see it: a status they
    end the call with (abort, abort_with_status) keeps the request id trailer. grpc sends
    an abort's own trailing metadata in place of the trailers set before, so without this
    every error answer (a handler's, auth's, the limits', UNIMPLEMENTED) lost the id."""

    def __init__(self, context: grpc.aio.ServicerContext[Any, Any], request_id: str) -> None:
        self._context = context
        self._request_id = request_id

    async def abort(
        self, code: grpc.StatusCode, details: str = "", trailing_metadata: Any = ()
    ) -> NoReturn:
        if not trailing_metadata:  # grpc sends the trailers set before: the id among them
            await self._context.abort(code, details)
        await self._context.abort(
            code, details, _with_request_id(trailing_metadata, self._request_id)
        )
        raise AssertionError("unreachable: abort raises")

    async def abort_with_status(self, status: grpc.Status) -> NoReturn:
        await self.abort(status.code, status.details, status.trailing_metadata)

    def set_trailing_metadata(self, trailing_metadata: Any) -> None:
        self._context.set_trailing_metadata(_with_request_id(trailing_metadata, self._request_id))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _begin(method: str, context: grpc.aio.ServicerContext[Any, Any]) -> tuple[str, float, Any]:
    """A call starts: its request id (bound to the log lines, and a trailer), the monotonic
    start, and its span (None without tracing)."""
    metadata = context.invocation_metadata()
    request_id = _request_id(metadata)
    structlog.contextvars.bind_contextvars(request_id=request_id, method=method)
    context.set_trailing_metadata(((REQUEST_ID_HEADER, request_id),))
    started = time.monotonic()
    tracer = tracing.TRACER
    span = None if tracer is None else tracing.start_rpc_span(tracer, method, metadata)
    return request_id, started, span


def _end(
    rpc: RpcMetrics,
    context: grpc.aio.ServicerContext[Any, Any],
    error: BaseException | None,
    started: float,
    span: Any,
    quiet: bool,
) -> None:
    """A call ends: counted, its span ended, logged (unless `quiet`), its log context
    cleared."""
    code = _code(context, error)
    seconds = time.monotonic() - started
    rpc.finished(code, seconds)
    if span is not None:
        tracing.end_rpc_span(span, code, _code_value(code))
    if not quiet:
        log.info("rpc", code=code, seconds=round(seconds, 4))
    structlog.contextvars.clear_contextvars()
