"""The inbox_messages table: what the In-App channel wrote, as InboxService reads
and changes it. Rows are written by the In-App channel (through group commit);
this module lists them, counts the unread, marks them and finds recent changes.

States are the strings "unread", "read" and "archived". Times are float epoch
seconds, read by the database as it writes the row (schema.statement_clock), so a
write that waited for a lock carries the time it was made, not the time it was asked
for; `updated_at` is set by a mark that changed the state (NULL before).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from herald.store.database import Database
from herald.store.schema import inbox_messages as t
from herald.store.schema import statement_clock

UNREAD, READ, ARCHIVED = "unread", "read", "archived"
STATES = (UNREAD, READ, ARCHIVED)


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: str
    user_id: str
    delivery_id: str
    title: str
    body: str
    data: dict[str, str]
    state: str
    created_at: float
    read_at: float | None
    updated_at: float | None

    @property
    def version(self) -> tuple[str, float | None, float | None]:
        """What a state change changes."""
        return (self.state, self.read_at, self.updated_at)

    @property
    def changed_at(self) -> float:
        return self.updated_at if self.updated_at is not None else self.created_at

    @classmethod
    def from_row(cls, row: Any) -> InboxRow:
        return cls(
            id=row.id,
            user_id=row.user_id,
            delivery_id=row.delivery_id,
            title=row.title,
            body=row.body,
            data=_data(row.data),
            state=row.state,
            created_at=row.created_at,
            read_at=row.read_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class Marked:
    updated: list[InboxRow]  # the messages whose state changed, as they are now
    unread_count: int


class UnknownMessagesError(Exception):
    """Some ids are not messages of this user; nothing was changed."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"{len(missing)} message(s) not in this inbox")
        self.missing = missing


def _data(raw: Any) -> dict[str, str]:
    if not raw:
        return {}
    try:
        decoded = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in decoded.items()} if isinstance(decoded, dict) else {}


def _owner(brand_id: str, user_id: str) -> tuple[sa.ColumnElement[bool], ...]:
    """An inbox is a brand's user's: the same user id in another brand is someone else."""
    return (t.c.brand_id == brand_id, t.c.user_id == user_id)


def _unread(brand_id: str, user_id: str) -> sa.Select[Any]:
    return (
        sa.select(sa.func.count())
        .select_from(t)
        .where(*_owner(brand_id, user_id), t.c.state == UNREAD)
    )


class InboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unread_count(self, user_id: str, brand_id: str = "") -> int:
        async with self.db.engine.connect() as connection:
            return int((await connection.execute(_unread(brand_id, user_id))).scalar_one())

    async def list_messages(
        self,
        user_id: str,
        limit: int,
        before_id: str | None,
        unread_only: bool,
        include_archived: bool,
        brand_id: str = "",
    ) -> tuple[list[InboxRow], int]:
        """Up to `limit` messages older than `before_id`, newest first (ids are
        time-ordered), and the unread count."""
        query = sa.select(t).where(*_owner(brand_id, user_id))
        if unread_only:
            query = query.where(t.c.state == UNREAD)
        elif not include_archived:
            query = query.where(t.c.state != ARCHIVED)
        if before_id is not None:
            query = query.where(t.c.id < before_id)
        query = query.order_by(t.c.id.desc()).limit(limit)
        async with self.db.engine.connect() as connection:
            rows = [InboxRow.from_row(r) for r in await connection.execute(query)]
            unread = int((await connection.execute(_unread(brand_id, user_id))).scalar_one())
        return rows, unread

    async def mark(
        self, user_id: str, ids: Sequence[str], state: str, brand_id: str = ""
    ) -> Marked:
        """Set the state of the user's messages `ids` in one transaction. Messages
        already in that state are left alone. Raises UnknownMessagesError, having
        changed nothing, when an id is not one of this user's messages."""
        if state not in STATES:
            raise ValueError(state)
        wanted = list(dict.fromkeys(ids))
        now = statement_clock(self.db.is_sqlite)
        values: dict[str, Any] = {"state": state, "updated_at": now}
        if state == READ:
            values["read_at"] = now
        elif state == UNREAD:
            values["read_at"] = None
        mine = (*_owner(brand_id, user_id), t.c.id.in_(wanted))
        async with self.db.engine.connect() as connection:
            transaction = await connection.begin()
            try:
                # The write first: on SQLite a transaction that reads and then
                # writes can fail to upgrade its lock; one that writes first waits.
                changed = [
                    r.id
                    for r in await connection.execute(
                        sa.update(t)
                        .where(*mine, t.c.state != state)
                        .values(**values)
                        .returning(t.c.id)
                    )
                ]
                found = {r.id for r in await connection.execute(sa.select(t.c.id).where(*mine))}
                missing = [i for i in wanted if i not in found]
                if missing:
                    await transaction.rollback()
                    raise UnknownMessagesError(missing)
                updated = [
                    InboxRow.from_row(r)
                    for r in await connection.execute(
                        sa.select(t).where(*mine, t.c.id.in_(changed)).order_by(t.c.id)
                    )
                ]
                unread = int((await connection.execute(_unread(brand_id, user_id))).scalar_one())
                await transaction.commit()
            except BaseException:
                if transaction.is_active:
                    await transaction.rollback()
                raise
        return Marked(updated, unread)

    async def changes(
        self, user_id: str, since: float, brand_id: str = ""
    ) -> tuple[list[InboxRow], int]:
        """The user's messages added or changed after `since` (by their own
        clocks), oldest change first, and the unread count."""
        added = sa.select(t).where(*_owner(brand_id, user_id), t.c.created_at > since)
        changed = sa.select(t).where(*_owner(brand_id, user_id), t.c.updated_at > since)
        async with self.db.engine.connect() as connection:
            rows = {r.id: InboxRow.from_row(r) for r in await connection.execute(added)}
            rows.update((r.id, InboxRow.from_row(r)) for r in await connection.execute(changed))
            unread = int((await connection.execute(_unread(brand_id, user_id))).scalar_one())
        return sorted(rows.values(), key=lambda r: (r.changed_at, r.id)), unread
