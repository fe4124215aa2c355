"""Queue depth for the metrics: queued deliveries and the oldest one's age, per lane."""

from __future__ import annotations

import sqlalchemy as sa

from herald.store.database import Database
from herald.store.queue import HELD
from herald.store.schema import QUEUED, deliveries

_QUERY = (
    sa.select(deliveries.c.lane, sa.func.count(), sa.func.min(deliveries.c.created_at))
    .where(QUEUED)
    # A fallback delivery waiting for the one before it is not queued work yet.
    .where(deliveries.c.next_attempt_at < HELD)
    .group_by(deliveries.c.lane)
)


async def queue_depth(db: Database) -> dict[str, tuple[int, float | None]]:
    """lane -> (queued deliveries, created_at of the oldest, or None)."""
    async with db.engine.connect() as conn:
        rows = (await conn.execute(_QUERY)).all()
    return {str(lane): (int(count), oldest) for lane, count, oldest in rows}
