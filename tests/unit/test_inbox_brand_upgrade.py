"""An upgrade keeps each brand's In-App messages in its own users' inboxes, on SQLite and
PostgreSQL: messages stored before inbox rows carried a brand (migration 0006), or
stored without one since, take their send's brand (migration 0010), and a delivery
queued before the upgrade (its stored content has no brand) is delivered into its
send's brand's inbox."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from herald.channels.inapp import InAppChannel
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.dispatcher import Dispatcher
from herald.dispatch.hub import Hub
from herald.dispatch.retry import RetryPolicy
from herald.store.database import Database
from herald.store.inbox import InboxStore
from herald.store.queue import Queue
from herald.store.schema import deliveries, inbox_messages, requests

from tests.support.rows import delivery_row, request_row

pytestmark = pytest.mark.backends("sqlite", "postgres")

BEFORE_INBOX_BRANDS = "0005"
BEFORE_BACKFILL = "0009"  # a store upgraded past 0006 already, its rows still ""
USER = "u1"


def inbox_row(delivery_id: str, title: str, now: float) -> dict[str, Any]:
    """As an In-App delivery wrote it before 0006 (no brand column) or since with none."""
    return {
        "id": delivery_id,
        "user_id": USER,
        "delivery_id": delivery_id,
        "title": title,
        "body": "b",
        "data": b"{}",
        "state": "unread",
        "created_at": now,
        "read_at": None,
        "updated_at": None,
    }


async def store_delivered(db: Database, brand_id: str, title: str, now: float) -> str:
    """A send of `brand_id`, its In-App delivery delivered, and the inbox row it wrote."""
    request_id = new_id()
    request = request_row(request_id, now)
    request["brand_id"] = brand_id
    delivery = delivery_row(
        request_id, 0, Channel.IN_APP.value, USER, Lane.TRANSACTIONAL.value, now
    )
    delivery.update(state=DeliveryState.DELIVERED.value, attempts=1, completed_at=now)
    async with db.engine.begin() as connection:
        await connection.execute(requests.insert(), [request])
        await connection.execute(deliveries.insert(), [delivery])
        await connection.execute(inbox_messages.insert(), [inbox_row(delivery["id"], title, now)])
    return str(delivery["id"])


async def titles(db: Database, brand_id: str) -> list[str]:
    rows, _ = await InboxStore(db).list_messages(USER, 50, None, False, True, brand_id)
    return sorted(row.title for row in rows)


@pytest.mark.parametrize("revision", [BEFORE_INBOX_BRANDS, BEFORE_BACKFILL])
async def test_inbox_messages_stored_without_a_brand_are_their_sends_brands_after_the_upgrade(
    db: Database, revision: str
) -> None:
    await db.migrate(revision)
    now = time.time()
    await store_delivered(db, "acme", "acme-confidential", now)
    await store_delivered(db, "globex", "globex-news", now)
    await store_delivered(db, "", "default-hello", now)
    # Its delivery (and request) purged: nothing says whose it was.
    async with db.engine.begin() as connection:
        await connection.execute(inbox_messages.insert(), [inbox_row(new_id(), "orphan", now)])

    await db.migrate()

    assert await titles(db, "acme") == ["acme-confidential"]
    assert await titles(db, "globex") == ["globex-news"]
    assert await titles(db, "") == ["default-hello", "orphan"]


async def test_a_delivery_queued_before_the_upgrade_lands_in_its_sends_brands_inbox(
    queue: Queue,
) -> None:
    now = time.time()
    request_id = new_id()
    # Content as stored before 0006: no "brand" key.
    stored = content_codec.encode(Content(subject="acme-queued", text="b"))
    assert b"brand" not in stored
    request = request_row(request_id, now, stored)
    request["brand_id"] = "acme"
    delivery = delivery_row(
        request_id, 0, Channel.IN_APP.value, USER, Lane.TRANSACTIONAL.value, now
    )
    await queue.enqueue(request, [delivery])
    dispatcher = Dispatcher(
        queue,
        {Channel.IN_APP: InAppChannel(queue.store_inbox)},
        Hub(),
        RetryPolicy(3, 0.01, 0.05),
        30.0,
        4,
    )
    try:
        with dispatcher.hub.watch(request_id) as updates:
            await dispatcher.start([Lane.TRANSACTIONAL])
            async with asyncio.timeout(30):
                while not (view := await updates.get()).state.final:
                    pass
    finally:
        await dispatcher.stop(1)

    assert view.state is DeliveryState.DELIVERED
    assert await titles(queue.db, "acme") == ["acme-queued"]
    assert await titles(queue.db, "") == []
