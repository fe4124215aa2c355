"""Migrations on PostgreSQL build exactly the declared schema. (Replicas that
migrate at the same moment: tests/e2e/test_replicas.py starts two at once.)"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from herald.store.database import Database
from herald.store.schema import metadata


async def test_migrated_postgres_database_matches_the_declared_schema(
    postgres_url_factory: Callable[[str], str],
) -> None:
    db = Database(postgres_url_factory("migrations"))
    try:
        await db.migrate()

        def differences(connection: sa.Connection) -> list[object]:
            return list(compare_metadata(MigrationContext.configure(connection), metadata))

        async with db.engine.connect() as connection:
            diff = await connection.run_sync(differences)
    finally:
        await db.close()
    assert diff == []
