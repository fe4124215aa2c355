"""A request_id is the caller's own: two callers whose subject and request_id run
together the same way ("svc" with "a:r1", "svc:a" with "r1") each get their own
notification, message or campaign send, never the other's (nor a refusal)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import grpc
import pytest
from herald.v1 import campaign_pb2 as C
from herald.v1 import campaign_pb2_grpc, common_pb2, delivery_pb2, delivery_pb2_grpc

from tests.support.auth import authenticated_channel, token
from tests.support.db import execute
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")
WEBHOOK = common_pb2.CHANNEL_WEBHOOK


class Caller:
    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.delivery = delivery_pb2_grpc.DeliveryServiceStub(channel)
        self.campaigns = campaign_pb2_grpc.CampaignServiceStub(channel)


@pytest.fixture
async def callers(server: ServerProcess) -> AsyncIterator[tuple[Caller, Caller, str]]:
    """Subjects "<tag>" and "<tag>:a", and the tag."""
    tag = uuid.uuid4().hex[:8]
    async with (
        authenticated_channel(server.target, token(tag)) as first,
        authenticated_channel(server.target, token(f"{tag}:a")) as second,
    ):
        yield Caller(first), Caller(second), tag


def notification(
    url: str, request_id: str, body: str = "b"
) -> delivery_pb2.SendNotificationRequest:
    return delivery_pb2.SendNotificationRequest(
        channels=[WEBHOOK], to=[url], subject="Payroll", body=body, request_id=request_id
    )


def message(url: str, request_id: str, body: str = "b") -> delivery_pb2.SendMessageRequest:
    return delivery_pb2.SendMessageRequest(
        channels=[WEBHOOK], webhook_url=url, subject="Payroll", body=body, request_id=request_id
    )


async def test_notifications_of_two_callers_are_not_confused(
    callers: tuple[Caller, Caller, str], receiver: WebhookReceiver
) -> None:
    first, second, _ = callers
    url = receiver.url("/ok/n")
    mine = await first.delivery.SendNotification(notification(url, "a:r1"), timeout=10)
    theirs = await second.delivery.SendNotification(notification(url, "r1"), timeout=10)
    assert not theirs.replayed
    assert theirs.notification_id != mine.notification_id
    # Each one's retry is still its own replay.
    again = await second.delivery.SendNotification(notification(url, "r1"), timeout=10)
    assert (again.replayed, again.notification_id) == (True, theirs.notification_id)
    again = await first.delivery.SendNotification(notification(url, "a:r1"), timeout=10)
    assert (again.replayed, again.notification_id) == (True, mine.notification_id)
    # The first caller's request_id "a:r2" is no reuse of the second's "r2".
    await first.delivery.SendNotification(notification(url, "a:r2", body="x"), timeout=10)
    fresh = await second.delivery.SendNotification(notification(url, "r2"), timeout=10)
    assert not fresh.replayed
    await asyncio.wait_for(receiver.until_received(4), 10)
    assert len(receiver.received) == 4


async def test_messages_of_two_callers_are_not_confused(
    callers: tuple[Caller, Caller, str], receiver: WebhookReceiver
) -> None:
    first, second, _ = callers
    url = receiver.url("/ok/m")
    mine = await first.delivery.SendMessage(message(url, "a:r1"), timeout=10)
    theirs = await second.delivery.SendMessage(message(url, "r1"), timeout=10)
    assert not theirs.replayed
    assert theirs.message_id != mine.message_id
    assert [r.success for r in theirs.results] == [True]
    again = await second.delivery.SendMessage(message(url, "r1"), timeout=10)
    assert (again.replayed, again.message_id) == (True, theirs.message_id)
    await first.delivery.SendMessage(message(url, "a:r2", body="x"), timeout=10)
    fresh = await second.delivery.SendMessage(message(url, "r2"), timeout=10)
    assert not fresh.replayed and [r.success for r in fresh.results] == [True]
    assert len(receiver.received) == 4


async def test_campaign_sends_of_two_callers_are_not_confused(
    callers: tuple[Caller, Caller, str], receiver: WebhookReceiver
) -> None:
    first, second, tag = callers
    ids = []
    for name in ("one", "two"):
        campaign = C.Campaign(
            id=f"{name}-{tag}", display_name=name, channels=[WEBHOOK], subject="s", body="b"
        )
        await first.campaigns.CreateCampaign(C.CreateCampaignRequest(campaign=campaign), timeout=10)
        ids.append(campaign.id)
    recipients = [C.CampaignRecipient(person_id="p", recipient=receiver.url("/ok/c"))]
    mine = await first.campaigns.SendCampaign(
        C.SendCampaignRequest(id=ids[0], recipients=recipients, request_id="a:r1"), timeout=10
    )
    theirs = await second.campaigns.SendCampaign(
        C.SendCampaignRequest(id=ids[1], recipients=recipients, request_id="r1"), timeout=10
    )
    assert theirs.send.id != mine.send.id
    assert (theirs.send.campaign_id, theirs.send.created_by) == (ids[1], f"jwt:{tag}:a")


async def test_a_request_stored_under_another_callers_key_is_not_handed_over(
    callers: tuple[Caller, Caller, str], receiver: WebhookReceiver, server: ServerProcess
) -> None:
    """A request stored before request_ids were escaped keeps its key, which another
    caller's key can equal: that caller is refused, not handed the request."""
    first, second, tag = callers
    url = receiver.url("/ok/old")
    sent = await first.delivery.SendNotification(notification(url, "a:old"), timeout=10)
    done = await first.delivery.SendMessage(message(url, "a:old"), timeout=10)
    for kind, stored in (("notification", sent.notification_id), ("message", done.message_id)):
        # The first caller's key as it was stored before: f"{kind}:{caller}:{request_id}".
        old_key = f"{kind}:jwt:{tag}:a:old"
        execute(server, "UPDATE requests SET idempotency_key = ? WHERE id = ?", old_key, stored)
    for call in (
        second.delivery.SendNotification(notification(url, "old"), timeout=10),
        second.delivery.SendMessage(message(url, "old"), timeout=10),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "REQUEST_ID_REUSED")


async def test_a_long_request_id_of_colons_is_accepted_and_replays(
    callers: tuple[Caller, Caller, str], receiver: WebhookReceiver
) -> None:
    first, _, _ = callers
    url = receiver.url("/ok/long")
    for request_id in (":" * 128, "%" * 128, "x:" * 64):
        sent = await first.delivery.SendNotification(notification(url, request_id), timeout=10)
        again = await first.delivery.SendNotification(notification(url, request_id), timeout=10)
        assert (sent.replayed, again.replayed) == (False, True)
        assert again.notification_id == sent.notification_id
