"""Domain errors to google.rpc.Status with ErrorInfo (domain "herald") and,
for INVALID_ARGUMENT, BadRequest field violations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

import grpc
import structlog
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from herald.core import errors
from herald.store.availability import outage

DOMAIN = "herald"
log = structlog.get_logger("herald.api")

_CODES: list[tuple[type[errors.HeraldError], grpc.StatusCode]] = [
    (errors.InvalidArgumentError, grpc.StatusCode.INVALID_ARGUMENT),
    (errors.NotFoundError, grpc.StatusCode.NOT_FOUND),
    (errors.AlreadyExistsError, grpc.StatusCode.ALREADY_EXISTS),
    (errors.FailedPreconditionError, grpc.StatusCode.FAILED_PRECONDITION),
    (errors.UnimplementedError, grpc.StatusCode.UNIMPLEMENTED),
    (errors.UnavailableError, grpc.StatusCode.UNAVAILABLE),
]


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def status_for(
    code: grpc.StatusCode,
    message: str,
    reason: str,
    details: list[Any] | None = None,
    metadata: dict[str, str] | None = None,
) -> grpc.Status:
    info = error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata or {})
    status = status_pb2.Status(
        code=code.value[0],
        message=message,
        details=[_pack(info), *(_pack(d) for d in details or [])],
    )
    return rpc_status.to_status(status)


# The details travel in a trailer, which clients cap (grpc: 8 KiB soft, 16 KiB
# hard): a request with a million bad entries gets the first violations and a
# count of the rest, each text cut short.
MAX_DETAIL_BYTES = 4096
MAX_TEXT = 200


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _bounded(items: list[Any], more: Callable[[int], Any]) -> list[Any]:
    """Items while they fit in MAX_DETAIL_BYTES, then `more(count left)`."""
    kept: list[Any] = []
    size = 0
    for index, item in enumerate(items):
        size += item.ByteSize() + 4
        if size > MAX_DETAIL_BYTES:
            return [*kept, more(len(items) - index)]
        kept.append(item)
    return kept


def to_status(error: errors.HeraldError) -> grpc.Status:
    code = next((c for cls, c in _CODES if isinstance(error, cls)), grpc.StatusCode.INTERNAL)
    details: list[Any] = []
    if isinstance(error, errors.InvalidArgumentError):
        field_violation = error_details_pb2.BadRequest.FieldViolation
        details.append(
            error_details_pb2.BadRequest(
                field_violations=_bounded(
                    [
                        field_violation(field=_cut(v.field), description=_cut(v.description))
                        for v in error.violations[:1000]
                    ],
                    lambda n: field_violation(
                        field="…",
                        description=f"and {n + max(0, len(error.violations) - 1000)} more problems",
                    ),
                )
            )
        )
    if isinstance(error, errors.FailedPreconditionError) and error.violations:
        violation = error_details_pb2.PreconditionFailure.Violation
        details.append(
            error_details_pb2.PreconditionFailure(
                violations=_bounded(
                    [
                        violation(
                            type=_cut(v.type),
                            subject=_cut(v.subject),
                            description=_cut(v.description),
                        )
                        for v in error.violations[:1000]
                    ],
                    lambda n: violation(
                        type="more",
                        subject="…",
                        description=f"and {n + max(0, len(error.violations) - 1000)} more",
                    ),
                )
            )
        )
    if isinstance(error, errors.NotFoundError):
        details.append(
            error_details_pb2.ResourceInfo(
                resource_type=_cut(error.resource_type),
                resource_name=_cut(error.resource_name),
                description=_cut(error.message),
            )
        )
    message = error.message if len(error.message) <= 1000 else error.message[:999] + "…"
    return status_for(code, message, error.reason, details)


def internal_status() -> grpc.Status:
    """An unexpected failure: logged in full, answered without internals."""
    return status_for(grpc.StatusCode.INTERNAL, "internal error; see the server log", "INTERNAL")


# The engine reconnects on the next call, so a client retrying after this finds the
# store as soon as it is back.
STORE_RETRY_SECONDS = 1


def store_unavailable_status() -> grpc.Status:
    retry = error_details_pb2.RetryInfo(
        retry_delay=duration_pb2.Duration(seconds=STORE_RETRY_SECONDS)
    )
    return status_for(
        grpc.StatusCode.UNAVAILABLE,
        "the store is unreachable; retry shortly",
        "STORE_UNAVAILABLE",
        [retry],
    )


def unexpected_status(error: Exception) -> grpc.Status:
    """The answer to an exception no handler expected, logged (call it in the except
    block): UNAVAILABLE if the store was out of reach, otherwise INTERNAL."""
    cause = outage(error)
    if cause is None:
        log.exception("unexpected_error")
        return internal_status()
    # A line per call, without a traceback, while the outage lasts.
    log.warning("store_unavailable", error=cause)
    return store_unavailable_status()


Req = TypeVar("Req")
Resp = TypeVar("Resp")


def unary(
    handler: Callable[[Any, Req, grpc.aio.ServicerContext[Any, Any]], Awaitable[Resp]],
) -> Callable[[Any, Req, grpc.aio.ServicerContext[Any, Any]], Awaitable[Resp]]:
    """Turn domain errors raised by a unary handler into rich statuses."""

    @wraps(handler)
    async def wrapper(self: Any, request: Req, context: grpc.aio.ServicerContext[Any, Any]) -> Resp:
        try:
            return await handler(self, request, context)
        except errors.HeraldError as error:
            await context.abort_with_status(to_status(error))
            raise  # unreachable: abort raises
        except Exception as error:
            await context.abort_with_status(unexpected_status(error))
            raise

    return wrapper


def streaming(
    handler: Callable[[Any, Req, grpc.aio.ServicerContext[Any, Any]], AsyncIterator[Resp]],
) -> Callable[[Any, Req, grpc.aio.ServicerContext[Any, Any]], AsyncIterator[Resp]]:
    """The same for server-streaming handlers."""

    @wraps(handler)
    async def wrapper(
        self: Any, request: Req, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Resp]:
        try:
            async for item in handler(self, request, context):
                yield item
        except errors.HeraldError as error:
            await context.abort_with_status(to_status(error))
        except Exception as error:
            await context.abort_with_status(unexpected_status(error))

    return wrapper
