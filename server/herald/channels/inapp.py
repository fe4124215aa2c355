"""In-App channel: the message lands in the user's inbox (InboxService reads it).

Delivering is a write to our own store, so the dispatcher does not call send():
it commits the inbox row (`inbox_row`) in the same transaction as the
delivery's outcome, one commit instead of two, and never an inbox message
whose delivery is not recorded. send() does the same write on its own, for any
caller that only knows the ChannelAdapter Protocol.

With HERALD_IN_APP_REQUIRE_USER (`requires_user`) the inbox row is stored only if
the directory holds its user in the send's brand as it is written, and the outcome
follows the write: delivered if the row is stored (now, or by an earlier attempt),
USER_NOT_FOUND (permanent) if not. No lookup before the write: a user deleted after
one would have been delivered to with no message stored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.core.channel import Channel

# (row, known_user) -> whether the row is stored; with known_user, only for a user the
# directory holds (Queue.store_inbox).
InboxWriter = Callable[[dict[str, object], bool], Awaitable[bool]]

USER_NOT_FOUND = DeliveryResult.permanent_failure("USER_NOT_FOUND", "User not found")


class InAppChannel:
    channel = Channel.IN_APP

    def __init__(self, write_inbox: InboxWriter, requires_user: bool = False) -> None:
        self._write_inbox = write_inbox
        self.requires_user = requires_user

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

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        if await self._write_inbox(self.inbox_row(message), self.requires_user):
            return self.delivered(message)
        return USER_NOT_FOUND
