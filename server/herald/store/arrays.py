"""Per-row writes that PostgreSQL runs once for a whole group commit.

An executemany costs a bind and an execute per row on both sides of the
connection; the same rows passed as one array per column to a single statement
over `unnest(...)` cost PostgreSQL and the driver about a third less per row
(bench.pg_writes; bench/results/pg_writes-2026-11-26.md). The group commit runs `bulk` on
PostgreSQL and `per_row` as an executemany elsewhere (SQLite, where the
executemany is already one call into the library on the writer's thread).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

Parameters = dict[str, list[Any]]


class ArrayStatement(ABC):
    def __init__(self, per_row: sa.Executable) -> None:
        self.per_row = per_row

    @abstractmethod
    def bulk(self, rows: Sequence[dict[str, Any]]) -> tuple[sa.Executable, Parameters]:
        """The one statement, and its array parameters, that writes every row."""


class ArrayInsert(ArrayStatement):
    """INSERT INTO table (columns) SELECT * FROM unnest(one array per column)."""

    def __init__(self, table: sa.Table, dialect: sa.Dialect) -> None:
        super().__init__(table.insert())
        self._table = table
        self._dialect = dialect
        self._statements: dict[tuple[str, ...], sa.TextClause] = {}

    def bulk(self, rows: Sequence[dict[str, Any]]) -> tuple[sa.Executable, Parameters]:
        columns = tuple(rows[0])  # the writer groups rows by their keys
        statement = self._statements.get(columns)
        if statement is None:
            statement = self._statements[columns] = self._statement(columns)
        return statement, {column: [row[column] for row in rows] for column in columns}

    def _statement(self, columns: tuple[str, ...]) -> sa.TextClause:
        arrays = ", ".join(
            f"CAST(:{name} AS {self._table.c[name].type.compile(dialect=self._dialect)}[])"
            for name in columns
        )
        return sa.text(
            f"INSERT INTO {self._table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"
        )


class ArrayUpdate(ArrayStatement):
    """An UPDATE ... FROM unnest(...) written out (`statement`), its array parameters
    taken from the per-row form's row keys (`arrays`: parameter, row key). Of rows
    with the same `unique` key only the first is kept: run row by row in order, the
    later ones would find what the first changed."""

    def __init__(
        self,
        per_row: sa.Executable,
        statement: sa.TextClause,
        arrays: tuple[tuple[str, str], ...],
        unique: str,
    ) -> None:
        super().__init__(per_row)
        self._statement = statement
        self._arrays = arrays
        self._unique = unique

    def bulk(self, rows: Sequence[dict[str, Any]]) -> tuple[sa.Executable, Parameters]:
        first: dict[Any, dict[str, Any]] = {}
        for row in rows:
            first.setdefault(row[self._unique], row)
        kept = first.values()
        return self._statement, {name: [row[key] for row in kept] for name, key in self._arrays}
