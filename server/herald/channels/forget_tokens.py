"""Push tokens FCM calls unregistered are dropped from the directory, so no later
send tries them again (the result still reports UNREGISTERED_TOKEN to the caller)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from herald.channels.base import ChannelAdapter, DeliveryResult, OutboundMessage

log = structlog.get_logger("herald.channels")
UNREGISTERED = "UNREGISTERED_TOKEN"


class ForgetUnregisteredTokens:
    def __init__(
        self, push: ChannelAdapter, remove_token: Callable[[str], Awaitable[object]]
    ) -> None:
        self.push = push
        self.channel = push.channel
        self._remove_token = remove_token

    async def start(self) -> None:
        await self.push.start()

    async def close(self) -> None:
        await self.push.close()

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        result = await self.push.send(message)
        if result.error_code == UNREGISTERED:
            try:
                await self._remove_token(message.recipient)
            except Exception:  # the send's result stands; the token goes next time
                log.exception("push_token_removal_failed", delivery_id=message.delivery_id)
        return result
