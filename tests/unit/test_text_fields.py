"""The core validators: a value must match as a whole (no trailing line break
slips past a `$`), and no caller-supplied string may hold a NUL character."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from herald.core import addresses, directory, templates
from herald.core.campaign import CampaignSpec, Recipient, validate_campaign, validate_send
from herald.core.channel import Channel
from herald.core.errors import (
    NUL_PROBLEM,
    FieldViolation,
    InvalidArgumentError,
    has_nul,
    without_nul,
)
from herald.core.message import Attachment, MessageBody, MessageRequest, check_attachments
from herald.core.notification import NotificationRequest
from herald.core.notification import validate as validate_notification


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (addresses.phone_problem, "+4512345678\n"),
        (addresses.push_token_problem, "tok\n"),
        (addresses.user_id_problem, "u1\n"),
        (addresses.webhook_url_problem, "https://example.com/\n"),
        (addresses.webhook_url_problem, "https://example.com/\x00"),
        (directory.locale_problem, "en\n"),
        (directory.locale_problem, "x-private\n"),
        (directory.id_problem, "u1\n"),
        (templates.locale_problem, "da\n"),
    ],
)
def test_a_trailing_line_break_is_a_problem(check: Callable[[str], str | None], value: str) -> None:
    assert check(value.rstrip("\n\x00")) is None
    assert check(value) is not None


def test_ids_with_a_trailing_line_break_are_refused() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate_campaign(CampaignSpec("c3\n", "x", (Channel.EMAIL,), subject="s", body="b"))
    assert [v.field for v in caught.value.violations] == ["campaign.id"]
    with pytest.raises(InvalidArgumentError) as caught:
        templates.validate(
            templates.Template(id="t1\n", content=templates.TemplateContent(email_text="x"))
        )
    assert [v.field for v in caught.value.violations] == ["template.id"]
    found: list[tuple[str, str]] = []
    check_attachments((Attachment("a.txt", "text/plain\n", b""),), 100, lambda *v: found.append(v))
    assert [f for f, _ in found] == ["attachments[0].content_type"]


def test_has_nul_looks_into_nested_data() -> None:
    assert not has_nul({"a": ["b", {"c": 1.0}], "d": None})
    assert has_nul({"a": ["b", {"c": "\x00"}]})
    assert has_nul({"\x00": "v"})
    deep: object = "\x00"
    for _ in range(5000):  # deeper than the recursion limit
        deep = [deep]
    assert has_nul(deep)


def test_without_nul_replaces_other_violations_on_the_same_field() -> None:
    others = [FieldViolation("id", "bad syntax"), FieldViolation("name", "too long")]
    assert without_nul([("id", "a\x00"), ("other", "fine")], others) == [
        FieldViolation("id", NUL_PROBLEM),
        FieldViolation("name", "too long"),
    ]
    assert without_nul([("id", "fine")], others) == others


def test_a_message_request_with_a_nul_cannot_be_made() -> None:
    """Before validate(): the request is looked up by user and template first."""
    with pytest.raises(InvalidArgumentError) as caught:
        MessageRequest(
            subject="s\x00",
            body="b",
            channels=(Channel.EMAIL,),
            user_id="u\x00",
            template_id="t\x00",
            message_body=MessageBody("s", "t", "<p>\x00</p>"),
            data={"n": ["\x00"]},
        )
    assert [v.field for v in caught.value.violations] == [
        "subject",
        "user_id",
        "communication_template_id",
        "data",
        "message_body.html",
    ]
    assert {v.description for v in caught.value.violations} == {NUL_PROBLEM}


def test_notification_fields_with_a_nul_are_refused() -> None:
    request = NotificationRequest(
        channels=(Channel.IN_APP,),
        to=(),
        subject="",
        body="",
        clusters=("ok", "c\x00"),
        message_title="{{ n }}\x00",
        message_content="x",
        data={"n": "\x00"},
    )
    with pytest.raises(InvalidArgumentError) as caught:
        validate_notification(request)
    assert {v.field: v.description for v in caught.value.violations} == {
        "message_title": NUL_PROBLEM,
        "data": NUL_PROBLEM,
        "clusters[1]": NUL_PROBLEM,
    }


def test_campaign_and_send_fields_with_a_nul_are_refused() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate_campaign(
            CampaignSpec(
                "c\x00", "x\x00", (Channel.EMAIL,), subject="s", body="b", data={"k": "\x00"}
            )
        )
    assert {v.field: v.description for v in caught.value.violations} == {
        "campaign.id": NUL_PROBLEM,
        "campaign.display_name": NUL_PROBLEM,
        "campaign.data": NUL_PROBLEM,
    }
    with pytest.raises(InvalidArgumentError) as caught:
        validate_send([Recipient("p", "r"), Recipient("p\x00", "r\x00")], "r\x00")
    assert {v.field: v.description for v in caught.value.violations} == {
        "recipients[1].person_id": NUL_PROBLEM,
        "recipients[1].recipient": NUL_PROBLEM,
        "request_id": NUL_PROBLEM,
    }


def test_template_fields_with_a_nul_are_refused() -> None:
    template = templates.Template(
        id="t1",
        display_name="a\x00",
        content=templates.TemplateContent(email_text="x", sms_text="\x00"),
        variants=(
            templates.TemplateVariant("da\x00", templates.TemplateContent(push_body="\x00")),
        ),
    )
    with pytest.raises(InvalidArgumentError) as caught:
        templates.validate(template)
    assert {v.field: v.description for v in caught.value.violations} == {
        "template.display_name": NUL_PROBLEM,
        "template.content.sms_text": NUL_PROBLEM,
        "template.variants[0].locale": NUL_PROBLEM,
        "template.variants[0].content.push_body": NUL_PROBLEM,
    }


def test_user_and_cluster_fields_with_a_nul_are_refused() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        directory.validate_new_user(directory.User(id="u\x00", push_tokens=("ok", "t\x00")))
    assert {v.field: v.description for v in caught.value.violations} == {
        "user.push_tokens[1]": NUL_PROBLEM,
        "user.id": NUL_PROBLEM,
    }
    with pytest.raises(InvalidArgumentError) as caught:
        directory.user_patch(directory.User(id="u\x00", display_name="A"), [])
    assert [(v.field, v.description) for v in caught.value.violations] == [("user.id", NUL_PROBLEM)]
    with pytest.raises(InvalidArgumentError) as caught:
        directory.validate_new_cluster(directory.Cluster(id="k\x00", display_name="K\x00"))
    assert {v.field: v.description for v in caught.value.violations} == {
        "cluster.id": NUL_PROBLEM,
        "cluster.display_name": NUL_PROBLEM,
    }
