"""The store as a command starts: HERALD_DATABASE_URL (or SQLite in HERALD_DATA_DIR) opened,
reached and at the schema's head revision, or a ConfigError naming the setting to fix.

An unreachable database fails the start at once (exit 2) rather than being waited for: a
supervisor (systemd, Kubernetes, compose's restart policy) starts Herald again. So does a
migration the database refuses (rolled back: the store is left as it was)."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic.script.revision import ResolutionError
from alembic.util import CommandError

from herald.config import ConfigError, Settings, writable_data_dir
from herald.store.database import Database, known_revision

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
            await _migrate(db)
            return
        current, head = await _revisions(db)
        if current is not None and not known_revision(current):
            raise _newer(db, current)
        if current != head:
            raise ConfigError(
                f"HERALD_MIGRATE_ON_START is false and the store is at revision "
                f"{current or 'none (empty)'}, not {head}: run `herald migrate` first"
            )
    except BaseException:
        await db.close()
        raise


async def _reach(db: Database) -> None:
    try:
        async with db.engine.connect():
            pass
    # OSError: refused, no such host, timed out; TypeError: a URL query argument the
    # driver does not take; DBAPIError: what the database said (password, no database).
    except (OSError, TypeError, sa.exc.DBAPIError) as exc:
        reason = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        raise ConfigError(f"{_setting(db)}: cannot connect to {_shown(db.url)}: {reason}") from exc


async def _revisions(db: Database) -> tuple[str | None, str | None]:
    try:
        return await db.revisions()
    # A role without SELECT on alembic_version; another application's table of that name.
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).partition("\n")[0]
        remedy = ""
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            remedy = f"; grant SELECT on alembic_version to {db.url.username}"
        raise ConfigError(
            f"{_setting(db)}: cannot read the schema revision (table alembic_version) of "
            f"{_shown(db.url)}: {reason}{remedy}"
        ) from exc


async def _migrate(db: Database) -> None:
    try:
        await db.migrate()
    except CommandError as exc:
        # Alembic cannot place the store's revision: a newer Herald's migration wrote it.
        if not isinstance(exc.__cause__, ResolutionError):
            raise
        raise _newer(db, exc.__cause__.argument) from exc
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).partition("\n")[0]
        raise ConfigError(
            f"{_setting(db)}: cannot migrate {_shown(db.url)} (left unchanged): {reason}"
            f"{_remedy(db, exc.orig)}"
        ) from exc


def _newer(db: Database, revision: str) -> ConfigError:
    """A store at a revision only a newer Herald's migrations know: migrating cannot help."""
    return ConfigError(
        f"{_setting(db)}: {_shown(db.url)} is at revision {revision}, which "
        "this Herald does not know: a newer Herald migrated it; run that version or a later one"
    )


def _remedy(db: Database, error: object) -> str:
    """What to do about a migration the database refused, for the refusals that say."""
    if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
        return f"; make {db.sqlite_path} writable by the user Herald runs as"
    if getattr(error, "sqlstate", None) == "42501":  # insufficient_privilege
        role = db.url.username
        return (
            f"; grant CREATE on schema public to {role} (it must also own Herald's tables), "
            "or run `herald migrate` as a role that can"
        )
    return ""


def _setting(db: Database) -> str:
    return "HERALD_DATA_DIR" if db.is_sqlite else "HERALD_DATABASE_URL"


def _shown(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)
