"""Group commit: concurrent writes share one transaction.

SQLite has a single writer, and every transaction costs a round trip through
the driver's thread. Callers hand in (statement, parameters) operations and
wait for the commit; one task drains whatever is pending, runs each distinct
statement once as an executemany, and commits once. A batch that fails is
replayed one caller at a time, so one caller's conflict (a duplicate
idempotency key) fails only that caller.

A caller may also ask for a row back (`Read`): after the batch's writes, in its
transaction, each distinct read statement runs once for every caller that asked,
so a caller learns what its writes came to (an executemany says nothing about each
of its rows: asyncpg reports no row count for one) at one statement per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from herald.store import pg_listen
from herald.store.sqlite_batch import SqliteBatchExecutor

Op = tuple[sa.Executable, dict[str, Any]]

# A marker op, `(NOTIFY, {"channel": name, "item": text})`: on PostgreSQL the batch's
# transaction ends with one NOTIFY per channel carrying the writer's origin and the
# batch's distinct items (split under the payload limit; see pg_listen.py), so
# listeners hear of the writes when, and only if, they commit. For PostgreSQL stores
# only (Queue adds them there; the SQLite batch path does not know them).
NOTIFY = sa.text("NOTIFY")

# (statement, key): a read run after the batch's writes. The statement takes every
# asking caller's key at once, as one JSON array of strings `b_keys`, and returns rows
# whose first column is a key; the caller gets its key's row as a tuple, or None.
Read = tuple[sa.Executable, str]
Row = tuple[Any, ...]


@dataclass
class _Pending:
    ops: Sequence[Op]
    read: Read | None = None
    future: asyncio.Future[Row | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class WriterClosedError(RuntimeError):
    pass


class GroupCommitWriter:
    def __init__(
        self,
        engine: AsyncEngine,
        max_batch: int = 512,
        sqlite_path: str | None = None,
        notify_origin: str | None = None,
    ) -> None:
        self._engine = engine
        self._sqlite = SqliteBatchExecutor(sqlite_path) if sqlite_path else None
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._notify = engine.dialect.name == "postgresql"
        # Tells listeners which replica wrote: a replica's writers share one.
        self.notify_origin = notify_origin or uuid.uuid4().hex[:16]

    @property
    def sqlite(self) -> SqliteBatchExecutor | None:
        """The SQLite writer thread (None on PostgreSQL): other writes that should
        take their turn with the commits in one hop (Queue.claim) run there too."""
        return self._sqlite

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="group-commit-writer")

    async def write(self, ops: Sequence[Op], read: Read | None = None) -> Row | None:
        """Run ops atomically (with whatever else is pending); return once committed,
        with the row `read` found after the writes, if one is asked for."""
        if self._closed:
            raise WriterClosedError("the store is closing")
        if not ops:
            return None
        pending = _Pending(ops, read)
        self._queue.put_nowait(pending)
        # Not shielded: a cancelled caller cancels only its own future; its ops
        # are already in the queue and commit with the batch all the same.
        return await pending.future

    async def close(self) -> None:
        self._closed = True
        self._queue.put_nowait(None)
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._sqlite is not None:
            self._sqlite.close()

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stop = True
                    break
                batch.append(item)
            await self._commit(batch)
            if stop:
                return

    async def _commit(self, batch: list[_Pending]) -> None:
        groups = _grouped([op for p in batch for op in p.ops])
        reads = _reads(batch)
        try:
            if self._sqlite is not None:
                found = await self._sqlite.execute(groups, reads)
            else:
                async with self._engine.begin() as connection:
                    for statement, rows in groups:
                        if statement is not NOTIFY:
                            await connection.execute(statement, rows)
                    found = [
                        [tuple(row) for row in await connection.execute(statement, params)]
                        for statement, params in reads
                    ]
                    if self._notify:
                        for payload in self._notifications(groups):
                            await connection.execute(pg_listen.NOTIFY_SQL, payload)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0], exc)
                return
            for pending in batch:
                await self._commit([pending])
            return
        by_key = {
            (id(statement), row[0]): row
            for (statement, _), rows in zip(reads, found, strict=True)
            for row in rows
        }
        for pending in batch:
            read = pending.read
            _settle(pending, None, None if read is None else by_key.get((id(read[0]), read[1])))

    def _notifications(
        self, groups: Sequence[tuple[sa.Executable, list[dict[str, Any]]]]
    ) -> list[dict[str, str]]:
        items: dict[str, list[str]] = {}
        for statement, rows in groups:
            if statement is NOTIFY:
                for row in rows:
                    items.setdefault(row["channel"], []).append(row["item"])
        return [
            {"channel": channel, "payload": payload}
            for channel, names in items.items()
            for payload in pg_listen.payloads(self.notify_origin, names)
        ]


def _settle(pending: _Pending, exc: BaseException | None, row: Row | None = None) -> None:
    if pending.future.done():
        return
    if exc is None:
        pending.future.set_result(row)
    else:
        pending.future.set_exception(exc)


def _reads(batch: Sequence[_Pending]) -> list[tuple[sa.Executable, dict[str, Any]]]:
    """Each distinct read statement of the batch, with every key asked of it."""
    keys: dict[int, tuple[sa.Executable, list[str]]] = {}
    for pending in batch:
        if pending.read is not None:
            statement, key = pending.read
            keys.setdefault(id(statement), (statement, []))[1].append(key)
    return [(statement, {"b_keys": json.dumps(asked)}) for statement, asked in keys.values()]


def _grouped(ops: Sequence[Op]) -> list[tuple[sa.Executable, list[dict[str, Any]]]]:
    """Group ops by statement, in order of each statement's first appearance,
    so each statement runs once as an executemany."""
    groups: dict[tuple[int, tuple[str, ...]], tuple[sa.Executable, list[dict[str, Any]]]] = {}
    for statement, params in ops:
        key = (id(statement), tuple(params))
        if key not in groups:
            groups[key] = (statement, [])
        groups[key][1].append(params)
    return list(groups.values())
