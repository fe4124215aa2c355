"""Identifiers that sort by creation time (useful for pagination and debugging)."""

from __future__ import annotations

import secrets
import time


def new_id() -> str:
    """32 hex characters: 12 of milliseconds since the epoch, 20 random."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"
