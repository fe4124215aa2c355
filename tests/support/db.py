"""Look inside a test server's store (what the In-App "peer" received): its SQLite
file, or its PostgreSQL database when the server runs on one. SQL uses `?`
placeholders on both."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support import postgres
from tests.support.server import ServerProcess


def query(store: Path | ServerProcess, sql: str, *params: Any) -> list[Any]:
    """Rows as mappings (row["column"]); `store` is a server or its SQLite data dir."""
    if isinstance(store, ServerProcess):
        if store.database_url:
            return postgres.query(store.database_url, sql, *params)
        store = store.data_dir
    connection = sqlite3.connect(store / "herald.db", timeout=30)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


def count(store: Path | ServerProcess, table: str) -> int:
    return int(query(store, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def execute(store: Path | ServerProcess, sql: str, *params: Any) -> None:
    """A write, committed (`query` never commits on SQLite)."""
    if isinstance(store, ServerProcess):
        if store.database_url:
            postgres.query(store.database_url, sql, *params)
            return
        store = store.data_dir
    connection = sqlite3.connect(store / "herald.db", timeout=30)
    try:
        with connection:
            connection.execute(sql, params)
    finally:
        connection.close()


@asynccontextmanager
async def write_lock(server: ServerProcess) -> AsyncIterator[None]:
    """Hold the store so that a send's INSERT waits, until the block ends (SQLite:
    BEGIN IMMEDIATE; PostgreSQL: a SHARE lock on requests, which stops its INSERT)."""
    if not server.database_url:
        connection = sqlite3.connect(server.data_dir / "herald.db", isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_async_engine(server.database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            await connection.execute(sa.text("LOCK TABLE requests IN SHARE MODE"))
            try:
                yield
            finally:
                await transaction.rollback()
    finally:
        await engine.dispose()
