"""Accepting a send: store it with its deliveries in one transaction, then run
it, or, for a repeated request_id, answer with what the first call did."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.errors import AlreadyExistsError
from herald.core.ids import new_id
from herald.core.message import MessageRequest, content_of, plan, validate
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.store.queue import DuplicateRequestError, Queue

REPLAY_POLL_SECONDS = 0.2


@dataclass
class Accepted:
    message_id: str
    replayed: bool
    deliveries: list[DeliveryView]  # as they stood when accepted, in request order
    running: dict[str, asyncio.Task[DeliveryView]] = field(default_factory=dict)


class Sender:
    def __init__(self, queue: Queue, dispatcher: Dispatcher, delivery_deadline: float) -> None:
        self.queue = queue
        self.dispatcher = dispatcher
        self.delivery_deadline = delivery_deadline

    async def send_message(
        self, request: MessageRequest, fingerprint: str, caller: str = ""
    ) -> Accepted:
        validate(request)
        key = f"message:{caller}:{request.request_id}" if request.request_id else None
        if key is not None and (existing := await self.queue.find_request(key)) is not None:
            return await self._replay(existing.id, existing.fingerprint, fingerprint)
        content = content_of(request)
        message_id = new_id()
        now = time.time()
        request_row = {
            "id": message_id,
            "kind": "message",
            "idempotency_key": key,
            "fingerprint": fingerprint,
            "caller": caller,
            "brand_id": "",
            "content": content_codec.encode(content),
            "summary": None,
            "created_at": now,
        }
        # Leased to this process from the start: the attempt runs right away,
        # and if the process dies the lease expires and any worker takes over.
        rows = [
            {
                "id": new_id(),
                "request_id": message_id,
                "position": position,
                "channel": planned.channel.value,
                "recipient": planned.recipient,
                "user_id": planned.user_id,
                "lane": Lane.TRANSACTIONAL.value,
                "state": DeliveryState.SENDING.value,
                "attempts": 0,
                "next_attempt_at": now,
                "lease_owner": self.dispatcher.owner,
                "lease_expires_at": now + self.dispatcher.lease_seconds,
                "deadline_at": now + self.delivery_deadline,
                "created_at": now,
                "updated_at": now,
            }
            for position, planned in enumerate(plan(request))
        ]
        try:
            await self.queue.enqueue(request_row, rows)
        except DuplicateRequestError:
            existing = await self.queue.find_request(key or "")
            assert existing is not None
            return await self._replay(existing.id, existing.fingerprint, fingerprint)
        leased = [Leased.from_row(row) for row in rows]
        tasks = self.dispatcher.run(leased, content)
        views = [_pending_view(row) for row in rows]
        return Accepted(
            message_id, False, views, {d.id: t for d, t in zip(leased, tasks, strict=True)}
        )

    async def _replay(self, message_id: str, stored: str, fingerprint: str) -> Accepted:
        if stored != fingerprint:
            raise AlreadyExistsError(
                "request_id was already used for a different request", "REQUEST_ID_REUSED"
            )
        rows = await self.queue.request_deliveries(message_id)
        return Accepted(message_id, True, [DeliveryView.from_row(r) for r in rows])

    async def results(self, accepted: Accepted, within: float | None) -> list[DeliveryView]:
        """Every delivery's result, waiting up to `within` seconds for the unfinished ones."""
        latest = {view.id: view for view in accepted.deliveries}
        async for view in self.completions(accepted, within):
            latest[view.id] = view
        return [latest[view.id] for view in accepted.deliveries]

    async def completions(
        self, accepted: Accepted, within: float | None
    ) -> AsyncIterator[DeliveryView]:
        """Yield each delivery's result the moment its attempt completes."""
        loop_deadline = None if within is None else time.monotonic() + within
        if accepted.running:
            pending: set[asyncio.Task[DeliveryView]] = set(accepted.running.values())
            for view in accepted.deliveries:
                if view.id not in accepted.running:
                    yield view
            while pending:
                remaining = (
                    None if loop_deadline is None else max(0.0, loop_deadline - time.monotonic())
                )
                done, pending = await asyncio.wait(
                    pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                if not done:
                    return
                for task in done:
                    yield task.result()
            return
        async for view in self._await_recorded(
            accepted.message_id, accepted.deliveries, loop_deadline
        ):
            yield view

    async def _await_recorded(
        self, message_id: str, views: Sequence[DeliveryView], loop_deadline: float | None
    ) -> AsyncIterator[DeliveryView]:
        """For a replay: results already recorded at once, the rest as the store records them."""
        waiting = set()
        for view in views:
            if _settled(view):
                yield view
            else:
                waiting.add(view.id)
        with self.dispatcher.hub.watch(message_id) as updates:
            while waiting:
                if loop_deadline is not None and time.monotonic() >= loop_deadline:
                    return
                timeout = REPLAY_POLL_SECONDS
                if loop_deadline is not None:
                    timeout = min(timeout, max(0.0, loop_deadline - time.monotonic()))
                try:
                    update = await asyncio.wait_for(updates.get(), timeout)
                    fresh = [update]
                except TimeoutError:
                    fresh = [
                        DeliveryView.from_row(r)
                        for r in await self.queue.request_deliveries(message_id)
                    ]
                for view in fresh:
                    if view.id in waiting and _settled(view):
                        waiting.discard(view.id)
                        yield view


def _settled(view: DeliveryView) -> bool:
    """An attempt has completed (a retry may still be scheduled)."""
    return view.state is not DeliveryState.SENDING


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
