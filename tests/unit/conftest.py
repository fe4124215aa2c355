"""Fixtures for tests of the store and the dispatcher on the module's backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from herald.store.database import Database
from herald.store.queue import Queue
from herald.store.writer import GroupCommitWriter


@pytest.fixture
async def queue(database_url: str) -> AsyncIterator[Queue]:
    """The queue on a migrated store (the module's backend), with its group commit."""
    db = Database(database_url)
    await db.migrate()
    writer = GroupCommitWriter(db.engine, sqlite_path=db.sqlite_path)
    await writer.start()
    yield Queue(db, writer)
    await writer.close()
    await db.close()


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store of this test's own on the module's backend, not migrated yet (for tests
    that migrate it to a revision of their choosing)."""
    if backend == "postgres":
        name = request.node.originalname
        return str(request.getfixturevalue("postgres_url_factory")(name))
    return f"sqlite+aiosqlite:///{tmp_path / 'herald.db'}"


@pytest.fixture
async def db(fresh_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_url)
    yield database
    await database.close()
