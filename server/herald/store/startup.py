"""The store as a command starts: HERALD_DATABASE_URL (or SQLite in HERALD_DATA_DIR) opened,
reached and at the schema's head revision, or a ConfigError naming the setting to fix.

An unreachable database fails the start at once (exit 2) rather than being waited for: a
supervisor (systemd, Kubernetes, compose's restart policy) starts Herald again."""

from __future__ import annotations

import sqlalchemy as sa

from herald.config import ConfigError, Settings, writable_data_dir
from herald.store.database import Database

_DRIVERS = (
    "Herald needs an asyncio driver: postgresql+asyncpg://user:password@host/database "
    "or sqlite+aiosqlite:///path/to/herald.db"
)


def open_database(settings: Settings) -> Database:
    """The engine, not connected yet; a ConfigError for a URL no engine can be made from.
    Never the password: messages are logged and shown."""
    if not settings.database_url:
        writable_data_dir(settings.data_dir)
        return Database(settings.sqlalchemy_url)
    try:
        url = sa.make_url(settings.database_url)
    except sa.exc.ArgumentError as exc:  # the value is not repeated: it may hold a password
        raise ConfigError(f"HERALD_DATABASE_URL is not a database URL. {_DRIVERS}") from exc
    try:
        return Database(url)
    except (ImportError, sa.exc.ArgumentError, sa.exc.InvalidRequestError) as exc:
        reason = str(exc).rstrip(".")
        raise ConfigError(f"HERALD_DATABASE_URL {_shown(url)}: {reason}. {_DRIVERS}") from exc


async def prepare(db: Database, *, migrate: bool) -> None:
    """Connect, then migrate to the head revision; or, with `migrate` False
    (HERALD_MIGRATE_ON_START=false), refuse a store that is not at it."""
    try:
        await _reach(db)
        if migrate:
            await db.migrate()
            return
        current, head = await db.revisions()
        if current != head:
            raise ConfigError(
                f"HERALD_MIGRATE_ON_START is false and the store is at revision "
                f"{current or 'none (empty)'}, not {head}: run `herald migrate` first"
            )
    except BaseException:
        await db.close()
        raise


async def _reach(db: Database) -> None:
    setting = "HERALD_DATA_DIR" if db.is_sqlite else "HERALD_DATABASE_URL"
    try:
        async with db.engine.connect():
            pass
    # OSError: refused, no such host, timed out; TypeError: a URL query argument the
    # driver does not take; DBAPIError: what the database said (password, no database).
    except (OSError, TypeError, sa.exc.DBAPIError) as exc:
        reason = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        raise ConfigError(f"{setting}: cannot connect to {_shown(db.url)}: {reason}") from exc


def _shown(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)
