"""The generic UNIMPLEMENTED handler, for unary and server-streaming methods alike
(every streaming RPC of the contract is built, so this serves one in-process)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from herald.api.unimplemented import unimplemented_handler
from herald.v1 import inbox_pb2, inbox_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.status import rich_error


@pytest.fixture
async def inbox_stub() -> AsyncIterator[inbox_pb2_grpc.InboxServiceStub]:
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [unimplemented_handler(inbox_pb2.DESCRIPTOR.services_by_name["InboxService"])]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with authenticated_channel(f"127.0.0.1:{port}") as channel:
            yield inbox_pb2_grpc.InboxServiceStub(channel)
    finally:
        await server.stop(None)


async def test_streaming_rpc_is_unimplemented(inbox_stub: inbox_pb2_grpc.InboxServiceStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in inbox_stub.WatchInbox(inbox_pb2.WatchInboxRequest(user_id="u"), timeout=5):
            pass
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.UNIMPLEMENTED
    assert (error.reason, error.domain) == ("NOT_IMPLEMENTED", "herald")


async def test_unary_rpc_is_unimplemented(inbox_stub: inbox_pb2_grpc.InboxServiceStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await inbox_stub.GetUnreadCount(inbox_pb2.GetUnreadCountRequest(user_id="u"), timeout=5)
    assert rich_error(caught.value).code == grpc.StatusCode.UNIMPLEMENTED
