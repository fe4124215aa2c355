"""The one small Protocol every channel adapter implements.

An adapter turns an OutboundMessage into a DeliveryResult. It never raises for
a provider failure: it classifies it as permanent (retrying cannot help) or
transient (retry later, honouring retry_after when the provider gave one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from herald.core.channel import Channel, Lane


@dataclass(frozen=True, slots=True)
class AttachmentData:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    delivery_id: str  # stable across attempts: the idempotency key sent to the peer
    message_id: str  # the request (message or notification) this delivery belongs to
    channel: Channel
    recipient: str  # email address, E.164 number, push token, URL or user id
    user_id: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[AttachmentData, ...] = ()
    data: Mapping[str, str] = field(default_factory=dict)
    attempt: int = 1
    brand_id: str = ""
    lane: Lane = Lane.TRANSACTIONAL  # a bulk message may wait behind transactional ones


@dataclass(frozen=True, slots=True)
class SmsInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    ok: bool
    permanent: bool = False
    error_code: str = ""
    error: str = ""
    retry_after: float | None = None  # seconds, from the provider (Retry-After)
    provider_message_id: str = ""
    sms: SmsInfo | None = None

    @classmethod
    def delivered(cls, provider_message_id: str = "", sms: SmsInfo | None = None) -> DeliveryResult:
        return cls(ok=True, provider_message_id=provider_message_id, sms=sms)

    @classmethod
    def permanent_failure(cls, code: str, error: str) -> DeliveryResult:
        return cls(ok=False, permanent=True, error_code=code, error=error)

    @classmethod
    def transient_failure(
        cls, code: str, error: str, retry_after: float | None = None
    ) -> DeliveryResult:
        return cls(ok=False, permanent=False, error_code=code, error=error, retry_after=retry_after)


class ChannelAdapter(Protocol):
    """A channel's delivery mechanism. start() runs inside the server's event loop."""

    channel: Channel

    async def start(self) -> None: ...

    async def send(self, message: OutboundMessage) -> DeliveryResult: ...

    async def close(self) -> None: ...
