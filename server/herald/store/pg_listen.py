"""LISTEN/NOTIFY between replicas sharing one PostgreSQL database.

Two channels:

- `herald_queue`: a transaction that makes deliveries due for any worker (a
  SendNotification's queued rows, leases handed back at shutdown) notifies it, so
  an idle worker on another replica claims them at once rather than at its poll.
- `herald_progress`: the group-commit transaction that records delivery outcomes
  notifies the request ids it touched, so a replica with watchers on one of them
  (a waiting SendMessage, a WatchNotification stream) re-reads it and publishes.

A NOTIFY issued inside a transaction is delivered when (and only if) it commits.
Payloads are `<origin> <item>,<item>,...`: the origin is the sending writer's id
(a replica ignores its own), the items are lanes (queue) or request ids
(progress), split so each payload stays under PostgreSQL's 8000-byte limit.

`PgListener` holds one dedicated asyncpg connection LISTENing on both channels,
checks it with a ping, and reconnects with backoff when it drops; after a
(re)connect it wakes the workers, since a notification sent while it was not
listening is lost (the watchers' own store polling covers their side). Its
attempts to connect are also the server's probe of the store: health is
NOT_SERVING from a failed attempt until one succeeds (server.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger("herald.store.pg_listen")

QUEUE_CHANNEL = "herald_queue"
PROGRESS_CHANNEL = "herald_progress"
# PostgreSQL refuses a payload of 8000 bytes or more.
PAYLOAD_LIMIT = 7900
NOTIFY_SQL = sa.text("SELECT pg_notify(:channel, :payload)")

KEEPALIVE_SECONDS = 10.0  # ping the idle listening connection this often
PING_TIMEOUT = 5.0
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 5.0


def payloads(origin: str, items: Iterable[str], limit: int = PAYLOAD_LIMIT) -> list[str]:
    """`<origin> a,b,...` payloads covering the distinct items in order, each
    shorter than `limit` bytes."""
    head = f"{origin} "
    result: list[str] = []
    current: list[str] = []
    size = len(head.encode())
    for item in dict.fromkeys(items):
        cost = len(item.encode()) + (1 if current else 0)
        if current and size + cost >= limit:
            result.append(head + ",".join(current))
            current, size = [], len(head.encode())
            cost = len(item.encode())
        current.append(item)
        size += cost
    if current:
        result.append(head + ",".join(current))
    return result


def parse(payload: str) -> tuple[str, list[str]]:
    origin, _, rest = payload.partition(" ")
    return origin, [item for item in rest.split(",") if item]


def connect_kwargs(engine: AsyncEngine) -> dict[str, Any]:
    """asyncpg.connect arguments for the engine's URL (host, port, user, ssl...)."""
    _args, kwargs = engine.dialect.create_connect_args(engine.url)
    kwargs = {k: v for k, v in kwargs.items() if not k.startswith("prepared_statement")}
    kwargs.pop("async_creator_fn", None)
    if "command_timeout" in kwargs:
        kwargs["command_timeout"] = float(kwargs["command_timeout"])
    return kwargs


class PgListener:
    def __init__(
        self,
        engine: AsyncEngine,
        origin: str,
        on_queue: Callable[[], None],
        on_progress: Callable[[Sequence[str]], None],
        on_reachable: Callable[[bool], Awaitable[None]] | None = None,
    ) -> None:
        """`on_reachable(False)`: a connection attempt failed, the store is out of reach;
        `on_reachable(True)`: connected again. Called on each change only."""
        self._kwargs = connect_kwargs(engine)
        self.origin = origin
        self._on_queue = on_queue
        self._on_progress = on_progress
        self._on_reachable = on_reachable
        self._reachable = True
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self.connected = asyncio.Event()
        self.connections = 0  # how many times it has (re)connected

    async def start(self, wait: float = 10.0) -> None:
        """Start listening; wait (up to `wait` seconds) for the first connection."""
        self._task = asyncio.create_task(self._run(), name="pg-listen")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), wait)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def backend_pid(self) -> int | None:
        """The listening connection's server process id (for tests and diagnostics)."""
        connection = self._connection
        return connection.get_server_pid() if connection is not None else None

    async def _run(self) -> None:
        delay = BACKOFF_FIRST
        while True:
            try:
                connection = await asyncpg.connect(**self._kwargs)
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                log.warning("pg_listen_connect_failed", error=repr(exc), retry_in=delay)
                await self._reachability(False)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            await self._reachability(True)
            try:
                await self._listen(connection)
                delay = BACKOFF_FIRST
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("pg_listen_lost", error=repr(exc), retry_in=delay)
            finally:
                self.connected.clear()
                self._connection = None
                connection.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _reachability(self, reachable: bool) -> None:
        # A lost connection alone changes nothing (PostgreSQL may have ended just this
        # one): only a failed attempt to connect says the store is out of reach.
        if reachable != self._reachable:
            self._reachable = reachable
            if self._on_reachable is not None:
                await self._on_reachable(reachable)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(QUEUE_CHANNEL, self._notified)
        await connection.add_listener(PROGRESS_CHANNEL, self._notified)
        self._connection = connection
        self.connections += 1
        self.connected.set()
        log.info("pg_listening", channels=[QUEUE_CHANNEL, PROGRESS_CHANNEL], origin=self.origin)
        # Whatever was enqueued while nobody listened: claim it now.
        self._on_queue()
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), KEEPALIVE_SECONDS)
            if not lost.is_set():
                await connection.fetchval("SELECT 1", timeout=PING_TIMEOUT)
        raise OSError("the listening connection was closed")

    def _notified(self, _connection: Any, _pid: int, channel: str, payload: str) -> None:
        origin, items = parse(payload)
        if origin == self.origin:
            return
        log.debug("pg_notified", channel=channel, origin=origin, items=len(items))
        try:
            if channel == QUEUE_CHANNEL:
                self._on_queue()
            elif channel == PROGRESS_CHANNEL:
                self._on_progress(items)
        except Exception:
            log.exception("pg_notify_handler_failed", channel=channel)
