"""Each seed's own request form against a real server, over gRPC and through the REST
gateway's seed paths: a refusal names the field that form's caller sends (seed 002's
delivery_method, seed 001's message_title / message_content), and what the peers
received. The server runs with HERALD_IN_APP_REQUIRE_USER=true (seed 000's "User not
found"); no other test here sends In-App.

The gateway's error body shape is its own business (tests/e2e/test_gateway.py): through
it these tests check the HTTP status and that the field is named in the body."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from herald.v1 import (
    campaign_pb2,
    campaign_pb2_grpc,
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2,
    directory_pb2_grpc,
)

from tests.support.auth import token
from tests.support.db import count, query
from tests.support.gateway import GatewayProcess
from tests.support.live_peers import Peers
from tests.support.server import ServerProcess
from tests.support.status import rich_error

EMAIL = common_pb2.CHANNEL_EMAIL
C = campaign_pb2
ADMIN = {"Authorization": f"Bearer {token()}"}
WAIT = 20  # seconds: a bound on a hung call, not an expectation of speed


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    peers = Peers(Path(tmp_path_factory.mktemp("peers")))
    yield peers
    peers.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, peers: Peers) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={**peers.env(), "HERALD_IN_APP_REQUIRE_USER": "true"},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def gateway(server: ServerProcess) -> Iterator[GatewayProcess]:
    process = GatewayProcess(server.target, server.data_dir / "gateway.log").start()
    yield process
    process.stop()


@pytest.fixture
async def http(gateway: GatewayProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=ADMIN, timeout=30) as client:
        yield client


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> delivery_pb2_grpc.DeliveryServiceStub:
    return delivery_pb2_grpc.DeliveryServiceStub(channel)


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def make_user(channel: grpc.aio.Channel) -> directory_pb2.User:
    """A directory user with an email address and a phone number."""
    user = directory_pb2.User(
        id=f"user-{tag()}",
        email=f"ada-{tag()}@example.com",
        phone_number="+4520" + str(uuid.uuid4().int)[:6],
        locale="en",
    )
    reply = await directory_pb2_grpc.DirectoryServiceStub(channel).CreateUser(
        directory_pb2.CreateUserRequest(user=user), timeout=WAIT
    )
    return reply.user


def mails_to(peers: Peers, address: str) -> list[Any]:
    return [m.message for m in peers.smtp.messages if address in m.rcpt_tos]


def names(field: str, text: str) -> bool:
    """`field` appears in an error body as a word of its own, spelt as in the proto
    (message_title) or as in JSON (messageTitle)."""
    camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), field)
    spellings = "|".join(re.escape(name) for name in {field, camel})
    return re.search(rf"(?<![\w.])(?:{spellings})(?![\w.\[])", text) is not None


async def refused_message(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess, **fields: Any
) -> dict[str, str]:
    """SendMessage's field violations for a request that is INVALID_ARGUMENT and stores nothing."""
    before = count(server, "requests")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(delivery_pb2.SendMessageRequest(**fields), timeout=WAIT)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert count(server, "requests") == before
    return error.violations


# Seed 002: "deliveryMethod ... If not provided, the request will not continue."


async def test_seed_002_without_a_delivery_method_names_delivery_method(
    channel: grpc.aio.Channel,
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    server: ServerProcess,
    peers: Peers,
) -> None:
    user = await make_user(channel)
    custom = delivery_pb2.MessageBody(subject="Your order", text="Order 42 ships today")
    required = {"delivery_method": "is required: sms, email or both"}

    assert await refused_message(stub, server, user_id=user.id, message_body=custom) == required
    assert (
        await refused_message(
            stub, server, user_id=user.id, message_type=common_pb2.MESSAGE_TYPE_WELCOME
        )
        == required
    )
    # Refused before the template is looked up: not NOT_FOUND for a template that is not there.
    assert (
        await refused_message(
            stub, server, user_id=user.id, communication_template_id=f"missing-{tag()}"
        )
        == required
    )
    # subject and body belong to both forms: the description names seed 000's channels too.
    assert await refused_message(stub, server, user_id=user.id, subject="s", body="b") == {
        "delivery_method": "is required: sms, email or both (or give channels)"
    }
    assert mails_to(peers, user.email) == []


async def test_seed_000_without_channels_still_names_channels(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess
) -> None:
    required = {"channels": "at least one channel is required"}
    assert await refused_message(stub, server, subject="s", body="b") == required
    # Seed 000's own contact points beside a user id: the seed 000 form.
    assert (
        await refused_message(
            stub,
            server,
            user_id=f"user-{tag()}",
            email_address="user@example.com",
            subject="s",
            body="b",
        )
        == required
    )


async def test_seed_002_path_without_a_delivery_method_is_400_naming_it(
    channel: grpc.aio.Channel, http: httpx.AsyncClient, server: ServerProcess, peers: Peers
) -> None:
    user = await make_user(channel)
    before = count(server, "requests")
    reply = await http.post(
        f"/communication/messages/{user.id}/send",
        json={"messageBody": {"subject": "Your order", "html": "<p>Order 42 ships today</p>"}},
    )
    assert reply.status_code == 400, reply.text
    assert names("delivery_method", reply.text), reply.text
    assert not names("channels", reply.text), reply.text
    assert count(server, "requests") == before
    assert mails_to(peers, user.email) == []


# Seed 001: messageTitle and messageContent "Required if templateId is not defined".


async def refused_notification(
    stub: delivery_pb2_grpc.DeliveryServiceStub, server: ServerProcess, **fields: Any
) -> dict[str, str]:
    """SendNotification's field violations for a request that is INVALID_ARGUMENT and
    stores nothing."""
    before = count(server, "requests")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(delivery_pb2.SendNotificationRequest(**fields), timeout=WAIT)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert count(server, "requests") == before
    return error.violations


SEED_001_CONTENT_REQUIRED = {
    "message_title": "is required unless template_id is set",
    "message_content": "is required unless template_id is set",
}


async def test_seed_001_without_content_names_message_title_and_content(
    channel: grpc.aio.Channel,
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    server: ServerProcess,
    peers: Peers,
) -> None:
    user = await make_user(channel)
    assert (
        await refused_notification(stub, server, channels=[EMAIL], recipients=[user.id])
        == SEED_001_CONTENT_REQUIRED
    )
    assert (
        await refused_notification(stub, server, channels=[EMAIL], clusters=[f"team-{tag()}"])
        == SEED_001_CONTENT_REQUIRED
    )
    # Half of the pair: the other half is named.
    assert await refused_notification(
        stub, server, channels=[EMAIL], recipients=[user.id], message_title="Hello"
    ) == {"message_content": "is required unless template_id is set"}
    # Seed 003's `to` form names its own subject and body.
    assert await refused_notification(stub, server, to=[user.email]) == {
        "subject": "is required",
        "body": "is required",
    }
    assert mails_to(peers, user.email) == []


async def test_seed_001_path_without_content_is_400_naming_message_title_and_content(
    channel: grpc.aio.Channel, http: httpx.AsyncClient, server: ServerProcess, peers: Peers
) -> None:
    user = await make_user(channel)
    before = count(server, "requests")
    reply = await http.post("/send", json={"channels": ["email"], "recipients": [user.id]})
    assert reply.status_code == 400, reply.text
    assert names("message_title", reply.text), reply.text
    assert names("message_content", reply.text), reply.text
    assert not names("subject", reply.text), reply.text
    assert not names("body", reply.text), reply.text
    assert count(server, "requests") == before
    assert mails_to(peers, user.email) == []


# Seed 004: person_id and recipient are required, each with "minLength": 1.


@pytest.mark.parametrize(
    ("person_id", "recipient", "field"),
    [("", "{address}", "recipients[0].person_id"), ("p-1", "", "recipients[0].recipient")],
)
async def test_seed_004_an_empty_person_id_or_recipient_is_refused_and_nothing_sent(
    channel: grpc.aio.Channel,
    server: ServerProcess,
    peers: Peers,
    person_id: str,
    recipient: str,
    field: str,
) -> None:
    stub = campaign_pb2_grpc.CampaignServiceStub(channel)
    campaign = (
        await stub.CreateCampaign(
            C.CreateCampaignRequest(
                campaign=C.Campaign(
                    display_name="Spring launch",
                    channels=[EMAIL],
                    subject="We launched",
                    body="Come and see.",
                )
            ),
            timeout=WAIT,
        )
    ).campaign
    address, other = f"first-{tag()}@example.com", f"second-{tag()}@example.com"
    people = [
        C.CampaignRecipient(person_id=person_id, recipient=recipient.format(address=address)),
        C.CampaignRecipient(person_id="p-2", recipient=other),
    ]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendCampaign(
            C.SendCampaignRequest(id=campaign.id, recipients=people), timeout=WAIT
        )
    error = rich_error(caught.value)
    assert (error.code, error.violations) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        {field: "is required"},
    )
    sends = query(server, "SELECT id FROM campaign_sends WHERE campaign_id = ?", campaign.id)
    assert sends == []

    # Refused whole: the campaign was not sent (no 409), and sends now as the seed has it.
    send = (
        await stub.SendCampaign(
            C.SendCampaignRequest(
                id=campaign.id, recipients=[C.CampaignRecipient(person_id="p-3", recipient=other)]
            ),
            timeout=WAIT,
        )
    ).send
    final = [
        r.send
        async for r in stub.WatchCampaignSend(C.WatchCampaignSendRequest(id=send.id), timeout=60)
    ][-1]
    assert (final.status, final.total_recipients, final.sent) == (
        C.CAMPAIGN_SEND_STATUS_COMPLETED,
        1,
        1,
    )
    assert len(mails_to(peers, other)) == 1
    assert mails_to(peers, address) == []


async def test_seed_004_path_with_an_empty_person_id_is_400_naming_it(
    channel: grpc.aio.Channel, http: httpx.AsyncClient, server: ServerProcess
) -> None:
    campaign = (
        await campaign_pb2_grpc.CampaignServiceStub(channel).CreateCampaign(
            C.CreateCampaignRequest(
                campaign=C.Campaign(
                    display_name="Spring launch", channels=[EMAIL], subject="s", body="b"
                )
            ),
            timeout=WAIT,
        )
    ).campaign
    reply = await http.post(
        f"/v1/admin/campaigns/{campaign.id}/send",
        json={"recipients": [{"person_id": "", "recipient": f"r-{tag()}@example.com"}]},
    )
    assert reply.status_code == 400, reply.text
    assert names("recipients[0].person_id", reply.text), reply.text
    assert query(server, "SELECT id FROM campaign_sends WHERE campaign_id = ?", campaign.id) == []


# Seed 003: body is "used when body_html is omitted" on HTML-capable channels.


async def test_seed_003_without_body_html_sends_a_text_only_email(
    stub: delivery_pb2_grpc.DeliveryServiceStub, peers: Peers
) -> None:
    address = f"alice-{tag()}@example.com"
    reply = await stub.SendNotification(
        delivery_pb2.SendNotificationRequest(
            channels=[EMAIL],
            to=[address],
            subject="Launch deck ready for review",
            body="The updated deck is attached to the project workspace.",
        ),
        timeout=WAIT,
    )
    assert [(a.channel, list(a.recipients)) for a in reply.accepted_recipients] == [
        (EMAIL, [address])
    ]
    watch = delivery_pb2.WatchNotificationRequest(name=reply.name)
    [*_, last] = [event async for event in stub.WatchNotification(watch, timeout=WAIT)]
    assert (last.state, last.delivered) == (delivery_pb2.NOTIFICATION_STATE_COMPLETED, 1)

    [mail] = mails_to(peers, address)
    assert mail["Subject"] == "Launch deck ready for review"
    assert [part.get_content_type() for part in mail.walk()] == ["text/plain"]
    assert mail.get_content().strip() == "The updated deck is attached to the project workspace."


# Seed 000's example request and example response, "User not found" for In-App.

SEED_000 = """{
    "subject": "System maintenance",
    "body": "A scheduled maintenance window starts at 22:00 UTC.",
    "channels": ["Email", "Sms", "InApp"],
    "emailAddress": "user@example.com",
    "phoneNumber": "+97455555555",
    "userId": "3f45ef0f-39d1-4d65-8eaa-5db7c0b8f763",
    "pushToken": null,
    "webhookUrl": null,
    "isHtml": false
  }"""


async def test_seed_000_example_gives_the_example_response_for_an_unknown_in_app_user(
    http: httpx.AsyncClient, server: ServerProcess, peers: Peers
) -> None:
    reply = await http.post(
        "/api/v1/communications/send",
        content=SEED_000,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 200, reply.text
    assert [(r["channel"], r["success"], r["error"]) for r in reply.json()["results"]] == [
        ("Email", True, None),
        ("Sms", True, None),
        ("InApp", False, "User not found"),
    ]
    [mail] = mails_to(peers, "user@example.com")
    assert mail["Subject"] == "System maintenance"
    texts = [r.form["Body"] for r in peers.twilio.requests if r.form.get("To") == "+97455555555"]
    assert texts == ["A scheduled maintenance window starts at 22:00 UTC."]
    inbox = "SELECT id FROM inbox_messages WHERE user_id = ?"
    assert query(server, inbox, "3f45ef0f-39d1-4d65-8eaa-5db7c0b8f763") == []
