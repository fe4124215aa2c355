"""A delivery's state as the API reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from herald.core.channel import Channel, DeliveryState


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: str
    request_id: str
    position: int
    channel: Channel
    recipient: str
    user_id: str
    state: DeliveryState
    attempts: int
    error_code: str
    error: str
    permanent: bool
    provider_message_id: str
    sms_encoding: str
    sms_segments: int
    created_at: float
    updated_at: float
    next_attempt_at: float
    completed_at: float | None

    @property
    def success(self) -> bool:
        return self.state is DeliveryState.DELIVERED

    @classmethod
    def from_row(cls, row: Any) -> DeliveryView:
        return cls(
            id=row.id,
            request_id=row.request_id,
            position=row.position,
            channel=Channel(row.channel),
            recipient=row.recipient,
            user_id=row.user_id,
            state=DeliveryState(row.state),
            attempts=row.attempts,
            error_code=row.error_code,
            error=row.error,
            permanent=bool(row.permanent),
            provider_message_id=row.provider_message_id,
            sms_encoding=row.sms_encoding,
            sms_segments=row.sms_segments,
            created_at=row.created_at,
            updated_at=row.updated_at,
            next_attempt_at=row.next_attempt_at,
            completed_at=row.completed_at,
        )
