"""Several replicas on one PostgreSQL database, in one process: each replica is
its own engine, writer, queue, hub and dispatcher, as `herald serve` wires them.

- claims with FOR UPDATE SKIP LOCKED never hand one delivery to two replicas;
- a delivery enqueued through replica A wakes replica B's idle claim loop at
  once (B's poll is set to an hour, so only the NOTIFY can wake it);
- an outcome recorded by A reaches a hub watcher on B (a bare hub watch has no
  store polling, so only the NOTIFY can bring it);
- a batch with more request ids than one payload holds is split, and the
  listener reconnects after its connection is killed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from herald.channels.base import ChannelAdapter, DeliveryResult, OutboundMessage
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch import dispatcher as dispatcher_module
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.dispatch.remote import RemoteProgress
from herald.dispatch.retry import RetryPolicy
from herald.store import pg_listen
from herald.store.database import Database
from herald.store.pg_listen import PgListener
from herald.store.queue import HELD, Queue, wake_ops
from herald.store.writer import NOTIFY, GroupCommitWriter

from tests.support.rows import delivery_row, request_row

LEASE_SECONDS = 60.0
CONTENT = Content(subject="Deploy", text="Rolling out")


class RecordingAdapter:
    """A webhook stand-in that records what it was asked to deliver."""

    channel = Channel.WEBHOOK

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def start(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        self.sent.append(message.delivery_id)
        return DeliveryResult.delivered(f"peer-{message.delivery_id}")

    async def close(self) -> None:
        pass


class Replica:
    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.writer = GroupCommitWriter(self.db.engine)
        self.queue = Queue(self.db, self.writer)
        self.hub = Hub()
        self.adapter = RecordingAdapter()
        adapters: dict[Channel, ChannelAdapter] = {Channel.WEBHOOK: self.adapter}
        self.dispatcher = Dispatcher(
            self.queue,
            adapters,
            self.hub,
            RetryPolicy(3, 0.05, 1.0),
            lease_seconds=LEASE_SECONDS,
            workers=16,
        )
        self.remote = RemoteProgress(self.hub, self.queue)
        self.listener = PgListener(
            self.db.engine, self.writer.notify_origin, self.dispatcher.wake, self.remote.changed
        )
        self.claiming = False

    async def start(self, claim: bool = False, listen: bool = True) -> Replica:
        await self.writer.start()
        if claim:
            await self.dispatcher.start()
            self.claiming = True
        if listen:
            await self.listener.start()
        return self

    async def close(self) -> None:
        if self.claiming:
            await self.dispatcher.stop(5)
        await self.listener.close()
        await self.remote.close()
        await self.writer.close()
        await self.db.close()


def request_rows(
    deliveries: int, leased_to: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A request and its webhook deliveries: queued for any worker, or leased to one."""
    now = time.time()
    request_id = new_id()
    request = request_row(request_id, now, content_codec.encode(CONTENT))
    rows = [
        delivery_row(
            request_id,
            position,
            Channel.WEBHOOK.value,
            f"http://127.0.0.1:9/{position}",
            Lane.TRANSACTIONAL.value,
            now,
            leased_to,
            LEASE_SECONDS,
        )
        for position in range(deliveries)
    ]
    return request, rows


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a condition (the test's patience, not a timing assertion)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        await asyncio.sleep(0.01)


async def final_views(updates: asyncio.Queue[DeliveryView], count: int) -> list[DeliveryView]:
    final: dict[str, DeliveryView] = {}
    while len(final) < count:
        view = await asyncio.wait_for(updates.get(), 30)
        if view.state.final:
            final[view.id] = view
    return list(final.values())


class Replicas:
    """Replicas on one fresh database; closed at the end of the test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.started: list[Replica] = []

    async def start(self, claim: bool = False, listen: bool = True) -> Replica:
        return self.add(await Replica(self.url).start(claim=claim, listen=listen))

    def add(self, replica: Replica) -> Replica:
        self.started.append(replica)
        return replica


@pytest.fixture
async def replicas(postgres_url_factory: Callable[[str], str]) -> AsyncIterator[Replicas]:
    url = postgres_url_factory("replicas")
    database = Database(url)
    await database.migrate()
    await database.close()
    group = Replicas(url)
    yield group
    for replica in group.started:
        await replica.close()


async def test_concurrent_claims_never_hand_one_delivery_to_two_replicas(
    replicas: Replicas,
) -> None:
    a, b, c = [await replicas.start(listen=False) for _ in range(3)]
    for _ in range(4):
        await a.queue.enqueue(*request_rows(50))

    async def drain(replica: Replica) -> list[str]:
        claimed: list[str] = []
        owner = f"owner-{id(replica)}"
        while rows := await replica.queue.claim(owner, "transactional", 7, time.time(), 60):
            claimed.extend(row["id"] for row in rows)
        return claimed

    # Each replica claims through its own engine; three at a time, four loops each.
    results = await asyncio.gather(*(drain(r) for r in (a, b, c) for _ in range(4)))
    claimed = [delivery_id for batch in results for delivery_id in batch]
    assert len(claimed) == len(set(claimed)) == 200
    async with a.db.engine.connect() as connection:
        states = (
            await connection.execute(sa.text("SELECT state, count(*) FROM deliveries GROUP BY 1"))
        ).all()
    assert dict(states) == {"sending": 200}


async def test_enqueue_on_one_replica_wakes_an_idle_worker_on_another(
    replicas: Replicas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # B polls the queue only once an hour: a prompt claim can only come from the NOTIFY.
    monkeypatch.setattr(dispatcher_module, "POLL_SECONDS", 3600.0)
    b = Replica(replicas.url)
    claims = {"running": 0, "empty": 0}
    real_claim = b.queue.claim

    async def claim(*args: Any, **kwargs: Any) -> list[Any]:
        claims["running"] += 1
        try:
            rows = await real_claim(*args, **kwargs)
        finally:
            claims["running"] -= 1
        if not rows:
            claims["empty"] += 1
        return rows

    b.queue.claim = claim  # type: ignore[method-assign]
    replicas.add(await b.start(claim=True))
    # Idle: both lanes found nothing since B listens, and no claim is running, so
    # both claim loops are parked until woken.
    seen = claims["empty"]
    b.dispatcher.wake()
    await until(lambda: claims["empty"] >= seen + 2 and claims["running"] == 0, "B idle")

    a = await replicas.start(listen=False)
    request, rows = request_rows(3)
    with b.hub.watch(request["id"]) as updates:
        await a.queue.enqueue(request, rows)
        views = await final_views(updates, 3)
    assert {v.state for v in views} == {DeliveryState.DELIVERED}
    assert sorted(b.adapter.sent) == sorted(row["id"] for row in rows)
    assert a.adapter.sent == []


async def test_an_outcome_recorded_on_one_replica_reaches_a_watcher_on_another(
    replicas: Replicas,
) -> None:
    a = await replicas.start()
    b = await replicas.start()  # no dispatcher: it only watches
    request, rows = request_rows(2, leased_to=a.dispatcher.owner)
    await a.queue.enqueue(request, rows)
    with b.hub.watch(request["id"]) as updates:
        a.dispatcher.run([Leased.from_row(row) for row in rows], CONTENT)
        views = await final_views(updates, 2)
    assert sorted(v.id for v in views) == sorted(row["id"] for row in rows)
    assert all(
        (v.state, v.attempts, v.provider_message_id) == (DeliveryState.DELIVERED, 1, f"peer-{v.id}")
        for v in views
    )
    assert b.adapter.sent == []


async def test_a_large_batch_is_split_into_payloads_the_server_accepts(
    replicas: Replicas,
) -> None:
    a = await replicas.start()
    b = await replicas.start()
    heard: list[str] = []
    b.listener._on_progress = heard.extend  # what B hears, before any hub filtering
    request_ids = [new_id() for _ in range(1000)]  # 33 KB of ids: five payloads or more
    await a.writer.write(
        [(NOTIFY, {"channel": pg_listen.PROGRESS_CHANNEL, "item": rid}) for rid in request_ids]
    )
    await until(lambda: len(heard) >= len(request_ids), "every request id")
    assert heard == request_ids


def test_payloads_stay_under_the_limit_and_keep_every_item_once() -> None:
    items = [f"{n:032x}" for n in range(600)] * 2
    chunks = pg_listen.payloads("origin-1", items)
    assert len(chunks) > 1
    assert all(len(chunk.encode()) < pg_listen.PAYLOAD_LIMIT for chunk in chunks)
    parsed = [pg_listen.parse(chunk) for chunk in chunks]
    assert {origin for origin, _ in parsed} == {"origin-1"}
    assert [item for _, batch in parsed for item in batch] == items[:600]


async def test_the_listener_reconnects_after_its_connection_is_killed(
    replicas: Replicas,
) -> None:
    a = await replicas.start()
    b = await replicas.start()
    heard: list[Sequence[str]] = []
    b.listener._on_progress = heard.append
    pid = b.listener.backend_pid
    assert pid is not None
    async with a.db.engine.connect() as connection:
        await connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await until(lambda: b.listener.connections == 2, "a second connection")
    assert b.listener.backend_pid not in (None, pid)
    await a.writer.write([(NOTIFY, {"channel": pg_listen.PROGRESS_CHANNEL, "item": "r-1"})])
    await until(lambda: bool(heard), "a notification on the new connection")
    assert heard == [["r-1"]]


async def test_only_rows_any_worker_may_claim_wake_the_other_replicas() -> None:
    postgres_db = Database("postgresql+asyncpg://herald@127.0.0.1:9/unused")  # never connects
    sqlite_db = Database("sqlite+aiosqlite:///:memory:")
    try:
        _, queued = request_rows(2)
        _, leased = request_rows(2, leased_to="replica-a")
        held = [{**queued[0], "next_attempt_at": HELD}]
        bulk = [{**queued[0], "lane": Lane.BULK.value}]
        wake = [(NOTIFY, {"channel": pg_listen.QUEUE_CHANNEL, "item": "transactional"})]
        assert wake_ops(postgres_db, queued) == wake
        assert wake_ops(postgres_db, [*leased, *queued]) == wake
        assert wake_ops(postgres_db, leased) == []
        assert wake_ops(postgres_db, held) == []
        assert [op[1]["item"] for op in wake_ops(postgres_db, [*bulk, *queued])] == [
            "bulk",
            "transactional",
        ]
        assert wake_ops(sqlite_db, queued) == []
    finally:
        await postgres_db.close()
        await sqlite_db.close()
