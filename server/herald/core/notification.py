"""A SendNotification request (seed 003) as the domain sees it: validation, and
the screening that splits its recipients into accepted and rejected, per channel,
with a reason for each rejection."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from herald.core.addresses import email_problem, phone_problem, user_id_problem, webhook_url_problem
from herald.core.channel import Channel
from herald.core.errors import (
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    PreconditionViolation,
)
from herald.core.message import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    MAX_BODY,
    MAX_REQUEST_ID,
    MAX_SUBJECT,
    Attachment,
    Content,
    check_attachments,
)

DEFAULT_MAX_RECIPIENTS = 50  # per channel per request (seed 003)
# Channels whose payload carries an HTML body besides the text.
HTML_CHANNELS = frozenset({Channel.EMAIL, Channel.WEBHOOK})


class Reason(enum.StrEnum):
    """Why a recipient was not accepted (the REST gateway shows these strings)."""

    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    NOT_IN_ALLOW_LIST = "not_in_allow_list"
    MAX_RECIPIENTS_EXCEEDED = "max_recipients_exceeded"
    DUPLICATE_RECIPIENT = "duplicate_recipient"
    INVALID_URL = "invalid_url"
    INVALID_RECIPIENT = "invalid_recipient"
    UNKNOWN_USER = "unknown_user"
    NO_CONTACT_POINT = "no_contact_point"


@dataclass(frozen=True, slots=True)
class NotificationRequest:
    # None stands for a value the caller sent that is not a known channel.
    channels: tuple[Channel | None, ...]
    to: tuple[str, ...]
    subject: str
    body: str
    body_html: str = ""
    request_id: str = ""
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    recipient: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Screening:
    channels: tuple[Channel, ...]
    accepted: dict[Channel, list[str]] = field(default_factory=dict)
    rejected: dict[Channel, list[Rejection]] = field(default_factory=dict)

    @property
    def accepted_count(self) -> int:
        return sum(len(r) for r in self.accepted.values())


class RecipientPolicy(Protocol):
    """Decides whether a caller may reach a recipient (the allow-list hook)."""

    def refuse(self, caller: str, channel: Channel, recipient: str) -> Rejection | None: ...


class AllowEveryone:
    def refuse(self, caller: str, channel: Channel, recipient: str) -> Rejection | None:
        return None


class NoRecipientsError(FailedPreconditionError):
    """Nobody passed for any channel (the REST gateway answers 422)."""

    def __init__(self, screening: Screening) -> None:
        super().__init__(
            "no recipient was accepted for any channel",
            "NO_RECIPIENTS_ACCEPTED",
            [
                PreconditionViolation(r.reason.value, f"{channel.value}:{r.recipient}", r.detail)
                for channel, rejections in screening.rejected.items()
                for r in rejections
            ],
        )
        self.screening = screening


def _push_recipient(user_id: str) -> Rejection | None:
    # Push goes to a user's registered device tokens, which live in the directory.
    problem = user_id_problem(user_id)
    if problem is not None:
        return Rejection(user_id, Reason.INVALID_RECIPIENT, f"user id {problem}")
    return Rejection(user_id, Reason.UNKNOWN_USER, "no such user in the directory")


def _syntax(
    reason: Reason, check: Callable[[str], str | None]
) -> Callable[[str], Rejection | None]:
    def inspect(recipient: str) -> Rejection | None:
        problem = check(recipient)
        return None if problem is None else Rejection(recipient, reason, problem)

    return inspect


RECIPIENT_CHECKS: dict[Channel, Callable[[str], Rejection | None]] = {
    Channel.EMAIL: _syntax(Reason.INVALID_EMAIL, email_problem),
    Channel.SMS: _syntax(Reason.INVALID_PHONE, phone_problem),
    Channel.PUSH: _push_recipient,
    Channel.IN_APP: _syntax(Reason.INVALID_RECIPIENT, user_id_problem),
    Channel.WEBHOOK: _syntax(Reason.INVALID_URL, webhook_url_problem),
}


def validate(
    request: NotificationRequest,
    max_recipients: int = DEFAULT_MAX_RECIPIENTS,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
) -> tuple[Channel, ...]:
    """The channels to use; raise InvalidArgumentError with every problem found."""
    violations: list[FieldViolation] = []

    def bad(field_path: str, description: str) -> None:
        violations.append(FieldViolation(field_path, description))

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
    if len(request.body_html) > MAX_BODY:
        bad("body_html", f"must be at most {MAX_BODY} characters")
    if len(request.request_id) > MAX_REQUEST_ID:
        bad("request_id", f"must be at most {MAX_REQUEST_ID} characters")
    if not request.to:
        bad("to", "at least one recipient is required")
    elif len(request.to) > 10 * max_recipients:
        bad("to", f"must list at most {10 * max_recipients} recipients")
    check_attachments(request.attachments, max_attachment_bytes, bad)

    channels: list[Channel] = []
    for index, channel in enumerate(request.channels):
        if channel is None:
            bad(f"channels[{index}]", "must be one of Email, Sms, Push, InApp, Webhook")
        elif channel in channels:
            bad(f"channels[{index}]", f"{channel.value} is listed twice")
        else:
            channels.append(channel)
    if not request.channels:
        channels = [Channel.EMAIL]  # seed 003's default
    if request.body_html:
        plain = [c.value for c in channels if c not in HTML_CHANNELS]
        if plain:
            bad(
                "body_html",
                f"is only for channels that render HTML (email, webhook), not {', '.join(plain)}",
            )
    if violations:
        raise InvalidArgumentError(violations)
    return tuple(channels)


def screen(
    request: NotificationRequest,
    channels: Sequence[Channel],
    caller: str,
    policy: RecipientPolicy,
    max_recipients: int = DEFAULT_MAX_RECIPIENTS,
) -> Screening:
    """Accept or reject each recipient on each channel; raise NoRecipientsError
    when nobody passed anywhere."""
    screening = Screening(tuple(channels))
    for channel in channels:
        accepted: list[str] = []
        rejected: list[Rejection] = []
        seen: set[str] = set()
        for raw in request.to:
            recipient = raw.strip()
            key = recipient.lower() if channel is Channel.EMAIL else recipient
            if key in seen:
                rejected.append(
                    Rejection(recipient, Reason.DUPLICATE_RECIPIENT, "listed earlier in `to`")
                )
                continue
            seen.add(key)
            refusal = RECIPIENT_CHECKS[channel](recipient) or policy.refuse(
                caller, channel, recipient
            )
            if refusal is not None:
                rejected.append(refusal)
            elif len(accepted) >= max_recipients:
                rejected.append(
                    Rejection(
                        recipient,
                        Reason.MAX_RECIPIENTS_EXCEEDED,
                        f"at most {max_recipients} recipients per channel per request",
                    )
                )
            else:
                accepted.append(recipient)
        if accepted:
            screening.accepted[channel] = accepted
        if rejected:
            screening.rejected[channel] = rejected
    if not screening.accepted_count:
        raise NoRecipientsError(screening)
    return screening


def content_of(request: NotificationRequest) -> Content:
    html = request.body_html or None
    return Content(
        subject=request.subject,
        text=request.body,
        html=html,
        attachments=request.attachments,
    )
