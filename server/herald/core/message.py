"""A SendMessage request as the domain sees it: validation and the delivery plan."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from herald.core.addresses import (
    email_problem,
    phone_problem,
    push_token_problem,
    user_id_problem,
    webhook_url_problem,
)
from herald.core.channel import Channel
from herald.core.errors import FieldViolation, InvalidArgumentError, blank, without_nul
from herald.core.text import html_to_text, text_to_html, to_ascii

MAX_SUBJECT = 998  # RFC 5322's line limit
MAX_BODY = 1_000_000
MAX_REQUEST_ID = 128
MAX_ATTACHMENTS = 100  # per message, per template
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all of a message's attachments together
_CONTENT_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")  # fullmatch


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
    brand_id: str = ""  # the tenant that sent it (In-App: whose user's inbox)
    # The x-request-id of the call that asked for it: every attempt's log lines carry it
    # as request_id, a retry claimed long after the call as well. Never sent to a peer.
    call_request_id: str = ""

    def for_channel(self, channel: Channel) -> Content:
        part = self.parts.get(channel)
        if part is None:
            return self
        return Content(
            part.subject,
            part.text,
            None,
            self.attachments,
            self.data,
            brand_id=self.brand_id,
            call_request_id=self.call_request_id,
        )


class DeliveryMethod(enum.StrEnum):
    """Seed 002: which of a known user's contact points to use."""

    SMS = "sms"
    EMAIL = "email"
    BOTH = "both"


METHOD_CHANNELS = {
    DeliveryMethod.SMS: (Channel.SMS,),
    DeliveryMethod.EMAIL: (Channel.EMAIL,),
    DeliveryMethod.BOTH: (Channel.EMAIL, Channel.SMS),
}


@dataclass(frozen=True, slots=True)
class MessageBody:
    """Seed 002's custom body: a subject, a text and (for email) an HTML part."""

    subject: str
    text: str
    html: str = ""


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
    # Seed 002: addressing a known user, and content from a template, a message
    # type or a custom body (in that order of precedence) instead of subject/body.
    delivery_method: DeliveryMethod | None = None
    template_id: str = ""
    message_type: str = ""
    message_body: MessageBody | None = None
    data: Mapping[str, object] = field(default_factory=dict)
    push_tokens: tuple[str, ...] = ()  # the user's further device tokens, from the directory

    @property
    def content_elsewhere(self) -> bool:
        """The content comes from a template, a message type or message_body."""
        return bool(self.template_id or self.message_type or self.message_body)

    def __post_init__(self) -> None:
        # Checked here, not in validate(): a request naming a user or a template
        # is looked up in the store before it is validated (its request_id too),
        # and a NUL there is a store error (PostgreSQL text cannot hold one), not
        # INVALID_ARGUMENT, and a blank one NOT_FOUND or a replay.
        looked_up = [
            ("request_id", self.request_id),
            ("user_id", self.user_id),
            ("communication_template_id", self.template_id),
        ]
        if violations := without_nul(self.text_fields(), blank(looked_up)):
            raise InvalidArgumentError(violations)

    def text_fields(self) -> list[tuple[str, object]]:
        """The caller's strings that are stored or looked up as text, by request
        field (template `data`: its values are rendered into the message)."""
        found: list[tuple[str, object]] = [
            (path, getattr(self, name))
            for path, name in (
                ("subject", "subject"),
                ("body", "body"),
                ("email_address", "email_address"),
                ("phone_number", "phone_number"),
                ("user_id", "user_id"),
                ("push_token", "push_token"),
                ("webhook_url", "webhook_url"),
                ("request_id", "request_id"),
                ("communication_template_id", "template_id"),
                ("data", "data"),
            )
        ]
        if self.message_body is not None:
            found += [
                ("message_body.subject", self.message_body.subject),
                ("message_body.text", self.message_body.text),
                ("message_body.html", self.message_body.html),
            ]
        return found


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

    if request.message_body is not None and not (request.template_id or request.message_type):
        _check_text(request.message_body.subject, "message_body.subject", bad)
        if not (request.message_body.text.strip() or request.message_body.html.strip()):
            bad("message_body.text", "a text or an html part is required")
        elif max(len(request.message_body.text), len(request.message_body.html)) > MAX_BODY:
            bad("message_body.text", f"must be at most {MAX_BODY} characters")
    elif not request.content_elsewhere:
        _check_text(request.subject, "subject", bad)
        if not request.body.strip():
            bad("body", "is required")
        elif len(request.body) > MAX_BODY:
            bad("body", f"must be at most {MAX_BODY} characters")
    if len(request.request_id) > MAX_REQUEST_ID:
        bad("request_id", f"must be at most {MAX_REQUEST_ID} characters")

    if not request.channels:
        bad(*_no_channels(request))
    for _, channel in distinct_channels(request.channels, bad):
        field_name, check = ADDRESS_FIELDS[channel]
        value = getattr(request, field_name)
        if not value:
            bad(field_name, f"is required for the {channel.value} channel")
        elif (problem := check(value)) is not None:
            bad(field_name, problem)
    if violations:
        raise InvalidArgumentError(violations)


def _no_channels(request: MessageRequest) -> tuple[str, str]:
    """The violation for a request that picks no channel, on the field its form
    picks them with: seed 000's `channels` (no user id, or seed 000's own contact
    points), else seed 002's `delivery_method`. A user id with only subject and
    body could be either form, so that description names channels too."""
    if not request.user_id or _has_contact_points(request):
        return "channels", "at least one channel is required"
    if request.content_elsewhere:
        return "delivery_method", "is required: sms, email or both"
    return "delivery_method", "is required: sms, email or both (or give channels)"


def _has_contact_points(request: MessageRequest) -> bool:
    """Seed 000's fields for sending without the directory."""
    return request.is_html or any(
        getattr(request, name)
        for name in ("email_address", "phone_number", "push_token", "webhook_url")
    )


def distinct_channels(
    channels: Sequence[Channel | None], bad: Callable[[str, str], None]
) -> list[tuple[int, Channel]]:
    """Each known channel once, with its index in the request; an unknown channel
    (None) and a repeat are field violations on `channels[i]`."""
    found: list[tuple[int, Channel]] = []
    for index, channel in enumerate(channels):
        if channel is None:
            bad(f"channels[{index}]", "must be one of Email, Sms, Push, InApp, Webhook")
        elif any(channel is known for _, known in found):
            bad(f"channels[{index}]", f"{channel.value} is listed twice")
        else:
            found.append((index, channel))
    return found


def _check_text(subject: str, path: str, bad: Callable[[str, str], None]) -> None:
    if not subject.strip():
        bad(path, "is required")
    elif len(subject) > MAX_SUBJECT:
        bad(path, f"must be at most {MAX_SUBJECT} characters")
    elif "\r" in subject or "\n" in subject:
        bad(path, "must not contain line breaks")


def check_attachments(
    attachments: tuple[Attachment, ...],
    max_bytes: int,
    bad: Callable[[str, str], None],
) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        # Each is a MIME part built for every recipient: without a count, the byte limit
        # alone lets millions of empty ones through.
        bad("attachments", f"must be at most {MAX_ATTACHMENTS}")
        return
    total = 0
    for index, attachment in enumerate(attachments):
        where = f"attachments[{index}]"
        name = attachment.filename
        if not name.strip():
            bad(f"{where}.filename", "is required")
        elif any(c in name for c in "\r\n\0/\\") or len(name) > 255:
            bad(f"{where}.filename", "must be a plain file name of at most 255 characters")
        if not _CONTENT_TYPE.fullmatch(attachment.content_type):
            bad(f"{where}.content_type", "must be a MIME type such as application/pdf")
        total += len(attachment.content)
        if total > max_bytes:
            bad(
                f"{where}.content",
                f"attachments total more than {max_bytes} bytes (HERALD_MAX_ATTACHMENT_BYTES)",
            )
            return


def check_with_template(sizes: Sequence[int], max_bytes: int) -> None:
    """The attachments a message goes out with, its template's merged with the
    request's (`sizes`: each one's bytes), within the limits each list is held to alone."""
    problem = None
    if len(sizes) > MAX_ATTACHMENTS:
        problem = f"with the template's attachments, more than {MAX_ATTACHMENTS}"
    elif sum(sizes) > max_bytes:
        problem = (
            f"with the template's attachments, more than {max_bytes} bytes "
            "(HERALD_MAX_ATTACHMENT_BYTES)"
        )
    if problem:
        raise InvalidArgumentError([FieldViolation("attachments", problem)])


def plan(request: MessageRequest) -> list[PlannedDelivery]:
    """One delivery per requested channel, in the request's order (validate first);
    Push goes to each of the user's device tokens."""
    planned = []
    for channel in request.channels:
        if channel is None:
            continue
        if channel is Channel.PUSH:
            for token in (request.push_token, *request.push_tokens):
                planned.append(PlannedDelivery(channel, token, request.user_id))
            continue
        address = getattr(request, ADDRESS_FIELDS[channel][0])
        planned.append(PlannedDelivery(channel, address, request.user_id))
    return planned


def content_of(request: MessageRequest) -> Content:
    """The content of a request that carries it itself: message_body, else subject
    and body (templates and message types are resolved by dispatch/people.py)."""
    if request.message_body is not None:
        # Seed 002's custom message: HTML for email, ASCII for SMS.
        body = request.message_body
        text = body.text or html_to_text(body.html)
        return Content(
            subject=body.subject,
            text=text,
            html=body.html or text_to_html(text),
            attachments=request.attachments,
            data=dict(request.push_data),
            parts={Channel.SMS: ChannelPart(body.subject, to_ascii(text))},
        )
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
