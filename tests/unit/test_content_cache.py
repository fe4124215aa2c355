"""The dispatcher keeps each request's content (attachments included) so a claim need
not read it back from the store, within a budget of 64 MiB (README: it is the most a
process holds for that, however many large attachments are sent), oldest out first,
and without a content over a sixteenth of it. A delivery whose content is not kept
is sent with it as stored, attachments intact. Real store, an email adapter that
records what it is handed."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Collection

import pytest
from herald.channels.base import DeliveryResult, OutboundMessage
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.core.message import Attachment, Content
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.queue import Queue

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

MiB = 2**20
BUDGET = 64 * MiB  # as the README documents it
HELD = "held@example.com"  # its first attempt waits for the test, then fails transiently


class Recorder:
    """An email adapter: every message it is handed, by request."""

    channel = Channel.EMAIL

    def __init__(self) -> None:
        self.sent: dict[str, list[OutboundMessage]] = {}
        self.release = asyncio.Event()
        self._arrived = asyncio.Event()

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        self.sent.setdefault(message.message_id, []).append(message)
        self._arrived.set()
        if message.recipient == HELD and message.attempt == 1:
            await self.release.wait()
            return DeliveryResult.transient_failure("UNAVAILABLE", "try again")
        return DeliveryResult.delivered()

    async def wait_for(self, request_ids: Collection[str], count: int) -> None:
        """Until `count` messages of `request_ids` have been handed over in all."""
        async with asyncio.timeout(60):
            while sum(len(self.sent.get(r, ())) for r in request_ids) < count:
                self._arrived.clear()
                await self._arrived.wait()


@pytest.fixture
async def dispatcher(queue: Queue) -> AsyncIterator[Dispatcher]:
    started = Dispatcher(
        queue, {Channel.EMAIL: Recorder()}, Hub(), RetryPolicy(3, 0.01, 0.05), 30.0, 8
    )
    yield started
    await started.stop(1)


def recorder(dispatcher: Dispatcher) -> Recorder:
    adapter = dispatcher.adapters[Channel.EMAIL]
    assert isinstance(adapter, Recorder)
    return adapter


async def enqueue(queue: Queue, recipient: str, attachment: bytes, due: float) -> str:
    """A request with one attachment and one email delivery, due at `due`."""
    request_id = new_id()
    content = Content(
        subject="s", text="t", attachments=(Attachment("a.bin", "application/x-a", attachment),)
    )
    row = delivery_row(request_id, 0, Channel.EMAIL.value, recipient, Lane.TRANSACTIONAL.value, due)
    await queue.enqueue(request_row(request_id, due, content_codec.encode(content)), [row])
    return request_id


def attachments(message: OutboundMessage) -> list[bytes]:
    return [a.content for a in message.attachments]


async def test_the_cache_holds_no_more_than_its_budget_and_an_evicted_content_is_still_sent(
    queue: Queue, dispatcher: Dispatcher
) -> None:
    now = time.time()
    blobs: dict[str, bytes] = {}
    # Claimed first (due earliest), so its content is among the oldest kept.
    held_blob = os.urandom(MiB)
    held = await enqueue(queue, HELD, held_blob, now - 60)
    blobs[held] = held_blob
    for i in range(80):  # 80 MiB of attachments
        blob = os.urandom(MiB)
        blobs[await enqueue(queue, f"r{i}@example.com", blob, now)] = blob
    sent = recorder(dispatcher)

    await dispatcher.start([Lane.TRANSACTIONAL])
    await sent.wait_for(blobs, len(blobs))

    kept = sum(len(blobs[request_id]) for request_id in dispatcher._contents)
    assert kept <= BUDGET
    assert held not in set(dispatcher._contents)
    for request_id, blob in blobs.items():
        [message] = sent.sent[request_id]
        assert attachments(message) == [blob]

    # Its retry is claimed with the content read back from the store.
    with dispatcher.hub.watch(held) as updates:
        sent.release.set()
        async with asyncio.timeout(10):
            while not (view := await updates.get()).state.final:
                pass
    assert (view.state, view.attempts) == (DeliveryState.DELIVERED, 2)
    _, retry = sent.sent[held]
    assert (retry.attempt, attachments(retry)) == (2, [held_blob])


async def test_a_content_over_a_sixteenth_of_the_budget_is_sent_but_not_kept(
    queue: Queue, dispatcher: Dispatcher
) -> None:
    blob = os.urandom(5 * MiB)
    request_id = await enqueue(queue, "big@example.com", blob, time.time())
    sent = recorder(dispatcher)

    await dispatcher.start([Lane.TRANSACTIONAL])
    await sent.wait_for([request_id], 1)

    [message] = sent.sent[request_id]
    assert attachments(message) == [blob]
    assert request_id not in set(dispatcher._contents)
