"""Whether a store error means the store could not be reached (the same call may
well succeed in a moment) rather than that the statement itself failed.

Unreachable: the connection could not be made or was lost (refused, reset, timed
out, a host that does not resolve; PostgreSQL's class 08), PostgreSQL shutting down,
restarting or out of connections (57P01-57P03, 53300), SQLite's write lock held by
another writer beyond the busy timeout. Everything else (a constraint violation, a
bad statement, a full or failing disk) is a fault that retrying does not mend.
"""

from __future__ import annotations

import errno
import socket
import sqlite3

import sqlalchemy as sa

_SQLSTATES = {"53300", "57P01", "57P02", "57P03"}
_SQLITE_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# What connecting raises as a plain OSError (without a ConnectionError subclass).
_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


def _unreachable(exc: BaseException) -> bool:
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa.exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(exc, OSError) and exc.errno in _ERRNOS:
        return True
    # asyncpg's errors and SQLAlchemy's adaptations of them both carry the SQLSTATE.
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _SQLSTATES):
        return True
    code = getattr(exc, "sqlite_errorcode", None)  # absent on errors SQLite did not raise
    return isinstance(exc, sqlite3.Error) and code is not None and code & 0xFF in _SQLITE_CODES


def store_unreachable(exc: BaseException) -> BaseException | None:
    """The error in `exc`'s chain of causes that says the store was unreachable, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if _unreachable(current):
            return current
        seen.add(id(current))
        current = current.__cause__
    return None


def outage(exc: BaseException) -> str | None:
    """What to log of `exc` when it says the store was out of reach, None otherwise: the
    driver's own error, not SQLAlchemy's, whose text carries the statement and its
    parameters."""
    unreachable = store_unreachable(exc)
    if unreachable is None:
        return None
    while unreachable.__cause__ is not None:
        unreachable = unreachable.__cause__
    return f"{type(unreachable).__name__}: {unreachable}"
