"""Accepting a send: store it with its deliveries in one transaction, then run
it, or, for a repeated request_id, answer with what the first call did."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import structlog

from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.errors import AlreadyExistsError
from herald.core.idempotency import idempotency_key
from herald.core.ids import new_id
from herald.core.message import (
    Content,
    DispatchMode,
    MessageRequest,
    check_with_template,
    content_of,
    plan,
    validate,
)
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.people import People
from herald.logging import bound_request_id
from herald.store.queue import HELD, DuplicateRequestError, Queue

POLL_SECONDS = 0.2  # how often a waiting send re-reads the store
log = structlog.get_logger("herald.dispatch.sender")


@dataclass
class Accepted:
    message_id: str
    replayed: bool
    deliveries: list[DeliveryView]  # as they stood when accepted, in request order
    running: dict[str, asyncio.Task[DeliveryView]] = field(default_factory=dict)


class Sender:
    def __init__(
        self,
        queue: Queue,
        dispatcher: Dispatcher,
        delivery_deadline: float,
        send_wait: float,
        max_attachment_bytes: int,
        people: People | None = None,
    ) -> None:
        self.people = people
        self.max_attachment_bytes = max_attachment_bytes
        self.queue = queue
        self.dispatcher = dispatcher
        self.delivery_deadline = delivery_deadline
        self.send_wait = send_wait
        # Sends being stored and started (a task outlives a caller that gave up).
        self._starting: set[asyncio.Future[Any]] = set()

    async def send_message(
        self, request: MessageRequest, fingerprint: str, caller: str = "", brand_id: str = ""
    ) -> Accepted:
        """`caller` (auth.caller's subject) scopes the request_id; `brand_id` is
        the caller's brand: the directory and templates it reads, the brand stored."""
        key = idempotency_key("message", caller, request.request_id)
        if key is not None and (existing := await self.queue.find_request(key)) is not None:
            return await self._replay(existing, fingerprint, caller, brand_id)
        resolved = None
        # A template or message type gives the content with or without a user.
        looked_up = request.template_id or request.message_type
        if self.people is not None and (request.user_id or request.delivery_method or looked_up):
            request, resolved = await self.people.resolve(request, brand_id=brand_id)
        validate(request, self.max_attachment_bytes)
        if resolved is not None:
            check_with_template(
                [len(a.content) for a in resolved.attachments], self.max_attachment_bytes
            )
        content = dataclasses.replace(
            resolved or content_of(request),
            brand_id=brand_id,
            call_request_id=bound_request_id(),
        )
        message_id = new_id()
        now = time.time()
        stored = content_codec.encode(content)
        request_row = {
            "id": message_id,
            "kind": "message",
            "idempotency_key": key,
            "fingerprint": fingerprint,
            "caller": caller,
            "brand_id": brand_id,
            "content": stored,
            "summary": None,
            "created_at": now,
        }
        # Leased to this process from the start: the attempt runs right away,
        # and if the process dies the lease expires and any worker takes over.
        # In a fallback chain only the first is leased; the others are held
        # until the one before them fails.
        fallback = request.mode is DispatchMode.FALLBACK
        rows = []
        for position, planned in enumerate(plan(request)):
            runs_now = not fallback or position == 0
            rows.append(
                {
                    "id": new_id(),
                    "request_id": message_id,
                    "position": position,
                    "channel": planned.channel.value,
                    "recipient": planned.recipient,
                    "user_id": planned.user_id,
                    "lane": Lane.TRANSACTIONAL.value,
                    "state": (DeliveryState.SENDING if runs_now else DeliveryState.QUEUED).value,
                    "attempts": 0,
                    "next_attempt_at": now if runs_now else HELD,
                    "lease_owner": self.dispatcher.owner if runs_now else None,
                    "lease_expires_at": now + self.dispatcher.lease_seconds if runs_now else None,
                    "deadline_at": now + self.delivery_deadline,
                    "created_at": now,
                    "updated_at": now,
                    "fallback": fallback,
                }
            )
        start = asyncio.ensure_future(
            self._store_and_start(request_row, rows, content, len(stored))
        )
        self._starting.add(start)
        start.add_done_callback(self._started)
        try:
            # Shielded: a caller whose deadline passes while the send is being stored
            # does not stop its rows committing (the writer commits them regardless),
            # so it must not stop their attempts starting either; else they would wait,
            # leased to this process, until their leases ran out.
            running = await asyncio.shield(start)
        except DuplicateRequestError:
            existing = await self.queue.find_request(key or "")
            assert existing is not None
            return await self._replay(existing, fingerprint, caller, brand_id)
        views = [_pending_view(row) for row in rows]
        return Accepted(message_id, False, views, running)

    async def _store_and_start(
        self, request_row: dict[str, Any], rows: list[dict[str, Any]], content: Content, size: int
    ) -> dict[str, asyncio.Task[DeliveryView]]:
        await self.queue.enqueue(request_row, rows)
        self.dispatcher.remember(request_row["id"], content, size)
        leased = [Leased.from_row(row) for row in rows if row["lease_owner"] is not None]
        tasks = self.dispatcher.run(leased, content)
        return {d.id: t for d, t in zip(leased, tasks, strict=True)}

    def _started(self, start: asyncio.Future[Any]) -> None:
        """A store-and-start ended; one whose caller had gone has nobody to tell."""
        self._starting.discard(start)
        if start.cancelled():
            return
        error = start.exception()  # retrieved either way: no "never retrieved" at exit
        if error is not None and not isinstance(error, DuplicateRequestError):
            log.warning("send_not_stored", error=f"{type(error).__name__}: {error}")

    async def _replay(
        self, existing: Any, fingerprint: str, caller: str, brand_id: str
    ) -> Accepted:
        # The same subject acting for another brand reuses nothing of this one. Nor does
        # another caller: a key stored before request_ids were escaped can equal its key.
        if (
            existing.fingerprint != fingerprint
            or existing.caller != caller
            or existing.brand_id != brand_id
        ):
            raise AlreadyExistsError(
                "request_id was already used for a different request", "REQUEST_ID_REUSED"
            )
        message_id = existing.id
        rows = await self.queue.request_deliveries(message_id)
        return Accepted(message_id, True, [DeliveryView.from_row(r) for r in rows])

    async def results(self, accepted: Accepted, within: float | None) -> list[DeliveryView]:
        """Every delivery's result, waiting up to `within` seconds for the unfinished ones."""
        latest = {view.id: view for view in accepted.deliveries}
        settled: set[str] = set()
        running = accepted.running
        if running and len(running) == len(latest):
            # The common case: every delivery's first attempt is running here;
            # wait for the attempts themselves (no hub watch needed).
            deadline = time.monotonic() + self._budget(within)
            await asyncio.wait(running.values(), timeout=deadline - time.monotonic())
            for delivery_id, task in running.items():
                if task.done() and not task.cancelled() and task.exception() is None:
                    view = task.result()
                    latest[delivery_id] = view
                    if view.state.final:
                        settled.add(delivery_id)
            if len(settled) < len(latest):  # retrying: wait for the rest as below
                rest = Accepted(accepted.message_id, accepted.replayed, list(latest.values()))
                async for view in self.completions(rest, max(0.0, deadline - time.monotonic())):
                    latest[view.id] = view
                    settled.add(view.id)
        else:
            async for view in self.completions(accepted, within):
                latest[view.id] = view
                settled.add(view.id)
        if len(settled) < len(latest):  # still retrying: report where each stands
            for row in await self.queue.request_deliveries(accepted.message_id):
                if row.id not in settled:
                    latest[row.id] = DeliveryView.from_row(row)
        return [latest[view.id] for view in accepted.deliveries]

    def _budget(self, within: float | None) -> float:
        return self.send_wait if within is None else min(within, self.send_wait)

    async def completions(
        self, accepted: Accepted, within: float | None
    ) -> AsyncIterator[DeliveryView]:
        """Yield each delivery's final result the moment it is known.

        A delivery whose attempt failed transiently is retried by the queue; its
        result comes when a later attempt settles it. Waits at most `within`
        seconds (or the configured send wait); what is unfinished then is left
        to the queue and not yielded.
        """
        deadline = time.monotonic() + self._budget(within)
        with self.dispatcher.hub.watch(accepted.message_id) as updates:
            waiting: set[str] = set()
            for view in accepted.deliveries:
                if view.state.final:
                    yield view
                else:
                    waiting.add(view.id)
            running = set(accepted.running.values())
            # The common case: every first attempt settles its delivery.
            while running and waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                done, running = await asyncio.wait(
                    running, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    if task.cancelled() or task.exception() is not None:
                        continue
                    view = task.result()
                    if view.id in waiting and view.state.final:
                        waiting.discard(view.id)
                        yield view
            # Retries, fallback chains and replays: the hub, with the store as backstop.
            while waiting:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                try:
                    fresh = [await asyncio.wait_for(updates.get(), min(remaining, POLL_SECONDS))]
                    while not updates.empty():
                        fresh.append(updates.get_nowait())
                except TimeoutError:
                    fresh = [
                        DeliveryView.from_row(row)
                        for row in await self.queue.request_deliveries(accepted.message_id)
                    ]
                for view in fresh:
                    if view.id in waiting and view.state.final:
                        waiting.discard(view.id)
                        yield view


def _pending_view(row: dict[str, Any]) -> DeliveryView:
    return DeliveryView(
        id=row["id"],
        request_id=row["request_id"],
        position=row["position"],
        channel=Channel(row["channel"]),
        recipient=row["recipient"],
        user_id=row["user_id"],
        state=DeliveryState(row["state"]),
        attempts=row["attempts"],
        error_code="",
        error="",
        permanent=False,
        provider_message_id="",
        sms_encoding="",
        sms_segments=0,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        next_attempt_at=row["next_attempt_at"],
        completed_at=None,
    )
