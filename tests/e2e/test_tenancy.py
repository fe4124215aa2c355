"""Brands: a caller bound to a brand sees and sends only within it. Another
brand's user, cluster, template, campaign, campaign send and notification is
NOT_FOUND, as if it did not exist; the same ids live side by side in two brands."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import grpc
import pytest
from herald.v1 import campaign_pb2 as C
from herald.v1 import (
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2,
    directory_pb2_grpc,
    inbox_pb2,
    inbox_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)

from tests.support.auth import authenticated_channel, token
from tests.support.server import ServerProcess
from tests.support.status import rich_error
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.backends("sqlite", "postgres")
NOT_FOUND = grpc.StatusCode.NOT_FOUND


class Brand:
    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.directory = directory_pb2_grpc.DirectoryServiceStub(channel)
        self.templates = template_pb2_grpc.TemplateServiceStub(channel)
        self.campaigns = campaign_pb2_grpc.CampaignServiceStub(channel)
        self.delivery = delivery_pb2_grpc.DeliveryServiceStub(channel)
        self.inbox = inbox_pb2_grpc.InboxServiceStub(channel)


@pytest.fixture
async def brands(server: ServerProcess) -> AsyncIterator[tuple[Brand, Brand]]:
    async with (
        authenticated_channel(server.target, token("alice", brand="acme")) as a,
        authenticated_channel(server.target, token("bob", brand="globex")) as b,
    ):
        yield Brand(a), Brand(b)


async def not_found(call: object) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    error = rich_error(caught.value)
    assert (error.code, error.domain) == (NOT_FOUND, "herald"), error


async def test_directory_is_per_brand(brands: tuple[Brand, Brand]) -> None:
    acme, globex = brands
    D = directory_pb2
    await acme.directory.CreateUser(
        D.CreateUserRequest(user=D.User(id="u-dir", email="ada@acme.example")), timeout=10
    )
    await acme.directory.CreateCluster(
        D.CreateClusterRequest(cluster=D.Cluster(id="c-dir")), timeout=10
    )
    await not_found(globex.directory.GetUser(D.GetUserRequest(id="u-dir"), timeout=10))
    await not_found(globex.directory.DeleteUser(D.DeleteUserRequest(id="u-dir"), timeout=10))
    await not_found(globex.directory.GetCluster(D.GetClusterRequest(id="c-dir"), timeout=10))
    await not_found(
        globex.directory.AddClusterMembers(
            D.AddClusterMembersRequest(cluster_id="c-dir", user_ids=["u-dir"]), timeout=10
        )
    )
    listed = await globex.directory.ListUsers(D.ListUsersRequest(), timeout=10)
    assert "u-dir" not in [u.id for u in listed.users]
    clusters = await globex.directory.ListClusters(D.ListClustersRequest(), timeout=10)
    assert "c-dir" not in [c.id for c in clusters.clusters]
    # The same id in the other brand is another user.
    await globex.directory.CreateUser(
        D.CreateUserRequest(user=D.User(id="u-dir", email="bob@globex.example")), timeout=10
    )
    mine = await acme.directory.GetUser(D.GetUserRequest(id="u-dir"), timeout=10)
    theirs = await globex.directory.GetUser(D.GetUserRequest(id="u-dir"), timeout=10)
    assert (mine.user.email, theirs.user.email) == ("ada@acme.example", "bob@globex.example")


async def test_templates_are_per_brand(brands: tuple[Brand, Brand]) -> None:
    acme, globex = brands
    T = template_pb2
    await acme.templates.CreateTemplate(
        T.CreateTemplateRequest(
            template=T.Template(
                id="t-ten", content=T.TemplateContent(email_subject="Hi", email_text="Hello")
            )
        ),
        timeout=10,
    )
    await not_found(globex.templates.GetTemplate(T.GetTemplateRequest(id="t-ten"), timeout=10))
    await not_found(
        globex.templates.RenderTemplate(T.RenderTemplateRequest(id="t-ten"), timeout=10)
    )
    await not_found(
        globex.templates.DeleteTemplate(T.DeleteTemplateRequest(id="t-ten"), timeout=10)
    )
    listed = await globex.templates.ListTemplates(T.ListTemplatesRequest(), timeout=10)
    assert "t-ten" not in [t.id for t in listed.templates]
    # Sending with another brand's template is NOT_FOUND too.
    await not_found(
        globex.delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_IN_APP], to=["u1"], template_id="t-ten"
            ),
            timeout=10,
        )
    )
    await acme.templates.GetTemplate(T.GetTemplateRequest(id="t-ten"), timeout=10)


async def test_campaigns_are_per_brand(
    brands: tuple[Brand, Brand], receiver: WebhookReceiver
) -> None:
    acme, globex = brands
    created = await acme.campaigns.CreateCampaign(
        C.CreateCampaignRequest(
            campaign=C.Campaign(
                id="camp-ten",
                display_name="Launch",
                channels=[common_pb2.CHANNEL_WEBHOOK],
                subject="Launch",
                body="Now.",
            )
        ),
        timeout=10,
    )
    assert created.campaign.brand_id == "acme"
    await not_found(globex.campaigns.GetCampaign(C.GetCampaignRequest(id="camp-ten"), timeout=10))
    recipients = [C.CampaignRecipient(person_id="p", recipient=receiver.url("/ten/p"))]
    await not_found(
        globex.campaigns.SendCampaign(
            C.SendCampaignRequest(id="camp-ten", recipients=recipients), timeout=10
        )
    )
    listed = await globex.campaigns.ListCampaigns(C.ListCampaignsRequest(), timeout=10)
    assert "camp-ten" not in [c.id for c in listed.campaigns]
    sent = await acme.campaigns.SendCampaign(
        C.SendCampaignRequest(id="camp-ten", recipients=recipients), timeout=10
    )
    assert (sent.send.brand_id, sent.send.created_by) == ("acme", "jwt:alice")
    await not_found(
        globex.campaigns.GetCampaignSend(C.GetCampaignSendRequest(id=sent.send.id), timeout=10)
    )
    await not_found(
        globex.campaigns.CancelCampaignSend(
            C.CancelCampaignSendRequest(id=sent.send.id), timeout=10
        )
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in globex.campaigns.WatchCampaignSend(
            C.WatchCampaignSendRequest(id=sent.send.id), timeout=10
        ):
            pass
    assert caught.value.code() == NOT_FOUND


async def test_notifications_are_per_brand(
    brands: tuple[Brand, Brand], receiver: WebhookReceiver
) -> None:
    acme, globex = brands
    sent = await acme.delivery.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[common_pb2.CHANNEL_WEBHOOK],
            to=[receiver.url("/ten/n")],
            subject="s",
            body="b",
            request_id="same-request-id",
        ),
        timeout=10,
    )
    name = sent.name
    await not_found(
        globex.delivery.GetNotification(delivery_pb2.GetNotificationRequest(name=name), timeout=10)
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in globex.delivery.WatchNotification(
            delivery_pb2.WatchNotificationRequest(name=name), timeout=10
        ):
            pass
    assert caught.value.code() == NOT_FOUND
    got = await acme.delivery.GetNotification(
        delivery_pb2.GetNotificationRequest(name=name), timeout=10
    )
    assert got.notification.name == name
    # The other brand's request_id is its own: a new notification, not a replay.
    other = await globex.delivery.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[common_pb2.CHANNEL_WEBHOOK],
            to=[receiver.url("/ten/n")],
            subject="s",
            body="b",
            request_id="same-request-id",
        ),
        timeout=10,
    )
    assert other.name != name and not other.replayed


async def test_people_and_clusters_resolve_within_the_brand(brands: tuple[Brand, Brand]) -> None:
    acme, globex = brands
    D = directory_pb2
    await acme.directory.CreateUser(D.CreateUserRequest(user=D.User(id="u-send")), timeout=10)
    await acme.directory.CreateCluster(
        D.CreateClusterRequest(cluster=D.Cluster(id="c-send")), timeout=10
    )
    # Seed 001 by cluster: another brand's cluster is unknown.
    await not_found(
        globex.delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_IN_APP], clusters=["c-send"], subject="s", body="b"
            ),
            timeout=10,
        )
    )
    # Seed 001 by user id: another brand's user is an unknown user.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await globex.delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_IN_APP], recipients=["u-send"], subject="s", body="b"
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.FAILED_PRECONDITION
    assert [t for t, _ in error.preconditions] == ["unknown_user"]
    accepted = await acme.delivery.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[common_pb2.CHANNEL_IN_APP], recipients=["u-send"], subject="s", body="b"
        ),
        timeout=10,
    )
    assert accepted.name


async def test_an_inbox_is_a_brands_users(brands: tuple[Brand, Brand]) -> None:
    a, b = brands
    user = f"shared-{uuid.uuid4().hex[:6]}"  # the same user id in both brands
    for brand, title in ((a, "for acme"), (b, "for globex")):
        reply = await brand.delivery.SendMessage(
            delivery_pb2.SendMessageRequest(
                subject=title, body="b", channels=[common_pb2.CHANNEL_IN_APP], user_id=user
            ),
            timeout=10,
        )
        assert reply.results[0].success
    listed = {}
    for name, brand in (("acme", a), ("globex", b)):
        page = await brand.inbox.ListInboxMessages(
            inbox_pb2.ListInboxMessagesRequest(user_id=user), timeout=10
        )
        listed[name] = page
        assert [m.title for m in page.messages] == [f"for {name}"]
        assert page.unread_count == 1
    acme_message = listed["acme"].messages[0].id
    await not_found(
        b.inbox.MarkInboxMessages(
            inbox_pb2.MarkInboxMessagesRequest(
                user_id=user,
                message_ids=[acme_message],
                state=inbox_pb2.INBOX_MESSAGE_STATE_READ,
            ),
            timeout=10,
        )
    )
    count = await a.inbox.GetUnreadCount(inbox_pb2.GetUnreadCountRequest(user_id=user), timeout=10)
    assert count.unread_count == 1
