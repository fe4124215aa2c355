"""The In-App inbox write for HERALD_IN_APP_REQUIRE_USER, on SQLite and PostgreSQL:
it stores a message only for a user the directory holds in the message's brand,
and one racing a DeleteUser of that user waits for it and then stores nothing (no
message for a deleted user, which one created again with the same id would see)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from herald.channels.base import OutboundMessage
from herald.channels.inapp import InAppChannel
from herald.core.channel import Channel
from herald.core.directory import User
from herald.core.ids import new_id
from herald.store.directory import Directory
from herald.store.queue import Queue
from herald.store.schema import inbox_messages, users

pytestmark = pytest.mark.backends("sqlite", "postgres")


@pytest.fixture
def brand() -> str:
    return f"brand-{uuid.uuid4().hex[:8]}"


def row(brand_id: str, user_id: str) -> dict[str, object]:
    delivery_id = new_id()
    message = OutboundMessage(
        delivery_id=delivery_id,
        message_id=new_id(),
        channel=Channel.IN_APP,
        recipient=user_id,
        user_id=user_id,
        subject="Hi",
        text="Hello",
        data={"k": "v"},
        brand_id=brand_id,
    )
    return InAppChannel.inbox_row(message)


async def inbox(queue: Queue, brand_id: str) -> list[tuple[str, str]]:
    async with queue.db.engine.connect() as connection:
        result = await connection.execute(
            sa.select(inbox_messages.c.user_id, inbox_messages.c.title)
            .where(inbox_messages.c.brand_id == brand_id)
            .order_by(inbox_messages.c.user_id)
        )
        return [tuple(r) for r in result]


async def test_only_a_user_of_the_brand_gets_the_message(queue: Queue, brand: str) -> None:
    directory = Directory(queue.db)
    await directory.create_user(brand, User(id="ada"))
    await directory.create_user("other-brand", User(id="bob"))
    assert await directory.user_exists(brand, "ada")
    assert not await directory.user_exists(brand, "bob")

    ada = row(brand, "ada")
    await queue.writer.write(
        [queue.inbox_op(r, known_user=True) for r in (ada, row(brand, "bob"), row(brand, "cy"))]
    )
    # A redelivery after a crash adds no second message.
    await queue.writer.write([queue.inbox_op(ada, known_user=True)])

    assert await inbox(queue, brand) == [("ada", "Hi")]


async def test_a_write_racing_a_delete_user_waits_for_it_and_stores_nothing(
    queue: Queue, brand: str
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    # Directory.delete_user's statements, held open while the inbox write runs.
    async with queue.db.engine.begin() as deleting:
        await deleting.execute(users.delete().where(users.c.brand_id == brand, users.c.id == "ada"))
        write = asyncio.create_task(
            queue.writer.write([queue.inbox_op(row(brand, "ada"), known_user=True)])
        )
        await asyncio.sleep(0.5)
        assert not write.done(), "the write must wait for the delete to commit"
        await deleting.execute(
            inbox_messages.delete().where(
                inbox_messages.c.brand_id == brand, inbox_messages.c.user_id == "ada"
            )
        )
    await asyncio.wait_for(write, 30)

    assert await inbox(queue, brand) == []
