"""The templates table: one row per (brand, id); content, variants and attachments
are JSON in `body`. At most one template per message type and brand (a unique
partial index)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from herald.core.errors import AlreadyExistsError, NotFoundError
from herald.core.message import Attachment, Content
from herald.core.templates import (
    MessageType,
    Template,
    TemplateContent,
    TemplateVariant,
    as_content,
    render,
)
from herald.store.database import Database
from herald.store.schema import templates

RESOURCE = "herald.v1.Template"
UPDATE_ATTEMPTS = 20


def encode_body(template: Template) -> bytes:
    return json.dumps(
        {
            "content": template.content.present(),
            "variants": [
                {"locale": v.locale, "content": v.content.present()} for v in template.variants
            ],
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "content": base64.b64encode(a.content).decode("ascii"),
                }
                for a in template.attachments
            ],
        },
        separators=(",", ":"),
    ).encode()


def _from_row(row: sa.Row[Any]) -> Template:
    body = json.loads(row.body)
    return Template(
        id=row.id,
        brand_id=row.brand_id,
        display_name=row.display_name,
        message_type=MessageType(row.message_type) if row.message_type else None,
        content=TemplateContent(**body.get("content", {})),
        variants=tuple(
            TemplateVariant(v["locale"], TemplateContent(**v.get("content", {})))
            for v in body.get("variants", [])
        ),
        attachments=tuple(
            Attachment(a["filename"], a["content_type"], base64.b64decode(a["content"]))
            for a in body.get("attachments", [])
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _values(template: Template) -> dict[str, Any]:
    return {
        "display_name": template.display_name,
        "message_type": template.message_type.value if template.message_type else "",
        "body": encode_body(template),
    }


class TemplateStore:
    """Templates of every brand; every method takes the caller's brand_id."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, template: Template) -> Template:
        """Store a validated template (created_at = updated_at = now). A taken id or
        message type is ALREADY_EXISTS."""
        now = time.time()
        stored = replace(template, created_at=now, updated_at=now)
        try:
            async with self.db.engine.begin() as connection:
                await connection.execute(
                    templates.insert().values(
                        brand_id=stored.brand_id,
                        id=stored.id,
                        created_at=now,
                        updated_at=now,
                        **_values(stored),
                    )
                )
        except sa.exc.IntegrityError as exc:
            raise await self._conflict(stored, creating=True) from exc
        return stored

    async def _conflict(self, template: Template, creating: bool) -> AlreadyExistsError:
        """Which unique key an insert or update collided with."""
        async with self.db.engine.connect() as connection:
            taken = await connection.scalar(
                sa.select(templates.c.id).where(
                    templates.c.brand_id == template.brand_id, templates.c.id == template.id
                )
            )
        if creating and taken is not None:
            return AlreadyExistsError(
                f"template {template.id!r} already exists", "TEMPLATE_ALREADY_EXISTS"
            )
        message_type = template.message_type.value if template.message_type else ""
        return AlreadyExistsError(
            f"another template already serves the message type {message_type!r}",
            "MESSAGE_TYPE_TAKEN",
        )

    async def get(self, brand_id: str, template_id: str) -> Template:
        async with self.db.engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.select(templates).where(
                        templates.c.brand_id == brand_id, templates.c.id == template_id
                    )
                )
            ).first()
        if row is None:
            raise NotFoundError(RESOURCE, f"templates/{template_id}")
        return _from_row(row)

    async def update(
        self, brand_id: str, template_id: str, change: Callable[[Template], Template]
    ) -> Template:
        """Read, apply `change` (which validates, so it runs in a worker thread, off
        the event loop), write back if nobody wrote in between (compare-and-set on
        updated_at), else start again."""
        for _ in range(UPDATE_ATTEMPTS):
            current = await self.get(brand_id, template_id)
            changed = await asyncio.to_thread(change, current)
            now = max(time.time(), current.updated_at + 1e-6)
            stored = replace(
                changed,
                brand_id=brand_id,
                id=template_id,
                created_at=current.created_at,
                updated_at=now,
            )
            try:
                async with self.db.engine.begin() as connection:
                    result = await connection.execute(
                        templates.update()
                        .where(
                            templates.c.brand_id == brand_id,
                            templates.c.id == template_id,
                            templates.c.updated_at == current.updated_at,
                        )
                        .values(updated_at=now, **_values(stored))
                    )
            except sa.exc.IntegrityError as exc:
                raise await self._conflict(stored, creating=False) from exc
            if result.rowcount == 1:
                return stored
            await asyncio.sleep(0)  # someone else wrote first (or deleted it): look again
        raise AlreadyExistsError(  # pragma: no cover - twenty lost races in a row
            f"template {template_id!r} is being changed concurrently; retry", "CONCURRENT_UPDATE"
        )

    async def delete(self, brand_id: str, template_id: str) -> None:
        async with self.db.engine.begin() as connection:
            result = await connection.execute(
                templates.delete().where(
                    templates.c.brand_id == brand_id, templates.c.id == template_id
                )
            )
        if result.rowcount == 0:
            raise NotFoundError(RESOURCE, f"templates/{template_id}")

    async def list(self, brand_id: str, limit: int, after_id: str | None) -> list[Template]:
        """Up to `limit` templates in id order, after `after_id` (keyset pagination)."""
        query = sa.select(templates).where(templates.c.brand_id == brand_id)
        if after_id is not None:
            query = query.where(templates.c.id > after_id)
        async with self.db.engine.connect() as connection:
            rows = await connection.execute(query.order_by(templates.c.id).limit(limit))
            return [_from_row(row) for row in rows]

    async def resolve(
        self,
        brand_id: str,
        template_id: str | None = None,
        message_type: MessageType | None = None,
    ) -> Template:
        """The template a send names: by id when given, else the one configured for
        the message type (seed 002). NOT_FOUND when there is none."""
        if template_id:
            return await self.get(brand_id, template_id)
        if message_type is None:
            raise ValueError("resolve needs a template id or a message type")
        async with self.db.engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.select(templates).where(
                        templates.c.brand_id == brand_id,
                        templates.c.message_type == message_type.value,
                    )
                )
            ).first()
        if row is None:
            raise NotFoundError(RESOURCE, f"templates?message_type={message_type.value}")
        return _from_row(row)

    # -- the campaign work's TemplateSource (dispatch/campaigns.py) -----------

    async def exists(self, brand_id: str, template_id: str) -> bool:
        async with self.db.engine.connect() as connection:
            found = await connection.scalar(
                sa.select(templates.c.id).where(
                    templates.c.brand_id == brand_id, templates.c.id == template_id
                )
            )
        return found is not None

    async def content(
        self, brand_id: str, template_id: str, data: Mapping[str, Any], locale: str = ""
    ) -> Content:
        """The template rendered for `data` as a send's content (every channel's part)."""
        return as_content(render(await self.get(brand_id, template_id), data, locale))
