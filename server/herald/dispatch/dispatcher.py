"""Runs deliveries: the ones a send RPC just leased to itself, and any due or
orphaned ones it claims from the queue. Every outcome is recorded before it is
published, so a watcher never sees a state the store does not have."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from herald.channels.base import AttachmentData, ChannelAdapter, DeliveryResult, OutboundMessage
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Outcome, Queue

log = structlog.get_logger("herald.dispatch")

POLL_SECONDS = 1.0
CLAIM_BATCH = 100
CONTENT_CACHE = 2048


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

    @classmethod
    def from_row(cls, row: Any) -> Leased:
        def get(key: str) -> Any:
            return row[key] if isinstance(row, Mapping) else getattr(row, key)

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
        )


class Dispatcher:
    def __init__(
        self,
        queue: Queue,
        adapters: Mapping[Channel, ChannelAdapter],
        hub: Hub,
        retry: RetryPolicy,
        lease_seconds: float,
        workers: int,
    ) -> None:
        self.queue = queue
        self.adapters = dict(adapters)
        self.hub = hub
        self.retry = retry
        self.lease_seconds = lease_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{new_id()[-8:]}"
        self._capacity = workers
        self._inflight: set[asyncio.Task[DeliveryView]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self._slot_free = asyncio.Event()
        self._contents: OrderedDict[str, Content] = OrderedDict()
        self._stopping = False

    async def start(self) -> None:
        for lane in (Lane.TRANSACTIONAL, Lane.BULK):
            self._loops.append(asyncio.create_task(self._claim_loop(lane), name=f"claim-{lane}"))

    def wake(self) -> None:
        self._wake.set()

    # -- running deliveries ---------------------------------------------------

    def run(
        self, deliveries: Sequence[Leased], content: Content
    ) -> list[asyncio.Task[DeliveryView]]:
        """Start an attempt for each leased delivery; the tasks outlive the caller's RPC."""
        self._remember(deliveries[0].request_id if deliveries else "", content)
        return [self._spawn(self._attempt(d, content)) for d in deliveries]

    def _spawn(self, coro: Any) -> asyncio.Task[DeliveryView]:
        task: asyncio.Task[DeliveryView] = asyncio.create_task(coro)
        self._inflight.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[DeliveryView]) -> None:
        self._inflight.discard(task)
        self._slot_free.set()

    async def _attempt(self, delivery: Leased, content: Content) -> DeliveryView:
        attempt = delivery.attempts + 1
        adapter = self.adapters.get(delivery.channel)
        if adapter is None:
            result = DeliveryResult.permanent_failure(
                "CHANNEL_NOT_CONFIGURED", f"the {delivery.channel.value} channel is not configured"
            )
        else:
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
                    AttachmentData(a.filename, a.content_type, a.content)
                    for a in content.attachments
                ),
                data=content.data,
                attempt=attempt,
            )
            started = time.monotonic()
            try:
                result = await adapter.send(message)
            except Exception as exc:  # an adapter bug must not lose the delivery
                log.exception(
                    "adapter_crashed", channel=delivery.channel.value, delivery_id=delivery.id
                )
                result = DeliveryResult.transient_failure(
                    "INTERNAL_ERROR", f"adapter error: {type(exc).__name__}"
                )
            log.info(
                "delivery_attempt",
                delivery_id=delivery.id,
                request=delivery.request_id,
                channel=delivery.channel.value,
                attempt=attempt,
                ok=result.ok,
                error_code=result.error_code or None,
                seconds=round(time.monotonic() - started, 4),
            )
        now = time.time()
        outcome = self._outcome(delivery, attempt, result, now)
        await self.queue.record(outcome, now)
        view = DeliveryView(
            id=delivery.id,
            request_id=delivery.request_id,
            position=delivery.position,
            channel=delivery.channel,
            recipient=delivery.recipient,
            user_id=delivery.user_id,
            state=outcome.state,
            attempts=attempt,
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
        self.hub.publish(view)
        return view

    def _outcome(
        self, delivery: Leased, attempt: int, result: DeliveryResult, now: float
    ) -> Outcome:
        sms_encoding = result.sms.encoding if result.sms else ""
        sms_segments = result.sms.segments if result.sms else 0
        common: dict[str, Any] = {
            "delivery_id": delivery.id,
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
        if not result.permanent and attempt < self.retry.max_attempts:
            due = now + self.retry.delay(attempt, result.retry_after)
            if due <= delivery.deadline_at:
                return Outcome(state=DeliveryState.QUEUED, next_attempt_at=due, **failure, **common)
        return Outcome(
            state=DeliveryState.FAILED, next_attempt_at=now, completed_at=now, **failure, **common
        )

    # -- claiming from the queue --------------------------------------------

    async def _claim_loop(self, lane: Lane) -> None:
        while not self._stopping:
            free = self._capacity - len(self._inflight)
            if free <= 0:
                self._slot_free.clear()
                await self._slot_free.wait()
                continue
            try:
                rows = await self.queue.claim(
                    self.owner, lane.value, min(free, CLAIM_BATCH), time.time(), self.lease_seconds
                )
                if rows:
                    contents = await self._contents_for({row.request_id for row in rows})
                    for row in rows:
                        self._spawn(self._attempt(Leased.from_row(row), contents[row.request_id]))
                    continue
            except Exception:
                log.exception("claim_failed", lane=lane.value)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    def _remember(self, request_id: str, content: Content) -> None:
        self._contents[request_id] = content
        self._contents.move_to_end(request_id)
        while len(self._contents) > CONTENT_CACHE:
            self._contents.popitem(last=False)

    async def _contents_for(self, request_ids: set[str]) -> dict[str, Content]:
        found = {rid: self._contents[rid] for rid in request_ids if rid in self._contents}
        missing = [rid for rid in request_ids if rid not in found]
        if missing:
            for rid, row in (await self.queue.get_requests(missing)).items():
                found[rid] = content_codec.decode(row.content)
                self._remember(rid, found[rid])
        return found

    # -- shutdown -----------------------------------------------------------

    async def stop(self, grace: float) -> None:
        """Stop claiming, let in-flight deliveries finish within grace, hand back the rest."""
        self._stopping = True
        self._wake.set()
        self._slot_free.set()
        for loop_task in self._loops:
            loop_task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        if self._inflight:
            _, pending = await asyncio.wait(set(self._inflight), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        released = await self.queue.release(self.owner, time.time())
        log.info("dispatcher_stopped", leases_released=released)
