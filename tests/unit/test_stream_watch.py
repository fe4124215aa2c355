"""The auth interceptor's watch on an open stream's credential: a busy stream and an idle
one both end with the refusal once the credential is refused; a valid one goes on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from herald.auth.interceptor import Refused, _Watch, _watched


class Aborted(Exception):
    pass


class Context:
    def __init__(self) -> None:
        self.status: Any = None
        self.cancelling = -1

    async def abort_with_status(self, status: Any) -> None:
        self.status = status
        task = asyncio.current_task()
        assert task is not None
        # grpc awaits the status's sending next: a cancel left pending would stop it.
        self.cancelling = task.cancelling()
        raise Aborted


REVOKED = Refused(grpc.StatusCode.UNAUTHENTICATED, "API_KEY_REVOKED", "revoked")


def _recheck(valid_for: int) -> Any:
    checks = 0

    async def recheck() -> float | None:
        nonlocal checks
        checks += 1
        if checks > valid_for:
            raise REVOKED
        return 0.02

    return recheck


async def _items(pause: float, closed: list[bool]) -> AsyncIterator[int]:
    try:
        n = 0
        while True:
            await asyncio.sleep(pause)
            n += 1
            yield n
    finally:
        closed.append(True)


@pytest.mark.parametrize("pause", [0.001, 3600.0], ids=["busy", "idle"])
async def test_a_refused_credential_ends_the_stream_with_the_refusal(pause: float) -> None:
    context, closed, received = Context(), list[bool](), list[int]()

    async def serve() -> None:
        watch = _Watch(_recheck(valid_for=2), 0.02)
        async for item in _watched(_items(pause, closed), context, watch):
            received.append(item)

    with pytest.raises(Aborted):
        await asyncio.wait_for(serve(), 5)
    assert context.status is REVOKED.status
    assert closed == [True]
    assert context.cancelling == 0


async def test_a_valid_credential_leaves_the_stream_alone() -> None:
    context, closed, received = Context(), list[bool](), list[int]()

    async def serve() -> None:
        watch = _Watch(_recheck(valid_for=1_000_000), 0.02)
        async for item in _watched(_items(0.01, closed), context, watch):
            received.append(item)
            if len(received) == 20:
                return

    await asyncio.wait_for(serve(), 5)
    assert context.status is None and len(received) == 20


async def test_a_credential_refused_while_an_item_is_sent_ends_the_stream() -> None:
    """Refused while the stream was not waiting (sending its item), then idle for good."""
    context = Context()

    async def one_then_idle() -> AsyncIterator[int]:
        yield 1
        await asyncio.sleep(3600)
        yield 2

    async def serve() -> None:
        watch = _Watch(_recheck(valid_for=2), 0.02)
        async for _ in _watched(one_then_idle(), context, watch):
            await asyncio.sleep(0.3)  # grpc sending the item

    with pytest.raises(Aborted):
        await asyncio.wait_for(serve(), 5)
    assert context.status is REVOKED.status
