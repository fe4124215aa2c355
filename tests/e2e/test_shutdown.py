"""Graceful shutdown: SIGTERM lets an in-flight send finish; health goes NOT_SERVING (to
Check and to Watch);
the process exits 0 having closed its store (on PostgreSQL both its writers). A claimed
delivery still waiting for a channel slot is handed back unsent, and sent once after."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")


async def test_sigterm_during_a_slow_webhook_lets_it_finish(
    tmp_path: Path, receiver: WebhookReceiver, store_env: dict[str, str]
) -> None:
    server = ServerProcess(
        tmp_path / "herald",
        {**store_env, "HERALD_WEBHOOK_TIMEOUT": "20", "HERALD_SHUTDOWN_DRAIN": "1"},
    ).start()
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            call = asyncio.ensure_future(
                stub.SendMessage(
                    delivery_pb2.SendMessageRequest(
                        subject="Deploy",
                        body="Rolling out",
                        channels=[common_pb2.CHANNEL_WEBHOOK],
                        webhook_url=receiver.url("/hold/deploy"),
                    ),
                    timeout=30,
                )
            )
            await asyncio.wait_for(receiver.arrived["/hold/deploy"].wait(), 10)
            health = health_pb2_grpc.HealthStub(channel)
            # A load balancer that watches health hears of the stop at once.
            watch = health.Watch(health_pb2.HealthCheckRequest())
            first = await asyncio.wait_for(watch.read(), 10)
            assert first.status == health_pb2.HealthCheckResponse.SERVING
            server.signal(signal.SIGTERM)
            heard = await asyncio.wait_for(watch.read(), 10)
            assert heard.status == health_pb2.HealthCheckResponse.NOT_SERVING
            watch.cancel()

            for _ in range(100):
                reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
                if reply.status == health_pb2.HealthCheckResponse.NOT_SERVING:
                    break
                await asyncio.sleep(0.05)
            assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
            assert not call.done(), "the in-flight call is still waiting for its webhook"

            # Past the drain period the listener is closed; the call in flight must still finish.
            await asyncio.sleep(1.5)
            assert not call.done()
            receiver.release("deploy")
            reply = await call
            assert reply.results[0].success
            assert reply.results[0].state == common_pb2.DELIVERY_STATE_DELIVERED
        assert await asyncio.to_thread(server.wait, 30) == 0
        events = [e.get("event") for e in server.events()]
        assert "stopped" in events
    finally:
        server.stop()


async def until_refused(channel: grpc.aio.Channel) -> None:
    """Until the server refuses calls: after SIGTERM, it has stopped claiming by then."""
    health = health_pb2_grpc.HealthStub(channel)
    for _ in range(200):
        try:
            await health.Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.aio.AioRpcError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server still answers calls after SIGTERM")


async def test_sigterm_hands_back_claimed_deliveries_waiting_for_a_slot_unsent(
    tmp_path: Path, receiver: WebhookReceiver, store_env: dict[str, str]
) -> None:
    env = {
        **store_env,
        "HERALD_CONCURRENCY_LIMITS": "webhook=1",
        "HERALD_SHUTDOWN_GRACE": "2",
        "HERALD_WEBHOOK_TIMEOUT": "20",
    }
    names = [f"n{i}" for i in range(4)]
    server = ServerProcess(tmp_path / "herald", env).start()
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            reply = await stub.SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[receiver.url(f"/hold/{name}") for name in names],
                    subject="s",
                    body="b",
                ),
                timeout=10,
            )
            # One is being sent (the receiver holds it); the next claimed one waits for
            # the channel's only slot.
            await asyncio.wait_for(receiver.until_received(1), 10)
            (sending,) = receiver.received
            server.signal(signal.SIGTERM)
            await until_refused(channel)
            # The send under way ends within the grace period: the slot is free again,
            # but the delivery that waited for it is not to be sent any more.
            receiver.release(sending.path.rsplit("/", 1)[-1])
        assert await asyncio.to_thread(server.wait, 30) == 0
        server.stop()
        for name in names:
            receiver.release(name)
        await completed_after_a_restart(tmp_path / "herald", env, reply.name, len(names))
        assert Counter(r.path for r in receiver.received) == {f"/hold/{n}": 1 for n in names}
    finally:
        server.stop()


async def completed_after_a_restart(
    data_dir: Path, env: dict[str, str], name: str, delivered: int
) -> None:
    """A server started again on `data_dir` completes notification `name`, having
    delivered `delivered` of its recipients: nothing the stopped one held is lost."""
    server = ServerProcess(data_dir, env).start()
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            watch = stub.WatchNotification(
                delivery_pb2.WatchNotificationRequest(name=name), timeout=45
            )
            events = [event async for event in watch]
    finally:
        server.stop()
    assert (events[-1].state, events[-1].delivered) == (
        delivery_pb2.NOTIFICATION_STATE_COMPLETED,
        delivered,
    )


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie no init has reaped yet does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.parametrize("processes", [0, 1])
async def test_a_second_sigterm_stops_at_once_and_loses_nothing(
    tmp_path: Path, receiver: WebhookReceiver, store_env: dict[str, str], processes: int
) -> None:
    """SIGTERM with slow webhooks in flight (one in each process) and a long grace, then
    SIGTERM again: the server and its delivery processes end well before the grace, it exits
    143 with one stop_forced line, and a server started again on the same data sends them."""
    names = [f"slow{i}" for i in range(processes + 1)]
    env = {
        **store_env,
        "HERALD_SHUTDOWN_GRACE": "60",
        "HERALD_WEBHOOK_TIMEOUT": "90",
        "HERALD_DELIVERY_PROCESSES": str(processes),
        # One slot each: every process holds one of the slow sends.
        "HERALD_CONCURRENCY_LIMITS": f"webhook={processes + 1}",
        # A killed delivery process's lease expires within the test's wait.
        "HERALD_LEASE_SECONDS": "5",
    }
    server = ServerProcess(tmp_path / "herald", env).start()
    try:
        (serving,) = [e for e in server.events() if e.get("event") == "serving"]
        pids = serving["delivery_processes"]
        assert isinstance(pids, list) and len(pids) == processes
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            reply = await stub.SendNotification(
                delivery_pb2.SendNotificationRequest(
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    to=[receiver.url(f"/hold/{name}") for name in names],
                    subject="s",
                    body="b",
                ),
                timeout=10,
            )
            await asyncio.wait_for(receiver.until_received(len(names)), 10)
            server.signal(signal.SIGTERM)
            await until_refused(channel)
        server.signal(signal.SIGTERM)
        assert await asyncio.to_thread(server.wait, 15) == 143
        forced = [e for e in server.events() if e.get("event") == "stop_forced"]
        assert len(forced) == 1 and forced[0]["level"] == "warning"
        for _ in range(100):
            if not any(alive(int(pid)) for pid in pids):
                break
            await asyncio.sleep(0.05)
        assert not any(alive(int(pid)) for pid in pids), "a delivery process outlived the server"
        server.stop()
        for name in names:
            receiver.release(name)

        await completed_after_a_restart(tmp_path / "herald", env, reply.name, len(names))
        assert Counter(r.path for r in receiver.received) == {f"/hold/{n}": 2 for n in names}
    finally:
        server.stop()
