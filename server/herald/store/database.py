"""The engine (SQLite by default, PostgreSQL by URL) and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer; NORMAL is durable across
    # process crashes (only an OS crash can lose the last commits).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _asyncpg_ssl(url: sa.URL) -> sa.URL:
    """libpq's `sslmode=` (in most PostgreSQL URLs) as asyncpg's `ssl=`, which takes the
    same modes; asyncpg refuses `sslmode` itself."""
    if url.get_driver_name() != "asyncpg" or "sslmode" not in url.query or "ssl" in url.query:
        return url
    return url.difference_update_query(["sslmode"]).update_query_dict({"ssl": url.query["sslmode"]})


def _alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def known_revision(revision: str) -> bool:
    """Whether `revision` is one of this Herald's migrations (exactly: no prefix match)."""
    scripts = ScriptDirectory.from_config(_alembic_config())
    return any(script.revision == revision for script in scripts.walk_revisions())


class Database:
    def __init__(self, url: str | sa.URL) -> None:
        self.url = _asyncpg_ssl(sa.make_url(url))
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> str | None:
        """The database file, for SQLite on disk."""
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return self.url.database
        return None

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    async def migrate(self, revision: str = "head") -> None:
        def upgrade(connection: sa.Connection) -> None:
            command.upgrade(_alembic_config(connection), revision)

        async with self.engine.begin() as connection:
            if self.is_sqlite:
                # pysqlite opens a transaction only at the first INSERT, UPDATE or DELETE: the
                # DDL before it would commit alone, leaving a failed migration half applied.
                await connection.exec_driver_sql("BEGIN")
            await connection.run_sync(upgrade)

    async def revisions(self) -> tuple[str | None, str | None]:
        """The store's schema revision (None: never migrated) and the code's head."""

        def read(connection: sa.Connection) -> tuple[str | None, str | None]:
            current = MigrationContext.configure(connection).get_current_revision()
            head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
            return current, head

        async with self.engine.connect() as connection:
            return await connection.run_sync(read)

    async def close(self) -> None:
        await self.engine.dispose()
