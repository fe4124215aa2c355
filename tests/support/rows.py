"""Rows as the queue stores them, for tests that write to a store directly: a request,
and its deliveries queued for any worker or leased to one (store/queue.py's queued_row)."""

from __future__ import annotations

import dataclasses
from typing import Any

from herald.core.channel import Channel, DeliveryState
from herald.core.delivery import DeliveryView
from herald.store.queue import queued_row

DEADLINE_SECONDS = 3600.0


def request_row(request_id: str, now: float, content: bytes = b"{}") -> dict[str, Any]:
    return {
        "id": request_id,
        "kind": "notification",
        "idempotency_key": None,
        "fingerprint": "f",
        "caller": "",
        "brand_id": "",
        "content": content,
        "summary": None,
        "created_at": now,
    }


def delivery_row(
    request_id: str,
    position: int,
    channel: str,
    recipient: str,
    lane: str,
    now: float,
    leased_to: str | None = None,
    lease_seconds: float = 60.0,
) -> dict[str, Any]:
    """Due now; with `leased_to`, already claimed by that owner for `lease_seconds`."""
    row = queued_row(
        request_id, position, channel, recipient, "", lane, now, now + DEADLINE_SECONDS
    )
    if leased_to is not None:
        row.update(
            state=DeliveryState.SENDING.value,
            lease_owner=leased_to,
            lease_expires_at=now + lease_seconds,
        )
    return row


def delivery_view(**fields: object) -> DeliveryView:
    """A delivered In-App delivery as watchers see it, with `fields` changed."""
    base = DeliveryView(
        id="d1",
        request_id="r1",
        position=0,
        channel=Channel.IN_APP,
        recipient="alice",
        user_id="alice",
        state=DeliveryState.DELIVERED,
        attempts=1,
        error_code="",
        error="",
        permanent=False,
        provider_message_id="d1",
        sms_encoding="",
        sms_segments=0,
        created_at=1.0,
        updated_at=2.0,
        next_attempt_at=1.0,
        completed_at=2.0,
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]
