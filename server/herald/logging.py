"""structlog JSON logs on stderr, with the request id bound on every line."""

from __future__ import annotations

import logging
import sys

import structlog

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def bound_request_id() -> str:
    """The request id bound to this task's log lines: the running RPC's, else ""."""
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


def configure(level: str = "info") -> None:
    numeric = _LEVELS.get(level, logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=numeric, format="%(message)s")
    # Alembic reports every plugin it loads at INFO; aiosqlite logs two lines per SQL call and
    # grpc one per event loop at DEBUG, which buries Herald's own debug lines.
    logging.getLogger("alembic").setLevel(max(numeric, logging.WARNING))
    for chatty in ("aiosqlite", "grpc._cython.cygrpc"):
        logging.getLogger(chatty).setLevel(max(numeric, logging.INFO))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        # One write per line (print() makes two): lines from the delivery processes,
        # which share the server's stderr, never interleave mid-line.
        logger_factory=structlog.WriteLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
