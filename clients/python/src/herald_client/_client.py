"""`HeraldClient`: one grpc.aio channel to a Herald server whose calls carry a bearer token, get
a deadline unless they bring their own, carry a `request_id` when they send something, and are
retried on UNAVAILABLE by gRPC itself (a retry policy in the channel's service config)."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import grpc

from herald.v1 import (
    campaign_pb2_grpc,
    delivery_pb2_grpc,
    directory_pb2_grpc,
    inbox_pb2_grpc,
    template_pb2_grpc,
)
from herald.v1.common_pb2 import Channel, ChannelResult
from herald.v1.delivery_pb2 import (
    SendMessageRequest,
    SendMessageResponse,
    SendMessageStreamRequest,
    SendSummary,
)

# Seconds a call may take when the caller gives no timeout of its own.
DEFAULT_TIMEOUT = 30.0

SERVICES = (
    "herald.v1.DeliveryService",
    "herald.v1.CampaignService",
    "herald.v1.TemplateService",
    "herald.v1.DirectoryService",
    "herald.v1.InboxService",
)
# Streams that follow something for as long as the caller wants: no default deadline.
WATCH_METHODS = frozenset(
    {
        "/herald.v1.DeliveryService/WatchNotification",
        "/herald.v1.CampaignService/WatchCampaignSend",
        "/herald.v1.InboxService/WatchInbox",
    }
)
# The sends and, for each, the fields leading from the request to the message whose
# `request_id` the server dedupes by.
KEYED_METHODS: dict[str, tuple[str, ...]] = {
    "/herald.v1.DeliveryService/SendMessage": (),
    "/herald.v1.DeliveryService/SendMessageStream": ("message",),
    "/herald.v1.DeliveryService/SendNotification": (),
    "/herald.v1.CampaignService/SendCampaign": (),
}


# Backoffs gRPC accepts: it counts them in whole milliseconds (less is refused as 0), and a
# protobuf Duration holds at most 315,576,000,000 seconds.
MIN_BACKOFF = 0.001
MAX_BACKOFF = 315_576_000_000.0


@dataclass(frozen=True)
class RetryPolicy:
    """gRPC's retry policy (https://github.com/grpc/proposal/blob/master/A6-client-retries.md):
    a call that fails with one of `retryable_status_codes` before the server sent any response
    is tried again, up to `max_attempts` in all (at least 2; gRPC caps it at 5), after a random
    pause of up to `initial_backoff` seconds (at least 0.001), growing by `backoff_multiplier`
    up to `max_backoff`. A policy gRPC would refuse is a ValueError here."""

    max_attempts: int = 5
    initial_backoff: float = 0.2
    max_backoff: float = 5.0
    backoff_multiplier: float = 2.0
    retryable_status_codes: tuple[str, ...] = ("UNAVAILABLE",)

    def __post_init__(self) -> None:
        # gRPC only validates the service config when a call creates the channel: every call
        # would fail INVALID_ARGUMENT.
        if self.max_attempts < 2:
            raise ValueError(
                f"RetryPolicy.max_attempts must be >= 2 (no retries: retry=None), "
                f"got {self.max_attempts!r}"
            )
        for name in ("initial_backoff", "max_backoff"):
            seconds = getattr(self, name)
            if not MIN_BACKOFF <= seconds <= MAX_BACKOFF:  # NaN too
                raise ValueError(
                    f"RetryPolicy.{name} must be between {MIN_BACKOFF} and {MAX_BACKOFF:.0f} "
                    f"seconds, got {seconds!r}"
                )
        if self.max_backoff < self.initial_backoff:
            raise ValueError(
                f"RetryPolicy.max_backoff ({self.max_backoff!r}) must be >= initial_backoff "
                f"({self.initial_backoff!r})"
            )
        if not 0 < self.backoff_multiplier < math.inf:
            raise ValueError(
                f"RetryPolicy.backoff_multiplier must be a finite number > 0, "
                f"got {self.backoff_multiplier!r}"
            )
        codes = self.retryable_status_codes
        if not codes or any(code not in grpc.StatusCode.__members__ for code in codes):
            raise ValueError(
                f"RetryPolicy.retryable_status_codes must be status code names such as "
                f"'UNAVAILABLE', got {codes!r}"
            )


def _duration(seconds: float) -> str:
    """`seconds` as protobuf's Duration JSON ("0.3s"): fixed notation, at most 9 decimals."""
    return f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"


def service_config(retry: RetryPolicy | None) -> str:
    """The channel's service config (JSON): `retry` for every method of every Herald service."""
    if retry is None:
        return json.dumps({})
    policy = {
        "maxAttempts": retry.max_attempts,
        "initialBackoff": _duration(retry.initial_backoff),
        "maxBackoff": _duration(retry.max_backoff),
        "backoffMultiplier": retry.backoff_multiplier,
        "retryableStatusCodes": list(retry.retryable_status_codes),
    }
    return json.dumps(
        {
            "methodConfig": [
                {"name": [{"service": name} for name in SERVICES], "retryPolicy": policy}
            ]
        }
    )


def _method(details: Any) -> str:
    method = details.method
    return method.decode() if isinstance(method, bytes) else str(method)


def _with_request_id(method: str, request: Any) -> Any:
    """`request` if `method` is not a send or its request already has a `request_id`; else a
    copy with a fresh one (the caller's message is left as it was). The interceptor runs once
    per call and gRPC retries below it, so every attempt carries the same id."""
    path = KEYED_METHODS.get(method)
    if path is None:
        return request
    keyed = request
    for name in path:
        if not keyed.HasField(name):  # nothing to send: the server refuses it as it is
            return request
        keyed = getattr(keyed, name)
    if keyed.request_id:
        return request
    copy = type(request)()
    copy.CopyFrom(request)
    keyed = copy
    for name in path:
        keyed = getattr(keyed, name)
    keyed.request_id = uuid.uuid4().hex
    return copy


class _CallDefaults:
    """Adds `authorization` (unless the call has one) and the default deadline (unless the call
    has one, or is a Watch stream) to every call, and a `request_id` to a send's request that
    has none. grpc.aio files an interceptor under the first call kind it implements only, so
    each kind gets its own subclass below."""

    def __init__(self, authorization: str | None, timeout: float | None) -> None:
        self.authorization = authorization
        self.timeout = timeout

    def details(self, details: Any) -> Any:
        name = _method(details)
        timeout = details.timeout
        if timeout is None and name not in WATCH_METHODS:
            timeout = self.timeout
        metadata = list(details.metadata or ())
        if self.authorization and not any(key == "authorization" for key, _ in metadata):
            metadata.append(("authorization", self.authorization))
        return details._replace(timeout=timeout, metadata=grpc.aio.Metadata(*metadata))


class _UnaryUnary(_CallDefaults, grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        request = _with_request_id(_method(details), request)
        return await continuation(self.details(details), request)


class _UnaryStream(_CallDefaults, grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        request = _with_request_id(_method(details), request)
        return await continuation(self.details(details), request)


class _StreamUnary(_CallDefaults, grpc.aio.StreamUnaryClientInterceptor):  # type: ignore[misc]
    async def intercept_stream_unary(self, continuation: Any, details: Any, requests: Any) -> Any:
        return await continuation(self.details(details), requests)


class _StreamStream(_CallDefaults, grpc.aio.StreamStreamClientInterceptor):  # type: ignore[misc]
    async def intercept_stream_stream(self, continuation: Any, details: Any, requests: Any) -> Any:
        return await continuation(self.details(details), requests)


def _channels(channels: Iterable[int | str]) -> list[int]:
    """Channel values from values or names ("IN_APP", "in_app", "CHANNEL_IN_APP")."""
    values = []
    for channel in channels:
        if isinstance(channel, str):
            name = channel.upper()
            values.append(Channel.Value(name if name.startswith("CHANNEL_") else f"CHANNEL_{name}"))
        else:
            values.append(channel)
    return values


class HeraldClient:
    """An async client for a Herald server at `target` ("host:port").

    `token` (a JWT or an API key) is sent as `authorization: Bearer <token>` on every call.
    `credentials` makes the channel TLS (e.g. `grpc.ssl_channel_credentials(ca)`); without
    it the channel is plaintext. A call without a timeout of its own gets `timeout` seconds
    (None: no deadline); the Watch streams never get one. `retry` is gRPC's retry policy for
    every Herald method (None: no retries). gRPC retries a call that ends UNAVAILABLE before
    any response arrived, whether no server answered or the server itself answered so (its
    store out of reach, shutting down), so the server may have acted on the first attempt.
    Every send (SendMessage, SendMessageStream, SendNotification, SendCampaign, whether
    through `send_message` / `stream_message` or the generated stubs) whose request has no
    `request_id` is given one (a copy of the request is; the caller's message is left as it
    was), the same for all of the call's attempts, and the server answers a repeated
    `request_id` from its record, so a retried send is not sent twice. The other writes have
    no such key: a retried Create* or Delete* whose first attempt took effect answers
    ALREADY_EXISTS or NOT_FOUND, and CreateCampaign / CreateTemplate without an id (the
    server then picks one) can create two; give them an id to be safe.

    `send_message` and `stream_message` cover the common case; `delivery`, `campaigns`,
    `templates`, `directory` and `inbox` are the generated stubs on the same channel.
    Use it as `async with HeraldClient(...) as client:`, or call `close()`.
    """

    def __init__(
        self,
        target: str,
        *,
        token: str | None = None,
        credentials: grpc.ChannelCredentials | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = RetryPolicy(),
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self.target = target
        self.timeout = timeout
        authorization = f"Bearer {token}" if token else None
        interceptors = [
            kind(authorization, timeout)
            for kind in (_UnaryUnary, _UnaryStream, _StreamUnary, _StreamStream)
        ]
        channel_options = [
            ("grpc.enable_retries", 1 if retry is not None else 0),
            ("grpc.service_config", service_config(retry)),
            *options,
        ]
        if credentials is None:
            self.channel = grpc.aio.insecure_channel(
                target, channel_options, interceptors=interceptors
            )
        else:
            self.channel = grpc.aio.secure_channel(
                target, credentials, channel_options, interceptors=interceptors
            )
        self.delivery = delivery_pb2_grpc.DeliveryServiceStub(self.channel)
        self.campaigns = campaign_pb2_grpc.CampaignServiceStub(self.channel)
        self.templates = template_pb2_grpc.TemplateServiceStub(self.channel)
        self.directory = directory_pb2_grpc.DirectoryServiceStub(self.channel)
        self.inbox = inbox_pb2_grpc.InboxServiceStub(self.channel)

    @staticmethod
    def _request(request: SendMessageRequest | None, fields: dict[str, Any]) -> SendMessageRequest:
        if request is not None and fields:
            raise TypeError("pass a SendMessageRequest or its fields as keywords, not both")
        if request is None:
            if "channels" in fields:
                fields["channels"] = _channels(fields["channels"])
            request = SendMessageRequest(**fields)
        return request

    async def send_message(
        self,
        request: SendMessageRequest | None = None,
        /,
        *,
        timeout: float | None = None,
        **fields: Any,
    ) -> SendMessageResponse:
        """SendMessage: one message over the requested channels; returns one result per channel
        once all are done (or the deadline passes). Takes a `SendMessageRequest` or its fields as
        keywords, where channels may also be given by name:
        `await client.send_message(subject="Hi", body="...", channels=["IN_APP"], user_id="u1")`.
        """
        message = self._request(request, fields)
        response: SendMessageResponse = await self.delivery.SendMessage(message, timeout=timeout)
        return response

    async def stream_message(
        self,
        request: SendMessageRequest | None = None,
        /,
        *,
        timeout: float | None = None,
        **fields: Any,
    ) -> AsyncIterator[ChannelResult | SendSummary]:
        """SendMessageStream: yields each channel's `ChannelResult` the moment it completes,
        then the `SendSummary`. Takes the same arguments as `send_message`."""
        message = self._request(request, fields)
        call = self.delivery.SendMessageStream(
            SendMessageStreamRequest(message=message), timeout=timeout
        )
        async for event in call:
            kind = event.WhichOneof("event")
            if kind == "result":
                yield event.result
            elif kind == "summary":
                yield event.summary

    async def close(self, grace: float | None = None) -> None:
        await self.channel.close(grace)

    async def __aenter__(self) -> HeraldClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
