"""SendMessage to a known user (seed 002): the directory supplies the contact
points the request leaves out, a delivery method picks the channels, and the
content comes from a template, a message type's template or a custom body, in
that order of precedence, rendered in the user's locale."""

from __future__ import annotations

import dataclasses
from typing import Protocol

from herald.core.channel import Channel
from herald.core.directory import User
from herald.core.errors import FieldViolation, InvalidArgumentError, NotFoundError
from herald.core.message import METHOD_CHANNELS, Content, MessageRequest
from herald.core.rendered import check_rendered
from herald.core.templates import (
    MessageType,
    Template,
    as_content,
    render,
    with_request_attachments,
)

# Where each channel's address comes from on a user, and what a user without it
# lacks ("user 'carl' has no phone number").
_FROM_USER = {
    Channel.EMAIL: ("email_address", "email", "email address"),
    Channel.SMS: ("phone_number", "phone_number", "phone number"),
    Channel.WEBHOOK: ("webhook_url", "webhook_url", "webhook URL"),
}


class UserDirectory(Protocol):
    async def contact_points(self, brand_id: str, user_ids: list[str]) -> dict[str, User]: ...


class TemplateLookup(Protocol):
    async def resolve(
        self,
        brand_id: str,
        template_id: str | None = None,
        message_type: MessageType | None = None,
    ) -> Template: ...


class People:
    def __init__(self, directory: UserDirectory, templates: TemplateLookup) -> None:
        self.directory = directory
        self.templates = templates

    async def resolve(
        self, request: MessageRequest, brand_id: str
    ) -> tuple[MessageRequest, Content | None]:
        """The request with its channels and addresses filled in from the user, and
        the content when a template or message type supplies it."""
        request = _with_method_channels(request)
        if not request.channels:
            return request, None  # nothing to send: validation says what is missing
        user = None
        if request.user_id and (self._needs_user(request) or request.content_elsewhere):
            found = await self.directory.contact_points(brand_id, [request.user_id])
            user = found.get(request.user_id)
            if user is None and self._needs_user(request):
                raise NotFoundError("herald.v1.User", request.user_id)
        if user is not None:
            request = _with_contact_points(request, user)
            _check_reachable(request, user)
        template = None
        if request.template_id:
            template = await self.templates.resolve(brand_id, template_id=request.template_id)
        elif request.message_type:
            template = await self.templates.resolve(
                brand_id, message_type=MessageType(request.message_type)
            )
        if template is None:
            return request, None
        rendered = render(template, request.data, user.locale if user is not None else "")
        rendered = with_request_attachments(rendered, request.attachments)
        content = as_content(rendered, dict(request.push_data))
        field = "communication_template_id" if request.template_id else "message_type"
        check_rendered(content, request.channels, f"template {template.id!r}", field)
        return request, content

    @staticmethod
    def _needs_user(request: MessageRequest) -> bool:
        for channel in request.channels:
            if channel in _FROM_USER and not getattr(request, _FROM_USER[channel][0]):
                return True
            if channel is Channel.PUSH and not request.push_token:
                return True
        return False


def _with_method_channels(request: MessageRequest) -> MessageRequest:
    if request.delivery_method is None:
        return request
    problems = []
    if request.channels:
        problems.append(FieldViolation("delivery_method", "give channels or a delivery method"))
    if not request.user_id:
        problems.append(FieldViolation("user_id", "is required with a delivery method"))
    if problems:
        raise InvalidArgumentError(problems)
    return dataclasses.replace(request, channels=METHOD_CHANNELS[request.delivery_method])


def _check_reachable(request: MessageRequest, user: User) -> None:
    missing = []
    for channel in request.channels:
        if channel in _FROM_USER and not getattr(request, _FROM_USER[channel][0]):
            field, _, what = _FROM_USER[channel]
            missing.append(FieldViolation(field, f"user {user.id!r} has no {what}"))
        elif channel is Channel.PUSH and not request.push_token:
            missing.append(FieldViolation("push_token", f"user {user.id!r} has no push token"))
    if missing:
        raise InvalidArgumentError(missing, reason="NO_CONTACT_POINT")


def _with_contact_points(request: MessageRequest, user: User) -> MessageRequest:
    """Fill what the request leaves empty; a contact point the user lacks stays
    empty, so validation names it."""
    changes: dict[str, object] = {}
    for channel in request.channels:
        if channel in _FROM_USER:
            field, attribute, _ = _FROM_USER[channel]
            if not getattr(request, field) and getattr(user, attribute):
                changes[field] = getattr(user, attribute)
        elif channel is Channel.PUSH and not request.push_token and user.push_tokens:
            changes["push_token"] = user.push_tokens[0]
            changes["push_tokens"] = tuple(user.push_tokens[1:])
    return dataclasses.replace(request, **changes) if changes else request  # type: ignore[arg-type]
