"""The In-App inbox write for HERALD_IN_APP_REQUIRE_USER, on SQLite and PostgreSQL:
it stores a message only for a user the directory holds in the message's brand,
and one racing a DeleteUser of that user waits for it and then stores nothing (no
message for a deleted user, which one created again with the same id would see).

The delivery's outcome follows that write, in its transaction: delivered if the
message is stored (now, or by an earlier attempt), USER_NOT_FOUND if the user is not
in the directory when it is written, deleted after anything the attempt did before
(the dispatcher's adapters and its dispatcher, as `herald serve` builds them)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from herald.channels.base import ChannelAdapter, OutboundMessage
from herald.channels.inapp import InAppChannel
from herald.config import Settings
from herald.core import content_codec
from herald.core.channel import Channel, DeliveryState, Lane
from herald.core.delivery import DeliveryView
from herald.core.directory import User
from herald.core.ids import new_id
from herald.core.message import Content
from herald.dispatch.assembly import new_dispatcher, start_adapters
from herald.dispatch.dispatcher import Dispatcher, Leased
from herald.dispatch.hub import Hub
from herald.store.directory import Directory
from herald.store.queue import HELD, Outcome, Queue
from herald.store.schema import deliveries, inbox_messages, users
from herald.store.writer import Op

from tests.support.rows import delivery_row, request_row
from tests.support.server import WEBHOOK_SECRET

pytestmark = pytest.mark.backends("sqlite", "postgres")

OWNER = "this-replica"


@pytest.fixture
def brand() -> str:
    return f"brand-{uuid.uuid4().hex[:8]}"


def message(brand_id: str, user_id: str, delivery: dict[str, Any] | None = None) -> OutboundMessage:
    """An In-App message to the brand's user: of `delivery` (a stored row), or a new one."""
    return OutboundMessage(
        delivery_id=delivery["id"] if delivery else new_id(),
        message_id=delivery["request_id"] if delivery else new_id(),
        channel=Channel.IN_APP,
        recipient=user_id,
        user_id=user_id,
        subject="Hi",
        text="Hello",
        data={"k": "v"},
        brand_id=brand_id,
    )


def row(brand_id: str, user_id: str, delivery: dict[str, Any] | None = None) -> dict[str, object]:
    return InAppChannel.inbox_row(message(brand_id, user_id, delivery))


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
    assert list(await directory.contact_points(brand, ["ada", "bob"])) == ["ada"]

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


@pytest.fixture
async def adapters(queue: Queue) -> AsyncIterator[dict[Channel, ChannelAdapter]]:
    settings = Settings(in_app_require_user=True, webhook_secret=WEBHOOK_SECRET)
    started = await start_adapters(settings, queue, Directory(queue.db))
    yield started
    for adapter in started.values():
        await adapter.close()


@pytest.fixture
async def dispatcher(
    queue: Queue, adapters: dict[Channel, ChannelAdapter]
) -> AsyncIterator[Dispatcher]:
    settings = Settings(in_app_require_user=True, webhook_secret=WEBHOOK_SECRET)
    started = new_dispatcher(settings, queue, adapters, Hub())
    yield started
    await started.stop(1)


def content(brand_id: str) -> Content:
    return Content(subject="Hi", text="Hello", brand_id=brand_id)


async def in_app(
    queue: Queue, brand_id: str, user_ids: Sequence[str], holder: str
) -> list[dict[str, Any]]:
    """A request with an In-App delivery to each of the brand's users, leased to `holder`."""
    now = time.time()
    request_id = new_id()
    rows = [
        delivery_row(request_id, position, "in_app", user_id, Lane.TRANSACTIONAL.value, now, holder)
        | {"user_id": user_id}
        for position, user_id in enumerate(user_ids)
    ]
    await queue.enqueue(request_row(request_id, now, content_codec.encode(content(brand_id))), rows)
    return rows


async def deliver(
    dispatcher: Dispatcher, brand_id: str, user_id: str, delivery: dict[str, Any] | None = None
) -> DeliveryView:
    """An In-App delivery to the brand's user (`delivery`, or a new one), run by
    `dispatcher` as a send's is."""
    if delivery is None:
        (delivery,) = await in_app(dispatcher.queue, brand_id, [user_id], dispatcher.owner)
    (attempt,) = dispatcher.run([Leased.from_row(delivery)], content(brand_id))
    return await attempt


def deleting_before_the_inbox_write(
    monkeypatch: pytest.MonkeyPatch, queue: Queue, brand_id: str, user_id: str
) -> None:
    """A DeleteUser of the user, committed just before the inbox row is written: after
    anything the attempt looked up before the write."""
    write, inbox_insert = queue.writer.write, queue.inbox_op({}, known_user=True)[0]

    async def write_after_the_delete(ops: Sequence[Op], *args: Any, **kwargs: Any) -> Any:
        if any(statement is inbox_insert for statement, _ in ops):
            await Directory(queue.db).delete_user(brand_id, user_id)
        return await write(ops, *args, **kwargs)

    monkeypatch.setattr(queue.writer, "write", write_after_the_delete)


async def stored_state(queue: Queue, view: DeliveryView) -> tuple[str, str, bool]:
    (stored,) = await queue.request_deliveries(view.request_id)
    return stored.state, stored.error_code, stored.permanent


def assert_user_not_found(view: DeliveryView) -> None:
    assert (view.state, view.error_code, view.error, view.permanent) == (
        DeliveryState.FAILED,
        "USER_NOT_FOUND",
        "User not found",
        True,
    )


async def test_a_user_deleted_before_the_inbox_write_is_not_found(
    queue: Queue, dispatcher: Dispatcher, brand: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    deleting_before_the_inbox_write(monkeypatch, queue, brand, "ada")

    view = await deliver(dispatcher, brand, "ada")

    assert_user_not_found(view)
    assert await stored_state(queue, view) == ("failed", "USER_NOT_FOUND", True)
    assert await inbox(queue, brand) == []


async def test_a_delivery_racing_a_delete_user_waits_for_it_and_is_not_found(
    queue: Queue, dispatcher: Dispatcher, brand: str
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    async with queue.db.engine.begin() as deleting:  # Directory.delete_user, held open
        await deleting.execute(users.delete().where(users.c.brand_id == brand, users.c.id == "ada"))
        attempt = asyncio.create_task(deliver(dispatcher, brand, "ada"))
        await asyncio.sleep(0.5)
        assert not attempt.done(), "the delivery must wait for the delete to commit"
        await deleting.execute(
            inbox_messages.delete().where(
                inbox_messages.c.brand_id == brand, inbox_messages.c.user_id == "ada"
            )
        )
    view = await asyncio.wait_for(attempt, 30)

    assert_user_not_found(view)
    assert await stored_state(queue, view) == ("failed", "USER_NOT_FOUND", True)
    assert await inbox(queue, brand) == []


async def test_a_user_of_the_directory_is_delivered_to_and_an_unknown_one_not(
    queue: Queue, dispatcher: Dispatcher, brand: str
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))

    delivered = await deliver(dispatcher, brand, "ada")
    unknown = await deliver(dispatcher, brand, "cy")

    assert (delivered.state, delivered.provider_message_id) == (
        DeliveryState.DELIVERED,
        delivered.id,
    )
    assert await stored_state(queue, delivered) == ("delivered", "", False)
    assert_user_not_found(unknown)
    assert await stored_state(queue, unknown) == ("failed", "USER_NOT_FOUND", True)
    assert await inbox(queue, brand) == [("ada", "Hi")]


async def test_a_message_stored_by_an_earlier_attempt_is_delivered_once(
    queue: Queue, dispatcher: Dispatcher, brand: str
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    (delivery,) = await in_app(queue, brand, ["ada"], dispatcher.owner)
    assert await queue.store_inbox(row(brand, "ada", delivery), known_user=True)

    view = await deliver(dispatcher, brand, "ada", delivery)

    assert view.state is DeliveryState.DELIVERED  # the insert conflicted: already there
    assert await stored_state(queue, view) == ("delivered", "", False)
    assert await inbox(queue, brand) == [("ada", "Hi")]


async def test_the_channels_own_send_follows_the_write_too(
    queue: Queue, adapters: dict[Channel, ChannelAdapter], brand: str
) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    messages = {user_id: message(brand, user_id) for user_id in ("ada", "cy")}
    channel = adapters[Channel.IN_APP]

    assert (await channel.send(messages["ada"])).ok
    assert (await channel.send(messages["ada"])).ok  # again: already stored
    refused = await channel.send(messages["cy"])
    assert (refused.error_code, refused.error, refused.permanent) == (
        "USER_NOT_FOUND",
        "User not found",
        True,
    )
    assert await inbox(queue, brand) == [("ada", "Hi")]


@pytest.mark.parametrize("known", [True, False])
async def test_a_fallback_chain_moves_on_with_the_outcome_that_follows_the_write(
    queue: Queue, brand: str, known: bool
) -> None:
    """Both outcomes' chain steps go into the transaction; only the recorded one's
    applies: delivered skips the rest, USER_NOT_FOUND leases the next step."""
    if known:
        await Directory(queue.db).create_user(brand, User(id="ada"))
    rows = await in_app(queue, brand, ["ada", "ada"], OWNER)
    async with queue.db.engine.begin() as connection:  # the second held for the first
        await connection.execute(
            deliveries.update().where(deliveries.c.id == rows[0]["id"]).values(fallback=True)
        )
        await connection.execute(
            deliveries.update()
            .where(deliveries.c.id == rows[1]["id"])
            .values(
                fallback=True,
                state="queued",
                lease_owner=None,
                lease_expires_at=None,
                next_attempt_at=HELD,
            )
        )
    first = rows[0]
    now = time.time()
    common = {"request_id": first["request_id"], "completed_at": now}
    delivered = Outcome(first["id"], OWNER, DeliveryState.DELIVERED, 1, now, **common)
    refused = Outcome(
        first["id"], OWNER, DeliveryState.FAILED, 1, now, "USER_NOT_FOUND", permanent=True, **common
    )
    steps = [op for o in (delivered, refused) for op in queue.fallback_ops(o, 0, now, 30.0)]

    recorded = await queue.record_inbox(row(brand, "ada", first), delivered, refused, now, steps)

    stored = [(r.state, r.lease_owner) for r in await queue.request_deliveries(first["request_id"])]
    if known:
        assert recorded == delivered
        assert stored == [("delivered", None), ("skipped", None)]
    else:
        assert recorded == refused
        assert stored == [("failed", None), ("sending", OWNER)]


async def test_a_fenced_out_outcome_records_neither(queue: Queue, brand: str) -> None:
    await Directory(queue.db).create_user(brand, User(id="ada"))
    (delivery,) = await in_app(queue, brand, ["ada"], "the-new-holder")
    now = time.time()
    delivered = Outcome(delivery["id"], OWNER, DeliveryState.DELIVERED, 1, now, completed_at=now)
    refused = Outcome(delivery["id"], OWNER, DeliveryState.FAILED, 1, now, permanent=True)

    assert await queue.record_inbox(row(brand, "ada", delivery), delivered, refused, now) is None
    stored = [
        (r.state, r.lease_owner) for r in await queue.request_deliveries(delivery["request_id"])
    ]
    assert stored == [("sending", "the-new-holder")]
