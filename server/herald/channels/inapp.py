"""In-App channel: the message lands in the user's inbox (InboxService reads it)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.core.channel import Channel

InboxWriter = Callable[[dict[str, object]], Awaitable[None]]


class InAppChannel:
    channel = Channel.IN_APP

    def __init__(self, write_inbox: InboxWriter) -> None:
        self._write_inbox = write_inbox

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        # The inbox message takes the delivery's id: a redelivery after a crash
        # adds no second message.
        await self._write_inbox(
            {
                "id": message.delivery_id,
                "user_id": message.recipient,
                "delivery_id": message.delivery_id,
                "title": message.subject,
                "body": message.text,
                "data": json.dumps(dict(message.data)).encode(),
                "state": "unread",
                "created_at": time.time(),
                "read_at": None,
            }
        )
        return DeliveryResult.delivered(provider_message_id=message.delivery_id)
