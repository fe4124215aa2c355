"""The deliveries table as a queue: enqueue, claim with a lease, record outcomes."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.store import pg_listen
from herald.store.database import Database
from herald.store.schema import (
    LEASED,
    QUEUED,
    campaign_sends,
    deliveries,
    inbox_messages,
    requests,
    statement_clock,
    users,
)
from herald.store.writer import NOTIFY, GroupCommitWriter, Op, Row

FINAL_STATES = tuple(s.value for s in DeliveryState if s.final)
# next_attempt_at of a fallback delivery waiting for the one before it: never due by itself.
HELD = 1e18
# What a cancelled campaign send's deliveries are stored with once they stop.
CANCELLED_CODE = "CANCELLED"
CANCELLED_ERROR = "the campaign send was cancelled"
# The ids as one JSON array parameter: one statement (and one cached plan) for any count.
REQUEST_CONTENTS_SQLITE = (
    "SELECT id, content, brand_id FROM requests WHERE id IN (SELECT value FROM json_each(:b_ids))"
)
# The keys of a GroupCommitWriter Read, from its JSON array.
READ_KEYS_SQLITE = "SELECT value FROM json_each(:b_keys)"
READ_KEYS_POSTGRES = "SELECT jsonb_array_elements_text(CAST(:b_keys AS jsonb))"
# The deliveries a batch recorded outcomes for, as they stand after its writes: whether
# each record applied (`holds`).
RECORDED = "SELECT id, state, attempts, lease_owner, updated_at FROM deliveries WHERE id IN"
# The inbox messages a batch wrote, by delivery: whether each is stored.
INBOX_STORED = "SELECT delivery_id FROM inbox_messages WHERE delivery_id IN"


def wake_ops(db: Database, delivery_rows: Sequence[dict[str, Any]]) -> list[Op]:
    """Ops to add to a transaction inserting delivery rows: on PostgreSQL, if any
    row is queued for whichever worker claims it, NOTIFY herald_queue on commit so
    idle workers on every replica claim it at once. Nothing on SQLite."""
    if not db.is_postgres:
        return []
    lanes = {
        row["lane"]
        for row in delivery_rows
        if row["state"] == DeliveryState.QUEUED.value and row["next_attempt_at"] < HELD
    }
    return [(NOTIFY, {"channel": pg_listen.QUEUE_CHANNEL, "item": lane}) for lane in sorted(lanes)]


def queued_row(
    request_id: str,
    position: int,
    channel: str,
    recipient: str,
    user_id: str,
    lane: str,
    now: float,
    deadline_at: float,
) -> dict[str, Any]:
    """A delivery row due now, held by no worker: the first claim leases it."""
    return {
        "id": new_id(),
        "request_id": request_id,
        "position": position,
        "channel": channel,
        "recipient": recipient,
        "user_id": user_id,
        "lane": lane,
        "state": DeliveryState.QUEUED.value,
        "attempts": 0,
        "next_attempt_at": now,
        "lease_owner": None,
        "lease_expires_at": None,
        "deadline_at": deadline_at,
        "created_at": now,
        "updated_at": now,
        "fallback": False,
    }


def cap_parameter(channel: Channel) -> str:
    return f"b_cap_{channel.value}"


def caps_left(
    caps: Mapping[Channel, int], limit: int, claimed: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """A claim statement's b_cap_<channel> parameters once `claimed` are taken: what is
    left of each channel's cap (of `limit`, for a channel without one)."""
    taken = Counter(row["channel"] for row in claimed)
    return {
        cap_parameter(c): max(0, min(caps.get(c, limit), limit) - taken[c.value]) for c in Channel
    }


def holds(row: Row | None, outcome: Outcome, now: float) -> Outcome | None:
    """The outcome a delivery's row (RECORDED) holds if `outcome`, recorded at `now`,
    applied: `outcome`, or for a retry its delivery's campaign send was cancelled
    for, that retry cancelled (see `_record_statement`). None if it did not apply:
    one whose owner was fenced out left the row to the new holder (leased to it, or
    with its own outcome, recorded at another time)."""
    if row is None or row[2:] != (outcome.attempts, None, now):
        return None
    if row[1] == outcome.state.value:
        return outcome
    if row[1] == DeliveryState.CANCELLED.value and outcome.state is DeliveryState.QUEUED:
        return dataclasses.replace(
            outcome,
            state=DeliveryState.CANCELLED,
            error_code=CANCELLED_CODE,
            error=CANCELLED_ERROR,
            next_attempt_at=now,
            completed_at=now,
        )
    return None


def send_cancelled() -> sa.ColumnElement[bool]:
    """Whether the delivery's campaign send (if it is one) is cancelled, read from the
    send's row locked FOR SHARE on PostgreSQL, by id only, and its status from the row
    as locked: a cancel in progress (which locks that row FOR UPDATE before it cancels
    the queued deliveries) is waited for and seen, and a cancel after it waits for this
    transaction and then sees (and cancels) what it queued."""
    status = (
        sa.select(campaign_sends.c.status)
        .where(campaign_sends.c.id == deliveries.c.request_id)
        .with_for_update(read=True)
    )
    return status.scalar_subquery() == "cancelled"


def unless_cancelled(
    queued: sa.ColumnElement[bool], value: sa.ColumnElement[Any], cancelled: Any
) -> sa.ColumnElement[Any]:
    """`value`, or `cancelled` where the delivery would be queued (`queued`) for a
    campaign send that is cancelled. The send is looked up only then: CASE is
    evaluated lazily (SQLite and PostgreSQL), so other outcomes never read it."""
    return sa.case((sa.and_(queued, send_cancelled()), cancelled), else_=value)


class DuplicateRequestError(Exception):
    """A request with the same idempotency key was stored first."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt came to, as the queue records it."""

    delivery_id: str
    lease_owner: str
    state: DeliveryState
    attempts: int
    next_attempt_at: float
    error_code: str = ""
    error: str = ""
    permanent: bool = False
    provider_message_id: str = ""
    sms_encoding: str = ""
    sms_segments: int = 0
    completed_at: float | None = None
    # The delivery's request: on PostgreSQL the recording transaction notifies it
    # (herald_progress) for watchers on other replicas.
    request_id: str = ""


class Queue:
    def __init__(self, db: Database, writer: GroupCommitWriter) -> None:
        self.db = db
        self.writer = writer
        self._insert_request = requests.insert()
        self._insert_delivery = deliveries.insert()
        insert_inbox = (sqlite.insert if db.is_sqlite else postgresql.insert)(inbox_messages)
        self._insert_inbox = insert_inbox.values(
            created_at=statement_clock(db.is_sqlite)
        ).on_conflict_do_nothing(index_elements=["delivery_id"])
        self._insert_inbox_known = self._known_user_insert(insert_inbox)
        self._record = self._record_statement()
        # An In-App outcome that follows its inbox write (HERALD_IN_APP_REQUIRE_USER):
        # one for a stored message, one for none (the directory lacked the user).
        inbox_stored = (
            sa.select(inbox_messages.c.delivery_id)
            .where(inbox_messages.c.delivery_id == sa.bindparam("b_id"))
            .exists()
        )
        self._record_stored = self._record_statement(inbox_stored)
        self._record_unstored = self._record_statement(~inbox_stored)
        keys = READ_KEYS_SQLITE if db.is_sqlite else READ_KEYS_POSTGRES
        self._recorded = sa.text(f"{RECORDED} ({keys})")
        self._inbox_stored = sa.text(f"{INBOX_STORED} ({keys})")
        # Built once (a statement built per claim cost more than running it): due queued
        # rows first, then expired leases; see claim().
        self._claims = [
            self._claim_statement(
                sa.and_(
                    QUEUED,
                    deliveries.c.lane == sa.bindparam("b_lane"),
                    deliveries.c.next_attempt_at <= sa.bindparam("b_now"),
                ),
                deliveries.c.next_attempt_at,
            ),
            self._claim_statement(
                sa.and_(
                    LEASED,
                    deliveries.c.lane == sa.bindparam("b_lane"),
                    deliveries.c.lease_expires_at < sa.bindparam("b_now"),
                ),
                deliveries.c.lease_expires_at,
            ),
        ]

        # A lease renewed by its holder, if it still holds it: RETURNING says whether it did.
        self._renew = (
            deliveries.update()
            .where(deliveries.c.id == sa.bindparam("b_id"))
            .where(deliveries.c.lease_owner == sa.bindparam("b_owner"))
            .where(deliveries.c.state == DeliveryState.SENDING.value)
            .values(lease_expires_at=sa.bindparam("b_expires"))
            .returning(deliveries.c.id)
        )

    @staticmethod
    def _record_statement(*only: sa.ColumnElement[bool]) -> sa.Update:
        """An outcome's UPDATE, applied only by the lease holder (fencing: a worker whose
        lease expired and was taken over must not overwrite the new holder) and only
        where `only` holds.

        A retry (state queued) of a delivery whose campaign send is cancelled is
        recorded cancelled instead: the cancel leaves the deliveries being sent to
        finish their attempt, and one that failed transiently must not be claimed and
        sent again after it (`unless_cancelled`; the send is read only for a retry)."""
        state = sa.bindparam("b_state", type_=deliveries.c.state.type)
        retry = state == DeliveryState.QUEUED.value
        return (
            deliveries.update()
            .where(deliveries.c.id == sa.bindparam("b_id"))
            .where(deliveries.c.lease_owner == sa.bindparam("b_owner"))
            .where(*only)
            .values(
                state=unless_cancelled(retry, state, DeliveryState.CANCELLED.value),
                attempts=sa.bindparam("b_attempts"),
                next_attempt_at=sa.bindparam("b_next"),
                error_code=unless_cancelled(
                    retry, sa.bindparam("b_code", type_=sa.String), CANCELLED_CODE
                ),
                error=unless_cancelled(
                    retry, sa.bindparam("b_error", type_=sa.Text), CANCELLED_ERROR
                ),
                permanent=sa.bindparam("b_permanent"),
                provider_message_id=sa.bindparam("b_pmid"),
                sms_encoding=sa.bindparam("b_enc"),
                sms_segments=sa.bindparam("b_segments"),
                updated_at=sa.bindparam("b_now"),
                completed_at=unless_cancelled(
                    retry,
                    sa.bindparam("b_completed", type_=deliveries.c.completed_at.type),
                    sa.bindparam("b_now", type_=deliveries.c.updated_at.type),
                ),
                lease_owner=None,
                lease_expires_at=None,
            )
        )

    def _known_user_insert(self, insert: sqlite.Insert | postgresql.Insert) -> sa.Executable:
        """The inbox row, if the directory holds its user in its brand. The user's row
        is read FOR KEY SHARE (what a foreign key would take): a DeleteUser in flight
        is waited for, then nothing is inserted, and one that comes after waits for
        this commit and deletes the message with the user. SQLite's single writer
        orders the two anyway."""
        names = [c.name for c in inbox_messages.c if c.name not in ("created_at", "updated_at")]
        row = {n: sa.bindparam(n, type_=inbox_messages.c[n].type) for n in names}
        known = (
            sa.select(*row.values(), statement_clock(self.db.is_sqlite))
            .where(users.c.brand_id == row["brand_id"], users.c.id == row["user_id"])
            .with_for_update(read=True, key_share=True)
        )
        return insert.from_select([*names, "created_at"], known).on_conflict_do_nothing(
            index_elements=["delivery_id"]
        )

    def _claim_statement(
        self, due: sa.ColumnElement[bool], order: sa.ColumnElement[Any]
    ) -> sa.Update:
        """Lease the first b_limit due rows in order, at most b_cap_<channel> of each
        channel: one walk of the index per channel, each stopping at its cap, so a
        channel's backlog the caller has no room for neither is leased nor hides the
        other channels' rows behind it."""
        walks = []
        for channel in Channel:
            walk = (
                sa.select(deliveries.c.id, order.label("due_at"))
                .where(due, deliveries.c.channel == channel.value)
                .order_by(order)
                .limit(sa.bindparam(cap_parameter(channel), type_=sa.Integer))
            )
            if self.db.is_postgres:
                walk = walk.with_for_update(skip_locked=True)
            taken = walk.subquery(f"due_{channel.value}")
            walks.append(sa.select(taken.c.id, taken.c.due_at))
        due_rows = sa.union_all(*walks).subquery("due")
        pick = (
            sa.select(due_rows.c.id)
            .order_by(due_rows.c.due_at)
            .limit(sa.bindparam("b_limit", type_=sa.Integer))
        )
        return (
            deliveries.update()
            .where(deliveries.c.id.in_(pick.scalar_subquery()))
            .values(
                state=DeliveryState.SENDING.value,
                lease_owner=sa.bindparam("b_owner"),
                lease_expires_at=sa.bindparam("b_expires"),
                updated_at=sa.bindparam("b_now"),
            )
            .returning(*deliveries.c)
        )

    # -- writes -------------------------------------------------------------

    async def enqueue(
        self, request_row: dict[str, Any], delivery_rows: Sequence[dict[str, Any]]
    ) -> None:
        """Store a request and its deliveries in one transaction."""
        ops: list[Op] = [(self._insert_request, request_row)]
        ops.extend((self._insert_delivery, row) for row in delivery_rows)
        ops.extend(wake_ops(self.db, delivery_rows))
        try:
            await self.writer.write(ops)
        except sa.exc.IntegrityError as exc:
            if request_row.get("idempotency_key") and "idempotency_key" in str(exc.orig):
                raise DuplicateRequestError(request_row["idempotency_key"]) from exc
            raise

    def record_op(self, outcome: Outcome, now: float, statement: sa.Update | None = None) -> Op:
        return (
            self._record if statement is None else statement,
            {
                "b_id": outcome.delivery_id,
                "b_owner": outcome.lease_owner,
                "b_state": outcome.state.value,
                "b_attempts": outcome.attempts,
                "b_next": outcome.next_attempt_at,
                "b_code": outcome.error_code,
                "b_error": outcome.error,
                "b_permanent": outcome.permanent,
                "b_pmid": outcome.provider_message_id,
                "b_enc": outcome.sms_encoding,
                "b_segments": outcome.sms_segments,
                "b_now": now,
                "b_completed": outcome.completed_at,
            },
        )

    async def record(
        self, outcome: Outcome, now: float, extra: Sequence[Op] = ()
    ) -> Outcome | None:
        """Record an attempt's outcome at `now`, with `extra` writes, in one transaction;
        the outcome recorded: `outcome`, or a retry cancelled (its campaign send is
        cancelled). None if it was not recorded: the delivery's lease is not
        `outcome.lease_owner`'s any more (fenced out; another worker holds it, or has
        recorded its own outcome)."""
        return await self._recorded_of([self.record_op(outcome, now), *extra], [outcome], now)

    async def record_inbox(
        self,
        row: dict[str, Any],
        delivered: Outcome,
        refused: Outcome,
        now: float,
        extra: Sequence[Op] = (),
    ) -> Outcome | None:
        """An In-App delivery's inbox row for a user the directory must hold
        (HERALD_IN_APP_REQUIRE_USER), and the outcome that follows it, in one transaction:
        `delivered` if the row is stored (inserted now, or already there from an earlier
        attempt), `refused` if the directory does not hold the user as it is written.
        The one recorded; None if neither was (fenced out, as `record`)."""
        ops = [
            self.inbox_op(row, known_user=True),
            self.record_op(delivered, now, self._record_stored),
            self.record_op(refused, now, self._record_unstored),
            *extra,
        ]
        return await self._recorded_of(ops, [delivered, refused], now)

    async def _recorded_of(
        self, ops: list[Op], outcomes: Sequence[Outcome], now: float
    ) -> Outcome | None:
        """Write `ops`, which record (at most) one of the outcomes of one delivery at
        `now`; the one the store holds after them."""
        first = outcomes[0]
        if self.db.is_postgres and first.request_id:
            ops.append((NOTIFY, {"channel": pg_listen.PROGRESS_CHANNEL, "item": first.request_id}))
        row = await self.writer.write(ops, (self._recorded, first.delivery_id))
        held = (holds(row, outcome, now) for outcome in outcomes)
        return next((outcome for outcome in held if outcome is not None), None)

    def fallback_ops(
        self, outcome: Outcome, position: int, now: float, lease_seconds: float
    ) -> list[Op]:
        """After a fallback delivery's final outcome (recorded at `now`, in the same
        transaction, before these ops): skip the rest of the chain if it was delivered,
        or lease the next delivery to the outcome's owner so it runs next.

        Only if that record applied: a worker whose lease was taken over is fenced out
        of recording, and must not move the chain on either (it would send the next
        channel while the new holder may deliver this one). The step's UPDATE matches
        only while the delivery holds exactly the outcome just recorded: its state,
        its attempts, no lease, and updated_at = `now` (a float no other write shares)."""
        if not outcome.state.final:
            return []
        recorded = (
            sa.select(sa.literal(1))
            .select_from(previous := deliveries.alias("recorded"))
            .where(
                previous.c.id == outcome.delivery_id,
                previous.c.state == outcome.state.value,
                previous.c.lease_owner.is_(None),
                previous.c.attempts == outcome.attempts,
                previous.c.updated_at == now,
            )
            .exists()
        )
        later = sa.and_(
            deliveries.c.request_id == outcome.request_id,
            QUEUED,
            deliveries.c.next_attempt_at == HELD,
            recorded,
        )
        if outcome.state is DeliveryState.DELIVERED:
            statement = (
                deliveries.update()
                .where(later, deliveries.c.position > position)
                .values(state=DeliveryState.SKIPPED.value, updated_at=now, completed_at=now)
            )
        else:
            statement = (
                deliveries.update()
                .where(later, deliveries.c.position == position + 1)
                .values(
                    state=DeliveryState.SENDING.value,
                    next_attempt_at=now,
                    lease_owner=outcome.lease_owner,
                    lease_expires_at=now + lease_seconds,
                    updated_at=now,
                )
            )
        # Compiled per call (rare path), so it never shares an executemany group; the
        # group commit runs it after the batch's records (groups keep first-seen order).
        return [(statement, {})]

    def inbox_op(self, row: dict[str, Any], known_user: bool = False) -> Op:
        """The In-App delivery's inbox row; with known_user, stored only if the
        directory holds its user (HERALD_IN_APP_REQUIRE_USER)."""
        return (self._insert_inbox_known if known_user else self._insert_inbox, row)

    async def store_inbox(self, row: dict[str, Any], known_user: bool = False) -> bool:
        """Write an inbox row on its own (`inbox_op`); whether it is stored (now, or
        already), which with known_user says whether the directory holds its user."""
        read = (self._inbox_stored, str(row["delivery_id"]))
        return await self.writer.write([self.inbox_op(row, known_user)], read) is not None

    async def claim(
        self,
        owner: str,
        lane: str,
        limit: int,
        now: float,
        lease_seconds: float,
        caps: Mapping[Channel, int] | None = None,
    ) -> list[Mapping[str, Any]]:
        """Lease up to limit due deliveries of a lane: queued ones, then expired leases;
        at most caps[channel] of a channel (what the caller has room for: the rest stay
        queued for other processes and replicas), any number of a channel not in caps.

        Two statements, each walking its own partial index in order (ix_deliveries_queued,
        ix_deliveries_leased): one query with an OR of the two made the engine gather
        and sort every due row, 45 ms per claim with 100,000 queued on SQLite
        (bench/results/notifications-20261125T133552Z.md). On SQLite they run on the
        writer's thread in one hop (SQLAlchemy's async path cost about 0.8 ms a claim)."""
        params = {
            "b_lane": lane,
            "b_now": now,
            "b_owner": owner,
            "b_expires": now + lease_seconds,
        }
        left = partial(caps_left, caps or {}, limit)
        if self.writer.sqlite is not None:
            return list(await self.writer.sqlite.claim(self._claims, params, limit, left))
        claimed: list[dict[str, Any]] = []
        async with self.db.engine.begin() as connection:
            for statement in self._claims:
                wanted = limit - len(claimed)
                if wanted <= 0:
                    break
                result = await connection.execute(
                    statement, {**params, "b_limit": wanted, **left(claimed)}
                )
                claimed.extend(dict(row._mapping) for row in result.fetchall())
        return list(claimed)

    async def renew(self, delivery_id: str, owner: str, now: float, lease_seconds: float) -> bool:
        """Extend `owner`'s lease on a delivery it is about to send to now + lease_seconds;
        False if it no longer holds it (the lease expired and another worker claimed the
        row): the caller must then neither send nor record. A statement of its own, as a
        claim (on SQLite on the writer's thread, in one hop), since it must see the row."""
        params = {"b_id": delivery_id, "b_owner": owner, "b_expires": now + lease_seconds}
        if self.writer.sqlite is not None:
            return bool(await self.writer.sqlite.claim([self._renew], params, 1))
        async with self.db.engine.begin() as connection:
            result = await connection.execute(self._renew, params)
            return result.first() is not None

    async def release(self, owner: str, now: float) -> int:
        """Hand back every lease this owner holds (graceful shutdown): queued again, or
        cancelled if its campaign send is cancelled (as `_record_statement` records a
        retry)."""
        every = sa.true()
        statement = (
            deliveries.update()
            .where(deliveries.c.lease_owner == owner)
            .where(LEASED)
            .values(
                state=unless_cancelled(
                    every, sa.literal(DeliveryState.QUEUED.value), DeliveryState.CANCELLED.value
                ),
                error_code=unless_cancelled(every, deliveries.c.error_code, CANCELLED_CODE),
                error=unless_cancelled(every, deliveries.c.error, CANCELLED_ERROR),
                completed_at=unless_cancelled(every, deliveries.c.completed_at, now),
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
        async with self.db.engine.begin() as connection:
            result = await connection.execute(statement)
            released = int(result.rowcount or 0)
            if released and self.db.is_postgres:  # another replica takes them at once
                for payload in pg_listen.payloads(self.writer.notify_origin, list(Lane)):
                    await connection.execute(
                        pg_listen.NOTIFY_SQL,
                        {"channel": pg_listen.QUEUE_CHANNEL, "payload": payload},
                    )
            return released

    # -- reads --------------------------------------------------------------

    async def find_request(self, idempotency_key: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(requests).where(requests.c.idempotency_key == idempotency_key)
            )
            return result.first()

    async def get_request(self, request_id: str) -> sa.Row[Any] | None:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(requests).where(requests.c.id == request_id)
            )
            return result.first()

    async def request_deliveries(self, request_id: str) -> list[sa.Row[Any]]:
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(deliveries)
                .where(deliveries.c.request_id == request_id)
                .order_by(deliveries.c.position)
            )
            return list(result.fetchall())

    async def request_contents(self, request_ids: Sequence[str]) -> dict[str, tuple[bytes, str]]:
        """Each request's stored content (content_codec) and brand, for deliveries a claim
        leased. On SQLite in one hop to the writer's thread, as the claim itself: through
        SQLAlchemy's async path this read was 6% of a delivery process's CPU."""
        if self.writer.sqlite is not None:
            rows = await self.writer.sqlite.fetch(
                REQUEST_CONTENTS_SQLITE, {"b_ids": json.dumps(list(request_ids))}
            )
            return {request_id: (content, brand) for request_id, content, brand in rows}
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(requests.c.id, requests.c.content, requests.c.brand_id).where(
                    requests.c.id.in_(request_ids)
                )
            )
            return {row.id: (row.content, row.brand_id) for row in result}

    async def cancelled_sends(self, send_ids: Sequence[str]) -> set[str]:
        """Which of these requests are campaign sends the store holds cancelled."""
        async with self.db.engine.connect() as connection:
            result = await connection.execute(
                sa.select(campaign_sends.c.id).where(
                    campaign_sends.c.id.in_(send_ids), campaign_sends.c.status == "cancelled"
                )
            )
            return {row.id for row in result}
