"""InboxService against a real server: messages land in the inbox through
SendMessage and SendNotification on the In-App channel, then are listed, counted,
marked and watched."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.dispatch.inbox import OVERLAP_SECONDS
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, inbox_pb2, inbox_pb2_grpc

from tests.support.auth import authenticated_channel
from tests.support.server import ServerProcess
from tests.support.status import rich_error

pytestmark = pytest.mark.backends("sqlite", "postgres")

IN_APP = common_pb2.CHANNEL_IN_APP
UNREAD, READ, ARCHIVED = (
    inbox_pb2.INBOX_MESSAGE_STATE_UNREAD,
    inbox_pb2.INBOX_MESSAGE_STATE_READ,
    inbox_pb2.INBOX_MESSAGE_STATE_ARCHIVED,
)
WAIT = 20  # seconds: a bound on a hung call, not an expectation of speed


@pytest.fixture
def inbox(channel: grpc.aio.Channel) -> inbox_pb2_grpc.InboxServiceStub:
    return inbox_pb2_grpc.InboxServiceStub(channel)


@pytest.fixture
def delivery(channel: grpc.aio.Channel) -> delivery_pb2_grpc.DeliveryServiceStub:
    return delivery_pb2_grpc.DeliveryServiceStub(channel)


def new_user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


async def send(
    delivery: delivery_pb2_grpc.DeliveryServiceStub, user_id: str, subject: str, **fields: object
) -> str:
    """An In-App message to the user; returns its delivery id (= the inbox message id)."""
    reply = await delivery.SendMessage(
        delivery_pb2.SendMessageRequest(
            subject=subject,
            body=f"{subject}: body",
            channels=[IN_APP],
            user_id=user_id,
            **fields,  # type: ignore[arg-type]
        ),
        timeout=WAIT,
    )
    [result] = reply.results
    assert result.success
    return result.delivery_id


async def listed(
    inbox: inbox_pb2_grpc.InboxServiceStub, user_id: str, **fields: object
) -> inbox_pb2.ListInboxMessagesResponse:
    return await inbox.ListInboxMessages(
        inbox_pb2.ListInboxMessagesRequest(user_id=user_id, **fields),  # type: ignore[arg-type]
        timeout=WAIT,
    )


async def mark(
    inbox: inbox_pb2_grpc.InboxServiceStub, user_id: str, ids: list[str], state: int
) -> inbox_pb2.MarkInboxMessagesResponse:
    return await inbox.MarkInboxMessages(
        inbox_pb2.MarkInboxMessagesRequest(user_id=user_id, message_ids=ids, state=state),  # type: ignore[arg-type]
        timeout=WAIT,
    )


async def next_event(call: grpc.aio.UnaryStreamCall) -> inbox_pb2.WatchInboxResponse:
    event = await asyncio.wait_for(call.read(), WAIT)
    assert event is not grpc.aio.EOF, "the watch ended"
    return event  # type: ignore[no-any-return]


async def test_list_is_newest_first_across_pages(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    sent = [await send(delivery, user, f"message {i}") for i in range(5)]
    await send(delivery, new_user(), "someone else's")

    seen: list[inbox_pb2.InboxMessage] = []
    token = ""
    pages = 0
    while True:
        page = await listed(inbox, user, page_size=2, page_token=token)
        pages += 1
        assert page.unread_count == 5
        assert len(page.messages) <= 2
        seen.extend(page.messages)
        token = page.next_page_token
        if not token:
            break

    assert pages == 3
    assert [m.id for m in seen] == sent[::-1]
    assert [m.title for m in seen] == [f"message {i}" for i in reversed(range(5))]
    newest = seen[0]
    assert newest.user_id == user
    assert newest.delivery_id == sent[-1]
    assert newest.body == "message 4: body"
    assert newest.state == UNREAD
    assert newest.created_at.seconds > 0
    assert not newest.HasField("read_at")


async def test_message_data_comes_through(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    await send(delivery, user, "with data", push_data={"ticket": "T-1", "kind": "alert"})
    [message] = (await listed(inbox, user)).messages
    assert dict(message.data) == {"ticket": "T-1", "kind": "alert"}


async def test_mark_read_unread_archived_with_counts(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    first, second, third = [await send(delivery, user, f"m{i}") for i in range(3)]

    marked = await mark(inbox, user, [first, second], READ)
    assert (marked.updated_count, marked.unread_count) == (2, 1)
    unread = await listed(inbox, user, unread_only=True)
    assert [m.id for m in unread.messages] == [third]
    assert unread.unread_count == 1
    by_id = {m.id: m for m in (await listed(inbox, user)).messages}
    assert by_id[first].state == READ and by_id[first].HasField("read_at")
    assert by_id[third].state == UNREAD and not by_id[third].HasField("read_at")

    # Already read: nothing changes.
    again = await mark(inbox, user, [first], READ)
    assert (again.updated_count, again.unread_count) == (0, 1)

    back = await mark(inbox, user, [first], UNREAD)
    assert (back.updated_count, back.unread_count) == (1, 2)
    by_id = {m.id: m for m in (await listed(inbox, user)).messages}
    assert by_id[first].state == UNREAD and not by_id[first].HasField("read_at")

    archived = await mark(inbox, user, [first, third], ARCHIVED)
    assert (archived.updated_count, archived.unread_count) == (2, 0)
    count = await inbox.GetUnreadCount(inbox_pb2.GetUnreadCountRequest(user_id=user), timeout=WAIT)
    assert count.unread_count == 0

    # Archived messages are hidden unless asked for.
    assert [m.id for m in (await listed(inbox, user)).messages] == [second]
    everything = await listed(inbox, user, include_archived=True)
    assert [(m.id, m.state) for m in everything.messages] == [
        (third, ARCHIVED),
        (second, READ),
        (first, ARCHIVED),
    ]


async def test_another_users_message_is_not_found_and_nothing_changes(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    alice, bob = new_user(), new_user()
    mine = await send(delivery, alice, "alice's")
    theirs = await send(delivery, bob, "bob's")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await mark(inbox, alice, [mine, theirs], READ)

    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert (error.reason, error.domain) == ("NOT_FOUND", "herald")
    assert error.resource is not None
    assert error.resource.resource_type == "herald.v1.InboxMessage"
    assert theirs in error.resource.resource_name
    # Neither message changed, and the count is as it was.
    for user, message_id in ((alice, mine), (bob, theirs)):
        [message] = (await listed(inbox, user)).messages
        assert (message.id, message.state) == (message_id, UNREAD)
        count = await inbox.GetUnreadCount(
            inbox_pb2.GetUnreadCountRequest(user_id=user), timeout=WAIT
        )
        assert count.unread_count == 1


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"message_ids": ["x"], "state": READ}, "user_id"),
        ({"user_id": "u", "message_ids": ["x"]}, "state"),
        ({"user_id": "u", "state": READ}, "message_ids"),
    ],
)
async def test_mark_bad_input_is_invalid_argument(
    inbox: inbox_pb2_grpc.InboxServiceStub, request_fields: dict[str, object], field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await inbox.MarkInboxMessages(
            inbox_pb2.MarkInboxMessagesRequest(**request_fields),  # type: ignore[arg-type]
            timeout=WAIT,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.domain == "herald"
    assert field in error.violations


async def test_read_bad_input_is_invalid_argument(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    for _ in range(2):
        await send(delivery, user, "paged")
    token = (await listed(inbox, user, page_size=1)).next_page_token
    assert token

    calls = {
        "user_id": inbox.ListInboxMessages(inbox_pb2.ListInboxMessagesRequest(), timeout=WAIT),
        "page_size": listed(inbox, user, page_size=-1),
        # A token is bound to the listing (user and filters) that returned it.
        "page_token": listed(inbox, new_user(), page_token=token),
    }
    for field, call in calls.items():
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        error = rich_error(caught.value)
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in error.violations
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await listed(inbox, user, page_token=token, unread_only=True)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    for user_id in ("", "has space", "tab\there", "x" * 201):
        for rpc in (
            inbox.ListInboxMessages(
                inbox_pb2.ListInboxMessagesRequest(user_id=user_id), timeout=WAIT
            ),
            inbox.GetUnreadCount(inbox_pb2.GetUnreadCountRequest(user_id=user_id), timeout=WAIT),
            next_event(
                inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=user_id), timeout=WAIT)
            ),
            mark(inbox, user_id, ["x"], READ),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await rpc
            assert rich_error(caught.value).violations.keys() == {"user_id"}, user_id


async def test_inbox_watch_receives_a_message_sent_after_it_connected(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    await send(delivery, user, "before")
    call = inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=user))
    try:
        first = await next_event(call)
        assert first.WhichOneof("event") is None
        assert first.unread_count == 1

        await send(delivery, new_user(), "to someone else")
        sent = await send(delivery, user, "after", push_data={"k": "v"})
        event = await next_event(call)
        assert event.WhichOneof("event") == "message_added"
        added = event.message_added
        assert (added.id, added.title, added.state) == (sent, "after", UNREAD)
        assert dict(added.data) == {"k": "v"}
        assert event.unread_count == 2
    finally:
        call.cancel()


async def test_inbox_watch_sees_a_notification_delivered_from_the_queue(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    call = inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=user))
    try:
        assert (await next_event(call)).unread_count == 0
        accepted = await delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[IN_APP], to=[user], subject="Deck ready", body="Have a look."
            ),
            timeout=WAIT,
        )
        assert accepted.name
        event = await next_event(call)
        assert event.WhichOneof("event") == "message_added"
        assert (event.message_added.title, event.message_added.user_id) == ("Deck ready", user)
        assert event.unread_count == 1
    finally:
        call.cancel()


async def test_inbox_watch_sees_a_mark_read(
    inbox: inbox_pb2_grpc.InboxServiceStub, delivery: delivery_pb2_grpc.DeliveryServiceStub
) -> None:
    user = new_user()
    first = await send(delivery, user, "one")
    await send(delivery, user, "two")
    call = inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=user))
    try:
        assert (await next_event(call)).unread_count == 2
        await mark(inbox, user, [first], READ)
        event = await next_event(call)
        assert event.WhichOneof("event") == "message_updated"
        updated = event.message_updated
        assert (updated.id, updated.state) == (first, READ)
        assert updated.HasField("read_at")
        assert event.unread_count == 1

        await mark(inbox, user, [first], ARCHIVED)
        event = await next_event(call)
        assert (event.message_updated.id, event.message_updated.state) == (first, ARCHIVED)
        assert event.unread_count == 1
    finally:
        call.cancel()


@pytest.mark.backends("sqlite")
async def test_inbox_watch_sees_a_mark_that_waited_for_the_write_lock(
    server: ServerProcess,
    inbox: inbox_pb2_grpc.InboxServiceStub,
    delivery: delivery_pb2_grpc.DeliveryServiceStub,
) -> None:
    """A mark that waits longer than the watch's overlap for SQLite's write lock is
    still seen: its time is taken when it writes, not when it was asked for."""
    user = new_user()
    sent = await send(delivery, user, "one")
    call = inbox.WatchInbox(inbox_pb2.WatchInboxRequest(user_id=user))
    try:
        assert (await next_event(call)).unread_count == 1
        holder = sqlite3.connect(server.data_dir / "herald.db", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            marking = asyncio.ensure_future(mark(inbox, user, [sent], READ))
            await asyncio.sleep(OVERLAP_SECONDS + 2)
            assert not marking.done()
            holder.execute("COMMIT")
        finally:
            holder.close()
        assert (await marking).updated_count == 1
        event = await next_event(call)
        assert event.WhichOneof("event") == "message_updated"
        assert (event.message_updated.id, event.message_updated.state) == (sent, READ)
        assert event.unread_count == 0
    finally:
        call.cancel()


# -- two replicas on one PostgreSQL database ------------------------------------


@pytest.fixture
def replica(
    backend: str, server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A second server on the same database (PostgreSQL only: the tests that use it are
    marked `backends("postgres")`)."""
    assert backend == "postgres", "several replicas need PostgreSQL"
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("replica")),
        {"HERALD_DATABASE_URL": server.database_url},
    )
    process.start()
    yield process
    process.stop()


@pytest.mark.backends("postgres")
async def test_watch_on_one_replica_sees_changes_made_on_another(
    replica: ServerProcess,
    inbox: inbox_pb2_grpc.InboxServiceStub,
    delivery: delivery_pb2_grpc.DeliveryServiceStub,
) -> None:
    user = new_user()
    async with authenticated_channel(replica.target) as other:
        call = inbox_pb2_grpc.InboxServiceStub(other).WatchInbox(
            inbox_pb2.WatchInboxRequest(user_id=user)
        )
        try:
            assert (await next_event(call)).unread_count == 0
            sent = await send(delivery, user, "from the first replica")
            event = await next_event(call)
            assert (event.WhichOneof("event"), event.message_added.id) == ("message_added", sent)
            assert event.unread_count == 1

            await mark(inbox, user, [sent], READ)
            event = await next_event(call)
            assert event.WhichOneof("event") == "message_updated"
            assert (event.message_updated.id, event.message_updated.state) == (sent, READ)
            assert event.unread_count == 0
        finally:
            call.cancel()
