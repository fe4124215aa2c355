"""HERALD_IN_APP_REQUIRE_USER: In-App delivers only to users the directory holds in
the send's brand (seed 000's "User not found"); the other channels of the send are
delivered all the same, and an unknown user's inbox stays empty."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from herald.v1 import (
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2,
    directory_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
)

from tests.support.auth import authenticated_channel, token
from tests.support.server import ServerProcess
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")

IN_APP, WEBHOOK = common_pb2.CHANNEL_IN_APP, common_pb2.CHANNEL_WEBHOOK
DELIVERED, FAILED = common_pb2.DELIVERY_STATE_DELIVERED, common_pb2.DELIVERY_STATE_FAILED
WAIT = 20  # seconds: a bound on a hung call, not an expectation of speed


@pytest.fixture(scope="module")
def server(
    store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        {**store_env, "HERALD_IN_APP_REQUIRE_USER": "true"},
    )
    process.start()
    yield process
    process.stop()


def new_user() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


async def create_user(channel: grpc.aio.Channel, user_id: str) -> None:
    await directory_pb2_grpc.DirectoryServiceStub(channel).CreateUser(
        directory_pb2.CreateUserRequest(user=directory_pb2.User(id=user_id)), timeout=WAIT
    )


async def send(
    channel: grpc.aio.Channel, user_id: str, webhook_url: str
) -> dict[int, common_pb2.ChannelResult]:
    """Seed 000's request over In-App and a webhook; the results by channel."""
    reply = await delivery_pb2_grpc.DeliveryServiceStub(channel).SendMessage(
        delivery_pb2.SendMessageRequest(
            subject="System maintenance",
            body="A scheduled maintenance window starts at 22:00 UTC.",
            channels=[IN_APP, WEBHOOK],
            user_id=user_id,
            webhook_url=webhook_url,
        ),
        timeout=WAIT,
    )
    return {r.channel: r for r in reply.results}


async def inbox_ids(channel: grpc.aio.Channel, user_id: str) -> list[str]:
    reply = await inbox_pb2_grpc.InboxServiceStub(channel).ListInboxMessages(
        inbox_pb2.ListInboxMessagesRequest(user_id=user_id), timeout=WAIT
    )
    return [m.id for m in reply.messages]


def assert_user_not_found(result: common_pb2.ChannelResult) -> None:
    assert (result.success, result.state, result.permanent) == (False, FAILED, True)
    assert (result.error_code, result.error) == ("USER_NOT_FOUND", "User not found")
    assert result.attempts == 1, "a permanent failure is not retried"


async def test_in_app_to_an_unknown_user_fails_and_the_webhook_is_delivered(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    user = new_user()
    results = await send(channel, user, receiver.url("/unknown"))

    assert_user_not_found(results[IN_APP])
    assert (results[WEBHOOK].success, results[WEBHOOK].state) == (True, DELIVERED)
    assert [hit.path for hit in receiver.received] == ["/unknown"]
    assert await inbox_ids(channel, user) == []


async def test_in_app_to_a_directory_user_is_delivered_to_their_inbox(
    channel: grpc.aio.Channel, receiver: WebhookReceiver
) -> None:
    user = new_user()
    await create_user(channel, user)
    results = await send(channel, user, receiver.url("/known"))

    assert all(r.success and r.state == DELIVERED for r in results.values())
    assert await inbox_ids(channel, user) == [results[IN_APP].delivery_id]


async def test_a_user_of_another_brand_is_not_found(
    server: ServerProcess, receiver: WebhookReceiver
) -> None:
    user = new_user()
    async with (
        authenticated_channel(server.target, token("alice", brand="acme")) as acme,
        authenticated_channel(server.target, token("bob", brand="globex")) as globex,
    ):
        await create_user(acme, user)

        assert_user_not_found((await send(globex, user, receiver.url("/globex")))[IN_APP])
        assert await inbox_ids(globex, user) == []
        delivered = (await send(acme, user, receiver.url("/acme")))[IN_APP]
        assert delivered.success
        assert await inbox_ids(acme, user) == [delivered.delivery_id]


async def test_a_queued_notification_fails_in_app_for_an_unknown_user_only(
    channel: grpc.aio.Channel,
) -> None:
    known, unknown = new_user(), new_user()
    await create_user(channel, known)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            to=[known, unknown], channels=[IN_APP], subject="Launch", body="Ready for review"
        ),
        timeout=WAIT,
    )
    watch = delivery_pb2.WatchNotificationRequest(name=reply.name)
    [*_, last] = [event async for event in stub.WatchNotification(watch, timeout=WAIT)]
    assert (last.total, last.delivered, last.failed) == (2, 1, 1)

    got = await stub.GetNotification(
        delivery_pb2.GetNotificationRequest(name=reply.name), timeout=WAIT
    )
    by_user = {d.recipient: d for d in got.notification.deliveries}
    assert by_user[known].state == DELIVERED
    assert (by_user[unknown].state, by_user[unknown].error_code) == (FAILED, "USER_NOT_FOUND")
    assert await inbox_ids(channel, known) == [by_user[known].id]
    assert await inbox_ids(channel, unknown) == []
