"""The api_keys table: create, look up by id, list, revoke."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from herald.store.database import Database
from herald.store.schema import api_keys


class ApiKeyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, row: dict[str, Any]) -> None:
        async with self.db.engine.begin() as connection:
            await connection.execute(api_keys.insert().values(**row))

    async def get(self, key_id: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(sa.select(api_keys).where(api_keys.c.id == key_id))
            return result.first()

    async def list(self) -> list[sa.Row[Any]]:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
            )
            return list(result)

    async def revoke(self, key_id: str, now: float | None = None) -> bool:
        """True when the key existed and was not revoked before."""
        async with self.db.engine.begin() as connection:
            result = await connection.execute(
                api_keys.update()
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=time.time() if now is None else now)
            )
            return bool(result.rowcount)
