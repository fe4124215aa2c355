"""Look inside a test server's SQLite store (what the In-App "peer" received)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def query(data_dir: Path, sql: str, *params: Any) -> list[sqlite3.Row]:
    connection = sqlite3.connect(data_dir / "herald.db", timeout=30)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


def count(data_dir: Path, table: str) -> int:
    return int(query(data_dir, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
