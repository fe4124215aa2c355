"""The migrations build exactly the schema the code declares (store/schema.py)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from herald.store.database import Database
from herald.store.schema import metadata


async def test_migrated_sqlite_database_matches_the_declared_schema(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'herald.db'}")
    try:
        await db.migrate()

        def differences(connection: sa.Connection) -> list[object]:
            context = MigrationContext.configure(connection)
            return list(compare_metadata(context, metadata))

        async with db.engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await db.close()
    assert diff == []
