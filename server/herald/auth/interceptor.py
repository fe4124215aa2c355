"""One server interceptor authenticates every call and enforces the scope the
contract declares for its method (`(herald.v1.required_scope)`, auth/scopes.py).

Credentials, in the `authorization` metadata:
- `Bearer <JWT>`: auth/tokens.py (HS256 secret, or RS256/ES256 keys of a JWKS file)
- `Bearer hk_…` or `ApiKey hk_…`: an API key (auth/api_keys.py)
- none: a verified client certificate's identity (auth/client_cert.py), when the
  listener does mutual TLS; otherwise UNAUTHENTICATED.

The caller's scopes are its credential's own plus its roles' (auth/roles.py). A
call without the method's scope is PERMISSION_DENIED; a method that declares no
scope is refused to everyone. Health and reflection are open. The handler runs
with `auth.caller.current()` set to the caller (`acting_as`), which the API
layers read for the brand and the subject, and the caller's subject is bound to
every log line of the call. Errors carry an ErrorInfo (domain herald):
UNAUTHENTICATED with CREDENTIALS_MISSING, CREDENTIALS_MALFORMED, TOKEN_INVALID,
TOKEN_EXPIRED, TOKEN_NOT_YET_VALID, API_KEY_INVALID or API_KEY_REVOKED;
PERMISSION_DENIED with SCOPE_MISSING (metadata `required_scope`) or
NO_SCOPE_DECLARED. Neither a credential nor a claim is ever logged.

A stream's credential is looked at again while the stream runs (`_Watch`): a JWT
at its `exp` plus the leeway (no lookup before that), an API key every
STREAM_RECHECK_SECONDS through the verifier and its cache; a client certificate
lasts as long as the connection. Once a new call with the credential would be
refused, the stream ends with that same refusal, idle or not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import structlog
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from herald.api.errors import DOMAIN, unexpected_status
from herald.api.wrapping import WrappingInterceptor
from herald.auth import scopes as contract
from herald.auth.api_keys import ApiKeyVerifier, looks_like_key
from herald.auth.caller import Caller, acting_as
from herald.auth.client_cert import caller_from_peer
from herald.auth.roles import RoleMap
from herald.auth.tokens import InvalidToken, JwtVerifier, Verified

log = structlog.get_logger("herald.auth")
AUTHORIZATION = "authorization"
TOKEN_CACHE_ENTRIES = 10_000
# With the verifier's cache (api_keys.CACHE_SECONDS) a revoked key's streams end within
# 10 s of the revocation, as new calls are refused.
STREAM_RECHECK_SECONDS = 2.0
# A JWT's timer that fires a hair early (clock steps) looks again this much later.
STREAM_RECHECK_MIN_SECONDS = 0.05

PeerIdentity = Callable[[Any], Caller | None]


def default_peer_identity() -> PeerIdentity:
    """The caller a verified client certificate stands for (mutual TLS)."""
    return caller_from_peer


def _status(code: grpc.StatusCode, message: str, reason: str, meta: dict[str, str]) -> Any:
    """Like api/errors.status_for: a google.rpc.Status with an ErrorInfo (domain
    herald), here with metadata (the scope a refused call lacked)."""
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=meta))
    status = status_pb2.Status(code=code.value[0], message=message, details=[info])
    return rpc_status.to_status(status)


class Refused(Exception):
    def __init__(self, code: grpc.StatusCode, reason: str, message: str, **meta: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = _status(code, message, reason, meta)


def _unauthenticated(reason: str, message: str) -> Refused:
    return Refused(grpc.StatusCode.UNAUTHENTICATED, reason, message)


class Authenticator:
    """Credentials to a Caller; the interceptor's per-call work, usable alone."""

    def __init__(
        self,
        jwt: JwtVerifier,
        api_keys: ApiKeyVerifier | None,
        roles: RoleMap,
        peer_identity: PeerIdentity | None = None,
    ) -> None:
        self.jwt = jwt
        self.api_keys = api_keys
        self.roles = roles
        self.peer_identity = peer_identity
        # token -> (verified, exp): a token is verified once, then trusted until it expires.
        self._tokens: dict[str, tuple[Verified, float]] = {}

    def _caller(self, verified: Verified | Caller) -> Caller:
        return Caller(
            verified.subject,
            self.roles.scopes(verified.scopes, verified.roles),
            verified.brand_id,
            frozenset(verified.roles),
        )

    def _jwt(self, token: str) -> Verified:
        now = time.time()
        cached = self._tokens.get(token)
        if cached is not None and now < cached[1]:
            return cached[0]
        verified = self.jwt.verify(token)
        if len(self._tokens) >= TOKEN_CACHE_ENTRIES:
            self._tokens.clear()
        # Trusted until its exp (without the leeway); verified again after that.
        self._tokens[token] = (verified, verified.expires_at)
        return verified

    async def authenticate(self, metadata: Any, context: Any) -> tuple[Caller, float | None]:
        """The caller, and the seconds until its credential is to be looked at again
        while a stream it opened runs (None: never; a certificate lasts the connection)."""
        values = [v for k, v in metadata or () if k == AUTHORIZATION]
        if not values:
            peer = self.peer_identity(context) if self.peer_identity is not None else None
            if peer is not None:
                return self._caller(peer), None
            raise _unauthenticated(
                "CREDENTIALS_MISSING",
                "this method needs credentials: authorization: Bearer <token or API key>",
            )
        if len(values) > 1 or not isinstance(values[0], str):
            raise _unauthenticated("CREDENTIALS_MALFORMED", "give one authorization value")
        scheme, _, credential = values[0].strip().partition(" ")
        scheme, credential = scheme.lower(), credential.strip()
        if not credential or scheme not in ("bearer", "apikey"):
            raise _unauthenticated(
                "CREDENTIALS_MALFORMED",
                "authorization must be `Bearer <token>` or `ApiKey <key>`",
            )
        try:
            if scheme == "apikey" or looks_like_key(credential):
                if self.api_keys is None:
                    raise InvalidToken("API_KEY_INVALID", "API keys are not accepted here")
                return self._caller(await self.api_keys.verify(credential)), STREAM_RECHECK_SECONDS
            verified = self._jwt(credential)
            expires = verified.expires_at + self.jwt.leeway - time.time()
            return self._caller(verified), max(expires, STREAM_RECHECK_MIN_SECONDS)
        except InvalidToken as exc:
            raise _unauthenticated(exc.reason, exc.message) from None

    async def authorize(
        self, method: str, metadata: Any, context: Any
    ) -> tuple[Caller, float | None]:
        """The caller, if the method's scope is theirs, and the seconds until the
        credential is to be looked at again (None: never)."""
        caller, recheck = await self.authenticate(metadata, context)
        scope = contract.required_scope(method)
        if not scope:
            raise Refused(
                grpc.StatusCode.PERMISSION_DENIED,
                "NO_SCOPE_DECLARED",
                "this method declares no required scope, so nobody may call it",
            )
        if scope not in caller.scopes:
            raise Refused(
                grpc.StatusCode.PERMISSION_DENIED,
                "SCOPE_MISSING",
                f"this method needs the {scope} scope",
                required_scope=scope,
            )
        return caller, recheck


class AuthInterceptor(WrappingInterceptor):
    """Wraps each method's handler once; health and reflection pass untouched."""

    def __init__(self, authenticator: Authenticator) -> None:
        super().__init__()
        self.authenticator = authenticator

    def wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        if contract.is_open(method):
            return handler
        return _wrap(method, handler, self.authenticator)


class _Watch:
    """Looks at an open stream's credential again, in a task of its own so that an idle
    stream ends too; once the credential is refused, it cancels the stream's wait for its
    next item (a flag and a cancel: an asyncio.timeout around every item costs 20 times
    more on SendMessageStream's path)."""

    def __init__(self, recheck: Callable[[], Awaitable[float | None]], delay: float) -> None:
        self.refused: Refused | None = None
        self.waiting = False  # the stream is waiting for its next item
        self.interrupted = False  # and this watch cancelled that wait
        self._stream = asyncio.current_task()
        self._task = asyncio.create_task(self._run(recheck, delay))

    async def _run(self, recheck: Callable[[], Awaitable[float | None]], delay: float) -> None:
        while True:
            await asyncio.sleep(delay)
            try:
                next_delay = await recheck()
            except Refused as refused:
                log.info("stream_credential_refused", reason=refused.reason)
                self.refused = refused
                if self.waiting and self._stream is not None:
                    self.interrupted = True
                    self._stream.cancel()
                return
            except Exception as exc:  # the store out of reach: the key is not known revoked
                log.warning("stream_credential_check_failed", error=type(exc).__name__)
                next_delay = STREAM_RECHECK_SECONDS
            if next_delay is None:
                return
            delay = max(next_delay, STREAM_RECHECK_MIN_SECONDS)

    def stop(self) -> None:
        self._task.cancel()


async def _watched(items: AsyncIterator[Any], context: Any, watch: _Watch) -> AsyncIterator[Any]:
    """The stream's items until its credential is refused, then that refusal."""
    try:
        # Refused while the item was being sent: not one more wait, which might be endless.
        while watch.refused is None:
            watch.waiting = True
            try:
                item = await anext(items)
            except StopAsyncIteration:
                if watch.refused is None:
                    return
                break
            except asyncio.CancelledError:
                if not watch.interrupted:
                    raise
                break
            finally:
                watch.waiting = False
            if watch.refused is not None:
                break
            yield item
        task = asyncio.current_task()
        if watch.interrupted and task is not None and task.uncancel():
            raise asyncio.CancelledError  # the client cancelled as well
        if watch.refused is not None:  # always, past the loop
            await context.abort_with_status(watch.refused.status)
    finally:
        watch.stop()
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


def _wrap(
    method: str, handler: grpc.RpcMethodHandler, authenticator: Authenticator
) -> grpc.RpcMethodHandler:
    bind = structlog.contextvars.bind_contextvars

    async def authorize(context: Any) -> tuple[Caller, float | None]:
        try:
            caller, recheck = await authenticator.authorize(
                method, context.invocation_metadata(), context
            )
        except Refused as refused:
            await context.abort_with_status(refused.status)
            raise  # unreachable: abort raises
        except Exception as exc:  # an API key's lookup found the store out of reach
            await context.abort_with_status(unexpected_status(exc))
            raise  # unreachable: abort raises
        bind(caller=caller.subject)
        return caller, recheck

    def watched(items: AsyncIterator[Any], context: Any, delay: float | None) -> AsyncIterator[Any]:
        if delay is None:
            return items

        async def recheck() -> float | None:
            metadata = context.invocation_metadata()
            _, again = await authenticator.authorize(method, metadata, context)
            return again

        return _watched(items, context, _Watch(recheck, delay))

    if handler.unary_unary is not None:
        inner_unary = handler.unary_unary

        async def unary(request: Any, context: Any) -> Any:
            with acting_as((await authorize(context))[0]):
                return await inner_unary(request, context)

        return grpc.unary_unary_rpc_method_handler(
            unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        inner_stream = handler.unary_stream

        async def stream(request: Any, context: Any) -> AsyncIterator[Any]:
            caller, delay = await authorize(context)
            with acting_as(caller):
                async for item in watched(inner_stream(request, context), context, delay):
                    yield item

        return grpc.unary_stream_rpc_method_handler(
            stream,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.stream_unary is not None:
        inner_stream_unary = handler.stream_unary

        async def stream_unary(requests: Any, context: Any) -> Any:
            with acting_as((await authorize(context))[0]):
                return await inner_stream_unary(requests, context)

        return grpc.stream_unary_rpc_method_handler(
            stream_unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.stream_stream is not None:
        inner_bidi = handler.stream_stream

        async def bidi(requests: Any, context: Any) -> AsyncIterator[Any]:
            caller, delay = await authorize(context)
            with acting_as(caller):
                async for item in watched(inner_bidi(requests, context), context, delay):
                    yield item

        return grpc.stream_stream_rpc_method_handler(
            bidi,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler
