"""Credentials for tests and benchmarks: the JWT secret every ServerProcess
verifies with, tokens minted from it, and channels that send one on every call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import grpc
from herald.auth.tokens import mint

# HERALD_JWT_SECRET for every server the tests start (tests/support/server.py).
JWT_SECRET = "test-jwt-secret-for-herald-tests-0123456789abcdef"
ISSUER = AUDIENCE = "herald"


def token(
    subject: str = "tests",
    *,
    scopes: Iterable[str] = (),
    roles: Iterable[str] = ("admin",),
    brand: str = "",
    ttl: float = 3600.0,
    secret: str = JWT_SECRET,
    now: float | None = None,
) -> str:
    """An HS256 token the test servers accept (an admin by default)."""
    return mint(
        secret,
        subject,
        scopes=scopes,
        roles=roles,
        brand=brand,
        ttl=ttl,
        issuer=ISSUER,
        audience=AUDIENCE,
        now=now,
    )


def bearer(credential: str | None = None) -> tuple[tuple[str, str], ...]:
    """Call metadata carrying `credential` (an admin token by default)."""
    return (("authorization", f"Bearer {credential or token()}"),)


class _Authorization:
    """Adds `authorization` to every call that does not carry one already. grpc.aio
    files an interceptor under the first call kind it implements only, so each kind
    gets an instance of its own subclass (below)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def _details(self, details: Any) -> Any:
        metadata = list(details.metadata or ())
        if not any(key == "authorization" for key, _ in metadata):
            metadata.append(("authorization", self.value))
        return details._replace(metadata=grpc.aio.Metadata(*metadata))


class _UnaryAuthorization(_Authorization, grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)


class _StreamAuthorization(_Authorization, grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)


def authenticated_channel(
    target: str,
    credential: str | None = None,
    *,
    options: Sequence[tuple[str, Any]] | None = None,
    credentials: grpc.ChannelCredentials | None = None,
) -> grpc.aio.Channel:
    """A grpc.aio channel (plaintext, or TLS with `credentials`) whose calls carry
    `authorization: Bearer <credential>`, an admin token unless given."""
    value = f"Bearer {credential or token()}"
    interceptors = [_UnaryAuthorization(value), _StreamAuthorization(value)]
    if credentials is not None:
        return grpc.aio.secure_channel(target, credentials, options, interceptors=interceptors)
    return grpc.aio.insecure_channel(target, options, interceptors=interceptors)
