"""A SendMessage request as the domain sees it: validation and the delivery plan."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from herald.core.addresses import (
    email_problem,
    phone_problem,
    push_token_problem,
    user_id_problem,
    webhook_url_problem,
)
from herald.core.channel import Channel
from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.core.text import html_to_text

MAX_SUBJECT = 998  # RFC 5322's line limit
MAX_BODY = 1_000_000
MAX_REQUEST_ID = 128
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all of a message's attachments together
_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


class DispatchMode(enum.StrEnum):
    ALL = "all"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ChannelPart:
    """What one channel says when it differs from the request's main content
    (a template's SMS text, push title and body, in-app title and body)."""

    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class Content:
    """What every delivery of a request says; stored once with the request."""

    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    data: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[Channel, ChannelPart] = field(default_factory=dict)

    def for_channel(self, channel: Channel) -> Content:
        part = self.parts.get(channel)
        if part is None:
            return self
        return Content(part.subject, part.text, None, self.attachments, self.data)


@dataclass(frozen=True, slots=True)
class MessageRequest:
    subject: str
    body: str
    # None stands for a value the caller sent that is not a known channel.
    channels: tuple[Channel | None, ...]
    email_address: str = ""
    phone_number: str = ""
    user_id: str = ""
    push_token: str = ""
    webhook_url: str = ""
    is_html: bool = False
    request_id: str = ""
    attachments: tuple[Attachment, ...] = ()
    push_data: Mapping[str, str] = field(default_factory=dict)
    mode: DispatchMode = DispatchMode.ALL


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    channel: Channel
    recipient: str
    user_id: str


# The request field that carries each channel's address, and its syntax check.
ADDRESS_FIELDS: dict[Channel, tuple[str, Callable[[str], str | None]]] = {
    Channel.EMAIL: ("email_address", email_problem),
    Channel.SMS: ("phone_number", phone_problem),
    Channel.PUSH: ("push_token", push_token_problem),
    Channel.IN_APP: ("user_id", user_id_problem),
    Channel.WEBHOOK: ("webhook_url", webhook_url_problem),
}


def validate(
    request: MessageRequest, max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
) -> None:
    """Raise InvalidArgumentError with one violation per problem found."""
    violations: list[FieldViolation] = []

    def bad(field_path: str, description: str) -> None:
        violations.append(FieldViolation(field_path, description))

    check_attachments(request.attachments, max_attachment_bytes, bad)

    if not request.subject.strip():
        bad("subject", "is required")
    elif len(request.subject) > MAX_SUBJECT:
        bad("subject", f"must be at most {MAX_SUBJECT} characters")
    elif "\r" in request.subject or "\n" in request.subject:
        bad("subject", "must not contain line breaks")
    if not request.body.strip():
        bad("body", "is required")
    elif len(request.body) > MAX_BODY:
        bad("body", f"must be at most {MAX_BODY} characters")
    if len(request.request_id) > MAX_REQUEST_ID:
        bad("request_id", f"must be at most {MAX_REQUEST_ID} characters")

    if not request.channels:
        bad("channels", "at least one channel is required")
    seen: set[Channel] = set()
    for index, channel in enumerate(request.channels):
        if channel is None:
            bad(f"channels[{index}]", "must be one of Email, Sms, Push, InApp, Webhook")
            continue
        if channel in seen:
            bad(f"channels[{index}]", f"{channel.value} is listed twice")
            continue
        seen.add(channel)
        field_name, check = ADDRESS_FIELDS[channel]
        value = getattr(request, field_name)
        if not value:
            bad(field_name, f"is required for the {channel.value} channel")
        elif (problem := check(value)) is not None:
            bad(field_name, problem)
    if violations:
        raise InvalidArgumentError(violations)


def check_attachments(
    attachments: tuple[Attachment, ...],
    max_bytes: int,
    bad: Callable[[str, str], None],
) -> None:
    total = 0
    for index, attachment in enumerate(attachments):
        where = f"attachments[{index}]"
        name = attachment.filename
        if not name.strip():
            bad(f"{where}.filename", "is required")
        elif any(c in name for c in "\r\n\0/\\") or len(name) > 255:
            bad(f"{where}.filename", "must be a plain file name of at most 255 characters")
        if not _CONTENT_TYPE.match(attachment.content_type):
            bad(f"{where}.content_type", "must be a MIME type such as application/pdf")
        total += len(attachment.content)
        if total > max_bytes:
            bad(
                f"{where}.content",
                f"attachments total more than {max_bytes} bytes (HERALD_MAX_ATTACHMENT_BYTES)",
            )
            return


def plan(request: MessageRequest) -> list[PlannedDelivery]:
    """One delivery per requested channel, in the request's order (validate first)."""
    return [
        PlannedDelivery(channel, getattr(request, ADDRESS_FIELDS[channel][0]), request.user_id)
        for channel in request.channels
        if channel is not None
    ]


def content_of(request: MessageRequest) -> Content:
    if request.is_html:
        return Content(
            subject=request.subject,
            text=html_to_text(request.body),
            html=request.body,
            attachments=request.attachments,
            data=dict(request.push_data),
        )
    return Content(
        subject=request.subject,
        text=request.body,
        attachments=request.attachments,
        data=dict(request.push_data),
    )
