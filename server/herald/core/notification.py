"""A SendNotification request as the domain sees it: validation, the content it
carries, and the screening that splits its recipients into accepted and rejected,
per channel, with a reason for each rejection.

Two ways to address it: `to` (seed 003: addresses per channel; Push takes user
ids) or `recipients` and `clusters` (seed 001: user ids and clusters of them,
resolved through the directory). Three ways to say something: `subject` + `body`
(as given), `message_title` + `message_content` (interpolated with `data` through
the template sandbox) or `template_id` (a stored template rendered with `data`)."""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from herald.core.addresses import email_problem, phone_problem, user_id_problem, webhook_url_problem
from herald.core.channel import Channel
from herald.core.directory import User
from herald.core.errors import (
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    PreconditionViolation,
    blank,
    without_nul,
)
from herald.core.message import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_REQUEST_ID,
    MAX_SUBJECT,
    Attachment,
    Content,
    check_attachments,
    distinct_channels,
)
from herald.core.templates import (
    MAX_ID as MAX_TEMPLATE_ID,
)
from herald.core.templates import (
    Template,
    TemplateContent,
    as_content,
    render,
    with_request_attachments,
)
from herald.core.templates import (
    validate as validate_template,
)

DEFAULT_MAX_RECIPIENTS = 50  # per channel per request (seed 003)
# Channels whose payload carries an HTML body besides the text.
HTML_CHANNELS = frozenset({Channel.EMAIL, Channel.WEBHOOK})
ALL_CHANNELS = frozenset(Channel)
MAX_FILE_NAME = 255
# The request fields an ad-hoc message template is built from, by template part.
MESSAGE_FIELDS = {
    "email_subject": "message_title",
    "email_text": "message_content",
    "email_html": "body_html",
}
# Brand of ad-hoc message templates: no stored template has it, so they never
# share a compiled-template cache entry with one.
_MESSAGE_BRAND = "\0message"


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
    # Seed 001.
    recipients: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    message_title: str = ""
    message_content: str = ""
    template_id: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    email_attachments: tuple[str, ...] = ()

    @property
    def to_people(self) -> bool:
        """Addressed to users and clusters (seed 001) rather than `to`."""
        return bool(self.recipients or self.clusters)

    @property
    def interpolated(self) -> bool:
        """The message_title / message_content form (no template)."""
        return not self.template_id and bool(self.message_title or self.message_content)


@dataclass(frozen=True, slots=True)
class Rejection:
    recipient: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Failure:
    """Seed 001's failure entry: a user who cannot be reached on a channel."""

    user_id: str
    channel: Channel
    error: str


@dataclass(frozen=True, slots=True)
class Target:
    """One delivery to queue: the contact point and the user it belongs to."""

    recipient: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Screening:
    channels: tuple[Channel, ...]
    accepted: dict[Channel, list[str]] = field(default_factory=dict)
    rejected: dict[Channel, list[Rejection]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # The deliveries to queue per channel (not stored: a replay needs only the lists).
    targets: dict[Channel, list[Target]] = field(default_factory=dict)

    @property
    def accepted_count(self) -> int:
        return sum(len(r) for r in self.accepted.values())


class RecipientPolicy(Protocol):
    """Decides whether a caller may reach a recipient (the allow-list hook)."""

    def refuse(self, caller: str, channel: Channel, recipient: str) -> Rejection | None:
        """`recipient` as `to` names it on `channel` (In-App and Push: a user id)."""
        ...

    def refuse_contact(self, caller: str, channel: Channel, point: str) -> Rejection | None:
        """`point` is a contact point Herald sends to on `channel` (Push: a device token)."""
        ...


class RecipientPolicySource(Protocol):
    """Gives the policy that applies to one caller (their allow-list, or none)."""

    async def prepare(self, caller: Any) -> RecipientPolicy: ...


class AllowEveryone:
    def refuse(self, caller: str, channel: Channel, recipient: str) -> Rejection | None:
        return None

    def refuse_contact(self, caller: str, channel: Channel, point: str) -> Rejection | None:
        return None

    async def prepare(self, caller: Any) -> AllowEveryone:
        return self


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
            ]
            + [
                PreconditionViolation(
                    Reason.NO_CONTACT_POINT.value, f"{f.channel.value}:{f.user_id}", f.error
                )
                for f in screening.failures
            ],
        )
        self.screening = screening


def _syntax(
    reason: Reason, check: Callable[[str], str | None]
) -> Callable[[str], Rejection | None]:
    def inspect(recipient: str) -> Rejection | None:
        problem = check(recipient)
        return None if problem is None else Rejection(recipient, reason, problem)

    return inspect


def _user_id(user_id: str) -> Rejection | None:
    problem = user_id_problem(user_id)
    if problem is not None:
        return Rejection(user_id, Reason.INVALID_RECIPIENT, f"user id {problem}")
    return None


# Syntax checks of `to` entries; Push entries are user ids (their tokens are in
# the directory).
RECIPIENT_CHECKS: dict[Channel, Callable[[str], Rejection | None]] = {
    Channel.EMAIL: _syntax(Reason.INVALID_EMAIL, email_problem),
    Channel.SMS: _syntax(Reason.INVALID_PHONE, phone_problem),
    Channel.PUSH: _user_id,
    Channel.IN_APP: _syntax(Reason.INVALID_RECIPIENT, user_id_problem),
    Channel.WEBHOOK: _syntax(Reason.INVALID_URL, webhook_url_problem),
}

# A user's contact points on each channel, and what is missing when there are none.
CONTACT_POINTS: dict[Channel, tuple[Callable[[User], tuple[str, ...]], str]] = {
    Channel.EMAIL: (lambda u: (u.email,) if u.email else (), "no email address"),
    Channel.SMS: (lambda u: (u.phone_number,) if u.phone_number else (), "no phone number"),
    Channel.PUSH: (lambda u: u.push_tokens, "no push tokens"),
    Channel.IN_APP: (lambda u: (u.id,), "no user id"),
    Channel.WEBHOOK: (lambda u: (u.webhook_url,) if u.webhook_url else (), "no webhook URL"),
}


def file_name_problem(name: str) -> str | None:
    """An `email_attachments` entry must be a plain file name (no directories)."""
    if not name.strip():
        return "is required"
    if name in (".", "..") or any(c in name for c in "/\\\0\r\n") or len(name) > MAX_FILE_NAME:
        return f"must be a plain file name of at most {MAX_FILE_NAME} characters"
    return None


def message_template(request: NotificationRequest) -> Template:
    """message_title / message_content (and body_html) as an ad-hoc template, so
    they are interpolated by the same sandbox as stored templates. Its id is a hash
    of the sources, so the same message is compiled once."""
    sources = {part: getattr(request, name) for part, name in MESSAGE_FIELDS.items()}
    digest = hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()
    return Template(
        id=f"message-{digest[:40]}", brand_id=_MESSAGE_BRAND, content=TemplateContent(**sources)
    )


def _message_field(text: str) -> str:
    for part, name in MESSAGE_FIELDS.items():
        text = text.replace(part, name)
    return text


def validate(
    request: NotificationRequest,
    max_recipients: int = DEFAULT_MAX_RECIPIENTS,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    active: frozenset[Channel] = ALL_CHANNELS,
    attachment_dir: bool = False,
) -> tuple[Channel, ...]:
    """The channels to use; raise InvalidArgumentError with every problem found.
    `active` are the channels this server has adapters for: the seed 001 form must
    stay within them (the `to` form reports an inactive channel per delivery).
    `attachment_dir`: whether the server has an attachment directory."""
    violations: list[FieldViolation] = []

    def bad(field_path: str, description: str) -> None:
        violations.append(FieldViolation(field_path, description))

    _check_content(request, bad)
    if len(request.request_id) > MAX_REQUEST_ID:
        bad("request_id", f"must be at most {MAX_REQUEST_ID} characters")
    if request.to_people:
        if request.to:
            bad("to", "give either `to` or `recipients` / `clusters`, not both")
        if len(request.recipients) > 10 * max_recipients:
            bad("recipients", f"must list at most {10 * max_recipients} users")
        for index, cluster in enumerate(request.clusters):
            if not cluster.strip():
                bad(f"clusters[{index}]", "is required")
    elif not request.to:
        bad("to", "at least one recipient is required (or give `recipients` or `clusters`)")
    elif len(request.to) > 10 * max_recipients:
        bad("to", f"must list at most {10 * max_recipients} recipients")
    check_attachments(request.attachments, max_attachment_bytes, bad)
    if request.email_attachments and not attachment_dir:
        bad("email_attachments", "no attachment directory configured (HERALD_ATTACHMENT_DIR)")
    elif len(request.email_attachments) > MAX_ATTACHMENTS:
        bad("email_attachments", f"must be at most {MAX_ATTACHMENTS}")
    else:
        for index, name in enumerate(request.email_attachments):
            if (problem := file_name_problem(name)) is not None:
                bad(f"email_attachments[{index}]", problem)

    channels: list[Channel] = []
    for index, channel in distinct_channels(request.channels, bad):
        if request.to_people and channel not in active:
            bad(f"channels[{index}]", f"{channel.value} is not active on this server")
        channels.append(channel)
    if not request.channels:
        channels = [Channel.EMAIL]  # seed 003's default
        if request.to_people and Channel.EMAIL not in active:
            bad("channels", "the default, email, is not active on this server; name the channels")
    if request.body_html and not request.template_id:
        plain = [c.value for c in channels if c not in HTML_CHANNELS]
        if plain:
            bad(
                "body_html",
                f"is only for channels that render HTML (email, webhook), not {', '.join(plain)}",
            )
    violations += blank([("request_id", request.request_id), ("template_id", request.template_id)])
    if problems := without_nul(_text_fields(request), violations):
        raise InvalidArgumentError(problems)
    return tuple(channels)


def _text_fields(request: NotificationRequest) -> list[tuple[str, object]]:
    """The caller's strings that are stored or looked up as text, by request field
    (`data`: its values are rendered into the message). `to` and `recipients`
    entries are screened one by one instead: a NUL there is a rejection."""
    found: list[tuple[str, object]] = [
        (name, getattr(request, name))
        for name in (
            "subject",
            "body",
            "body_html",
            "request_id",
            "message_title",
            "message_content",
            "template_id",
            "data",
        )
    ]
    found += [(f"clusters[{i}]", cluster) for i, cluster in enumerate(request.clusters)]
    found += [(f"email_attachments[{i}]", n) for i, n in enumerate(request.email_attachments)]
    return found


def _content_fields(
    request: NotificationRequest, bad: Callable[[str, str], None]
) -> tuple[tuple[str, str], tuple[str, str]]:
    """The title and content fields of the request's form, with their values."""
    if request.interpolated:
        if request.subject:
            bad("subject", "give subject or message_title, not both")
        if request.body:
            bad("body", "give body or message_content, not both")
        title = ("message_title", request.message_title)
        return title, ("message_content", request.message_content)
    if request.to_people and not (request.subject or request.body):
        # Seed 001's form with no content at all: name the fields its caller sends.
        return ("message_title", ""), ("message_content", "")
    return ("subject", request.subject), ("body", request.body)


def _check_content(request: NotificationRequest, bad: Callable[[str, str], None]) -> None:
    if request.template_id:
        # Seed 001: the template says everything; title, content and body are ignored.
        if len(request.template_id) > MAX_TEMPLATE_ID:
            bad("template_id", f"must be at most {MAX_TEMPLATE_ID} characters")
        return
    title, content = _content_fields(request, bad)
    required = (
        "is required unless template_id is set" if title[0] == "message_title" else "is required"
    )
    if not title[1].strip():
        bad(title[0], required)
    elif len(title[1]) > MAX_SUBJECT:
        bad(title[0], f"must be at most {MAX_SUBJECT} characters")
    elif not request.interpolated and ("\r" in title[1] or "\n" in title[1]):
        bad(title[0], "must not contain line breaks")
    if not content[1].strip():
        bad(content[0], required)
    elif len(content[1]) > MAX_BODY:
        bad(content[0], f"must be at most {MAX_BODY} characters")
    if len(request.body_html) > MAX_BODY:
        bad("body_html", f"must be at most {MAX_BODY} characters")
    if request.interpolated and title[1].strip() and content[1].strip():
        try:
            validate_template(message_template(request), prefix="message")
        except InvalidArgumentError as exc:
            for violation in exc.violations:
                part = violation.field.rsplit(".", 1)[-1]
                if part in MESSAGE_FIELDS:
                    bad(MESSAGE_FIELDS[part], violation.description)


def content_for(
    request: NotificationRequest,
    template: Template | None = None,
    files: tuple[Attachment, ...] = (),
) -> Content:
    """What every delivery says. A template (the one `template_id` names) or the
    message_title / message_content pair is rendered with `data` (a missing
    variable is InvalidArgumentError on `data` naming it); the request's
    attachments and `files` (its email_attachments) go after the template's."""
    extra = (*request.attachments, *files)
    if request.template_id:
        if template is None:
            raise ValueError("a template_id request needs its template")
        return as_content(with_request_attachments(render(template, request.data), extra))
    if request.interpolated:
        try:
            rendered = render(message_template(request), request.data)
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(
                [FieldViolation(v.field, _message_field(v.description)) for v in exc.violations],
                reason=exc.reason,
            ) from exc
        return as_content(with_request_attachments(rendered, extra))
    return Content(
        subject=request.subject,
        text=request.body,
        html=request.body_html or None,
        attachments=extra,
    )


# -- screening ------------------------------------------------------------------


def screen(
    request: NotificationRequest,
    channels: Sequence[Channel],
    caller: str,
    policy: RecipientPolicy,
    max_recipients: int = DEFAULT_MAX_RECIPIENTS,
    directory: Mapping[str, User] | None = None,
    members: Sequence[str] = (),
) -> Screening:
    """Accept or reject each recipient on each channel; raise NoRecipientsError
    when nobody passed anywhere. `directory` holds the known users among the
    request's user ids (the seed 001 recipients, cluster `members`, Push entries
    of `to`), with their contact points."""
    known: Mapping[str, User] = directory or {}
    screening = Screening(tuple(channels))
    for channel in channels:
        accepted: list[str] = []
        rejected: list[Rejection] = []
        targets: list[Target] = []

        if request.to_people:
            for user_id, rejection in _people(request, members):
                if rejection is not None:
                    rejected.append(rejection)
                    continue
                refusal = _known(user_id, known) or _refuse_person(
                    policy, caller, channel, known[user_id]
                )
                if refusal is not None:
                    rejected.append(refusal)
                elif points := _contact(channel, known[user_id], screening.failures):
                    _accept(user_id, points, accepted, rejected, targets, max_recipients)
        else:
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
                refusal = RECIPIENT_CHECKS[channel](recipient)
                if refusal is None and channel is Channel.PUSH:
                    refusal = _known(recipient, known)
                refusal = refusal or policy.refuse(caller, channel, recipient)
                if refusal is not None:
                    rejected.append(refusal)
                elif channel is Channel.PUSH:
                    if points := _contact(channel, known[recipient], screening.failures):
                        _accept(recipient, points, accepted, rejected, targets, max_recipients)
                else:
                    user_id = recipient if channel is Channel.IN_APP else ""
                    _accept(
                        recipient,
                        [Target(recipient, user_id)],
                        accepted,
                        rejected,
                        targets,
                        max_recipients,
                    )
        if accepted:
            screening.accepted[channel] = accepted
            screening.targets[channel] = targets
        if rejected:
            screening.rejected[channel] = rejected
    if not screening.accepted_count:
        raise NoRecipientsError(screening)
    return screening


def _accept(
    recipient: str,
    points: list[Target],
    accepted: list[str],
    rejected: list[Rejection],
    targets: list[Target],
    max_recipients: int,
) -> None:
    if len(accepted) >= max_recipients:
        rejected.append(
            Rejection(
                recipient,
                Reason.MAX_RECIPIENTS_EXCEEDED,
                f"at most {max_recipients} recipients per channel per request",
            )
        )
    else:
        accepted.append(recipient)
        targets.extend(points)


def _people(
    request: NotificationRequest, members: Sequence[str]
) -> list[tuple[str, Rejection | None]]:
    """The explicit recipients in order, then the clusters' members, each user once:
    an explicit id listed twice is a duplicate_recipient; a user who is also (or
    again) a cluster member is simply not repeated."""
    found: list[tuple[str, Rejection | None]] = []
    listed: set[str] = set()
    seen: set[str] = set()
    for raw in request.recipients:
        user_id = raw.strip()
        if user_id in listed:
            found.append(
                (
                    user_id,
                    Rejection(
                        user_id, Reason.DUPLICATE_RECIPIENT, "listed earlier in `recipients`"
                    ),
                )
            )
            continue
        listed.add(user_id)
        seen.add(user_id)
        found.append((user_id, _user_id(user_id)))
    for user_id in members:
        if user_id not in seen:
            seen.add(user_id)
            found.append((user_id, None))
    return found


def people_ids(request: NotificationRequest, members: Sequence[str] = ()) -> list[str]:
    """Every user id the request names whose contact points the screening needs."""
    if request.to_people:
        return [user_id for user_id, rejection in _people(request, members) if rejection is None]
    return [r.strip() for r in request.to if user_id_problem(r.strip()) is None]


def _known(user_id: str, directory: Mapping[str, User]) -> Rejection | None:
    if user_id in directory:
        return None
    return Rejection(user_id, Reason.UNKNOWN_USER, "no such user in the directory")


def _refuse_person(
    policy: RecipientPolicy, caller: str, channel: Channel, user: User
) -> Rejection | None:
    """A directory user passes if their user id does, or if every contact point
    Herald would send to on `channel` does (an email address at an allowed domain).
    The id is asked about as an In-App recipient, which is a user id, so it is
    compared exactly as spelt, and only with user ids (not emails or numbers)."""
    refusal = policy.refuse(caller, Channel.IN_APP, user.id)
    if refusal is None:
        return None
    points = CONTACT_POINTS[channel][0](user)
    if points and all(policy.refuse_contact(caller, channel, point) is None for point in points):
        return None
    return refusal


def _contact(channel: Channel, user: User, failures: list[Failure]) -> list[Target]:
    """The deliveries for `user` on `channel`; none (and a failure) when the user
    has no contact point there."""
    points, missing = CONTACT_POINTS[channel]
    found = [Target(point, user.id) for point in points(user)]
    if not found:
        failures.append(Failure(user.id, channel, missing))
    return found
