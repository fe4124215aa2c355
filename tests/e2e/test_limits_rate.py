"""Per-caller rate limits and the bound on a stream's length, through a real
server with authenticated callers: each caller has a bucket of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from herald.v1 import inbox_pb2, inbox_pb2_grpc

from tests.support.auth import authenticated_channel, token
from tests.support.server import ServerProcess
from tests.support.status import rich_error


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    env = {
        **store_env,
        "HERALD_CALLER_RATE_LIMIT": "1/h:3",
        "HERALD_MAX_STREAM_SECONDS": "1",
        "HERALD_STREAM_IDLE_SECONDS": "0",
    }
    process = ServerProcess(Path(tmp_path_factory.mktemp("rate")), env)
    process.start()
    yield process
    process.stop()


def retry_delay(error: grpc.aio.AioRpcError) -> float | None:
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    for detail in status.details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            return float(info.retry_delay.ToTimedelta().total_seconds())
    return None


async def test_a_caller_beyond_its_rate_is_resource_exhausted_with_retry_info(
    server: ServerProcess,
) -> None:
    async with (
        authenticated_channel(server.target, token("alice")) as alice,
        authenticated_channel(server.target, token("bob")) as bob,
    ):
        stub = inbox_pb2_grpc.InboxServiceStub(alice)
        request = inbox_pb2.GetUnreadCountRequest(user_id="u")
        for _ in range(3):
            await stub.GetUnreadCount(request, timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetUnreadCount(request, timeout=10)
        error = rich_error(caught.value)
        assert (error.code, error.reason, error.domain) == (
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            "RATE_LIMITED",
            "herald",
        )
        delay = retry_delay(caught.value)
        assert delay is not None and 0 < delay <= 3600
        # Bob has a bucket of his own; health checks are never limited.
        await inbox_pb2_grpc.InboxServiceStub(bob).GetUnreadCount(request, timeout=10)
        health = health_pb2_grpc.HealthStub(alice)
        for _ in range(5):
            reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_a_stream_ends_at_the_servers_bound_and_says_reconnect(
    server: ServerProcess,
) -> None:
    async with authenticated_channel(server.target, token("watcher")) as channel:
        call = inbox_pb2_grpc.InboxServiceStub(channel).WatchInbox(
            inbox_pb2.WatchInboxRequest(user_id="u")
        )
        assert (await call.read()).unread_count == 0
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call.read()
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (
            grpc.StatusCode.DEADLINE_EXCEEDED,
            "STREAM_TIME_LIMIT",
        )
        assert retry_delay(caught.value) == 0.0
