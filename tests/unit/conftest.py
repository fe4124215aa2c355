"""Fixtures for tests of the store and the dispatcher on the module's backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

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
