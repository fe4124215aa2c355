"""SendMessage to a known user (seed 002): the directory's contact points, a
delivery method, and content from a template, a message type or a custom body,
through a real server and real provider peers on 127.0.0.1."""

from __future__ import annotations

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

from tests.support.db import query
from tests.support.live_peers import MAX_ATTACHMENT_BYTES, Peers
from tests.support.server import ServerProcess
from tests.support.status import rich_error

EMAIL, SMS, PUSH = common_pb2.CHANNEL_EMAIL, common_pb2.CHANNEL_SMS, common_pb2.CHANNEL_PUSH
METHOD_SMS, METHOD_EMAIL, METHOD_BOTH = (
    common_pb2.DELIVERY_METHOD_SMS,
    common_pb2.DELIVERY_METHOD_EMAIL,
    common_pb2.DELIVERY_METHOD_BOTH,
)
pytestmark = pytest.mark.backends("sqlite", "postgres")


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Peers]:
    peers = Peers(Path(tmp_path_factory.mktemp("peers")))
    yield peers
    peers.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, peers: Peers, store_env: dict[str, str]
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")), env={**peers.env(), **store_env}
    )
    process.start()
    yield process
    process.stop()


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def make_user(channel: grpc.aio.Channel, **fields: object) -> directory_pb2.User:
    values: dict[str, object] = {
        "id": f"user-{tag()}",
        "email": f"ada-{tag()}@example.com",
        "phone_number": "+4520" + str(uuid.uuid4().int)[:6],
        "locale": "en",
    }
    values.update(fields)
    stub = directory_pb2_grpc.DirectoryServiceStub(channel)
    reply = await stub.CreateUser(
        directory_pb2.CreateUserRequest(user=directory_pb2.User(**values)),  # type: ignore[arg-type]
        timeout=10,
    )
    return reply.user


def data(**values: object) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def mails_to(peers: Peers, address: str) -> list[object]:
    return [m.message for m in peers.smtp.messages if address in m.rcpt_tos]


def sms_to(peers: Peers, number: str) -> list[str]:
    return [r.form["Body"] for r in peers.twilio.requests if r.form.get("To") == number]


@pytest.mark.parametrize(
    ("method", "channels"),
    [(METHOD_EMAIL, [EMAIL]), (METHOD_SMS, [SMS]), (METHOD_BOTH, [EMAIL, SMS])],
)
async def test_each_delivery_method_reaches_the_users_contact_points(
    channel: grpc.aio.Channel, peers: Peers, method: int, channels: list[int]
) -> None:
    user = await make_user(channel)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            user_id=user.id,
            delivery_method=method,  # type: ignore[arg-type]
            message_body=delivery_pb2.MessageBody(
                subject="Your order", text="", html="<p>Order <b>42</b> ships today</p>"
            ),
        ),
        timeout=20,
    )
    assert [r.channel for r in reply.results] == channels
    assert all(r.success for r in reply.results), reply
    mails = mails_to(peers, user.email)
    texts = sms_to(peers, user.phone_number)
    if EMAIL in channels:
        [mail] = mails
        assert mail["Subject"] == "Your order"  # type: ignore[index]
        text, html = mail.iter_parts()  # type: ignore[attr-defined]
        assert html.get_content().strip() == "<p>Order <b>42</b> ships today</p>"
        assert "Order 42 ships today" in text.get_content()
    else:
        assert mails == []
    # SMS gets the plain part.
    assert texts == (["Order 42 ships today"] if SMS in channels else [])


async def test_a_custom_body_is_html_for_email_and_ascii_for_sms(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    """Seed 002: "The body for email is HTML encoded and for SMS it is ASCII encoded"."""
    user = await make_user(channel)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            user_id=user.id,
            delivery_method=METHOD_BOTH,
            message_body=delivery_pb2.MessageBody(
                subject="Café", text="Grüße — “quoted” café ½\na < b & c"
            ),
        ),
        timeout=20,
    )
    assert all(r.success for r in reply.results), reply
    [sms] = sms_to(peers, user.phone_number)
    assert sms == 'Grusse - "quoted" cafe 1/2\na < b & c'
    [mail] = mails_to(peers, user.email)
    text, html = mail.iter_parts()  # type: ignore[attr-defined]
    assert text.get_content().strip() == "Grüße — “quoted” café ½\na < b & c"
    assert html.get_content_type() == "text/html"
    assert html.get_content().strip() == "Grüße — “quoted” café ½<br>\na &lt; b &amp; c"


async def test_an_html_only_templates_sms_and_text_part_keep_its_links_and_table(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    """The text of an HTML-only template is its SMS and its email's text/plain part: a
    reset link's address is in it, table cells are apart, &nbsp; is a space."""
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    html = (
        "<p>Hi {{ name }},</p>"
        '<p><a href="{{ reset_url }}">Reset your password</a></p>'
        "<table><tr><td>Item</td><td>Price</td></tr>"
        "<tr><td>{{ item }}</td><td>{{ price }}</td></tr></table>"
        "<p>Kind&nbsp;regards</p>"
    )
    template = (
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id=f"html-only-{tag()}",
                    display_name="reset",
                    content=template_pb2.TemplateContent(email_subject="Reset", email_html=html),
                )
            ),
            timeout=10,
        )
    ).template
    user = await make_user(channel)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    url = f"https://example.com/reset?token={tag()}&user=bo"
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            user_id=user.id,
            delivery_method=METHOD_BOTH,
            communication_template_id=template.id,
            data=data(name="Bo", reset_url=url, item="Widget", price="9.99"),
        ),
        timeout=20,
    )
    assert all(r.success for r in reply.results), reply
    expected = (
        f"Hi Bo,\n\nReset your password ({url})\n\nItem | Price\nWidget | 9.99\n\nKind regards"
    )
    assert sms_to(peers, user.phone_number) == [expected]
    [mail] = mails_to(peers, user.email)
    assert mail.get_body(("plain",)).get_content().strip() == expected  # type: ignore[attr-defined]
    assert "&amp;user=bo" in mail.get_body(("html",)).get_content()  # type: ignore[attr-defined]


async def test_message_types_resolve_to_their_templates_in_the_users_locale(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    kinds = {
        common_pb2.MESSAGE_TYPE_WELCOME: "Welcome",
        common_pb2.MESSAGE_TYPE_LOGININFO: "New sign-in",
        common_pb2.MESSAGE_TYPE_FORGOTTENPASSWORD: "Reset your password",
    }
    for message_type, title in kinds.items():
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id=f"type-{message_type}-{tag()}",
                    display_name=title,
                    message_type=message_type,  # type: ignore[arg-type]
                    content=template_pb2.TemplateContent(
                        email_subject=title + ", {{ name }}",
                        email_text="Hello {{ name }}",
                        sms_text=title + " {{ name }}: {{ code }}",
                    ),
                    variants=[
                        template_pb2.TemplateVariant(
                            locale="de",
                            content=template_pb2.TemplateContent(
                                email_subject="DE " + title + ", {{ name }}"
                            ),
                        )
                    ],
                )
            ),
            timeout=10,
        )
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    english, german = await make_user(channel), await make_user(channel, locale="de-AT")
    for message_type, title in kinds.items():
        for user, prefix in ((english, ""), (german, "DE ")):
            reply = await stub.SendMessage(
                delivery_pb2.SendMessageRequest(
                    user_id=user.id,
                    delivery_method=METHOD_BOTH,
                    message_type=message_type,  # type: ignore[arg-type]
                    data=data(name="Ada", code="1234"),
                ),
                timeout=20,
            )
            assert all(r.success for r in reply.results), reply
            assert mails_to(peers, user.email)[-1]["Subject"] == f"{prefix}{title}, Ada"  # type: ignore[index]
            assert sms_to(peers, user.phone_number)[-1] == f"{title} Ada: 1234"


async def test_template_id_comes_before_message_type_and_body(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template = (
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id=f"first-{tag()}",
                    display_name="first",
                    content=template_pb2.TemplateContent(
                        email_subject="From the template", email_text="t"
                    ),
                )
            ),
            timeout=10,
        )
    ).template
    user = await make_user(channel)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            user_id=user.id,
            delivery_method=METHOD_EMAIL,
            communication_template_id=template.id,
            message_type=common_pb2.MESSAGE_TYPE_WELCOME,
            message_body=delivery_pb2.MessageBody(subject="From the body", text="b"),
            subject="From the subject",
            body="b",
        ),
        timeout=20,
    )
    assert reply.results[0].success
    assert mails_to(peers, user.email)[-1]["Subject"] == "From the template"  # type: ignore[index]


async def test_a_template_named_without_a_user_is_rendered_not_ignored(
    channel: grpc.aio.Channel, server: ServerProcess, peers: Peers
) -> None:
    """Seed 000's addressing with seed 002's content: the template gives the content
    (its default locale) whether or not a user_id is given; one that is not there is
    NOT_FOUND, with nothing stored or sent."""
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template = (
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id=f"no-user-{tag()}",
                    display_name="no user",
                    content=template_pb2.TemplateContent(
                        email_subject="Hello {{ name }}", email_text="Your code is {{ code }}"
                    ),
                )
            ),
            timeout=10,
        )
    ).template
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = f"nobody-{tag()}@example.com"
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            channels=[EMAIL],
            email_address=address,
            communication_template_id=template.id,
            data=data(name="Ada", code="1234"),
        ),
        timeout=20,
    )
    assert [r.success for r in reply.results] == [True]
    [mail] = mails_to(peers, address)
    assert mail["Subject"] == "Hello Ada"  # type: ignore[index]
    assert "Your code is 1234" in mail.get_body(("plain",)).get_content()  # type: ignore[attr-defined]

    missing = f"nobody-{tag()}@example.com"
    requests_before = query(server, "SELECT COUNT(*) AS n FROM requests")[0]["n"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                channels=[EMAIL], email_address=missing, communication_template_id=f"gone-{tag()}"
            ),
            timeout=20,
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert query(server, "SELECT COUNT(*) AS n FROM requests")[0]["n"] == requests_before
    assert mails_to(peers, missing) == []


@pytest.mark.parametrize(
    ("content", "values", "empty"),
    [
        # The email has no body: the SMS text is no email's.
        (
            template_pb2.TemplateContent(email_subject="Subj", sms_text="sms body"),
            {},
            "email_text or email_html",
        ),
        # The subject renders blank.
        (
            template_pb2.TemplateContent(email_subject="{{ s }}", email_text="body {{ s }}"),
            {"s": " "},
            "email_subject",
        ),
    ],
    ids=["no-body", "blank-subject"],
)
async def test_a_template_that_renders_an_email_part_empty_is_invalid_argument(
    channel: grpc.aio.Channel,
    server: ServerProcess,
    peers: Peers,
    content: template_pb2.TemplateContent,
    values: dict[str, str],
    empty: str,
) -> None:
    """Without a template, a blank subject or body is INVALID_ARGUMENT; so is a template
    that renders one empty, with nothing stored or sent."""
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = f"empty-{tag()}"
    await templates.CreateTemplate(
        template_pb2.CreateTemplateRequest(
            template=template_pb2.Template(id=template_id, display_name="empty", content=content)
        ),
        timeout=10,
    )
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    address = f"empty-{tag()}@example.com"
    requests_before = query(server, "SELECT COUNT(*) AS n FROM requests")[0]["n"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.SendMessage(
            delivery_pb2.SendMessageRequest(
                channels=[EMAIL],
                email_address=address,
                communication_template_id=template_id,
                data=data(**values),
            ),
            timeout=20,
        )
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "TEMPLATE_RENDER_FAILED",
    )
    assert error.violations == {
        "communication_template_id": f"template {template_id!r} renders an empty {empty}, "
        "which the email channel needs"
    }
    assert query(server, "SELECT COUNT(*) AS n FROM requests")[0]["n"] == requests_before
    assert mails_to(peers, address) == []


async def test_a_templates_attachments_count_toward_the_limits(
    channel: grpc.aio.Channel, server: ServerProcess, peers: Peers
) -> None:
    """Each list within HERALD_MAX_ATTACHMENT_BYTES, both together over it: refused, as
    SendNotification refuses them, and nothing stored or sent."""
    half = MAX_ATTACHMENT_BYTES // 2 + 1

    def attachment(name: str, size: int) -> common_pb2.Attachment:
        return common_pb2.Attachment(
            filename=name, content_type="application/octet-stream", content=b"x" * size
        )

    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template_id = f"heavy-{tag()}"
    await templates.CreateTemplate(
        template_pb2.CreateTemplateRequest(
            template=template_pb2.Template(
                id=template_id,
                display_name="heavy",
                content=template_pb2.TemplateContent(email_subject="s", email_text="t"),
                attachments=[attachment("t.bin", half)],
            )
        ),
        timeout=10,
    )
    user = await make_user(channel)
    before = len(query(server, "SELECT id FROM requests"))
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    for extra in ([attachment("r.bin", half)], [attachment(f"{i}.bin", 0) for i in range(100)]):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.SendMessage(
                delivery_pb2.SendMessageRequest(
                    user_id=user.id,
                    delivery_method=METHOD_EMAIL,
                    communication_template_id=template_id,
                    attachments=extra,
                ),
                timeout=20,
            )
        error = rich_error(caught.value)
        assert error.code == grpc.StatusCode.INVALID_ARGUMENT
        assert list(error.violations) == ["attachments"]
        assert "with the template's attachments" in error.violations["attachments"]
    assert len(query(server, "SELECT id FROM requests")) == before
    assert mails_to(peers, user.email) == []


async def test_push_goes_to_every_token_and_an_unregistered_one_is_forgotten(
    channel: grpc.aio.Channel, peers: Peers
) -> None:
    good, gone = f"device-{tag()}", f"unregistered-{tag()}"
    user = await make_user(channel, push_tokens=[good, gone])
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(user_id=user.id, channels=[PUSH], subject="s", body="b"),
        timeout=20,
    )
    results = {r.recipient: (r.success, r.error_code) for r in reply.results}
    assert results == {good: (True, ""), gone: (False, "UNREGISTERED_TOKEN")}
    directory = directory_pb2_grpc.DirectoryServiceStub(channel)
    stored = await directory.GetUser(directory_pb2.GetUserRequest(id=user.id), timeout=10)
    assert list(stored.user.push_tokens) == [good]


async def test_sms_reports_a_body_that_gsm7_cannot_carry(channel: grpc.aio.Channel) -> None:
    user = await make_user(channel)
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    reply = await stub.SendMessage(
        delivery_pb2.SendMessageRequest(
            user_id=user.id, delivery_method=METHOD_SMS, subject="s", body="Grüße 🎉"
        ),
        timeout=20,
    )
    [result] = reply.results
    assert result.success and (result.sms.encoding, result.sms.segments) == ("UCS-2", 1)


async def test_people_bad_input(channel: grpc.aio.Channel) -> None:
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    no_phone = await make_user(channel, phone_number="")

    async def refused(**fields: object) -> grpc.aio.AioRpcError:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.SendMessage(
                delivery_pb2.SendMessageRequest(**fields),  # type: ignore[arg-type]
                timeout=10,
            )
        return caught.value

    error = rich_error(
        await refused(user_id=f"ghost-{tag()}", delivery_method=METHOD_EMAIL, subject="s", body="b")
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    assert error.resource is not None and error.resource.resource_type == "herald.v1.User"

    error = rich_error(
        await refused(user_id=no_phone.id, delivery_method=METHOD_BOTH, subject="s", body="b")
    )
    assert (error.code, error.reason, error.violations) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "NO_CONTACT_POINT",
        {"phone_number": f"user {no_phone.id!r} has no phone number"},
    )
    error = rich_error(
        await refused(
            user_id=no_phone.id,
            delivery_method=METHOD_EMAIL,
            channels=[EMAIL],
            subject="s",
            body="b",
        )
    )
    assert list(error.violations) == ["delivery_method"]
    error = rich_error(await refused(delivery_method=METHOD_EMAIL, subject="s", body="b"))
    assert "user_id" in error.violations
    error = rich_error(
        await refused(user_id=no_phone.id, delivery_method=99, subject="s", body="b")
    )
    assert list(error.violations) == ["delivery_method"]
    error = rich_error(
        await refused(
            user_id=no_phone.id,
            delivery_method=METHOD_EMAIL,
            communication_template_id=f"missing-{tag()}",
        )
    )
    assert error.code == grpc.StatusCode.NOT_FOUND
    templates = template_pb2_grpc.TemplateServiceStub(channel)
    template = (
        await templates.CreateTemplate(
            template_pb2.CreateTemplateRequest(
                template=template_pb2.Template(
                    id=f"strict-{tag()}",
                    display_name="strict",
                    content=template_pb2.TemplateContent(
                        email_subject="Hi {{ first_name }}", email_text="t"
                    ),
                )
            ),
            timeout=10,
        )
    ).template
    error = rich_error(
        await refused(
            user_id=no_phone.id,
            delivery_method=METHOD_EMAIL,
            communication_template_id=template.id,
            data=data(name="Ada"),
        )
    )
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "first_name" in error.violations["data"]
    error = rich_error(
        await refused(
            user_id=no_phone.id,
            delivery_method=METHOD_EMAIL,
            message_body=delivery_pb2.MessageBody(subject="", text=""),
        )
    )
    assert set(error.violations) == {"message_body.subject", "message_body.text"}


async def test_a_user_without_a_contact_point_is_named_in_plain_words(
    channel: grpc.aio.Channel, server: ServerProcess
) -> None:
    bare = await make_user(channel, email="", phone_number="")
    stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
    before = len(query(server, "SELECT id FROM requests"))

    async def refused(**fields: object) -> dict[str, str]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.SendMessage(
                delivery_pb2.SendMessageRequest(
                    user_id=bare.id,
                    subject="s",
                    body="b",
                    **fields,  # type: ignore[arg-type]
                ),
                timeout=10,
            )
        error = rich_error(caught.value)
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "NO_CONTACT_POINT")
        return error.violations

    assert await refused(delivery_method=METHOD_BOTH) == {
        "email_address": f"user {bare.id!r} has no email address",
        "phone_number": f"user {bare.id!r} has no phone number",
    }
    assert await refused(channels=[common_pb2.CHANNEL_WEBHOOK]) == {
        "webhook_url": f"user {bare.id!r} has no webhook URL"
    }
    assert await refused(channels=[PUSH]) == {"push_token": f"user {bare.id!r} has no push token"}
    assert len(query(server, "SELECT id FROM requests")) == before
