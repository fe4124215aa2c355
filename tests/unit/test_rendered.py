"""core/rendered.py: what each channel needs from rendered content."""

from __future__ import annotations

import pytest
from herald.core.channel import Channel
from herald.core.errors import InvalidArgumentError
from herald.core.message import ChannelPart, Content
from herald.core.rendered import EmptyPart, check_rendered, empty_parts


def content(**parts: ChannelPart) -> Content:
    return Content(
        subject="Subject",
        text="Text",
        parts={Channel[name.upper()]: part for name, part in parts.items()},
    )


def test_each_channel_needs_its_own_parts() -> None:
    full = content(
        sms=ChannelPart("", "sms"),
        push=ChannelPart("", "body only"),  # a push needs its title or its body
        in_app=ChannelPart("title", "body"),
    )
    assert empty_parts(full, list(Channel)) == []
    bare = content(sms=ChannelPart("", " "), push=ChannelPart("", ""), in_app=ChannelPart("", "b"))
    assert empty_parts(bare, [Channel.SMS, Channel.PUSH, Channel.IN_APP, Channel.EMAIL]) == [
        EmptyPart(Channel.SMS, ("sms_text",)),
        EmptyPart(Channel.PUSH, ("push_title", "push_body")),
        EmptyPart(Channel.IN_APP, ("in_app_title",)),
    ]


def test_an_html_body_is_a_body_and_a_blank_subject_is_none() -> None:
    html_only = Content(subject="S", text="", html="<p>Hi</p>")
    assert empty_parts(html_only, [Channel.EMAIL, Channel.WEBHOOK]) == []
    blank = Content(subject=" ", text="", html=None)
    assert empty_parts(blank, [Channel.WEBHOOK]) == [
        EmptyPart(Channel.WEBHOOK, ("email_subject",)),
        EmptyPart(Channel.WEBHOOK, ("email_text", "email_html")),
    ]


def test_violations_name_the_template_field_or_the_request_field_of_each_part() -> None:
    blank = Content(subject="", text="t")
    with pytest.raises(InvalidArgumentError) as caught:
        check_rendered(blank, [Channel.EMAIL, None], "template 'w'", "template_id")
    assert caught.value.reason == "TEMPLATE_RENDER_FAILED"
    assert [(v.field, v.description) for v in caught.value.violations] == [
        (
            "template_id",
            "template 'w' renders an empty email_subject, which the email channel needs",
        )
    ]
    with pytest.raises(InvalidArgumentError) as caught:
        check_rendered(blank, [Channel.EMAIL], "the message", {"email_subject": "message_title"})
    assert [v.field for v in caught.value.violations] == ["message_title"]
