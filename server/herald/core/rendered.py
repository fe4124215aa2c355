"""What a rendered template must say on each channel it is sent on. Without a
template, SendMessage, SendNotification and CreateCampaign refuse a blank subject or
body; a template's parts are checked after rendering, since a part may be absent
(and its fallback too) or render blank with the send's data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from herald.core.channel import Channel
from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.core.message import Content

REASON = "TEMPLATE_RENDER_FAILED"

# Per channel, what its delivery needs: each entry is the Content fields (as
# Content.for_channel gives them to the channel) of which at least one must say
# something, with the template parts they are rendered from. Email and webhooks
# carry the email parts; a push notification shows its title, its body or both.
_NEEDS: dict[Channel, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    Channel.EMAIL: (
        (("subject",), ("email_subject",)),
        (("text", "html"), ("email_text", "email_html")),
    ),
    Channel.WEBHOOK: (
        (("subject",), ("email_subject",)),
        (("text", "html"), ("email_text", "email_html")),
    ),
    Channel.SMS: ((("text",), ("sms_text",)),),
    Channel.PUSH: ((("subject", "text"), ("push_title", "push_body")),),
    Channel.IN_APP: (
        (("subject",), ("in_app_title",)),
        (("text",), ("in_app_body",)),
    ),
}


@dataclass(frozen=True, slots=True)
class EmptyPart:
    """A channel's need its rendered content leaves unmet: none of `parts` (template
    parts, alternatives) says anything."""

    channel: Channel
    parts: tuple[str, ...]


def empty_parts(content: Content, channels: Iterable[Channel]) -> list[EmptyPart]:
    """What each of `channels` needs and `content`, rendered, does not say."""
    found = []
    for channel in dict.fromkeys(channels):
        delivered = content.for_channel(channel)
        for attributes, parts in _NEEDS[channel]:
            if not any((getattr(delivered, name) or "").strip() for name in attributes):
                found.append(EmptyPart(channel, parts))
    return found


def check_rendered(
    content: Content,
    channels: Iterable[Channel | None],
    source: str,
    field: str | Mapping[str, str],
) -> None:
    """Raise InvalidArgumentError (TEMPLATE_RENDER_FAILED) with a violation for each
    need of each channel that `content` leaves unmet, before anything is stored.
    `source` names what was rendered ("template 'welcome'"); `field` is the request
    field the violations are on, or (an ad-hoc template made of request fields) the
    request field of each template part, named in place of the part."""
    violations = []
    for gap in empty_parts(content, [c for c in channels if c is not None]):
        if isinstance(field, str):
            path, names = field, list(gap.parts)
        else:
            names = list(dict.fromkeys(field.get(p, p) for p in gap.parts))
            path = names[0]
        violations.append(
            FieldViolation(
                path,
                f"{source} renders an empty {' or '.join(names)}, "
                f"which the {gap.channel.value} channel needs",
            )
        )
    if violations:
        raise InvalidArgumentError(violations, reason=REASON)
