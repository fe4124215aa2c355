"""herald.v1.TemplateService: templates CRUD (AIP-131..135, AIP-158 listing) and the
RenderTemplate preview. Translation and validation only; rendering is core/templates.py."""

from __future__ import annotations

import asyncio
import mimetypes
from dataclasses import replace
from typing import Any, TypeAlias

from google.protobuf import struct_pb2

from herald.api import convert, pagination
from herald.api.convert import timestamp
from herald.api.errors import unary
from herald.auth.caller import current
from herald.core import templates as core
from herald.core.errors import FieldViolation, InvalidArgumentError, blank
from herald.core.ids import new_id
from herald.core.message import Attachment
from herald.store.templates import TemplateStore
from herald.v1 import common_pb2, template_pb2, template_pb2_grpc

Context: TypeAlias = Any
LISTING = "templates"

MESSAGE_TYPE_FROM_PROTO: dict[int, core.MessageType | None] = {
    common_pb2.MESSAGE_TYPE_UNSPECIFIED: None,
    common_pb2.MESSAGE_TYPE_WELCOME: core.MessageType.WELCOME,
    common_pb2.MESSAGE_TYPE_LOGININFO: core.MessageType.LOGININFO,
    common_pb2.MESSAGE_TYPE_FORGOTTENPASSWORD: core.MessageType.FORGOTTENPASSWORD,
}
MESSAGE_TYPE_TO_PROTO = {v: k for k, v in MESSAGE_TYPE_FROM_PROTO.items()}
# Fields an update_mask may name (AIP-134); output-only ones are ignored.
MUTABLE = ("display_name", "message_type", "content", "variants", "attachments")
OUTPUT_ONLY = frozenset({"id", "brand_id", "created_at", "updated_at"})


# -- proto <-> domain ----------------------------------------------------------


def _content(content: template_pb2.TemplateContent) -> core.TemplateContent:
    return core.TemplateContent(**{part: getattr(content, part) for part in core.PARTS})


def _content_proto(parts: dict[str, str]) -> template_pb2.TemplateContent:
    return template_pb2.TemplateContent(**parts)


def _attachment(attachment: common_pb2.Attachment) -> Attachment:
    content_type = attachment.content_type
    if not content_type:
        guessed, _ = mimetypes.guess_type(attachment.filename)
        content_type = guessed or "application/octet-stream"
    return Attachment(attachment.filename, content_type, attachment.content)


def from_proto(template: template_pb2.Template) -> tuple[core.Template, list[FieldViolation]]:
    """The domain template, and the problems only the proto can have."""
    problems: list[FieldViolation] = []
    message_type = MESSAGE_TYPE_FROM_PROTO.get(template.message_type)
    if template.message_type not in MESSAGE_TYPE_FROM_PROTO:
        problems.append(
            FieldViolation(
                "template.message_type", "must be WELCOME, LOGININFO, FORGOTTENPASSWORD or unset"
            )
        )
    return (
        core.Template(
            id=template.id,
            brand_id=current().brand_id,
            display_name=template.display_name,
            message_type=message_type,
            content=_content(template.content),
            variants=tuple(
                core.TemplateVariant(v.locale, _content(v.content)) for v in template.variants
            ),
            attachments=tuple(_attachment(a) for a in template.attachments),
        ),
        problems,
    )


def to_proto(template: core.Template) -> template_pb2.Template:
    return template_pb2.Template(
        id=template.id,
        brand_id=template.brand_id,
        display_name=template.display_name,
        message_type=MESSAGE_TYPE_TO_PROTO[template.message_type],  # type: ignore[arg-type]
        content=_content_proto(template.content.present()),
        variants=[
            template_pb2.TemplateVariant(
                locale=v.locale, content=_content_proto(v.content.present())
            )
            for v in template.variants
        ],
        attachments=[
            common_pb2.Attachment(
                filename=a.filename, content_type=a.content_type, content=a.content
            )
            for a in template.attachments
        ],
        created_at=timestamp(template.created_at),
        updated_at=timestamp(template.updated_at),
    )


def data_of(data: struct_pb2.Struct) -> dict[str, Any]:
    """A request's template data (google.protobuf.Struct) as plain Python values."""
    return convert.struct_data(data, "data")


def _checked(
    template: core.Template, problems: list[FieldViolation], max_attachment_bytes: int
) -> core.Template:
    violations = list(problems)
    try:
        core.validate(template, max_attachment_bytes)
    except InvalidArgumentError as error:
        violations += error.violations
    if violations:
        raise InvalidArgumentError(violations)
    return template


def _populated(template: template_pb2.Template) -> set[str]:
    """AIP-134's implied mask when none is given: the fields the request populates
    (content part by part)."""
    paths = {f"content.{part}" for part in core.PARTS if getattr(template.content, part)}
    if template.display_name:
        paths.add("display_name")
    if template.message_type:
        paths.add("message_type")
    if template.variants:
        paths.add("variants")
    if template.attachments:
        paths.add("attachments")
    return paths


def _mask_paths(paths: list[str], template: template_pb2.Template) -> set[str] | None:
    """The mutable fields (or content parts, as "content.<part>") an update_mask
    names (AIP-134): without a mask, the fields the request populates; None (every
    mutable field) for "*"."""
    if not paths:
        return _populated(template)
    if "*" in paths:
        return None
    chosen: set[str] = set()
    violations = []
    for index, path in enumerate(paths):
        part = path.removeprefix("content.")
        if path in MUTABLE or path in OUTPUT_ONLY or (part != path and part in core.PARTS):
            chosen.add(path)
        else:
            violations.append(
                FieldViolation(
                    f"update_mask.paths[{index}]",
                    f"{path!r} is not a field of Template that can be updated",
                )
            )
    if violations:
        raise InvalidArgumentError(violations)
    return chosen - OUTPUT_ONLY


def _merge(current: core.Template, given: core.Template, paths: set[str] | None) -> core.Template:
    if paths is None:
        paths = set(MUTABLE)
    merged = replace(current, **{name: getattr(given, name) for name in MUTABLE if name in paths})
    parts = {p.removeprefix("content.") for p in paths if p.startswith("content.")}
    if parts and "content" not in paths:
        merged = replace(
            merged,
            content=replace(
                merged.content, **{part: getattr(given.content, part) for part in parts}
            ),
        )
    return merged


def _required_id(value: str, field: str = "id") -> str:
    if not value:
        raise InvalidArgumentError([FieldViolation(field, "is required")])
    if problems := blank([(field, value)]):
        raise InvalidArgumentError(problems)
    return value


# -- the service -----------------------------------------------------------------


class TemplateService(template_pb2_grpc.TemplateServiceServicer):
    def __init__(self, store: TemplateStore, max_attachment_bytes: int) -> None:
        self.store = store
        self.max_attachment_bytes = max_attachment_bytes

    @unary
    async def CreateTemplate(
        self, request: template_pb2.CreateTemplateRequest, context: Context
    ) -> template_pb2.CreateTemplateResponse:
        template, problems = from_proto(request.template)
        if not template.id:
            template = replace(template, id=new_id())
        # Compiling every part takes some seconds for the largest templates
        # (core.MAX_TEMPLATE_SOURCE): never on the event loop.
        checked = await asyncio.to_thread(_checked, template, problems, self.max_attachment_bytes)
        stored = await self.store.create(checked)
        return template_pb2.CreateTemplateResponse(template=to_proto(stored))

    @unary
    async def GetTemplate(
        self, request: template_pb2.GetTemplateRequest, context: Context
    ) -> template_pb2.GetTemplateResponse:
        stored = await self.store.get(current().brand_id, _required_id(request.id))
        return template_pb2.GetTemplateResponse(template=to_proto(stored))

    @unary
    async def UpdateTemplate(
        self, request: template_pb2.UpdateTemplateRequest, context: Context
    ) -> template_pb2.UpdateTemplateResponse:
        template_id = _required_id(request.template.id, "template.id")
        paths = _mask_paths(list(request.update_mask.paths), request.template)
        given, problems = from_proto(request.template)

        def change(current: core.Template) -> core.Template:
            merged = _merge(current, given, paths)
            relevant = [p for p in problems if paths is None or "message_type" in paths]
            return _checked(merged, relevant, self.max_attachment_bytes)

        stored = await self.store.update(current().brand_id, template_id, change)
        return template_pb2.UpdateTemplateResponse(template=to_proto(stored))

    @unary
    async def DeleteTemplate(
        self, request: template_pb2.DeleteTemplateRequest, context: Context
    ) -> template_pb2.DeleteTemplateResponse:
        await self.store.delete(current().brand_id, _required_id(request.id))
        return template_pb2.DeleteTemplateResponse()

    @unary
    async def ListTemplates(
        self, request: template_pb2.ListTemplatesRequest, context: Context
    ) -> template_pb2.ListTemplatesResponse:
        size = pagination.page_size(request.page_size)
        last = pagination.decode_key(LISTING, request.page_token, (str,))
        after = last[0] if last else None
        found = await self.store.list(current().brand_id, size + 1, after)
        page = found[:size]
        token = pagination.encode_token(LISTING, [page[-1].id]) if len(found) > size else ""
        return template_pb2.ListTemplatesResponse(
            templates=[to_proto(t) for t in page], next_page_token=token
        )

    @unary
    async def RenderTemplate(
        self, request: template_pb2.RenderTemplateRequest, context: Context
    ) -> template_pb2.RenderTemplateResponse:
        template_id = _required_id(request.id)
        if request.locale and (problem := core.locale_problem(request.locale)) is not None:
            raise InvalidArgumentError([FieldViolation("locale", problem)])
        template = await self.store.get(current().brand_id, template_id)
        # The first render of a version compiles what it uses: off the event loop.
        rendered = await asyncio.to_thread(
            core.render, template, data_of(request.data), request.locale
        )
        return template_pb2.RenderTemplateResponse(
            content=_content_proto(rendered.parts()), locale=rendered.locale
        )
