"""Stored campaigns and their sends (seed 004). A send is a request row (kind
"campaign") whose deliveries are the queue's rows, plus a campaign_sends row with
the record seed 004 shows; its counters are read from the deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from herald.core.channel import DeliveryState
from herald.core.errors import AlreadyExistsError
from herald.store.database import Database
from herald.store.queue import CANCELLED_CODE, CANCELLED_ERROR, wake_ops
from herald.store.schema import LEASED, QUEUED, campaign_sends, campaigns, deliveries, requests
from herald.store.writer import GroupCommitWriter


@dataclass(frozen=True, slots=True)
class Progress:
    queued: int  # rows inserted so far
    sent: int
    failed: int
    cancelled: int
    in_flight: int  # queued or sending
    last_completed_at: float | None

    @property
    def final(self) -> int:
        return self.sent + self.failed + self.cancelled


class CampaignStore:
    def __init__(self, db: Database, writer: GroupCommitWriter) -> None:
        self.db = db
        self.writer = writer
        # A position already stored is skipped: a retry storing beside the call it retries
        # (or that call's last batch, still in a writer) stores each recipient once.
        insert = (sqlite.insert if db.is_sqlite else postgresql.insert)(deliveries)
        self._insert_delivery = insert.from_select(
            list(_ROW_COLUMNS), _stored_as_the_send_stands()
        ).on_conflict_do_nothing(index_elements=["request_id", "position"])

    # -- campaigns ----------------------------------------------------------

    async def create_campaign(self, row: dict[str, Any]) -> None:
        try:
            async with self.db.engine.begin() as connection:
                await connection.execute(campaigns.insert(), row)
        except sa.exc.IntegrityError as exc:
            raise AlreadyExistsError(
                f"campaign {row['id']!r} already exists", "CAMPAIGN_EXISTS"
            ) from exc

    async def get_campaign(self, brand_id: str, campaign_id: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(campaigns).where(
                    campaigns.c.brand_id == brand_id, campaigns.c.id == campaign_id
                )
            )
            return result.first()

    async def list_campaigns(
        self, brand_id: str, after: tuple[float, str] | None, limit: int
    ) -> list[sa.Row[Any]]:
        """Newest first; `after` is the (created_at, id) of the last one seen."""
        query = sa.select(campaigns).where(campaigns.c.brand_id == brand_id)
        if after is not None:
            created_at, campaign_id = after
            query = query.where(
                sa.or_(
                    campaigns.c.created_at < created_at,
                    sa.and_(campaigns.c.created_at == created_at, campaigns.c.id < campaign_id),
                )
            )
        query = query.order_by(campaigns.c.created_at.desc(), campaigns.c.id.desc()).limit(limit)
        async with self.db.engine.connect() as connection:
            return list((await connection.execute(query)).fetchall())

    # -- sends ----------------------------------------------------------------

    async def create_send(self, request_row: dict[str, Any], send_row: dict[str, Any]) -> bool:
        """Store a send (before its deliveries). False if the campaign already has one."""
        try:
            async with self.db.engine.begin() as connection:
                await connection.execute(requests.insert(), request_row)
                await connection.execute(campaign_sends.insert(), send_row)
        except sa.exc.IntegrityError:
            return False
        return True

    async def find_send(self, brand_id: str, campaign_id: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(campaign_sends, requests.c.fingerprint, requests.c.idempotency_key)
                .join(requests, requests.c.id == campaign_sends.c.id)
                .where(
                    campaign_sends.c.brand_id == brand_id,
                    campaign_sends.c.campaign_id == campaign_id,
                )
            )
            return result.first()

    async def get_send(self, brand_id: str, send_id: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(campaign_sends).where(
                    campaign_sends.c.brand_id == brand_id, campaign_sends.c.id == send_id
                )
            )
            return result.first()

    async def next_position(self, send_id: str) -> int:
        """How many of a send's deliveries are stored (they are stored in order)."""
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(sa.func.max(deliveries.c.position)).where(
                    deliveries.c.request_id == send_id
                )
            )
            last = result.scalar()
        return 0 if last is None else int(last) + 1

    async def add_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        """One batch of a send's deliveries, in one transaction; positions already
        stored are left as they are. Stored cancelled if the send is cancelled when
        they commit (see `_stored_as_the_send_stands`)."""
        ops = [(self._insert_delivery, {**_ROW_COLUMNS, **row}) for row in rows]
        await self.writer.write([*ops, *wake_ops(self.db, rows)])

    async def finish_preparing(self, send_id: str, now: float) -> None:
        """All recipients are stored: the send is queued (unless cancelled meanwhile). It
        started when its first recipient was queued: deliveries may have finished (and set
        completed_at) long before the last batch was stored."""
        first_queued = (
            sa.select(deliveries.c.created_at)
            .where(deliveries.c.request_id == send_id)
            .order_by(deliveries.c.position)
            .limit(1)
            .scalar_subquery()
        )
        async with self.db.engine.begin() as connection:
            await connection.execute(
                campaign_sends.update()
                .where(campaign_sends.c.id == send_id, campaign_sends.c.status == "preparing")
                .values(status="queued", started_at=sa.func.coalesce(first_queued, now))
            )

    async def progress(self, send_id: str) -> Progress:
        counts: dict[str, int] = {}
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(
                    deliveries.c.state,
                    sa.func.count(),
                    sa.func.max(deliveries.c.completed_at),
                )
                .where(deliveries.c.request_id == send_id)
                .group_by(deliveries.c.state)
            )
            last: float | None = None
            for state, n, completed in result:
                counts[state] = int(n)
                if completed is not None and (last is None or completed > last):
                    last = float(completed)
        return Progress(
            queued=sum(counts.values()),
            sent=counts.get(DeliveryState.DELIVERED.value, 0),
            failed=counts.get(DeliveryState.FAILED.value, 0),
            cancelled=counts.get(DeliveryState.CANCELLED.value, 0),
            in_flight=counts.get(DeliveryState.QUEUED.value, 0)
            + counts.get(DeliveryState.SENDING.value, 0),
            last_completed_at=last,
        )

    async def cancel(self, send_id: str, now: float) -> bool:
        """Cancel the deliveries nobody holds and mark the send cancelled. Those being
        sent finish their attempt; one that then fails transiently, or is handed back
        unsent at shutdown, is recorded cancelled, not queued again (the queue reads the
        send's row locked, as the cancel locks it first: see Queue._record_statement).
        False, and nothing changed, if nothing is left to send: the send is stored in
        full and every delivery is final (it is completed)."""
        async with self.db.engine.begin() as connection:
            # The send's row first, locked (PostgreSQL; on SQLite a batch's transaction
            # and this one never overlap): a batch of its deliveries being stored has
            # committed (the UPDATE below sees its rows) or reads the send cancelled.
            await connection.execute(
                sa.select(campaign_sends.c.id)
                .where(campaign_sends.c.id == send_id)
                .with_for_update()
            )
            result = await connection.execute(
                deliveries.update()
                .where(
                    deliveries.c.request_id == send_id,
                    QUEUED,
                )
                .values(
                    state=DeliveryState.CANCELLED.value,
                    error_code=CANCELLED_CODE,
                    error=CANCELLED_ERROR,
                    updated_at=now,
                    completed_at=now,
                )
            )
            mark = campaign_sends.update().where(campaign_sends.c.id == send_id)
            if not result.rowcount and not await _sending(connection, send_id):
                mark = mark.where(campaign_sends.c.status != "queued")
            marked = await connection.execute(mark.values(status="cancelled"))
            return bool(marked.rowcount)


async def _sending(connection: AsyncConnection, send_id: str) -> bool:
    """Whether a worker holds one of the send's deliveries, as of this statement: a
    delivery whose outcome is being recorded now is final here, or finishes after the
    send is marked. Not read FOR UPDATE: a recording transaction may hold that row and
    wait for the send's row (a retry reads it locked, see Queue._record_statement),
    which this transaction holds; waiting for it would deadlock."""
    result = await connection.execute(
        sa.select(deliveries.c.id).where(deliveries.c.request_id == send_id, LEASED).limit(1)
    )
    return result.first() is not None


# Every column a batch's row gives, with the value a row without it stores.
_ROW_COLUMNS: dict[str, Any] = {
    **{
        name: None
        for name in (
            "id",
            "request_id",
            "position",
            "channel",
            "recipient",
            "user_id",
            "lane",
            "state",
            "attempts",
            "next_attempt_at",
            "lease_owner",
            "lease_expires_at",
            "deadline_at",
            "created_at",
            "updated_at",
            "fallback",
        )
    },
    "error_code": "",
    "error": "",
    "permanent": False,
    "completed_at": None,
}


def _stored_as_the_send_stands() -> sa.Select[Any]:
    """A batch row as stored: cancelled if its send is, read from the send's row locked
    FOR SHARE (PostgreSQL; SQLite's writer holds the write lock). A cancel locks that
    row before it cancels the queued deliveries, so whichever of the two commits second
    sees the other: a batch stored while the send is being cancelled is never left
    queued for it (the dispatcher would send it after the cancel answered)."""
    row = {name: sa.bindparam(name, type_=deliveries.c[name].type) for name in _ROW_COLUMNS}
    cancelled = campaign_sends.c.status == "cancelled"

    def unless_cancelled(name: str, value: Any) -> sa.ColumnElement[Any]:
        return sa.case((cancelled, sa.literal(value, deliveries.c[name].type)), else_=row[name])

    values = {
        **row,
        "state": unless_cancelled("state", DeliveryState.CANCELLED.value),
        "error_code": unless_cancelled("error_code", CANCELLED_CODE),
        "error": unless_cancelled("error", CANCELLED_ERROR),
        "permanent": unless_cancelled("permanent", True),
        "completed_at": sa.case(
            (cancelled, sa.func.coalesce(row["completed_at"], row["updated_at"])),
            else_=row["completed_at"],
        ),
    }
    return (
        sa.select(*(values[name] for name in _ROW_COLUMNS))
        .where(campaign_sends.c.id == row["request_id"])
        .with_for_update(read=True)
    )
