"""`herald deliver`: a process that only delivers from the queue.

It claims due deliveries from the shared store exactly as `herald serve`'s own
workers do (leases, fencing, retries), so a second interpreter, with its own GIL,
works through a backlog beside the server. `herald serve` starts
HERALD_DELIVERY_PROCESSES of them (delivery_pool.py) with `--supervised`: their
stdin is a pipe from the server: each byte on it is a wake-up (work was just
queued; "t" also says a SendMessage is delivering there, so bulk work gives way
as it would in the server) and its end means the server is gone, so the process
stops, handing its leases back, rather than outlive it. On PostgreSQL, LISTEN/NOTIFY
wakes it as well.

Watchers need nothing from it: WatchNotification, a waiting SendMessage, campaign
progress and WatchInbox re-read the store for other processes' progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

import structlog

from herald import gc_tuning
from herald.config import ConfigError, Settings
from herald.delivery_pool import TRANSACTIONAL
from herald.dispatch.assembly import new_dispatcher, start_adapters
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.metrics import MetricsServer
from herald.store.directory import Directory
from herald.store.pg_listen import PgListener
from herald.store.queue import Queue
from herald.store.startup import open_database, prepare
from herald.store.writer import GroupCommitWriter

log = structlog.get_logger("herald.deliver")


class _ServerPipe(asyncio.Protocol):
    """stdin from `herald serve` (delivery_pool.py): WAKE and TRANSACTIONAL signals;
    its end stops the process."""

    def __init__(self, dispatcher: Dispatcher, gone: asyncio.Event) -> None:
        self._dispatcher = dispatcher
        self._gone = gone

    def data_received(self, data: bytes) -> None:
        if TRANSACTIONAL in data:
            self._dispatcher.transactional_seen()
        self._dispatcher.wake()

    def eof_received(self) -> bool:
        self._gone.set()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._gone.set()


def metrics_listen_for(listen: str, index: int) -> str:
    """Delivery process `index` (1, 2, ...) serves its metrics on the server's
    metrics port plus `index` (port 0: a free port of its own)."""
    host, _, port = listen.rpartition(":")
    return f"{host}:{int(port) + index if int(port) else 0}"


async def deliver(
    settings: Settings, processes: int, index: int, supervised: bool, ready_fd: int | None = None
) -> None:
    """Deliver until SIGTERM or SIGINT (or, supervised, the end of stdin); `ready_fd`
    gets one byte once claiming has started."""
    structlog.contextvars.bind_contextvars(process=f"deliver-{index}")
    # First, so a process that cannot start has claimed nothing (no leases left to expire).
    metrics = None
    if settings.metrics_listen:
        listen = metrics_listen_for(settings.metrics_listen, index)
        try:
            metrics = MetricsServer(listen)
        except (OSError, OverflowError) as exc:  # OverflowError: port + index > 65535
            raise ConfigError(f"HERALD_METRICS_LISTEN {listen} (delivery process): {exc}") from exc
    db = open_database(settings)
    # Supervised: serve has migrated, or checked the store is at the head revision.
    await prepare(db, migrate=settings.migrate_on_start and not supervised)
    writer = GroupCommitWriter(db.engine, sqlite_path=db.sqlite_path)
    await writer.start()
    queue = Queue(db, writer)
    adapters = await start_adapters(settings, queue, Directory(db))
    dispatcher = new_dispatcher(settings, queue, adapters, Hub(), processes, index)
    await dispatcher.start()
    listener = None
    if db.is_postgres:
        listener = PgListener(db.engine, writer.notify_origin, dispatcher.wake, lambda _ids: None)
        await listener.start()

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    if supervised:
        await loop.connect_read_pipe(lambda: _ServerPipe(dispatcher, stopping), sys.stdin.buffer)
    gc_tuning.settle_after_start()
    log.info(
        "delivering",
        pid=os.getpid(),
        index=index,
        processes=processes,
        workers=settings.workers,
        store=db.url.get_backend_name(),
        channels=sorted(c.value for c in adapters),
    )
    if ready_fd is not None:
        with contextlib.suppress(BrokenPipeError):  # serve is gone: stdin ends too
            os.write(ready_fd, b"r")
        os.close(ready_fd)
    await stopping.wait()
    await dispatcher.stop(settings.shutdown_grace)
    if listener is not None:
        await listener.close()
    for adapter in adapters.values():
        await adapter.close()
    if metrics is not None:
        metrics.close()
    await writer.close()
    await db.close()
    log.info("stopped")
