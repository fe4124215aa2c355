from __future__ import annotations

from herald.core import content_codec
from herald.core.channel import Channel
from herald.core.message import Attachment, ChannelPart, Content


def test_content_with_channel_parts_round_trips() -> None:
    content = Content(
        subject="Spring news",
        text="Hello",
        html="<p>Hello</p>",
        attachments=(Attachment("a.txt", "text/plain", b"\x00\x01"),),
        data={"k": "v"},
        parts={Channel.SMS: ChannelPart("", "Hi by SMS"), Channel.PUSH: ChannelPart("T", "B")},
    )
    assert content_codec.decode(content_codec.encode(content)) == content


def test_each_channel_says_its_own_part_or_the_main_content() -> None:
    content = Content(
        subject="S",
        text="T",
        html="<p>T</p>",
        data={"k": "v"},
        parts={Channel.IN_APP: ChannelPart("Inbox title", "Inbox body")},
    )
    assert content.for_channel(Channel.EMAIL) is content
    in_app = content.for_channel(Channel.IN_APP)
    assert (in_app.subject, in_app.text, in_app.html, in_app.data) == (
        "Inbox title",
        "Inbox body",
        None,
        {"k": "v"},
    )


def test_content_stored_before_parts_existed_still_decodes() -> None:
    old = b'{"subject":"s","text":"t","html":null,"data":{},"attachments":[]}'
    assert content_codec.decode(old) == Content("s", "t")


def test_the_calls_request_id_round_trips_and_stays_with_each_channels_part() -> None:
    content = Content(
        subject="S",
        text="T",
        parts={Channel.SMS: ChannelPart("", "By SMS")},
        brand_id="acme",
        call_request_id="req-7",
    )
    decoded = content_codec.decode(content_codec.encode(content))
    assert decoded == content
    assert decoded.for_channel(Channel.SMS).call_request_id == "req-7"
    # Without one (stored before contents carried it, or none bound): no key at all.
    assert b'"call"' not in content_codec.encode(Content("s", "t"))
    assert content_codec.decode(content_codec.encode(Content("s", "t"))).call_request_id == ""
