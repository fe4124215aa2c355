"""Rows as the queue stores them, for tests that write to a store directly: a request,
and its deliveries queued for any worker or leased to one (store/queue.py's queued_row)."""

from __future__ import annotations

from typing import Any

from herald.core.channel import DeliveryState
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
