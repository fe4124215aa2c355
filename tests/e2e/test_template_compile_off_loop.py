"""A large template's compile, when it is saved and when it is first rendered, runs off the
server's event loop: other calls are answered while it goes on. SQLite only; the store
takes no part in it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from herald.v1 import template_pb2, template_pb2_grpc

T = template_pb2
ANSWERED_MEANWHILE = 3


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> template_pb2_grpc.TemplateServiceStub:
    return template_pb2_grpc.TemplateServiceStub(channel)


async def answered_while(stub: template_pb2_grpc.TemplateServiceStub, call: Any) -> int:
    """How many ListTemplates calls, made one after another, were answered before `call`."""
    answered = 0
    task = asyncio.ensure_future(call)
    while not task.done():
        await stub.ListTemplates(T.ListTemplatesRequest(page_size=1), timeout=60)
        answered += not task.done()
    await task
    return answered


async def test_other_calls_are_answered_while_a_large_template_compiles(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    # ~400,000 characters of dense template code take seconds to compile: the event loop
    # blocked for all of it before, and a ListTemplates then waited for the whole compile.
    line = "{{ a }} {% if b is defined %}{{ b|upper }}{% endif %}\n"
    source = line * (99_000 // len(line))
    template_id = f"large-{uuid.uuid4().hex[:8]}"
    large = T.Template(
        id=template_id,
        content=T.TemplateContent(
            email_text=source, sms_text=source, push_body=source, in_app_body=source
        ),
    )
    saving = stub.CreateTemplate(T.CreateTemplateRequest(template=large), timeout=120)
    assert await answered_while(stub, saving) >= ANSWERED_MEANWHILE
    data = struct_pb2.Struct()
    data.update({"a": 1})
    rendering = stub.RenderTemplate(T.RenderTemplateRequest(id=template_id, data=data), timeout=120)
    assert await answered_while(stub, rendering) >= ANSWERED_MEANWHILE
