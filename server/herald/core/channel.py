"""The channels and delivery states as the domain knows them (no proto types)."""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    IN_APP = "in_app"
    WEBHOOK = "webhook"


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self not in (DeliveryState.QUEUED, DeliveryState.SENDING)


class Lane(enum.StrEnum):
    """Transactional sends (SendMessage*) are never starved by bulk work."""

    TRANSACTIONAL = "transactional"
    BULK = "bulk"
