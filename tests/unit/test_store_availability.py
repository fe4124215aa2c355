"""Which store errors are the store out of reach (UNAVAILABLE: retry) and which are
faults of the call or the store that a retry does not mend (INTERNAL)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from herald.store.availability import store_unreachable


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    """`error` as `raise error from cause` leaves it."""
    try:
        raise error from cause
    except Exception as caught:
        return caught


def sqlite_error(tmp_path: Path, locked: bool) -> sqlite3.Error:
    path = str(tmp_path / "db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    holder.execute("INSERT INTO t VALUES (1)")
    if locked:
        holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE" if locked else "INSERT INTO t VALUES (1)")
    except sqlite3.Error as error:
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"),
        ConnectionResetError(),
        TimeoutError(),
        OSError(errno.EHOSTUNREACH, "No route to host"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.TooManyConnectionsError("too many clients"),
        sa.exc.DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True),
        sa.exc.TimeoutError("QueuePool limit reached"),
        raised_from(
            sa.exc.OperationalError("SELECT 1", {}, Exception()),
            asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        ),
    ],
    ids=repr,
)
def test_the_store_out_of_reach_is_unreachable(error: BaseException) -> None:
    assert store_unreachable(error) is not None


def test_sqlite_locked_beyond_the_busy_timeout_is_unreachable(tmp_path: Path) -> None:
    locked = sqlite_error(tmp_path, locked=True)
    assert store_unreachable(raised_from(sa.exc.OperationalError("x", {}, locked), locked))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.UndefinedTableError("no such table"),
        asyncpg.exceptions.DiskFullError("could not extend file"),
        asyncpg.exceptions.InterfaceError("another operation is in progress"),
        sa.exc.ProgrammingError("SELECT nope", {}, Exception("syntax error")),
        sa.exc.DBAPIError("SELECT 1", {}, Exception("x"), connection_invalidated=False),
        FileNotFoundError(errno.ENOENT, "No such file"),
        PermissionError(errno.EACCES, "Permission denied"),
        sqlite3.OperationalError("disk I/O error"),
        ValueError("a bug"),
    ],
    ids=repr,
)
def test_a_failed_statement_or_a_bug_is_not_unreachable(error: BaseException) -> None:
    assert store_unreachable(error) is None


def test_a_sqlite_constraint_violation_is_not_unreachable(tmp_path: Path) -> None:
    duplicate = sqlite_error(tmp_path, locked=False)
    assert isinstance(duplicate, sqlite3.IntegrityError)
    wrapped = raised_from(sa.exc.IntegrityError("x", {}, duplicate), duplicate)
    assert store_unreachable(wrapped) is None
