"""The shape every Herald interceptor shares: wrap each method's handler once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc


class WrappingInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]  # grpc is untyped
    """Answers each method with `wrap(method, handler)`, built on the method's first call
    and kept while the same handler answers it (a generic handler may change its mind);
    methods no handler answers pass through as None."""

    def __init__(self) -> None:
        # method -> (its handler, the wrapped handler)
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    def wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        """The handler to answer `method` with (`handler` itself: untouched)."""
        raise NotImplementedError

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None:
            return handler
        wrapped = self._wrapped.get(details.method)
        if wrapped is None or wrapped[0] is not handler:
            wrapped = self._wrapped[details.method] = (handler, self.wrap(details.method, handler))
        return wrapped[1]


async def responses(
    handler: Callable[[Any, Any], Any], request: Any, context: Any
) -> AsyncIterator[Any]:
    """A server-streaming handler's responses, whether it yields them or writes them with
    context.write() and returns (grpc_health's Watch does): a wrapper that only iterates
    would fail the latter with UNKNOWN."""
    result = handler(request, context)
    if hasattr(result, "__aiter__"):
        async for item in result:
            yield item
    else:
        await result
