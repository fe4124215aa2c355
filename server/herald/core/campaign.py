"""Campaigns (seed 004) as the domain sees them: validation of a stored
campaign and of a send's recipients, and which channel each recipient takes."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from herald.core.addresses import (
    email_problem,
    phone_problem,
    push_token_problem,
    user_id_problem,
    webhook_url_problem,
)
from herald.core.channel import Channel
from herald.core.errors import (
    BLANK_PROBLEM,
    NUL_PROBLEM,
    FieldViolation,
    InvalidArgumentError,
    blank,
    has_nul,
    without_nul,
)
from herald.core.message import MAX_BODY, MAX_REQUEST_ID, MAX_SUBJECT, distinct_channels
from herald.core.notification import HTML_CHANNELS

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")  # fullmatch
MAX_RECIPIENTS = 1_000_000


class SendStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    id: str
    display_name: str
    channels: tuple[Channel | None, ...]
    template_id: str = ""
    subject: str = ""
    body: str = ""
    body_html: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: str
    recipient: str


def validate_campaign(spec: CampaignSpec) -> None:
    violations: list[FieldViolation] = []

    def bad(path: str, description: str) -> None:
        violations.append(FieldViolation(f"campaign.{path}", description))

    if spec.id and not ID.fullmatch(spec.id):
        bad("id", "must be 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if not spec.display_name.strip():
        bad("display_name", "is required")
    elif len(spec.display_name) > 200:
        bad("display_name", "must be at most 200 characters")
    if not spec.channels:
        bad("channels", "at least one channel is required")
    seen = [channel for _, channel in distinct_channels(spec.channels, bad)]
    if spec.template_id.isspace():
        bad("template_id", BLANK_PROBLEM)
    elif spec.template_id:
        if spec.subject or spec.body or spec.body_html:
            bad("template_id", "give either a template or subject and body, not both")
    else:
        if not spec.subject.strip():
            bad("subject", "is required unless template_id is set")
        elif len(spec.subject) > MAX_SUBJECT or "\n" in spec.subject or "\r" in spec.subject:
            bad("subject", f"must be one line of at most {MAX_SUBJECT} characters")
        if not spec.body.strip():
            bad("body", "is required unless template_id is set")
        elif len(spec.body) > MAX_BODY:
            bad("body", f"must be at most {MAX_BODY} characters")
        if spec.body_html:
            plain = [c.value for c in seen if c not in HTML_CHANNELS]
            if plain:
                bad("body_html", f"is only for email and webhook, not {', '.join(plain)}")
        if spec.data:
            # Only a template is interpolated: subject and body are sent as given.
            bad(
                "data",
                "is only for a template's variables: set template_id, or write the "
                "values into subject and body",
            )
    texts = ("id", "display_name", "template_id", "subject", "body", "body_html", "data")
    if problems := without_nul(
        [(f"campaign.{name}", getattr(spec, name)) for name in texts], violations
    ):
        raise InvalidArgumentError(problems)


def validate_send(recipients: Sequence[Recipient], request_id: str) -> None:
    violations: list[FieldViolation] = []
    if not recipients:
        violations.append(FieldViolation("recipients", "at least one recipient is required"))
    elif len(recipients) > MAX_RECIPIENTS:
        violations.append(
            FieldViolation("recipients", f"at most {MAX_RECIPIENTS} recipients per send")
        )
    for index, r in enumerate(recipients):
        # Not without_nul(): this runs for up to a million recipients.
        if has_nul(r.person_id):
            violations.append(FieldViolation(f"recipients[{index}].person_id", NUL_PROBLEM))
        elif not r.person_id:
            violations.append(FieldViolation(f"recipients[{index}].person_id", "is required"))
        elif r.person_id.isspace():
            violations.append(FieldViolation(f"recipients[{index}].person_id", BLANK_PROBLEM))
        elif len(r.person_id) > 200:
            violations.append(
                FieldViolation(f"recipients[{index}].person_id", "must be at most 200 characters")
            )
        if has_nul(r.recipient):
            violations.append(FieldViolation(f"recipients[{index}].recipient", NUL_PROBLEM))
        elif not r.recipient:
            violations.append(FieldViolation(f"recipients[{index}].recipient", "is required"))
        elif r.recipient.isspace():
            violations.append(FieldViolation(f"recipients[{index}].recipient", BLANK_PROBLEM))
        if len(violations) >= 100:  # enough to act on; do not build a megabyte of errors
            break
    if len(request_id) > MAX_REQUEST_ID:
        violations.append(
            FieldViolation("request_id", f"must be at most {MAX_REQUEST_ID} characters")
        )
    violations += blank([("request_id", request_id)])
    if problems := without_nul([("request_id", request_id)], violations):
        raise InvalidArgumentError(problems)


_CHECKS: dict[Channel, Callable[[str], str | None]] = {
    Channel.EMAIL: email_problem,
    Channel.SMS: phone_problem,
    Channel.PUSH: push_token_problem,
    Channel.IN_APP: user_id_problem,
    Channel.WEBHOOK: webhook_url_problem,
}


def route(recipient: Recipient, channels: Sequence[Channel]) -> tuple[Channel, str, str]:
    """The channel a recipient takes: the first of the campaign's channels whose
    address the recipient is (In-App delivers to the person's inbox). Returns the
    channel, the address and, when none fits, why (channel is then the first)."""
    problems = []
    for channel in channels:
        address = recipient.person_id if channel is Channel.IN_APP else recipient.recipient
        problem = _CHECKS[channel](address)
        if problem is None:
            return channel, address, ""
        problems.append(f"{channel.value}: {problem}")
    return channels[0], recipient.recipient, "; ".join(problems)
