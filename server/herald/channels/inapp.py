"""In-App channel: the message lands in the user's inbox (InboxService reads it).

Delivering is a write to our own store, so the dispatcher does not call send():
it commits the inbox row (`inbox_row`) in the same transaction as the
delivery's outcome, one commit instead of two, and never an inbox message
whose delivery is not recorded. send() does the same write on its own, for any
caller that only knows the ChannelAdapter Protocol.

With HERALD_IN_APP_REQUIRE_USER (`user_exists` given) a user id the directory does
not hold in the send's brand is refused (`refusal`: USER_NOT_FOUND, permanent), and
the inbox write is one that stores nothing for a user deleted since the check.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.core.channel import Channel

InboxWriter = Callable[[dict[str, object]], Awaitable[None]]
UserExists = Callable[[str, str], Awaitable[bool]]  # (brand_id, user_id)


class InAppChannel:
    channel = Channel.IN_APP

    def __init__(self, write_inbox: InboxWriter, user_exists: UserExists | None = None) -> None:
        self._write_inbox = write_inbox
        self._user_exists = user_exists

    @property
    def requires_user(self) -> bool:
        return self._user_exists is not None

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    @staticmethod
    def inbox_row(message: OutboundMessage) -> dict[str, object]:
        # The inbox message takes the delivery's id: a redelivery after a crash
        # adds no second message. Its created_at is the store's, taken as the row is
        # written (Queue.inbox_op).
        return {
            "id": message.delivery_id,
            "user_id": message.recipient,
            "brand_id": message.brand_id,
            "delivery_id": message.delivery_id,
            "title": message.subject,
            "body": message.text,
            "data": json.dumps(dict(message.data)).encode() if message.data else b"{}",
            "state": "unread",
            "read_at": None,
        }

    @staticmethod
    def delivered(message: OutboundMessage) -> DeliveryResult:
        return DeliveryResult.delivered(provider_message_id=message.delivery_id)

    async def refusal(self, message: OutboundMessage) -> DeliveryResult | None:
        """USER_NOT_FOUND for a user the directory must hold and does not; else None."""
        if self._user_exists is None or await self._user_exists(
            message.brand_id, message.recipient
        ):
            return None
        return DeliveryResult.permanent_failure("USER_NOT_FOUND", "User not found")

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        refused = await self.refusal(message)
        if refused is not None:
            return refused
        await self._write_inbox(self.inbox_row(message))
        return self.delivered(message)
