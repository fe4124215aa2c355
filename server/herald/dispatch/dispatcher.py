"""Runs deliveries: the ones a send RPC just leased to itself, and any due or
orphaned ones it claims from the queue. Every outcome is recorded before it is
published, so a watcher never sees a state the store does not have."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import math
import os
import socket
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import structlog

from herald import tracing
from herald.channels.base import AttachmentData, ChannelAdapter, DeliveryResult, OutboundMessage
from herald.channels.inapp import USER_NOT_FOUND, InAppChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.cancelled import CancelledSends
from herald.dispatch.hub import Hub
from herald.dispatch.limits import LaneSlots, RateLimit, TokenBucket, bulk_slots
from herald.dispatch.retry import RetryPolicy
from herald.metrics import CHANNELS as CHANNEL_METRICS
from herald.store.availability import outage
from herald.store.queue import CANCELLED_CODE, CANCELLED_ERROR, Outcome, Queue
from herald.store.writer import Op

log = structlog.get_logger("herald.dispatch")

POLL_SECONDS = 1.0
CLAIM_BATCH = 100
REFILL_WAIT = 0.01  # seconds a claim loop under a backlog waits for more free slots
TRANSACTIONAL_QUIET = 0.5  # seconds without a transactional send before bulk work speeds up
TRANSACTIONAL_IDLE = 5.0  # seconds without one before bulk work may use nearly every worker
CONTENT_CACHE = 2048
# The bytes (as stored, content_codec) the content cache may hold, oldest out first;
# a larger content is not kept at all: a claim reads it back from the store.
CONTENT_CACHE_BYTES = 64 * 2**20
CONTENT_CACHE_LARGEST = CONTENT_CACHE_BYTES // 16
# The most deliveries of a channel a process may hold (sending or waiting for a slot or a
# token): twice what its concurrency limit lets it send at once, and about this many
# seconds of its rate limit besides its burst. A channel with neither: as many as it can.
HOLD_AHEAD = 2
RATE_AHEAD_SECONDS = 1.0
NO_HOLD = 1 << 30
# The error code of a delivery not made by its deadline_at: failed, permanently, unsent.
DEADLINE_EXCEEDED = "DELIVERY_DEADLINE_EXCEEDED"


@dataclass(frozen=True, slots=True)
class Leased:
    """A delivery this process holds the lease on."""

    id: str
    request_id: str
    position: int
    channel: Channel
    recipient: str
    user_id: str
    attempts: int  # attempts made before this one
    deadline_at: float
    created_at: float
    lane: Lane = Lane.TRANSACTIONAL
    fallback: bool = False
    lease_expires_at: float = 0.0  # as the lease was taken (0: unknown, renew before sending)

    @classmethod
    def from_row(cls, row: Any) -> Leased:
        get = row.__getitem__ if isinstance(row, Mapping) else partial(getattr, row)

        return cls(
            id=get("id"),
            request_id=get("request_id"),
            position=get("position"),
            channel=Channel(get("channel")),
            recipient=get("recipient"),
            user_id=get("user_id"),
            attempts=get("attempts"),
            deadline_at=get("deadline_at"),
            created_at=get("created_at"),
            lane=Lane(get("lane")),
            fallback=bool(get("fallback")),
            lease_expires_at=get("lease_expires_at") or 0.0,
        )


class _Turn(enum.Enum):
    """What a delivery's wait for a slot and a token came to."""

    GO = enum.auto()  # it holds both
    NONE = enum.auto()  # holding neither: its deadline passed, or claiming stopped
    CANCELLED = enum.auto()  # holding neither: its campaign send was cancelled as it waited


@dataclass(frozen=True, slots=True)
class _Recorded:
    result: DeliveryResult
    # None: fenced out, nothing recorded (the lease ran out and another worker took the
    # row: its attempt records and publishes the delivery, not this one).
    outcome: Outcome | None
    now: float
    chain: bool  # the transaction also moved a fallback chain on


def _hold(slots: LaneSlots | None, bucket: TokenBucket | None) -> tuple[int, int]:
    """(transactional, bulk): how many deliveries of each lane of a channel with these
    limits a process may hold."""
    hold = bulk = NO_HOLD
    if slots is not None:
        hold, bulk = HOLD_AHEAD * slots.limit, HOLD_AHEAD * slots.bulk_limit
    if bucket is not None:
        ahead = math.ceil(bucket.limit.per_second * RATE_AHEAD_SECONDS + bucket.limit.burst)
        hold, bulk = min(hold, ahead), min(bulk, ahead)
    return hold, bulk


def _chains(delivery: Leased, outcome: Outcome) -> bool:
    """Whether `outcome` moves the delivery's fallback chain on."""
    return delivery.fallback and outcome.state.final


def _never() -> bool:
    return False


def _late() -> DeliveryResult:
    return DeliveryResult.permanent_failure(
        DEADLINE_EXCEEDED, "the delivery deadline passed before it could be sent"
    )


def _view(delivery: Leased, outcome: Outcome, now: float) -> DeliveryView:
    """What watchers see of a delivery after `outcome`, as of `now`."""
    return DeliveryView(
        id=delivery.id,
        request_id=delivery.request_id,
        position=delivery.position,
        channel=delivery.channel,
        recipient=delivery.recipient,
        user_id=delivery.user_id,
        state=outcome.state,
        attempts=outcome.attempts,
        error_code=outcome.error_code,
        error=outcome.error,
        permanent=outcome.permanent,
        provider_message_id=outcome.provider_message_id,
        sms_encoding=outcome.sms_encoding,
        sms_segments=outcome.sms_segments,
        created_at=delivery.created_at,
        updated_at=now,
        next_attempt_at=outcome.next_attempt_at,
        completed_at=outcome.completed_at,
    )


def _unrecorded(delivery: Leased) -> DeliveryView:
    """Where an attempt that lost its lease leaves its delivery: still sending (under
    another worker's lease); nothing recorded, nothing published."""
    now = time.time()
    still = Outcome(delivery.id, "", DeliveryState.SENDING, delivery.attempts, now)
    return _view(delivery, still, now)


async def _not_started(delivery: Leased) -> DeliveryView:
    return _unrecorded(delivery)


class Dispatcher:
    def __init__(
        self,
        queue: Queue,
        adapters: Mapping[Channel, ChannelAdapter],
        hub: Hub,
        retry: RetryPolicy,
        lease_seconds: float,
        workers: int,
        rate_limits: Mapping[Channel, RateLimit] | None = None,
        concurrency: Mapping[Channel, int] | None = None,
        bulk_concurrency: Mapping[Channel, int] | None = None,
        transactional_reserve: float = 0.25,
    ) -> None:
        self.queue = queue
        self.adapters = dict(adapters)
        self.hub = hub
        self.retry = retry
        self.lease_seconds = lease_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{new_id()[-8:]}"
        self._capacity = workers
        # Bulk work may use every worker but a few while no transactional send is
        # about, its share (1 - reserve) while they trickle in, and a quarter of that
        # while they keep coming (see _free_slots).
        self._bulk_capacity_quiet = max(1, workers - max(1, workers // 16))
        self._bulk_capacity = max(1, int(workers * (1 - transactional_reserve)))
        # While transactional sends are arriving, bulk work gets a quarter of its
        # share: the event loop they share then answers SendMessage sooner.
        self._bulk_capacity_busy = max(1, self._bulk_capacity // 4)
        self._transactional_seen = -1e9  # loop time of the last transactional send
        self._bulk_inflight = 0
        self._buckets = {c: TokenBucket(limit) for c, limit in (rate_limits or {}).items()}
        self._slots = {
            c: LaneSlots(n, (bulk_concurrency or {}).get(c, bulk_slots(n, transactional_reserve)))
            for c, n in (concurrency or {}).items()
        }
        self._inflight: set[asyncio.Task[DeliveryView]] = set()
        # How many deliveries of each lane of a channel this process may hold at once,
        # sending or waiting for a slot or a token: its limits' worth and as much again,
        # so a claim never leaves its slots idle, but leaves the rest of a backlog to the
        # other processes and replicas (see _room).
        self._holds = {c: _hold(self._slots.get(c), self._buckets.get(c)) for c in Channel}
        self._held: Counter[Channel] = Counter()
        self._bulk_held: Counter[Channel] = Counter()
        # Per lane, the channels whose room the last claim filled: an attempt of one of
        # them ending with half its room free wakes that lane's claim loop.
        self._full: dict[Lane, set[Channel]] = {lane: set() for lane in Lane}
        # The deliveries whose attempt runs here, and when their lease expires: a claim
        # that takes one of them back (its lease ran out while it waited for a slot or
        # a token) starts no second attempt; the running one keeps the new lease.
        self._running: dict[str, float] = {}
        # The waits of claimed deliveries for a slot or a token (each until its deadline):
        # stop_claiming ends them (their leases go back unsent).
        self._waiting: dict[str, asyncio.Timeout] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._wake = {lane: asyncio.Event() for lane in Lane}
        self._slot_free = asyncio.Event()
        self._contents: OrderedDict[str, tuple[Content, int]] = OrderedDict()  # and its size
        self._content_bytes = 0
        self._wakers: list[Callable[[], None]] = []
        self._transactional_hooks: list[Callable[[], None]] = []
        self._elsewhere: dict[Lane, Callable[[], bool]] = {}
        self._stopping = False
        self._stopped = False  # stop() is handing leases back, or has: start nothing
        # The deliveries whose adapter call is under way here (monotonic start): a send
        # may outlast a lease (an SMTP conversation is several timeouts long), so the
        # keeper renews theirs while it runs.
        self._sending: dict[str, float] = {}
        self._keeper: asyncio.Task[None] | None = None
        # Asked only by bulk deliveries that had to wait for their turn: a cancel leaves
        # the deliveries a claim leased to finish, and those may wait a while.
        self._cancelled_sends = CancelledSends(self._read_cancelled)

    async def start(self, lanes: Sequence[Lane] = (Lane.TRANSACTIONAL, Lane.BULK)) -> None:
        """Claim due deliveries of `lanes` from the queue (and run what `run` is given)."""
        for lane in lanes:
            self._loops.append(asyncio.create_task(self._claim_loop(lane), name=f"claim-{lane}"))
        if self._keeper is None:
            self._keeper = asyncio.create_task(self._keep_sending_leases(), name="lease-keeper")

    async def _keep_sending_leases(self) -> None:
        """Every third of a lease, renew the leases of sends under way that have run for
        that long (most sends end sooner, and cost this nothing)."""
        period = self.lease_seconds / 3
        while True:
            await asyncio.sleep(period)
            started_before = time.monotonic() - period
            for delivery_id in [d for d, t in self._sending.items() if t <= started_before]:
                try:
                    kept = await self._hold_lease(delivery_id)
                except Exception:
                    log.exception("lease_renewal_failed", delivery_id=delivery_id)
                    continue
                if not kept:
                    log.warning("lease_lost_while_sending", delivery_id=delivery_id)

    def wake(self) -> None:
        """Work was queued: claim it now, here and wherever else `also_wake` says."""
        for event in self._wake.values():
            event.set()
        for waker in self._wakers:
            waker()

    def also_wake(self, waker: Callable[[], None]) -> None:
        self._wakers.append(waker)

    def leave_to_others(self, lane: Lane, while_: Callable[[], bool]) -> None:
        """Claim nothing of `lane` while `while_()` says other processes deliver it."""
        self._elsewhere[lane] = while_

    def transactional_seen(self) -> None:
        """A transactional send is about (here, or in the server, for a delivery process):
        bulk work takes a smaller share of the workers for a while (see _free_slots)."""
        self._transactional_seen = asyncio.get_running_loop().time()

    def api_idle(self) -> bool:
        """No transactional send for TRANSACTIONAL_IDLE seconds (see _free_slots)."""
        return self._since_transactional() >= TRANSACTIONAL_IDLE

    def _since_transactional(self) -> float:
        return asyncio.get_running_loop().time() - self._transactional_seen

    def send_cancelled(self, send_id: str) -> None:
        """A campaign send was cancelled here: its deliveries still waiting for a slot
        or a token here are not sent (others see it within CancelledSends' re-read)."""
        self._cancelled_sends.mark(send_id)

    def on_transactional(self, hook: Callable[[], None]) -> None:
        """Call `hook` whenever `run` starts a send's deliveries."""
        self._transactional_hooks.append(hook)

    # -- running deliveries ---------------------------------------------------

    def run(
        self, deliveries: Sequence[Leased], content: Content
    ) -> list[asyncio.Task[DeliveryView]]:
        """Start an attempt for each leased delivery; the tasks outlive the caller's RPC."""
        self.transactional_seen()
        for hook in self._transactional_hooks:
            hook()
        return [self._start_attempt(d, content) for d in deliveries]

    def _start_attempt(
        self, delivery: Leased, content: Content, bulk: bool = False, *, claimed: bool = False
    ) -> asyncio.Task[DeliveryView]:
        """`claimed`: by a claim loop (not by `run` for a send, nor by a fallback chain),
        so it goes back unsent if the dispatcher stops claiming before it sends."""
        if self._stopped:
            # Too late: stop() has handed the leases back (or is about to), so nothing
            # here may send or record; the delivery is claimed and sent elsewhere.
            log.warning("attempt_after_stop", delivery_id=delivery.id)
            return self._spawn(delivery, _not_started(delivery), holds=False)
        self._running[delivery.id] = delivery.lease_expires_at
        return self._spawn(delivery, self._attempt(delivery, content, claimed), bulk)

    def _spawn(
        self, delivery: Leased, coro: Any, bulk: bool = False, *, holds: bool = True
    ) -> asyncio.Task[DeliveryView]:
        """`holds`: the task is an attempt, counted in its channel's _held."""
        task: asyncio.Task[DeliveryView] = asyncio.create_task(coro)
        self._inflight.add(task)
        if bulk:
            self._bulk_inflight += 1
        if holds:
            self._held[delivery.channel] += 1
            self._bulk_held[delivery.channel] += delivery.lane is Lane.BULK
        task.add_done_callback(lambda done: self._done(done, delivery, bulk, holds))
        return task

    def _done(
        self, task: asyncio.Task[DeliveryView], delivery: Leased, bulk: bool, holds: bool
    ) -> None:
        self._inflight.discard(task)
        if bulk:
            self._bulk_inflight -= 1
        if holds:
            self._held[delivery.channel] -= 1
            self._bulk_held[delivery.channel] -= delivery.lane is Lane.BULK
            self._wake_if_roomy(delivery.channel)
        self._slot_free.set()
        if not task.cancelled() and (error := task.exception()) is not None:
            # Its lease runs out and the delivery is claimed again. Logged here, as one
            # line, rather than by asyncio as "Task exception was never retrieved".
            cause = outage(error)
            if cause is None:
                log.error("attempt_failed", delivery_id=delivery.id, exc_info=error)
            else:
                log.warning("attempt_not_recorded", delivery_id=delivery.id, error=cause)

    async def _attempt(self, delivery: Leased, content: Content, claimed: bool) -> DeliveryView:
        try:
            if not content.call_request_id:  # stored before contents carried it
                return await self._traced_attempt(delivery, content, claimed)
            # The attempt's own task: the binding ends with it.
            with structlog.contextvars.bound_contextvars(request_id=content.call_request_id):
                return await self._traced_attempt(delivery, content, claimed)
        finally:
            self._running.pop(delivery.id, None)

    async def _traced_attempt(
        self, delivery: Leased, content: Content, claimed: bool
    ) -> DeliveryView:
        tracer = tracing.TRACER
        if tracer is None:
            return await self._run_attempt(delivery, content, claimed)
        # One span per attempt: a child of the RPC that started it, if any.
        with tracer.start_as_current_span(
            f"deliver {delivery.channel.value}",
            kind=tracing.SpanKind.CLIENT,
            attributes={
                "herald.delivery_id": delivery.id,
                "herald.request_id": delivery.request_id,
                "herald.channel": delivery.channel.value,
                "herald.attempt": delivery.attempts + 1,
            },
        ) as span:
            view = await self._run_attempt(delivery, content, claimed)
            span.set_attribute("herald.state", view.state.value)
            if view.error_code:
                span.set_attribute("herald.error_code", view.error_code)
            if view.state is not DeliveryState.DELIVERED:
                span.set_status(tracing.Status(tracing.StatusCode.ERROR, view.error_code))
            return view

    async def _run_attempt(self, delivery: Leased, content: Content, claimed: bool) -> DeliveryView:
        attempt = delivery.attempts + 1
        adapter = self.adapters.get(delivery.channel)
        if time.time() > delivery.deadline_at:
            # Queued past it, an orphaned lease taken over late, a fallback step after
            # it: too late to send at all.
            return await self._publish(delivery, content, await self._record(delivery, _late()))
        if adapter is None:
            result = DeliveryResult.permanent_failure(
                "CHANNEL_NOT_CONFIGURED", f"the {delivery.channel.value} channel is not configured"
            )
            return await self._publish(delivery, content, await self._record(delivery, result))
        content = content.for_channel(delivery.channel)
        message = OutboundMessage(
            delivery_id=delivery.id,
            message_id=delivery.request_id,
            channel=delivery.channel,
            recipient=delivery.recipient,
            user_id=delivery.user_id,
            subject=content.subject,
            text=content.text,
            html=content.html,
            attachments=tuple(
                AttachmentData(a.filename, a.content_type, a.content) for a in content.attachments
            )
            if content.attachments
            else (),
            data=content.data,
            attempt=attempt,
            brand_id=content.brand_id,
            lane=delivery.lane,
        )
        started = time.monotonic()
        recorded: _Recorded | None = None
        # Within the channel's concurrency and rate limits.
        slots = self._slots.get(delivery.channel)
        bucket = self._buckets.get(delivery.channel)
        turn = await self._take_turn(delivery, slots, bucket, claimed)
        if turn is _Turn.CANCELLED:
            return await self._publish(delivery, content, await self._record_cancelled(delivery))
        if turn is _Turn.NONE:
            if claimed and self._stopping:
                return _unrecorded(delivery)  # stop() hands its lease back
            return await self._publish(delivery, content, await self._record(delivery, _late()))
        try:
            if isinstance(adapter, InAppChannel):
                # Delivering In-App is a write to our own store: the inbox row
                # commits in the same transaction as the outcome.
                sending = time.monotonic()
                row, delivered = adapter.inbox_row(message), adapter.delivered(message)
                if adapter.requires_user:
                    recorded = await self._record(delivery, delivered, user_inbox=row)
                else:
                    recorded = await self._record(delivery, delivered, [self.queue.inbox_op(row)])
                result = recorded.result
                CHANNEL_METRICS[delivery.channel].latency.observe(time.monotonic() - sending)
            elif time.time() > delivery.deadline_at:  # it passed just as its turn came
                if bucket is not None:
                    bucket.give_back()
                result = _late()
            # The time it waited for a slot or a token counts against the lease: the
            # send runs under a whole one.
            elif not await self._hold_lease(delivery.id, delivery.lease_expires_at):
                # The lease ran out while the delivery waited for its turn, and another
                # worker claimed the row: that attempt sends and records, not this one.
                log.info("lease_lost", delivery_id=delivery.id, channel=delivery.channel.value)
                if bucket is not None:
                    bucket.give_back()
                return _unrecorded(delivery)
            elif claimed and self._stopping:  # it stopped claiming while the lease was renewed
                if bucket is not None:
                    bucket.give_back()
                return _unrecorded(delivery)
            else:
                sending = self._sending[delivery.id] = time.monotonic()
                try:
                    result = await adapter.send(message)
                except Exception as exc:  # an adapter bug must not lose the delivery
                    log.exception(
                        "adapter_crashed", channel=message.channel.value, delivery_id=delivery.id
                    )
                    result = DeliveryResult.transient_failure(
                        "INTERNAL_ERROR", f"adapter error: {type(exc).__name__}"
                    )
                finally:
                    self._sending.pop(delivery.id, None)
                CHANNEL_METRICS[delivery.channel].latency.observe(time.monotonic() - sending)
        finally:
            if slots is not None:
                slots.release(delivery.lane)
        # A provider's 429 (RATE_LIMITED) slows the channel's bucket down, for no longer
        # than a retry may wait; a webhook's is one receiver's, not the whole channel's.
        if bucket is not None:
            if result.error_code == "RATE_LIMITED" and delivery.channel is not Channel.WEBHOOK:
                bucket.throttled(result.retry_after, self.retry.max_seconds)
            elif result.ok:
                bucket.succeeded()
        if recorded is None:
            recorded = await self._record(delivery, result)
        # Successes at debug: herald_deliveries_total and the provider latency histogram
        # count them, and a line per delivery cost 3-4% of a campaign's CPU. A send whose
        # outcome was fenced out (its lease taken over) is at info whatever it was, and
        # says so: the store holds the new holder's outcome, not this one, and an operator
        # tracing a second send to the same recipient needs this one.
        kept = recorded.outcome is not None
        (log.debug if result.ok and kept else log.info)(
            "delivery_attempt",
            delivery_id=delivery.id,
            request=delivery.request_id,
            channel=delivery.channel.value,
            attempt=attempt,
            ok=result.ok,
            error_code=result.error_code or None,
            seconds=round(time.monotonic() - started, 4),
            recorded=kept,
        )
        return await self._publish(delivery, content, recorded)

    async def _take_turn(
        self, delivery: Leased, slots: LaneSlots | None, bucket: TokenBucket | None, claimed: bool
    ) -> _Turn:
        """Wait for a slot, then a token, of the delivery's channel. NONE, holding neither,
        if its deadline passes first or, for a delivery claimed here, the dispatcher stops
        claiming first; CANCELLED, holding neither, if it had to wait and its campaign
        send was cancelled meanwhile."""
        if claimed and self._stopping:
            return _Turn.NONE
        lane = delivery.lane
        slot = slots is None or slots.try_acquire(lane)
        # Most turns find both free: taken without the timeout's cost (a timer and a
        # task lookup per attempt, 5-7% of one in a campaign's profile).
        if slot and (bucket is None or bucket.try_acquire(lane)):
            return _Turn.GO
        turn = False
        try:
            async with asyncio.timeout(delivery.deadline_at - time.time()) as waiting:
                if claimed:
                    self._waiting[delivery.id] = waiting
                if slots is not None and not slot:
                    await slots.acquire(lane)
                    slot = True
                if bucket is not None:
                    await bucket.acquire(lane)
                turn = True
        except TimeoutError:
            pass
        finally:
            self._waiting.pop(delivery.id, None)
            if slots is not None and slot and not turn:
                slots.release(lane)
        if not turn:
            return _Turn.NONE
        if lane is Lane.BULK and await self._send_cancelled(delivery):
            if slots is not None:
                slots.release(lane)
            if bucket is not None:
                bucket.give_back()
            return _Turn.CANCELLED
        return _Turn.GO

    async def _read_cancelled(self, send_ids: Sequence[str]) -> set[str]:
        # Looked up when read, not bound at __init__: dispatchers built for what does not
        # touch the store (tests of slots and shares) have no queue.
        return await self.queue.cancelled_sends(send_ids)

    async def _send_cancelled(self, delivery: Leased) -> bool:
        try:
            return await self._cancelled_sends.cancelled(delivery.request_id)
        except Exception as exc:
            # Sent as if not: a transient failure of it is still recorded cancelled.
            log.warning("cancel_check_failed", delivery_id=delivery.id, error=str(exc))
            return False

    async def _hold_lease(self, delivery_id: str, expires_at: float = 0.0) -> bool:
        """Whether this process still holds the delivery's lease, renewing it first if
        less than half of it is left (`expires_at`: as claimed, when it is not running
        here). No write while enough is left."""
        now = time.time()
        if self._running.get(delivery_id, expires_at) - now >= self.lease_seconds / 2:
            return True
        if not await self.queue.renew(delivery_id, self.owner, now, self.lease_seconds):
            return False
        if delivery_id in self._running:
            self._running[delivery_id] = now + self.lease_seconds
        return True

    async def _record(
        self,
        delivery: Leased,
        result: DeliveryResult,
        staged: Sequence[Op] = (),
        *,
        user_inbox: dict[str, Any] | None = None,
    ) -> _Recorded:
        """Record the attempt's outcome, in one transaction with any staged writes
        and the next step of a fallback chain. `user_inbox`: an In-App delivery's inbox
        row for a user the directory must hold; the outcome follows its write, `result`
        if it is stored, USER_NOT_FOUND if the directory does not hold the user."""
        now = time.time()
        attempt = delivery.attempts + 1
        results = [result] if user_inbox is None else [result, USER_NOT_FOUND]
        outcomes = [self._outcome(delivery, attempt, r, now) for r in results]
        # A chain step applies only with the outcome it follows (Queue.fallback_ops).
        chain = [op for outcome in outcomes for op in self._chain_ops(delivery, outcome, now)]
        try:
            if user_inbox is None:
                outcome = outcomes[0]
                recorded = await self.queue.record(outcome, now, [*staged, *chain])
            else:
                delivered, refused = outcomes
                recorded = await self.queue.record_inbox(user_inbox, delivered, refused, now, chain)
        except Exception as exc:
            if not staged and user_inbox is None:
                raise
            # The staged write failed with the outcome, so the delivery did not
            # happen: record that as a transient failure (retried like any other).
            log.exception("staged_write_failed", delivery_id=delivery.id)
            failure = DeliveryResult.transient_failure(
                "INTERNAL_ERROR", f"store error: {type(exc).__name__}"
            )
            return await self._record(delivery, failure)
        if recorded is None:
            return _Recorded(result, None, now, False)
        CHANNEL_METRICS[delivery.channel].outcome(recorded.state)
        # Not one of `outcomes` for a retry the store recorded cancelled (its campaign
        # send is cancelled): the attempt's own result is still what it came to.
        result = next((r for r, o in zip(results, outcomes, strict=True) if o is recorded), result)
        return _Recorded(result, recorded, now, _chains(delivery, recorded))

    async def _record_cancelled(self, delivery: Leased) -> _Recorded:
        """Record a delivery of a cancelled campaign send cancelled, unsent, under its
        lease (None, as `_record`, if it lost it)."""
        now = time.time()
        outcome = Outcome(
            delivery_id=delivery.id,
            request_id=delivery.request_id,
            lease_owner=self.owner,
            state=DeliveryState.CANCELLED,
            attempts=delivery.attempts,
            next_attempt_at=now,
            error_code=CANCELLED_CODE,
            error=CANCELLED_ERROR,
            permanent=True,
            completed_at=now,
        )
        result = DeliveryResult.permanent_failure(CANCELLED_CODE, CANCELLED_ERROR)
        recorded = await self.queue.record(outcome, now)
        if recorded is not None:
            CHANNEL_METRICS[delivery.channel].outcome(recorded.state)
        # A cancelled delivery moves no fallback chain on: the send is over.
        return _Recorded(result, recorded, now, False)

    def _chain_ops(self, delivery: Leased, outcome: Outcome, now: float) -> list[Op]:
        """The step of the delivery's fallback chain after `outcome`, if it takes one."""
        if not _chains(delivery, outcome):
            return []
        return self.queue.fallback_ops(outcome, delivery.position, now, self.lease_seconds)

    async def _publish(
        self, delivery: Leased, content: Content, recorded: _Recorded
    ) -> DeliveryView:
        """Publish a recorded outcome to the watchers; schedule what follows it."""
        outcome, now = recorded.outcome, recorded.now
        if outcome is None:  # fenced out: the store holds the new holder's state, not this
            log.info("lease_lost", delivery_id=delivery.id, channel=delivery.channel.value)
            return _unrecorded(delivery)
        view = _view(delivery, outcome, now)
        self.hub.publish(view)
        if outcome.state is DeliveryState.QUEUED:  # a retry is due then: claim it on time
            asyncio.get_running_loop().call_later(
                max(0.0, outcome.next_attempt_at - now) + 0.01, self.wake
            )
        if recorded.chain:
            await self._continue_chain(delivery, content)
        return view

    async def _continue_chain(self, delivery: Leased, content: Content) -> None:
        """Publish the skipped rest of a fallback chain, or run its next delivery
        (which the outcome's transaction leased to this process)."""
        for row in await self.queue.request_deliveries(delivery.request_id):
            if row.position <= delivery.position:
                continue
            view = DeliveryView.from_row(row)
            if view.state is DeliveryState.SKIPPED:
                self.hub.publish(view)
            elif view.state is DeliveryState.SENDING and row.lease_owner == self.owner:
                if row.id not in self._running:
                    self._start_attempt(Leased.from_row(row), content)
                return

    def _outcome(
        self, delivery: Leased, attempt: int, result: DeliveryResult, now: float
    ) -> Outcome:
        sms_encoding = result.sms.encoding if result.sms else ""
        sms_segments = result.sms.segments if result.sms else 0
        common: dict[str, Any] = {
            "delivery_id": delivery.id,
            "request_id": delivery.request_id,
            "lease_owner": self.owner,
            "attempts": attempt,
            "provider_message_id": result.provider_message_id,
            "sms_encoding": sms_encoding,
            "sms_segments": sms_segments,
        }
        if result.ok:
            return Outcome(
                state=DeliveryState.DELIVERED, next_attempt_at=now, completed_at=now, **common
            )
        failure: dict[str, Any] = {
            "error_code": result.error_code,
            "error": result.error,
            "permanent": result.permanent,
        }
        # A fallback chain moves on to its next channel rather than retrying this one.
        if not result.permanent and not delivery.fallback and attempt < self.retry.max_attempts:
            due = now + self.retry.delay(attempt, result.retry_after)
            if due <= delivery.deadline_at:
                return Outcome(state=DeliveryState.QUEUED, next_attempt_at=due, **failure, **common)
        return Outcome(
            state=DeliveryState.FAILED, next_attempt_at=now, completed_at=now, **failure, **common
        )

    # -- claiming from the queue --------------------------------------------

    def _free_slots(self, lane: Lane) -> int:
        free = self._capacity - len(self._inflight)
        if lane is Lane.BULK:
            since = self._since_transactional()
            if since < TRANSACTIONAL_QUIET:
                capacity = self._bulk_capacity_busy
            elif since < TRANSACTIONAL_IDLE:
                capacity = self._bulk_capacity
            else:
                capacity = self._bulk_capacity_quiet
            free = min(free, capacity - self._bulk_inflight)
        return free

    def _room(self, channel: Channel, lane: Lane) -> int:
        """How many more deliveries of `channel` a claim of `lane` may take here. Each lane
        counts its own: a campaign holding its share leaves transactional work room."""
        hold, bulk_hold = self._holds[channel]
        bulk_held = self._bulk_held[channel]
        if lane is Lane.BULK:
            return max(0, bulk_hold - bulk_held)
        return max(0, hold - (self._held[channel] - bulk_held))

    def _wake_if_roomy(self, channel: Channel) -> None:
        """Wake the claim loops that left `channel`'s rows for want of room once half its
        room is free again: a claim per half-room, not one per finished attempt."""
        for lane, full in self._full.items():
            if channel in full and self._half_free(channel, lane):
                full.discard(channel)
                self._wake[lane].set()

    def _half_free(self, channel: Channel, lane: Lane) -> bool:
        """At least half of what `lane` may hold of `channel` here is free."""
        return self._room(channel, lane) * 2 >= self._holds[channel][lane is Lane.BULK]

    def _claim_caps(self, lane: Lane) -> dict[Channel, int]:
        return {c: self._room(c, lane) for c, hold in self._holds.items() if hold[0] < NO_HOLD}

    def _claimed_all_room(
        self, lane: Lane, caps: Mapping[Channel, int], rows: Sequence[Mapping[str, Any]]
    ) -> bool:
        """Note the channels whose room the claim took in full (their rows may be waiting:
        _wake_if_roomy claims them when there is room); True if one of those has room
        again already (its attempts ended while the claim ran)."""
        taken = Counter(row["channel"] for row in rows)
        again = False
        for channel, cap in caps.items():
            if taken[channel.value] < cap:
                continue
            self._full[lane].add(channel)
            again = again or self._half_free(channel, lane)
        return again

    async def _claim_loop(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake[lane]
        refill = max(1, self._capacity // 4)
        backlog = False  # the last claim took all it asked for: more rows are waiting
        while not self._stopping:
            if self._elsewhere.get(lane, _never)():
                await asyncio.sleep(POLL_SECONDS)  # and look again: they may have stopped
                continue
            free = self._free_slots(lane)
            if free <= 0:
                self._slot_free.clear()
                await self._slot_free.wait()
                continue
            if backlog and free < refill:
                # Under a backlog, claim in batches rather than one transaction per
                # freed slot (the claims were a sixth of a campaign's CPU time).
                deadline = loop.time() + REFILL_WAIT
                while free < refill and (remaining := deadline - loop.time()) > 0:
                    self._slot_free.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._slot_free.wait(), remaining)
                    free = self._free_slots(lane)
                if self._stopping:
                    break
            # Cleared before the claim: work queued, or room made, while it runs is
            # claimed at once rather than after a poll.
            wake.clear()
            try:
                wanted = min(free, CLAIM_BATCH)
                caps = self._claim_caps(lane)
                rows = await self.queue.claim(
                    self.owner, lane.value, wanted, time.time(), self.lease_seconds, caps
                )
                backlog = len(rows) == wanted
                if rows and lane is Lane.TRANSACTIONAL:  # notifications, retries of sends
                    self.transactional_seen()
                if rows:
                    claimed = [Leased.from_row(row) for row in rows]
                    contents = await self._contents_for({d.request_id for d in claimed})
                    for leased in claimed:
                        if leased.id in self._running:
                            # Its lease ran out while its attempt here waited for a slot
                            # or a token: that attempt goes on, under the lease just taken.
                            self._running[leased.id] = leased.lease_expires_at
                            continue
                        self._start_attempt(
                            leased,
                            contents[leased.request_id],
                            bulk=leased.lane is Lane.BULK,
                            claimed=True,
                        )
                # Claim again at once if rows may be waiting that this process has room
                # for; not if the claim stopped only at full channels (a finished
                # attempt of one wakes this loop).
                full_again = self._claimed_all_room(lane, caps, rows)
                if backlog or full_again or (rows and not self._full[lane]):
                    continue
            except Exception:
                log.exception("claim_failed", lane=lane.value)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_SECONDS)

    def remember(self, request_id: str, content: Content, size: int) -> None:
        """Keep a request's content for its deliveries (a claim then need not read it);
        `size` is its length as stored, which bounds what the cache holds."""
        if (old := self._contents.pop(request_id, None)) is not None:
            self._content_bytes -= old[1]
        if size > CONTENT_CACHE_LARGEST:
            return
        self._contents[request_id] = (content, size)
        self._content_bytes += size
        while len(self._contents) > CONTENT_CACHE or self._content_bytes > CONTENT_CACHE_BYTES:
            self._content_bytes -= self._contents.popitem(last=False)[1][1]

    async def _contents_for(self, request_ids: set[str]) -> dict[str, Content]:
        found = {rid: self._contents[rid][0] for rid in request_ids if rid in self._contents}
        missing = [rid for rid in request_ids if rid not in found]
        if missing:
            for rid, (stored, brand_id) in (await self.queue.request_contents(missing)).items():
                found[rid] = content_codec.decode(stored, brand_id)
                self.remember(rid, found[rid], len(stored))
        return found

    # -- shutdown -----------------------------------------------------------

    def stop_claiming(self) -> None:
        """The first step of `stop`: claim nothing more. Attempts already running, and
        any `run` or a fallback chain starts until `stop` ends, still go ahead; claimed
        ones still waiting for a slot or a token stop waiting and send nothing (`stop`
        hands their leases back)."""
        self._stopping = True
        for event in self._wake.values():
            event.set()
        self._slot_free.set()
        for loop_task in self._loops:
            loop_task.cancel()
        now = asyncio.get_running_loop().time()
        for waiting in self._waiting.values():
            if not waiting.expired():
                waiting.reschedule(now)

    async def stop(self, grace: float) -> None:
        """Stop claiming, let in-flight deliveries finish within grace, hand back the rest.

        Waits for every attempt running here until one deadline, including those
        started meanwhile (a fallback chain's next step, a send RPC still in flight):
        a lease is handed back only once nothing here runs on it any more. Attempts
        still running at the deadline are cancelled (their deliveries are sent again
        by whoever claims them). The caller stops whatever calls `run` first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        self.stop_claiming()
        await asyncio.gather(*self._loops, return_exceptions=True)
        while self._inflight and (remaining := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._inflight), timeout=remaining)
        while self._inflight:  # past the deadline (cancelled ones start nothing new)
            pending = set(self._inflight)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._stopped = True
        if self._keeper is not None:
            self._keeper.cancel()
            await asyncio.gather(self._keeper, return_exceptions=True)
        released = await self.queue.release(self.owner, time.time())
        log.info("dispatcher_stopped", leases_released=released)
