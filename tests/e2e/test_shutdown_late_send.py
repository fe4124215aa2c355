"""SIGTERM while a SendMessage is still storing its send: the call stores it and runs its
webhook after shutdown began, and the server hands leases back only once the calls in
flight are done. The receiver gets the message once and the delivery ends delivered,
not handed back to the queue (to be sent again) while it was being sent.

To hold the call between its arrival and its store, the test holds the store's write
lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: a SHARE lock on requests, which stops its
INSERT), and lets go once shutdown is under way. With another delivery in flight
throughout (a busy server), or none (the dispatcher alone would have stopped at once)."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import uuid
from collections.abc import Awaitable
from pathlib import Path

import pytest
import sqlalchemy as sa
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.auth import authenticated_channel
from tests.support.db import write_lock
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

DRAIN = 0.5


async def stored(server: ServerProcess) -> dict[str, tuple[str, str | None, int]]:
    """recipient -> (state, lease_owner, attempts), once the server has exited."""
    query = "SELECT recipient, state, lease_owner, attempts FROM deliveries"
    if not server.database_url:
        with sqlite3.connect(server.data_dir / "herald.db") as connection:
            return {r[0]: (r[1], r[2], r[3]) for r in connection.execute(query)}
    engine = create_async_engine(server.database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.text(query))).fetchall()
            return {r[0]: (r[1], r[2], r[3]) for r in rows}
    finally:
        await engine.dispose()


async def shutting_down(server: ServerProcess) -> None:
    for _ in range(500):
        if any(e.get("event") == "shutting_down" for e in server.events()):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the server did not begin shutting down")


@pytest.mark.parametrize("busy", [True, False], ids=["busy", "idle"])
async def test_a_send_stored_after_sigterm_is_delivered_once_and_recorded(
    tmp_path: Path, receiver: WebhookReceiver, store_env: dict[str, str], busy: bool
) -> None:
    tag = uuid.uuid4().hex[:8]
    server = ServerProcess(
        tmp_path / "herald",
        {
            **store_env,
            "HERALD_WEBHOOK_TIMEOUT": "20",
            "HERALD_SHUTDOWN_DRAIN": str(DRAIN),
            "HERALD_SHUTDOWN_GRACE": "20",
        },
    ).start()
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)

            def send(path: str) -> Awaitable[delivery_pb2.SendMessageResponse]:
                return asyncio.ensure_future(
                    stub.SendMessage(
                        delivery_pb2.SendMessageRequest(
                            subject="Deploy",
                            body="Rolling out",
                            channels=[common_pb2.CHANNEL_WEBHOOK],
                            webhook_url=receiver.url(path),
                        ),
                        timeout=40,
                    )
                )

            if busy:
                first = send(f"/hold/busy{tag}")  # in flight when the shutdown begins
                await asyncio.wait_for(receiver.arrived[f"/hold/busy{tag}"].wait(), 10)
            async with write_lock(server):
                late = send(f"/hold/late{tag}")
                await asyncio.sleep(1.0)  # the call waits to store its send
                assert not late.done()
                server.signal(signal.SIGTERM)
                await shutting_down(server)
                await asyncio.sleep(DRAIN + 0.5)  # the server's and dispatcher's stop began
            # The call stores its send and starts it, after shutdown began.
            await asyncio.wait_for(receiver.arrived[f"/hold/late{tag}"].wait(), 10)
            if busy:
                receiver.release(f"busy{tag}")  # the attempt in flight when shutdown began ends
                assert (await first).results[0].success
            await asyncio.sleep(0.5)  # leases handed back now would include the late one
            receiver.release(f"late{tag}")
            reply = await late
            assert reply.results[0].state == common_pb2.DELIVERY_STATE_DELIVERED
        assert await asyncio.to_thread(server.wait, 30) == 0
    finally:
        server.stop()
    paths = [f"/hold/busy{tag}", f"/hold/late{tag}"] if busy else [f"/hold/late{tag}"]
    assert sorted(r.path for r in receiver.received) == paths
    # (On PostgreSQL the module's tests share a database: this test's rows only.)
    ours = {k: v for k, v in (await stored(server)).items() if k.endswith(tag)}
    assert ours == {receiver.url(p): ("delivered", None, 1) for p in paths}
    stopped = [e for e in server.events() if e.get("event") == "dispatcher_stopped"]
    assert [e["leases_released"] for e in stopped] == [0]
