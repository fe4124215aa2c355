"""Every answer carries the x-request-id trailer (README), an error's too: the id the
caller sent, or the one the server made up (the one its log line of the call has),
whichever part of the server refused the call (a handler, authentication, the limits'
decoding) and for a server stream as well as a unary call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from herald.v1 import directory_pb2, directory_pb2_grpc, inbox_pb2, inbox_pb2_grpc

from tests.support.auth import bearer
from tests.support.server import ServerProcess

Call = Callable[[grpc.aio.Channel, tuple[tuple[str, str], ...]], Awaitable[Any]]


async def _invalid(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...]) -> Any:
    stub = inbox_pb2_grpc.InboxServiceStub(channel)
    return await stub.GetUnreadCount(
        inbox_pb2.GetUnreadCountRequest(user_id=""), metadata=bearer() + metadata, timeout=10
    )


async def _not_found(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...]) -> Any:
    stub = directory_pb2_grpc.DirectoryServiceStub(channel)
    return await stub.GetUser(
        directory_pb2.GetUserRequest(id="nope"), metadata=bearer() + metadata, timeout=10
    )


async def _unauthenticated(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...]) -> Any:
    stub = inbox_pb2_grpc.InboxServiceStub(channel)
    return await stub.GetUnreadCount(
        inbox_pb2.GetUnreadCountRequest(user_id="u1"), metadata=metadata, timeout=10
    )


async def _malformed(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...]) -> Any:
    call = channel.unary_unary("/herald.v1.InboxService/GetUnreadCount")
    return await call(b"\x0a\xff", metadata=bearer() + metadata, timeout=10)


async def _stream_invalid(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...]) -> Any:
    stub = inbox_pb2_grpc.InboxServiceStub(channel)
    call = stub.WatchInbox(
        inbox_pb2.WatchInboxRequest(user_id=""), metadata=bearer() + metadata, timeout=10
    )
    return [reply async for reply in call]


CALLS: dict[str, tuple[Call, grpc.StatusCode]] = {
    "handler INVALID_ARGUMENT": (_invalid, grpc.StatusCode.INVALID_ARGUMENT),
    "handler NOT_FOUND": (_not_found, grpc.StatusCode.NOT_FOUND),
    "auth UNAUTHENTICATED": (_unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    "limits MALFORMED_REQUEST": (_malformed, grpc.StatusCode.INVALID_ARGUMENT),
    "stream INVALID_ARGUMENT": (_stream_invalid, grpc.StatusCode.INVALID_ARGUMENT),
}


def _trailer(error: grpc.aio.AioRpcError) -> list[str]:
    return [v for k, v in error.trailing_metadata() or () if k == "x-request-id"]


@pytest.fixture
async def bare(server: ServerProcess) -> Any:
    async with grpc.aio.insecure_channel(server.target) as channel:
        yield channel


@pytest.mark.parametrize("name", CALLS)
async def test_an_error_answer_carries_the_callers_request_id(
    bare: grpc.aio.Channel, name: str
) -> None:
    call, code = CALLS[name]
    request_id = f"trailer-{name.replace(' ', '-')}"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(bare, (("x-request-id", request_id),))
    assert caught.value.code() == code, caught.value
    assert _trailer(caught.value) == [request_id]


@pytest.mark.parametrize("name", CALLS)
async def test_an_error_answer_carries_the_generated_request_id(
    bare: grpc.aio.Channel, name: str, server: ServerProcess
) -> None:
    call, code = CALLS[name]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(bare, ())
    assert caught.value.code() == code, caught.value
    [request_id] = _trailer(caught.value)
    # The call's log line is written once the answer is on its way.
    deadline = time.monotonic() + 10
    while not any(
        (e.get("event"), e.get("code"), e.get("request_id")) == ("rpc", code.name, request_id)
        for e in server.events()
    ):
        assert time.monotonic() < deadline, f"no rpc line with request_id {request_id}"
        await asyncio.sleep(0.05)
