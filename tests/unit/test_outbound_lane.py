"""The adapter is told each delivery's lane (the email pool serves transactional
messages first with it). Real store, an email adapter that records what it is handed."""

from __future__ import annotations

import asyncio
import time

from herald.channels.base import DeliveryResult, OutboundMessage
from herald.core import content_codec
from herald.core.channel import Channel, Lane
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue

from tests.support.rows import delivery_row, request_row


class Recorder:
    channel = Channel.EMAIL

    def __init__(self) -> None:
        self.lanes: dict[str, Lane] = {}
        self.both = asyncio.Event()

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        self.lanes[message.recipient] = message.lane
        if len(self.lanes) == 2:
            self.both.set()
        return DeliveryResult.delivered()


async def test_each_message_carries_its_deliverys_lane(queue: Queue) -> None:
    now = time.time()
    for recipient, lane in (
        ("tx@example.com", Lane.TRANSACTIONAL),
        ("bulk@example.com", Lane.BULK),
    ):
        request_id = new_id()
        row = delivery_row(request_id, 0, Channel.EMAIL.value, recipient, lane.value, now)
        content = content_codec.encode(Content(subject="s", text="t"))
        await queue.enqueue(request_row(request_id, now, content), [row])
    recorder = Recorder()
    dispatcher = Dispatcher(
        queue, {Channel.EMAIL: recorder}, Hub(), RetryPolicy(3, 0.01, 0.05), 30.0, 8
    )
    await dispatcher.start()
    try:
        async with asyncio.timeout(30):
            await recorder.both.wait()
    finally:
        await dispatcher.stop(1)
    assert recorder.lanes == {"tx@example.com": Lane.TRANSACTIONAL, "bulk@example.com": Lane.BULK}
