"""SendNotification to people (seed 001): users by id and by cluster, resolved
through the directory, content from a template or interpolated from `data`,
attachments merged, failures listed. Against a real server, an SMTP peer and the
In-App inbox; users, clusters and templates are made through the real RPCs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import struct_pb2
from herald.v1 import (
    common_pb2,
    delivery_pb2,
    delivery_pb2_grpc,
    directory_pb2,
    directory_pb2_grpc,
    template_pb2,
    template_pb2_grpc,
)

from tests.peers.smtp import SmtpPeer
from tests.support.db import count, query
from tests.support.loop_thread import LoopThread
from tests.support.server import ServerProcess
from tests.support.status import rich_error

EMAIL, SMS, PUSH, IN_APP = (
    common_pb2.CHANNEL_EMAIL,
    common_pb2.CHANNEL_SMS,
    common_pb2.CHANNEL_PUSH,
    common_pb2.CHANNEL_IN_APP,
)
R = delivery_pb2
D = directory_pb2
T = template_pb2
pytestmark = pytest.mark.backends("sqlite", "postgres")
COMPLETED = delivery_pb2.NOTIFICATION_STATE_COMPLETED
MAX_ATTACHMENT_BYTES = 100_000
REPORT = b"region,total\nnorth,42\n"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpPeer]:
    thread = LoopThread()
    peer = thread.run(SmtpPeer().start())
    yield peer
    thread.run(peer.close())
    thread.stop()


@pytest.fixture(scope="module")
def attachment_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's attachment directory, with traps beside it: a secret outside,
    a symlink pointing at it, a subdirectory and a file over the size limit."""
    base = Path(tmp_path_factory.mktemp("files"))
    inside = base / "attachments"
    inside.mkdir()
    (inside / "report.csv").write_bytes(REPORT)
    (inside / "big.bin").write_bytes(b"x" * (MAX_ATTACHMENT_BYTES + 1))
    (inside / "sub").mkdir()
    (inside / "sub" / "nested.txt").write_text("nested")
    (base / "secret.txt").write_text("not for mail")
    (inside / "link-out.txt").symlink_to(base / "secret.txt")
    return inside


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    smtp: SmtpPeer,
    store_env: dict[str, str],
    attachment_dir: Path,
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        env={
            "HERALD_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
            "HERALD_ATTACHMENT_DIR": str(attachment_dir),
            "HERALD_MAX_ATTACHMENT_BYTES": str(MAX_ATTACHMENT_BYTES),
            **store_env,
        },
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> delivery_pb2_grpc.DeliveryServiceStub:
    return delivery_pb2_grpc.DeliveryServiceStub(channel)


@pytest.fixture
def people(channel: grpc.aio.Channel) -> directory_pb2_grpc.DirectoryServiceStub:
    return directory_pb2_grpc.DirectoryServiceStub(channel)


@pytest.fixture
def templates(channel: grpc.aio.Channel) -> template_pb2_grpc.TemplateServiceStub:
    return template_pb2_grpc.TemplateServiceStub(channel)


def tag() -> str:
    return uuid.uuid4().hex[:8]


def data(**values: object) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


async def user(people: directory_pb2_grpc.DirectoryServiceStub, name: str, **fields: object) -> str:
    user_id = f"{name}-{tag()}"
    await people.CreateUser(D.CreateUserRequest(user=D.User(id=user_id, **fields)), timeout=10)  # type: ignore[arg-type]
    return user_id


async def cluster(people: directory_pb2_grpc.DirectoryServiceStub, *members: str) -> str:
    cluster_id = f"team-{tag()}"
    await people.CreateCluster(D.CreateClusterRequest(cluster=D.Cluster(id=cluster_id)), timeout=10)
    await people.AddClusterMembers(
        D.AddClusterMembersRequest(cluster_id=cluster_id, user_ids=members), timeout=10
    )
    return cluster_id


def accepted(reply: delivery_pb2.SendNotificationResponse) -> dict[int, list[str]]:
    return {a.channel: list(a.recipients) for a in reply.accepted_recipients}


def rejected(reply: delivery_pb2.SendNotificationResponse) -> dict[int, list[tuple[str, int]]]:
    return {
        r.channel: [(x.recipient, x.reason) for x in r.rejected] for r in reply.rejected_recipients
    }


def failures(reply: delivery_pb2.SendNotificationResponse) -> list[tuple[str, int, str]]:
    return [(f.user_id, f.channel, f.error) for f in reply.failures]


async def watch_to_the_end(
    stub: delivery_pb2_grpc.DeliveryServiceStub, name: str
) -> delivery_pb2.WatchNotificationResponse:
    request = R.WatchNotificationRequest(name=name)
    events = [event async for event in stub.WatchNotification(request, timeout=30)]
    return events[-1]


def stored(server: ServerProcess) -> tuple[int, int]:
    return count(server, "requests"), count(server, "deliveries")


async def refused(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    server: ServerProcess,
    request: delivery_pb2.SendNotificationRequest,
) -> grpc.aio.AioRpcError:
    """The call fails, and nothing is stored."""
    before = stored(server)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendNotification(request, timeout=10)
    assert stored(server) == before
    return caught.value


async def test_seed_001_clusters_and_recipients_template_data_attachments_failures(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    templates: template_pb2_grpc.TemplateServiceStub,
    smtp: SmtpPeer,
    server: ServerProcess,
) -> None:
    ann = await user(people, "ann", email=f"ann-{tag()}@example.com")
    ben = await user(people, "ben", email=f"ben-{tag()}@example.com")
    cat = await user(people, "cat")  # no email address
    ghost = f"ghost-{tag()}"
    everyone, again = await cluster(people, ann, ben, cat), await cluster(people, ben)
    template_id = f"report-{tag()}"
    await templates.CreateTemplate(
        T.CreateTemplateRequest(
            template=T.Template(
                id=template_id,
                content=T.TemplateContent(
                    email_subject="Weekly report for {{ team }}",
                    email_text="{{ team }} closed {{ closed }} tickets.",
                    in_app_title="Report: {{ team }}",
                    in_app_body="{{ closed }} closed",
                ),
                attachments=[common_pb2.Attachment(filename="terms.pdf", content=b"%PDF-1.4")],
            )
        ),
        timeout=10,
    )
    request = R.SendNotificationRequest(
        channels=[EMAIL, IN_APP],
        recipients=[ann, ghost, ann],
        clusters=[everyone, again],
        template_id=template_id,
        message_title="ignored: the template says it all",
        data=data(team="North", closed=42),
        attachments=[
            common_pb2.Attachment(filename="notes.txt", content_type="text/plain", content=b"hi")
        ],
        email_attachments=["report.csv"],
        request_id=tag(),
    )
    reply = await stub.SendNotification(request, timeout=10)

    # Each user once per channel, whether listed, in a cluster, or in two clusters.
    assert accepted(reply) == {EMAIL: [ann, ben], IN_APP: [ann, ben, cat]}
    refusals = [
        (ghost, R.REJECTION_REASON_UNKNOWN_USER),
        (ann, R.REJECTION_REASON_DUPLICATE_RECIPIENT),
    ]
    assert rejected(reply) == {EMAIL: refusals, IN_APP: refusals}
    assert failures(reply) == [(cat, EMAIL, "no email address")]

    last = await watch_to_the_end(stub, reply.name)
    assert (last.state, last.total, last.delivered, last.failed) == (COMPLETED, 5, 5, 0)
    got = await stub.GetNotification(R.GetNotificationRequest(name=reply.name), timeout=10)
    notification = got.notification
    assert notification.subject == "Weekly report for North"
    emails = {
        u.id: u.email
        for u in [
            (await people.GetUser(D.GetUserRequest(id=i), timeout=10)).user for i in (ann, ben)
        ]
    }
    assert sorted((d.channel, d.recipient, d.user_id) for d in notification.deliveries) == sorted(
        [
            (EMAIL, emails[ann], ann),
            (EMAIL, emails[ben], ben),
            (IN_APP, ann, ann),
            (IN_APP, ben, ben),
            (IN_APP, cat, cat),
        ]
    )

    # One email each, rendered with the data; the template's attachment, the
    # request's and the file from the attachment directory, in that order.
    for person in (ann, ben):
        [mail] = [m for m in smtp.messages if m.rcpt_tos == [emails[person]]]
        message = mail.message
        assert message["Subject"] == "Weekly report for North"
        body = message.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().strip() == "North closed 42 tickets."
        files = [
            (p.get_filename(), p.get_content_type(), p.get_content())
            for p in message.iter_attachments()
        ]
        assert [(name, kind) for name, kind, _ in files] == [
            ("terms.pdf", "application/pdf"),
            ("notes.txt", "text/plain"),
            ("report.csv", "text/csv"),
        ]
        assert files[0][2] == b"%PDF-1.4"
        assert files[1][2] in (b"hi", "hi")
        assert files[2][2] in (REPORT, REPORT.decode())
    # The In-App part of the template, one inbox message per user.
    for person in (ann, ben, cat):
        inbox = query(server, "SELECT title, body FROM inbox_messages WHERE user_id = ?", person)
        assert [(m["title"], m["body"]) for m in inbox] == [("Report: North", "42 closed")]

    # A repeated request_id answers the same lists, failures included.
    deliveries = count(server, "deliveries")
    replay = await stub.SendNotification(request, timeout=10)
    assert (replay.replayed, replay.notification_id) == (True, reply.notification_id)
    assert (accepted(replay), rejected(replay), failures(replay)) == (
        accepted(reply),
        rejected(reply),
        failures(reply),
    )
    assert count(server, "deliveries") == deliveries


async def test_message_title_and_content_are_interpolated_with_data(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    dana = await user(people, "dana")
    reply = await stub.SendNotification(
        R.SendNotificationRequest(
            channels=[IN_APP],
            recipients=[dana],
            message_title="Hello {{ name }}",
            message_content="You have {{ count }} new {{ 'item' if count == 1 else 'items' }}.",
            data=data(name="Dana", count=3),
        ),
        timeout=10,
    )
    assert accepted(reply) == {IN_APP: [dana]}
    await watch_to_the_end(stub, reply.name)
    inbox = query(server, "SELECT title, body FROM inbox_messages WHERE user_id = ?", dana)
    assert [(m["title"], m["body"]) for m in inbox] == [("Hello Dana", "You have 3 new items.")]


async def test_a_missing_variable_or_a_syntax_error_is_invalid_argument(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    erin = await user(people, "erin")
    base = {"channels": [IN_APP], "recipients": [erin]}
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                message_title="Hello {{ name }}",
                message_content="Total: {{ total }}",
                data=data(name="Erin"),
                **base,  # type: ignore[arg-type]
            ),
        )
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert list(error.violations) == ["data"]
    assert "'total'" in error.violations["data"]
    assert "message_content" in error.violations["data"]

    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                message_title="Hello {{ name",
                message_content="fine",
                **base,  # type: ignore[arg-type]
            ),
        )
    )
    assert (error.code, list(error.violations)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        ["message_title"],
    )


@pytest.mark.parametrize(
    ("form", "on", "field", "empty"),
    [
        # The email has no body: the SMS text is no email's.
        (
            {"template": T.TemplateContent(email_subject="Subj", sms_text="sms body")},
            EMAIL,
            "template_id",
            "email_text or email_html",
        ),
        # The subject renders blank.
        (
            {"template": T.TemplateContent(email_subject="{{ s }}", email_text="b {{ s }}")},
            EMAIL,
            "template_id",
            "email_subject",
        ),
        # No in-app title, and no email subject for it to fall back to.
        ({"template": T.TemplateContent(email_text="Hi")}, IN_APP, "template_id", "in_app_title"),
        # message_title interpolated to nothing.
        (
            {"message_title": "{{ s }}", "message_content": "Hi {{ s }}"},
            IN_APP,
            "message_title",
            "message_title",
        ),
    ],
    ids=["no-body", "blank-subject", "no-in-app-title", "blank-message-title"],
)
async def test_content_that_renders_a_needed_part_empty_is_invalid_argument(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    templates: template_pb2_grpc.TemplateServiceStub,
    server: ServerProcess,
    smtp: SmtpPeer,
    form: dict[str, object],
    on: int,
    field: str,
    empty: str,
) -> None:
    """Without a template, a blank subject or body is INVALID_ARGUMENT; so is content
    that renders one empty, with nothing stored or sent."""
    address = f"ivy-{tag()}@example.com"
    ivy = await user(people, "ivy", email=address)
    form = dict(form)
    content = form.pop("template", None)
    source = "the message"
    if isinstance(content, T.TemplateContent):
        template_id = f"empty-{tag()}"
        await templates.CreateTemplate(
            T.CreateTemplateRequest(
                template=T.Template(id=template_id, display_name="empty", content=content)
            ),
            timeout=10,
        )
        form["template_id"] = template_id
        source = f"template {template_id!r}"
    request = R.SendNotificationRequest(
        channels=[on],  # type: ignore[list-item]
        recipients=[ivy],
        data=data(s=" "),
        **form,  # type: ignore[arg-type]
    )
    error = rich_error(await refused(stub, server, request))
    assert (error.code, error.reason) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "TEMPLATE_RENDER_FAILED",
    )
    name = "in_app" if on == IN_APP else "email"
    assert error.violations == {
        field: f"{source} renders an empty {empty}, which the {name} channel needs"
    }
    await asyncio.sleep(0.3)
    assert [m for m in smtp.messages if address in m.rcpt_tos] == []


async def test_push_in_to_resolves_the_users_tokens(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
) -> None:
    """Seed 003's form: Push recipients are user ids; each token is a delivery.
    (Push is not configured on this server: the deliveries fail later, per
    delivery, as the `to` form reports an inactive channel.)"""
    run = tag()
    phone = await user(people, "fay", push_tokens=[f"tok-a-{run}", f"tok-b-{run}"])
    bare = await user(people, "gus")
    ghost = f"ghost-{run}"
    reply = await stub.SendNotification(
        R.SendNotificationRequest(channels=[PUSH], to=[phone, bare, ghost], subject="s", body="b"),
        timeout=10,
    )
    assert accepted(reply) == {PUSH: [phone]}
    assert rejected(reply) == {PUSH: [(ghost, R.REJECTION_REASON_UNKNOWN_USER)]}
    assert failures(reply) == [(bare, PUSH, "no push tokens")]
    got = await stub.GetNotification(R.GetNotificationRequest(name=reply.name), timeout=10)
    assert [(d.recipient, d.user_id) for d in got.notification.deliveries] == [
        (f"tok-a-{run}", phone),
        (f"tok-b-{run}", phone),
    ]


async def test_nobody_reachable_is_failed_precondition_and_nothing_is_stored(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    hal = await user(people, "hal")  # no email address
    ghost = f"ghost-{tag()}"
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                channels=[EMAIL], recipients=[hal, ghost], subject="s", body="b"
            ),
        )
    )
    assert (error.code, error.reason) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "NO_RECIPIENTS_ACCEPTED",
    )
    assert error.preconditions == [
        ("unknown_user", f"email:{ghost}"),
        ("no_contact_point", f"email:{hal}"),
    ]


async def test_channels_must_be_active_on_this_server(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    ivy = await user(people, "ivy", email="ivy@example.com", phone_number="+4520123456")
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                channels=[EMAIL, SMS, PUSH], recipients=[ivy], subject="s", body="b"
            ),
        )
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.violations.keys() == {"channels[1]", "channels[2]"}
    assert "sms is not active" in error.violations["channels[1]"]


async def test_an_unknown_cluster_is_not_found(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    known = await cluster(people, await user(people, "jo"))
    missing = f"no-such-{tag()}"
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                channels=[IN_APP], clusters=[known, missing], subject="s", body="b"
            ),
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.resource is not None
    assert (error.resource.resource_type, error.resource.resource_name) == (
        "herald.v1.Cluster",
        f"clusters/{missing}",
    )


async def test_an_unknown_template_is_not_found(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    kim = await user(people, "kim")
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(channels=[IN_APP], recipients=[kim], template_id="nope"),
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.resource is not None and error.resource.resource_type == "herald.v1.Template"


async def test_to_and_recipients_at_once_is_invalid_argument(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
) -> None:
    lee = await user(people, "lee", email="lee@example.com")
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                to=["lee@example.com"], recipients=[lee], subject="s", body="b"
            ),
        )
    )
    assert (error.code, list(error.violations)) == (grpc.StatusCode.INVALID_ARGUMENT, ["to"])


@pytest.mark.parametrize(
    ("names", "field", "says"),
    [
        (["../secret.txt"], "email_attachments[0]", "plain file name"),
        (["sub/nested.txt"], "email_attachments[0]", "plain file name"),
        (["report.csv", ".."], "email_attachments[1]", "plain file name"),
        (["link-out.txt"], "email_attachments[0]", "inside the attachment directory"),
        (["missing.txt"], "email_attachments[0]", "no such file"),
        (["sub"], "email_attachments[0]", "not a regular file"),
        (["report.csv", "big.bin"], "email_attachments[1]", "HERALD_MAX_ATTACHMENT_BYTES"),
    ],
)
async def test_email_attachments_stay_inside_the_attachment_directory(
    stub: delivery_pb2_grpc.DeliveryServiceStub,
    people: directory_pb2_grpc.DirectoryServiceStub,
    server: ServerProcess,
    smtp: SmtpPeer,
    names: list[str],
    field: str,
    says: str,
) -> None:
    mia = await user(people, "mia", email=f"mia-{tag()}@example.com")
    error = rich_error(
        await refused(
            stub,
            server,
            R.SendNotificationRequest(
                channels=[EMAIL],
                recipients=[mia],
                subject="s",
                body="b",
                email_attachments=names,
            ),
        )
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert list(error.violations) == [field]
    assert says in error.violations[field]
    await asyncio.sleep(0)
    assert not any(b"not for mail" in m.raw for m in smtp.messages)
