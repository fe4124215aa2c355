"""HERALD_DELIVERY_PROCESSES: `herald serve` runs `herald deliver` processes beside itself
that share the queue. Each recipient is delivered once across the processes; a killed
delivery process is started again and loses nothing; stopping or killing the server ends
them too."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
import grpc
import pytest
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
)
from prometheus_client.parser import text_string_to_metric_families

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")


def _env(store_env: dict[str, str], processes: int, **extra: str) -> dict[str, str]:
    return {
        **store_env,
        "HERALD_DELIVERY_PROCESSES": str(processes),
        "HERALD_WORKERS": "4",
        "HERALD_MAX_RECIPIENTS": "1000",
        "HERALD_LOG_LEVEL": "debug",  # a delivery_attempt line per attempt, tagged by process
        **extra,
    }


def _delivery_pids(server: ServerProcess) -> list[int]:
    serving = next(e for e in server.events() if e.get("event") == "serving")
    return [int(pid) for pid in serving["delivery_processes"]]  # type: ignore[union-attr]


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


async def _wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    """Polls without blocking the loop the in-process webhook receiver runs on."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return False


def _webhook_notification(urls: list[str]) -> delivery_pb2.SendNotificationRequest:
    return delivery_pb2.SendNotificationRequest(
        channels=[common_pb2.CHANNEL_WEBHOOK], to=urls, subject="s", body="b"
    )


async def _notify(
    server: ServerProcess, urls: list[str]
) -> tuple[delivery_pb2.Notification, list[delivery_pb2.WatchNotificationResponse]]:
    async with authenticated_channel(server.target) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        reply = await stub.SendNotification(_webhook_notification(urls), timeout=30)
        events = [
            e
            async for e in stub.WatchNotification(
                delivery_pb2.WatchNotificationRequest(name=reply.name), timeout=120
            )
        ]
        final = await stub.GetNotification(
            delivery_pb2.GetNotificationRequest(name=reply.name), timeout=30
        )
    return final.notification, events


async def _campaign(
    channel: grpc.aio.Channel, receiver: WebhookReceiver, recipients: int, path: str = "/ok"
) -> list[campaign_pb2.CampaignSend]:
    """Create a webhook campaign, send it to `recipients` paths (`path`/c<i>), watch it
    to the end."""
    stub = campaign_pb2_grpc.CampaignServiceStub(channel)
    campaign = (
        await stub.CreateCampaign(
            campaign_pb2.CreateCampaignRequest(
                campaign=campaign_pb2.Campaign(
                    display_name="Launch",
                    channels=[common_pb2.CHANNEL_WEBHOOK],
                    subject="s",
                    body="b",
                )
            ),
            timeout=10,
        )
    ).campaign
    people = [
        campaign_pb2.CampaignRecipient(person_id=f"p{i}", recipient=receiver.url(f"{path}/c{i}"))
        for i in range(recipients)
    ]
    send = (
        await stub.SendCampaign(
            campaign_pb2.SendCampaignRequest(id=campaign.id, recipients=people), timeout=30
        )
    ).send
    return [
        reply.send
        async for reply in stub.WatchCampaignSend(
            campaign_pb2.WatchCampaignSendRequest(id=send.id), timeout=60
        )
    ]


def _attempts_by_process(
    server: ServerProcess, request: str | None = None
) -> collections.Counter[str]:
    """delivery_attempt lines per process (of one request's deliveries, if given)."""
    return collections.Counter(
        str(e.get("process", "serve"))
        for e in server.events()
        if e.get("event") == "delivery_attempt" and request in (None, e.get("request"))
    )


async def test_the_processes_share_a_notification_and_deliver_each_recipient_once(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    server = ServerProcess(tmp_path / "herald", _env(store_env, 2)).start()
    try:
        pids = _delivery_pids(server)
        assert len(pids) == 2 and all(_running(pid) for pid in pids)
        paths = [f"/delay/0.02/r{i}" for i in range(300)]
        notification, events = await _notify(server, [receiver.url(p) for p in paths])
    finally:
        server.stop()

    assert events[-1].state == delivery_pb2.NOTIFICATION_STATE_COMPLETED
    assert (notification.delivered, notification.failed) == (300, 0)
    arrivals = collections.Counter(r.path for r in receiver.received)
    assert arrivals == collections.Counter(paths), "every recipient exactly once"
    assert all(r.verified for r in receiver.received)
    by_process = _attempts_by_process(server)
    assert sum(by_process.values()) == 300
    assert {"deliver-1", "deliver-2"} <= set(by_process), by_process
    assert server.process is not None and server.process.returncode == 0
    assert not any(_running(pid) for pid in pids), "stopping the server stopped them"


async def test_a_killed_delivery_process_is_started_again_and_nothing_is_lost(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    server = ServerProcess(
        tmp_path / "herald", _env(store_env, 1, HERALD_LEASE_SECONDS="2")
    ).start()
    paths = [f"/delay/0.05/r{i}" for i in range(200)]
    try:
        (first,) = _delivery_pids(server)

        def killed_mid_way() -> bool:
            if _attempts_by_process(server)["deliver-1"] < 5:
                return False
            os.kill(first, signal.SIGKILL)
            return True

        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
            reply = await stub.SendNotification(
                _webhook_notification([receiver.url(p) for p in paths]), timeout=30
            )
            assert await _wait_until(killed_mid_way, 30), "the delivery process never took a share"
            assert len(receiver.received) < len(paths), "the kill came too late to test anything"
            assert await _wait_until(
                lambda: any(
                    e.get("event") == "delivery_process_started" and e.get("pid") != first
                    for e in server.events()
                ),
                30,
            ), "no new delivery process"
            final = None
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                final = (
                    await stub.GetNotification(
                        delivery_pb2.GetNotificationRequest(name=reply.name), timeout=30
                    )
                ).notification
                if final.state == delivery_pb2.NOTIFICATION_STATE_COMPLETED:
                    break
                await asyncio.sleep(0.2)
    finally:
        server.stop()

    exits = [e for e in server.events() if e.get("event") == "delivery_process_exited"]
    assert [(e["pid"], e["code"]) for e in exits] == [(first, -signal.SIGKILL)]
    assert final is not None and (final.delivered, final.failed) == (200, 0)
    assert set(r.path for r in receiver.received) == set(paths), "every recipient delivered"


async def test_the_delivery_processes_end_when_the_server_is_killed(
    tmp_path: Path, store_env: dict[str, str]
) -> None:
    server = ServerProcess(tmp_path / "herald", _env(store_env, 2)).start()
    pids = _delivery_pids(server)
    server.kill()
    # Their stdin from the server ends: each stops, handing back its leases.
    assert await _wait_until(lambda: not any(_running(pid) for pid in pids), 30)
    stopped = [e for e in server.events() if e.get("event") == "stopped" and "process" in e]
    assert len(stopped) == 2


async def test_no_delivery_processes_by_default(tmp_path: Path, store_env: dict[str, str]) -> None:
    # Its own server, stopped at the end: on PostgreSQL the module's tests share a database,
    # and a server left running would claim the next test's deliveries.
    server = ServerProcess(tmp_path / "herald", store_env).start()
    server.stop()
    assert _delivery_pids(server) == []


async def test_a_negative_count_is_a_configuration_error(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "herald", {"HERALD_DELIVERY_PROCESSES": "-1"})
    with pytest.raises(RuntimeError, match="HERALD_DELIVERY_PROCESSES must be >= 0"):
        server.start()
    assert server.process is not None and server.process.returncode == 2


async def test_each_delivery_process_serves_the_metrics_of_its_own_deliveries(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    # Port 0 here: each process picks a free port (a fixed one: the server's, plus 1, 2...).
    env = _env(store_env, 1, HERALD_METRICS_LISTEN="127.0.0.1:0")
    server = ServerProcess(tmp_path / "herald", env).start()
    try:
        paths = [f"/delay/0.02/m{i}" for i in range(120)]
        notification, _ = await _notify(server, [receiver.url(p) for p in paths])
        assert notification.delivered == 120
        listeners = {
            str(e.get("process", "serve")): int(e["port"])  # type: ignore[call-overload]
            for e in server.events()
            if e.get("event") == "metrics_serving"
        }
        assert set(listeners) == {"serve", "deliver-1"}
        delivered: dict[str, float] = {}
        async with aiohttp.ClientSession() as http:
            for name, port in listeners.items():
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    assert response.status == 200
                    text = await response.text()
                delivered[name] = sum(
                    sample.value
                    for family in text_string_to_metric_families(text)
                    for sample in family.samples
                    if sample.name == "herald_deliveries_total"
                    and sample.labels == {"channel": "webhook", "outcome": "delivered"}
                )
    finally:
        server.stop()
    by_process = _attempts_by_process(server)
    assert delivered == {name: float(by_process[name]) for name in listeners}
    assert sum(delivered.values()) == 120


async def test_campaign_deliveries_are_left_to_the_delivery_processes_while_the_api_is_in_use(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    """The bulk lane is theirs while SendMessage calls arrive: the server's loop stays
    free for the API."""
    server = ServerProcess(tmp_path / "herald", _env(store_env, 1)).start()
    sending = True
    sent = 0
    try:
        async with authenticated_channel(server.target) as channel:
            stub = delivery_pb2_grpc.DeliveryServiceStub(channel)

            async def send_messages() -> None:
                nonlocal sent
                while sending:
                    reply = await stub.SendMessage(
                        delivery_pb2.SendMessageRequest(
                            channels=[common_pb2.CHANNEL_WEBHOOK],
                            webhook_url=receiver.url(f"/ok/m{sent}"),
                            subject="s",
                            body="b",
                        ),
                        timeout=30,
                    )
                    assert all(r.success for r in reply.results)
                    sent += 1
                    await asyncio.sleep(0.1)

            messages = asyncio.create_task(send_messages())
            await _wait_until(lambda: sent >= 2, 30)
            progress = await _campaign(channel, receiver, 150)
            sending = False
            await messages
    finally:
        server.stop()
    assert progress[-1].status == campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
    assert progress[-1].sent == 150
    assert {r.path for r in receiver.received if "/c" in r.path} == {
        f"/ok/c{i}" for i in range(150)
    }
    assert _attempts_by_process(server, progress[-1].id) == {"deliver-1": 150}
    assert _attempts_by_process(server)["serve"] == sent  # the SendMessage deliveries


async def test_an_idle_server_shares_campaign_deliveries_with_its_delivery_processes(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    """With no transactional send about, the server's own workers take part: both
    processes deliver, and each recipient exactly once."""
    server = ServerProcess(tmp_path / "herald", _env(store_env, 1)).start()
    try:
        async with authenticated_channel(server.target) as channel:
            # 4 workers a process, 50 ms a post: one process alone needs 2.5 s.
            progress = await _campaign(channel, receiver, 200, path="/delay/0.05")
    finally:
        server.stop()
    assert progress[-1].status == campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
    assert progress[-1].sent == 200
    paths = [r.path for r in receiver.received]
    assert sorted(paths) == sorted(f"/delay/0.05/c{i}" for i in range(200))
    by_process = _attempts_by_process(server, progress[-1].id)
    assert set(by_process) == {"serve", "deliver-1"}
    assert sum(by_process.values()) == 200


async def test_a_channels_concurrency_is_spread_over_the_processes_not_hoarded_by_one(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    """With a small webhook limit and many workers, a process claims only the deliveries
    it has free webhook slots for: the rest stay in the queue for the other processes, so
    the channel runs at its configured total (4, a transactional one kept: 3 campaign
    sends at once) rather than one process's share, one after another."""
    env = _env(store_env, 2, HERALD_WORKERS="64", HERALD_CONCURRENCY_LIMITS="webhook=4")
    server = ServerProcess(tmp_path / "herald", env).start()
    try:
        async with authenticated_channel(server.target) as channel:
            progress = await _campaign(channel, receiver, 24, path="/delay/0.5")
    finally:
        server.stop()
    assert progress[-1].status == campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
    assert progress[-1].sent == 24
    assert sorted(r.path for r in receiver.received) == sorted(
        f"/delay/0.5/c{i}" for i in range(24)
    )
    assert receiver.most_in_flight >= 3
    by_process = _attempts_by_process(server, progress[-1].id)
    assert sum(by_process.values()) == 24
    assert len(by_process) > 1, by_process


async def test_the_server_delivers_campaigns_itself_while_no_delivery_process_can(
    tmp_path: Path, store_env: dict[str, str], receiver: WebhookReceiver
) -> None:
    """A delivery process that cannot start (here: its metrics port is taken) is retried,
    and meanwhile the bulk lane is not left to nobody."""
    while True:  # a free port for the server's metrics with the next one held here
        server_port = socket.socket()
        server_port.bind(("127.0.0.1", 0))
        port = server_port.getsockname()[1]
        held = socket.socket()
        try:
            held.bind(("127.0.0.1", port + 1))
        except OSError:
            held.close()
            server_port.close()
            continue
        held.listen()
        server_port.close()
        break
    env = _env(store_env, 1, HERALD_METRICS_LISTEN=f"127.0.0.1:{port}")
    server = ServerProcess(tmp_path / "herald", env).start()
    try:
        assert _delivery_pids(server) == []
        async with authenticated_channel(server.target) as channel:
            progress = await _campaign(channel, receiver, 60)
    finally:
        server.stop()
        held.close()
    assert progress[-1].status == campaign_pb2.CAMPAIGN_SEND_STATUS_COMPLETED
    assert progress[-1].sent == 60
    assert _attempts_by_process(server) == {"serve": 60}
    assert any(e.get("event") == "delivery_process_not_ready" for e in server.events())
    assert "delivery process" in server.logs()
