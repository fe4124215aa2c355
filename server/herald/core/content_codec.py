"""Content to and from the bytes stored with a request."""

from __future__ import annotations

import base64
import json

from herald.core.channel import Channel
from herald.core.message import Attachment, ChannelPart, Content


def encode(content: Content) -> bytes:
    return json.dumps(
        {
            "subject": content.subject,
            "text": content.text,
            "html": content.html,
            "data": dict(content.data),
            "attachments": [
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "content": base64.b64encode(a.content).decode("ascii"),
                }
                for a in content.attachments
            ],
            **(
                {"parts": {c.value: [p.subject, p.text] for c, p in content.parts.items()}}
                if content.parts
                else {}
            ),
            **({"brand": content.brand_id} if content.brand_id else {}),
            **({"call": content.call_request_id} if content.call_request_id else {}),
        },
        separators=(",", ":"),
    ).encode()


def decode(raw: bytes, brand_id: str = "") -> Content:
    """`brand_id` is the brand of the request it is stored with: the content's own
    when it has none (stored before contents carried their brand, migration 0006)."""
    doc = json.loads(raw)
    return Content(
        subject=doc["subject"],
        text=doc["text"],
        html=doc.get("html"),
        data=doc.get("data") or {},
        attachments=tuple(
            Attachment(a["filename"], a["content_type"], base64.b64decode(a["content"]))
            for a in doc.get("attachments", [])
        ),
        parts={
            Channel(c): ChannelPart(subject, text)
            for c, (subject, text) in (doc.get("parts") or {}).items()
        },
        brand_id=doc.get("brand") or brand_id,
        call_request_id=doc.get("call") or "",
    )
