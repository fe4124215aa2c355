"""An upgrade keeps each brand's In-App messages in its own users' inboxes, on SQLite and
PostgreSQL: messages stored before inbox rows carried a brand (migration 0006), or
stored without one since, take their send's brand (migration 0010)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.ids import new_id
from herald.store.database import Database
from herald.store.inbox import InboxStore
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
