"""Run a whole group-commit batch on SQLite in one hop to a dedicated thread.

Through SQLAlchemy's async adapter every statement (and the commit) is a
separate round trip to aiosqlite's thread plus SQLAlchemy's per-execution
work; for the hot write path that dominated the CPU a send costs. Here each
statement is compiled once to SQLite SQL with named parameters, and the batch
(BEGIN IMMEDIATE, one executemany per statement, COMMIT) runs in one call.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

_DIALECT = sqlite.dialect(paramstyle="named")


class SqliteBatchExecutor:
    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: sqlite3.Connection | None = None
        self._compiled: dict[
            tuple[int, tuple[str, ...]], tuple[sa.Executable, str, dict[str, Any]]
        ] = {}

    def _sql(self, statement: sa.Executable, keys: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
        """The statement's SQL and the values it binds itself (e.g. lease_owner=None)."""
        cache_key = (id(statement), keys)
        found = self._compiled.get(cache_key)
        # The statement itself is kept in the entry: an id can be reused once a
        # one-off statement is gone, and must then not find the old SQL.
        if found is None or found[0] is not statement:
            compiled = statement.compile(dialect=_DIALECT, column_keys=list(keys))  # type: ignore[attr-defined]
            fixed = {k: v for k, v in compiled.params.items() if k not in keys}
            if len(self._compiled) > 512:
                self._compiled.clear()
            found = self._compiled[cache_key] = (statement, str(compiled), fixed)
        return found[1], found[2]

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute("PRAGMA foreign_keys=ON")
            self._connection = connection
        return self._connection

    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE (the write lock first), COMMIT, or ROLLBACK on any exception."""
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _run(
        self,
        groups: Sequence[tuple[str, list[dict[str, Any]]]],
        reads: Sequence[tuple[str, dict[str, Any]]],
    ) -> list[list[tuple[Any, ...]]]:
        with self._write_transaction() as connection:
            for sql, rows in groups:
                connection.executemany(sql, rows)
            return [connection.execute(sql, params).fetchall() for sql, params in reads]

    def _claim(
        self,
        statements: Sequence[tuple[str, dict[str, Any]]],
        limit: int,
        more: Callable[[list[dict[str, Any]]], dict[str, Any]] | None,
    ) -> list[dict[str, Any]]:
        claimed: list[dict[str, Any]] = []
        with self._write_transaction() as connection:
            for sql, params in statements:
                wanted = limit - len(claimed)
                if wanted <= 0:
                    break
                extra = more(claimed) if more else {}
                cursor = connection.execute(sql, {**params, "b_limit": wanted, **extra})
                names = [column[0] for column in cursor.description]
                claimed.extend(dict(zip(names, row, strict=True)) for row in cursor.fetchall())
        return claimed

    async def claim(
        self,
        statements: Sequence[sa.Executable],
        params: dict[str, Any],
        limit: int,
        more: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Run UPDATE ... RETURNING statements in order in one transaction, each with
        `params`, b_limit = what is still wanted of `limit` and what `more` makes of the
        rows claimed before it; the rows they return. A claim is a write: here it takes
        its turn with the group commits, in one hop."""
        keys = (*params, "b_limit", *(more([]) if more else ()))
        compiled = []
        for statement in statements:
            sql, fixed = self._sql(statement, keys)
            compiled.append((sql, {**fixed, **params}))
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._claim, compiled, limit, more
        )

    async def execute(
        self,
        groups: Sequence[tuple[sa.Executable, list[dict[str, Any]]]],
        reads: Sequence[tuple[sa.Executable, dict[str, Any]]] = (),
    ) -> list[list[tuple[Any, ...]]]:
        """Run the groups' executemanys in one transaction, then the reads (after the
        writes, in the same transaction); the rows each read found."""
        compiled = []
        for statement, rows in groups:
            sql, fixed = self._sql(statement, tuple(rows[0]))
            compiled.append((sql, [{**fixed, **row} for row in rows] if fixed else rows))
        queries = [(self._sql(statement, tuple(params))[0], params) for statement, params in reads]
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._thread, self._run, compiled, queries
            )
        except sqlite3.IntegrityError as exc:
            raise sa.exc.IntegrityError(compiled[0][0], None, exc) from exc

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return self._connect().execute(sql, params).fetchall()

    async def fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """A read (SQLite SQL, named parameters) on the writer's thread and connection:
        one hop, where a read through SQLAlchemy's async adapter costs several."""
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self._fetch, sql, params
        )

    def close(self) -> None:
        def shut() -> None:
            if self._connection is not None:
                self._connection.close()

        self._thread.submit(shut).result()
        self._thread.shutdown()
