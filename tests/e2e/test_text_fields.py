"""Text the store cannot hold or that is not the value it looks like: a trailing
line break on a validated value, a NUL character in any caller-supplied
string (PostgreSQL text cannot store one), and an id, address, request_id or
required text made only of whitespace. Each is INVALID_ARGUMENT with a
violation on the field, and nothing is stored or sent."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import struct_pb2
from herald.v1 import (
    campaign_pb2,
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

from tests.support.db import count, query
from tests.support.server import ServerProcess
from tests.support.status import rich_error

pytestmark = pytest.mark.backends("sqlite", "postgres")

C, D, T, U = campaign_pb2, delivery_pb2, template_pb2, directory_pb2
IN_APP, EMAIL = common_pb2.CHANNEL_IN_APP, common_pb2.CHANNEL_EMAIL
TABLES = (
    "requests",
    "deliveries",
    "inbox_messages",
    "users",
    "user_push_tokens",
    "clusters",
    "cluster_members",
    "templates",
    "campaigns",
    "campaign_sends",
)
NUL = "must not contain NUL characters"
BLANK = "must not be blank"
BLANKS_ONLY = " \t\u00a0\n"  # spaces, a tab, a no-break space, a line break
CAMPAIGN = "text-fields-campaign"  # an existing campaign, for SendCampaign
TEMPLATE = "text-fields-template"  # an existing template that renders `n`


@dataclass
class Stubs:
    delivery: delivery_pb2_grpc.DeliveryServiceStub
    directory: directory_pb2_grpc.DirectoryServiceStub
    templates: template_pb2_grpc.TemplateServiceStub
    campaigns: campaign_pb2_grpc.CampaignServiceStub
    inbox: inbox_pb2_grpc.InboxServiceStub


Call = Callable[[Stubs], Awaitable[object]]


def user(**fields: object) -> Call:
    values: dict[str, object] = {"id": "u1", **fields}
    return lambda s: s.directory.CreateUser(
        U.CreateUserRequest(user=U.User(**values)),  # type: ignore[arg-type]
        timeout=10,
    )


def message(**fields: object) -> Call:
    values: dict[str, object] = {
        "subject": "s",
        "body": "b",
        "channels": [IN_APP],
        "user_id": "u1",
        **fields,
    }
    return lambda s: s.delivery.SendMessage(
        D.SendMessageRequest(**values),  # type: ignore[arg-type]
        timeout=10,
    )


def notification(**fields: object) -> Call:
    values: dict[str, object] = {"channels": [IN_APP], "subject": "s", "body": "b", **fields}
    return lambda s: s.delivery.SendNotification(
        D.SendNotificationRequest(**values),  # type: ignore[arg-type]
        timeout=10,
    )


def campaign(**fields: object) -> Call:
    values: dict[str, object] = {
        "id": "c3",
        "display_name": "x",
        "channels": [IN_APP],
        "subject": "s",
        "body": "b",
        **fields,
    }
    return lambda s: s.campaigns.CreateCampaign(
        C.CreateCampaignRequest(campaign=C.Campaign(**values)),  # type: ignore[arg-type]
        timeout=10,
    )


def template(**fields: object) -> Call:
    values: dict[str, object] = {
        "id": "t1",
        "display_name": "a",
        "content": T.TemplateContent(email_text="x"),
        **fields,
    }
    return lambda s: s.templates.CreateTemplate(
        T.CreateTemplateRequest(template=T.Template(**values)),  # type: ignore[arg-type]
        timeout=10,
    )


def campaign_send(person_id: str = "p1", recipient: str = "r1", request_id: str = "") -> Call:
    request = C.SendCampaignRequest(
        id=CAMPAIGN,
        recipients=[C.CampaignRecipient(person_id=person_id, recipient=recipient)],
        request_id=request_id,
    )
    return lambda s: s.campaigns.SendCampaign(request, timeout=10)


def cluster(display_name: str) -> Call:
    request = U.CreateClusterRequest(cluster=U.Cluster(id="k1", display_name=display_name))
    return lambda s: s.directory.CreateCluster(request, timeout=10)


def data(**values: str) -> struct_pb2.Struct:
    found = struct_pb2.Struct()
    found.update(values)
    return found


# (name, call, the field its violation names)
TRAILING_NEWLINES: list[tuple[str, Call, str]] = [
    ("user id", user(id="u1\n"), "user.id"),
    ("user phone", user(phone_number="+4512345678\n"), "user.phone_number"),
    ("user push token", user(push_tokens=["tok\n"]), "user.push_tokens[0]"),
    ("user locale", user(locale="en\n"), "user.locale"),
    ("in-app user id", message(user_id="u9\n"), "user_id"),
    (
        "attachment content type",
        message(attachments=[common_pb2.Attachment(filename="a.txt", content_type="text/plain\n")]),
        "attachments[0].content_type",
    ),
    ("campaign id", campaign(id="c3\n"), "campaign.id"),
    ("template id", template(id="t1\n"), "template.id"),
    (
        "template variant locale",
        template(
            variants=[T.TemplateVariant(locale="da\n", content=T.TemplateContent(email_text="y"))]
        ),
        "template.variants[0].locale",
    ),
]

NULS: list[tuple[str, Call, str]] = [
    ("campaign display name", campaign(display_name="x\0"), "campaign.display_name"),
    (
        "campaign template id",
        campaign(template_id="t\0", subject="", body=""),
        "campaign.template_id",
    ),
    ("campaign body", campaign(body="b\0"), "campaign.body"),
    ("campaign data", campaign(data=data(name="\0")), "campaign.data"),
    ("campaign send person id", campaign_send(person_id="p\0"), "recipients[0].person_id"),
    ("campaign send recipient", campaign_send(recipient="r\0"), "recipients[0].recipient"),
    ("campaign send request id", campaign_send(request_id="r\0"), "request_id"),
    ("template display name", template(display_name="a\0"), "template.display_name"),
    (
        "template part",
        template(content=T.TemplateContent(email_text="x\0")),
        "template.content.email_text",
    ),
    (
        "template variant part",
        template(
            variants=[T.TemplateVariant(locale="da", content=T.TemplateContent(in_app_body="\0"))]
        ),
        "template.variants[0].content.in_app_body",
    ),
    ("cluster display name", cluster("k\0"), "cluster.display_name"),
    ("user display name", user(display_name="A\0"), "user.display_name"),
    ("notification cluster", notification(clusters=["c\0"]), "clusters[0]"),
    ("notification template id", notification(to=["u1"], template_id="t\0"), "template_id"),
    ("notification subject", notification(to=["u1"], subject="s\0"), "subject"),
    ("notification request id", notification(to=["u1"], request_id="r\0"), "request_id"),
    (
        "notification data",
        notification(
            to=["u1"],
            subject="",
            body="",
            message_title="{{ n }}",
            message_content="x",
            data=data(n="\0"),
        ),
        "data",
    ),
    (
        "message user id",
        message(channels=[], delivery_method=common_pb2.DELIVERY_METHOD_EMAIL, user_id="u\0"),
        "user_id",
    ),
    ("message template id", message(communication_template_id="t\0"), "communication_template_id"),
    ("message subject", message(subject="s\0"), "subject"),
    ("message body", message(body="b\0"), "body"),
    ("message request id", message(request_id="r\0"), "request_id"),
    (
        "message custom body",
        message(subject="", body="", message_body=D.MessageBody(subject="s", text="t\0")),
        "message_body.text",
    ),
    (
        "message template data",
        message(subject="", body="", communication_template_id=TEMPLATE, data=data(n="\0")),
        "data",
    ),
]


B = BLANKS_ONLY
# (name, call, the field its violation names, what the violation says). Blank is
# refused where empty is refused (INVALID_ARGUMENT) and where a blank value would
# be stored, looked up (NOT_FOUND, a replay) or sent; a lookup that answers an
# empty id NOT_FOUND (GetUser, GetCampaign) answers a blank one so too.
BLANKS: list[tuple[str, Call, str, str]] = [
    ("message request id", message(request_id=B), "request_id", BLANK),
    (
        "message user id beside an email address",
        message(channels=[EMAIL], email_address="a@example.com", user_id=B),
        "user_id",
        BLANK,
    ),
    (
        "message user id with a delivery method",
        message(channels=[], delivery_method=common_pb2.DELIVERY_METHOD_EMAIL, user_id=B),
        "user_id",
        BLANK,
    ),
    (
        "message template id",
        message(communication_template_id=B),
        "communication_template_id",
        BLANK,
    ),
    ("notification request id", notification(to=["u1"], request_id=B), "request_id", BLANK),
    (
        "notification template id",
        notification(to=["u1"], subject="", body="", template_id=B),
        "template_id",
        BLANK,
    ),
    (
        "campaign template id",
        campaign(template_id=B, subject="", body=""),
        "campaign.template_id",
        BLANK,
    ),
    ("campaign send person id", campaign_send(person_id=B), "recipients[0].person_id", BLANK),
    ("campaign send recipient", campaign_send(recipient=B), "recipients[0].recipient", BLANK),
    ("campaign send request id", campaign_send(request_id=B), "request_id", BLANK),
    ("user id", user(id=B), "user.id", BLANK),
    (
        "updated user id",
        lambda s: s.directory.UpdateUser(
            U.UpdateUserRequest(user=U.User(id=B, display_name="x")), timeout=10
        ),
        "user.id",
        BLANK,
    ),
    (
        "cluster id",
        lambda s: s.directory.CreateCluster(
            U.CreateClusterRequest(cluster=U.Cluster(id=B)), timeout=10
        ),
        "cluster.id",
        BLANK,
    ),
    (
        "template content",
        template(content=T.TemplateContent(email_subject=B, email_text=B)),
        "template.content",
        "at least one part is required (the default content)",
    ),
    (
        "get template id",
        lambda s: s.templates.GetTemplate(T.GetTemplateRequest(id=B), timeout=10),
        "id",
        BLANK,
    ),
    (
        "updated template id",
        lambda s: s.templates.UpdateTemplate(
            T.UpdateTemplateRequest(template=T.Template(id=B, display_name="x")), timeout=10
        ),
        "template.id",
        BLANK,
    ),
    (
        "deleted template id",
        lambda s: s.templates.DeleteTemplate(T.DeleteTemplateRequest(id=B), timeout=10),
        "id",
        BLANK,
    ),
    (
        "rendered template id",
        lambda s: s.templates.RenderTemplate(T.RenderTemplateRequest(id=B), timeout=10),
        "id",
        BLANK,
    ),
    (
        "inbox user id",
        lambda s: s.inbox.ListInboxMessages(
            inbox_pb2.ListInboxMessagesRequest(user_id=B), timeout=10
        ),
        "user_id",
        BLANK,
    ),
    (
        "marked inbox message id",
        lambda s: s.inbox.MarkInboxMessages(
            inbox_pb2.MarkInboxMessagesRequest(
                user_id="u1", message_ids=[B], state=inbox_pb2.INBOX_MESSAGE_STATE_READ
            ),
            timeout=10,
        ),
        "message_ids[0]",
        BLANK,
    ),
]


@pytest.fixture
def stubs(channel: grpc.aio.Channel) -> Stubs:
    return Stubs(
        delivery_pb2_grpc.DeliveryServiceStub(channel),
        directory_pb2_grpc.DirectoryServiceStub(channel),
        template_pb2_grpc.TemplateServiceStub(channel),
        campaign_pb2_grpc.CampaignServiceStub(channel),
        inbox_pb2_grpc.InboxServiceStub(channel),
    )


async def _prepare(stubs: Stubs) -> None:
    """The campaign and template some cases name (created once per server)."""
    content = T.TemplateContent(email_text="{{ n }}", in_app_body="{{ n }}")
    for create in (campaign(id=CAMPAIGN), template(id=TEMPLATE, content=content)):
        try:
            await create(stubs)
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.ALREADY_EXISTS


async def _refused(stubs: Stubs, server: ServerProcess, call: Call) -> dict[str, str]:
    """The call's violations, after checking it was INVALID_ARGUMENT and that no
    table changed."""
    await _prepare(stubs)
    before = {table: count(server, table) for table in TABLES}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(stubs)
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert (error.reason, error.domain) == ("INVALID_ARGUMENT", "herald")
    assert {table: count(server, table) for table in TABLES} == before
    return error.violations


@pytest.mark.parametrize(
    ("name", "call", "field"), TRAILING_NEWLINES, ids=[c[0] for c in TRAILING_NEWLINES]
)
async def test_a_trailing_line_break_is_invalid_argument(
    stubs: Stubs, server: ServerProcess, name: str, call: Call, field: str
) -> None:
    violations = await _refused(stubs, server, call)
    assert set(violations) == {field}
    assert violations[field]


@pytest.mark.parametrize(("name", "call", "field"), NULS, ids=[c[0] for c in NULS])
async def test_a_nul_character_is_invalid_argument(
    stubs: Stubs, server: ServerProcess, name: str, call: Call, field: str
) -> None:
    violations = await _refused(stubs, server, call)
    assert violations == {field: NUL}


@pytest.mark.parametrize(
    ("name", "call", "field", "description"), BLANKS, ids=[c[0] for c in BLANKS]
)
async def test_a_blank_id_address_or_required_text_is_invalid_argument(
    stubs: Stubs, server: ServerProcess, name: str, call: Call, field: str, description: str
) -> None:
    violations = await _refused(stubs, server, call)
    assert violations == {field: description}


async def test_whitespace_around_a_value_is_kept_as_sent(
    stubs: Stubs, server: ServerProcess
) -> None:
    """Only a value of nothing but whitespace is refused: one with text is stored as given."""
    user_id = f"padded-{uuid.uuid4().hex[:8]}"
    reply = await message(
        user_id=user_id, subject=" Hi ", body="\n  Hello  \n", request_id=f" {user_id} "
    )(stubs)
    assert isinstance(reply, D.SendMessageResponse)
    assert [r.success for r in reply.results] == [True]
    rows = query(server, "SELECT title, body FROM inbox_messages WHERE user_id = ?", user_id)
    assert [(r["title"], r["body"]) for r in rows] == [(" Hi ", "\n  Hello  \n")]
