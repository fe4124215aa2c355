"""TemplateService against a real server: CRUD, pagination, update masks, syntax
errors at save, NOT_FOUND and ALREADY_EXISTS, and the RenderTemplate preview."""

from __future__ import annotations

import uuid

import grpc
import pytest
from google.protobuf import field_mask_pb2, struct_pb2
from herald.v1 import common_pb2, delivery_pb2, delivery_pb2_grpc, template_pb2, template_pb2_grpc

from tests.support.status import rich_error

pytestmark = pytest.mark.backends("sqlite", "postgres")

T = template_pb2
INVALID = grpc.StatusCode.INVALID_ARGUMENT


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> template_pb2_grpc.TemplateServiceStub:
    return template_pb2_grpc.TemplateServiceStub(channel)


def tag() -> str:
    return uuid.uuid4().hex[:8]


def welcome(template_id: str, **kwargs: object) -> template_pb2.Template:
    return T.Template(
        id=template_id,
        display_name="Welcome",
        content=T.TemplateContent(
            email_subject="Welcome, {{ first_name }}",
            email_text="Hello {{ first_name }}, your code is {{ code }}.",
            email_html="<p>Hello {{ first_name }}, your code is <b>{{ code }}</b>.</p>",
            sms_text="Code: {{ code }}",
        ),
        variants=[
            T.TemplateVariant(
                locale="pt",
                content=T.TemplateContent(
                    email_subject="Bem-vindo, {{ first_name }}",
                    email_text="Olá {{ first_name }}, o seu código é {{ code }}.",
                ),
            ),
            T.TemplateVariant(
                locale="da-DK",
                content=T.TemplateContent(email_subject="Velkommen, {{ first_name }}"),
            ),
        ],
        attachments=[common_pb2.Attachment(filename="terms.pdf", content=b"%PDF-1.4")],
        **kwargs,  # type: ignore[arg-type]
    )


def data(**values: object) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


async def create(
    stub: template_pb2_grpc.TemplateServiceStub, template: template_pb2.Template
) -> template_pb2.Template:
    reply = await stub.CreateTemplate(T.CreateTemplateRequest(template=template), timeout=10)
    return reply.template


async def test_create_get_update_delete(stub: template_pb2_grpc.TemplateServiceStub) -> None:
    template_id = f"welcome-{tag()}"
    created = await create(stub, welcome(template_id))
    assert created.id == template_id
    assert created.brand_id == ""
    assert created.created_at.seconds > 0
    assert created.updated_at == created.created_at
    # Attachment content types are guessed from the file name when empty.
    assert [(a.filename, a.content_type) for a in created.attachments] == [
        ("terms.pdf", "application/pdf")
    ]

    got = await stub.GetTemplate(T.GetTemplateRequest(id=template_id), timeout=10)
    assert got.template == created

    # Only the fields in the mask change.
    change = T.Template(
        id=template_id,
        display_name="Welcome aboard",
        content=T.TemplateContent(email_subject="Hi {{ first_name }}"),
        variants=[],
    )
    updated = (
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=change,
                update_mask=field_mask_pb2.FieldMask(
                    paths=["display_name", "content.email_subject"]
                ),
            ),
            timeout=10,
        )
    ).template
    assert updated.display_name == "Welcome aboard"
    assert updated.content.email_subject == "Hi {{ first_name }}"
    assert updated.content.email_text == created.content.email_text  # not in the mask
    assert list(updated.variants) == list(created.variants)  # not in the mask
    assert updated.created_at == created.created_at
    assert updated.updated_at.ToNanoseconds() > created.updated_at.ToNanoseconds()
    got = await stub.GetTemplate(T.GetTemplateRequest(id=template_id), timeout=10)
    assert got.template == updated

    # No mask (AIP-134): the fields the request populates, content part by part.
    patched = (
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(id=template_id, content=T.TemplateContent(sms_text="SMS"))
            ),
            timeout=10,
        )
    ).template
    assert patched.content.sms_text == "SMS"
    assert patched.content.email_subject == "Hi {{ first_name }}"
    assert patched.display_name == "Welcome aboard"
    assert list(patched.variants) == list(created.variants)

    # "*": every mutable field is replaced.
    replaced = (
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(id=template_id, content=T.TemplateContent(sms_text="only")),
                update_mask=field_mask_pb2.FieldMask(paths=["*"]),
            ),
            timeout=10,
        )
    ).template
    assert replaced.display_name == ""
    assert replaced.content == T.TemplateContent(sms_text="only")
    assert list(replaced.variants) == []
    assert list(replaced.attachments) == []

    await stub.DeleteTemplate(T.DeleteTemplateRequest(id=template_id), timeout=10)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetTemplate(T.GetTemplateRequest(id=template_id), timeout=10)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_unknown_template_is_not_found_with_resource_info(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    missing = f"missing-{tag()}"
    calls = [
        stub.GetTemplate(T.GetTemplateRequest(id=missing), timeout=10),
        stub.DeleteTemplate(T.DeleteTemplateRequest(id=missing), timeout=10),
        stub.RenderTemplate(T.RenderTemplateRequest(id=missing), timeout=10),
        stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(id=missing, content=T.TemplateContent(email_text="x"))
            ),
            timeout=10,
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        error = rich_error(caught.value)
        assert error.code == grpc.StatusCode.NOT_FOUND
        assert (error.reason, error.domain) == ("NOT_FOUND", "herald")
        assert error.resource is not None
        assert error.resource.resource_type == "herald.v1.Template"
        assert error.resource.resource_name == f"templates/{missing}"


async def test_duplicate_id_is_already_exists(stub: template_pb2_grpc.TemplateServiceStub) -> None:
    template_id = f"dup-{tag()}"
    await create(stub, welcome(template_id))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, welcome(template_id))
    error = rich_error(caught.value)
    assert error.code == grpc.StatusCode.ALREADY_EXISTS
    assert error.reason == "TEMPLATE_ALREADY_EXISTS"


async def test_one_template_per_message_type(stub: template_pb2_grpc.TemplateServiceStub) -> None:
    first, second = f"welcome-a-{tag()}", f"welcome-b-{tag()}"
    await create(stub, welcome(first, message_type=common_pb2.MESSAGE_TYPE_WELCOME))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, welcome(second, message_type=common_pb2.MESSAGE_TYPE_WELCOME))
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "MESSAGE_TYPE_TAKEN")

    # Another type is free; taking the welcome type by update is refused too.
    await create(stub, welcome(second, message_type=common_pb2.MESSAGE_TYPE_LOGININFO))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(id=second, message_type=common_pb2.MESSAGE_TYPE_WELCOME),
                update_mask=field_mask_pb2.FieldMask(paths=["message_type"]),
            ),
            timeout=10,
        )
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS

    # Once the first is gone, the type is free again.
    await stub.DeleteTemplate(T.DeleteTemplateRequest(id=first), timeout=10)
    moved = await stub.UpdateTemplate(
        T.UpdateTemplateRequest(
            template=T.Template(id=second, message_type=common_pb2.MESSAGE_TYPE_WELCOME),
            update_mask=field_mask_pb2.FieldMask(paths=["message_type"]),
        ),
        timeout=10,
    )
    assert moved.template.message_type == common_pb2.MESSAGE_TYPE_WELCOME
    await stub.DeleteTemplate(T.DeleteTemplateRequest(id=second), timeout=10)


async def test_syntax_errors_are_rejected_at_save_naming_the_part(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    template_id = f"broken-{tag()}"
    broken = welcome(template_id)
    broken.content.email_html = "<p>Hello</p>\n{% if first_name %}<b>{{ first_name }}</b>"
    broken.variants[0].content.sms_text = "{{ code }"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, broken)
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert set(error.violations) == {
        "template.content.email_html",
        "template.variants[0].content.sms_text",
    }
    assert error.violations["template.content.email_html"].startswith("line 2:")
    # Nothing was stored.
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.GetTemplate(T.GetTemplateRequest(id=template_id), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    # The same check on update.
    await create(stub, welcome(template_id))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(
                    id=template_id, content=T.TemplateContent(push_body="{% for %}")
                ),
                update_mask=field_mask_pb2.FieldMask(paths=["content.push_body"]),
            ),
            timeout=10,
        )
    assert set(rich_error(caught.value).violations) == {"template.content.push_body"}


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("Hi {% include 'footer' %}", "include"),
        ("{% import 'macros' as m %}{{ m.x }}", "import"),
        ("\n{% from 'macros' import x %}{{ x }}", "from ... import"),
        ("{% extends 'base' %}", "extends"),
    ],
)
async def test_templates_that_load_others_are_refused_at_save(
    stub: template_pb2_grpc.TemplateServiceStub, source: str, name: str
) -> None:
    # There is no loader, so every render of these failed TEMPLATE_RENDER_FAILED.
    template_id = f"loads-{tag()}"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(
            stub,
            T.Template(
                id=template_id,
                content=T.TemplateContent(email_subject="S", email_html=source),
            ),
        )
    error = rich_error(caught.value)
    assert error.code == INVALID
    line = 2 if source.startswith("\n") else 1
    assert error.violations == {
        "template.content.email_html": f"line {line}: {{% {name} %}} is not supported "
        "(no other templates)"
    }
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.GetTemplate(T.GetTemplateRequest(id=template_id), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_bad_templates_are_invalid_argument(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    bad = T.Template(
        id="no spaces allowed",
        variants=[T.TemplateVariant(locale="english please", content=T.TemplateContent())],
        message_type=99,  # type: ignore[arg-type]
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, bad)
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert set(error.violations) == {
        "template.id",
        "template.message_type",
        "template.content",
        "template.variants[0].locale",
        "template.variants[0].content",
    }

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=T.Template(id=f"x-{tag()}"),
                update_mask=field_mask_pb2.FieldMask(paths=["display_name", "colour"]),
            ),
            timeout=10,
        )
    assert set(rich_error(caught.value).violations) == {"update_mask.paths[1]"}


async def test_attachments_over_the_limit_are_invalid_argument(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    big = welcome(f"big-{tag()}")
    big.attachments.append(common_pb2.Attachment(filename="big.bin", content=b"x" * 10_485_760))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, big)
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert set(error.violations) == {"template.attachments[1].content"}


async def test_list_pages_through_every_template_once(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    prefix = f"page-{tag()}"
    mine = [f"{prefix}-{n}" for n in range(5)]
    for template_id in reversed(mine):
        await create(stub, welcome(template_id))
    seen: list[str] = []
    token = ""
    while True:
        reply = await stub.ListTemplates(
            T.ListTemplatesRequest(page_size=2, page_token=token), timeout=10
        )
        assert len(reply.templates) <= 2
        seen += [t.id for t in reply.templates]
        token = reply.next_page_token
        if not token:
            break
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert [s for s in seen if s.startswith(prefix)] == mine
    listed = (
        await stub.ListTemplates(T.ListTemplatesRequest(page_size=1000), timeout=10)
    ).templates
    assert [t.content.email_subject for t in listed if t.id == mine[0]] == [
        "Welcome, {{ first_name }}"
    ]

    for bad in (T.ListTemplatesRequest(page_size=-1), T.ListTemplatesRequest(page_token="nope")):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListTemplates(bad, timeout=10)
        assert caught.value.code() == INVALID


async def test_render_chooses_the_variant_and_falls_back(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    template_id = f"render-{tag()}"
    await create(stub, welcome(template_id))

    async def render(locale: str) -> template_pb2.RenderTemplateResponse:
        return await stub.RenderTemplate(  # type: ignore[no-any-return]
            T.RenderTemplateRequest(
                id=template_id, data=data(first_name="Ana <3", code=42), locale=locale
            ),
            timeout=10,
        )

    default = await render("")
    assert default.locale == ""
    assert default.content == T.TemplateContent(
        email_subject="Welcome, Ana <3",
        email_text="Hello Ana <3, your code is 42.",
        email_html="<p>Hello Ana &lt;3, your code is <b>42</b>.</p>",
        sms_text="Code: 42",
        push_title="Welcome, Ana <3",  # titles fall back to the subject
        push_body="Hello Ana <3, your code is 42.",  # bodies to the email text
        in_app_title="Welcome, Ana <3",
        in_app_body="Hello Ana <3, your code is 42.",
    )

    brazilian = await render("pt-BR")  # the language alone
    assert brazilian.locale == "pt"
    assert brazilian.content.email_subject == "Bem-vindo, Ana <3"
    assert brazilian.content.email_text == "Olá Ana <3, o seu código é 42."
    assert brazilian.content.sms_text == "Code: 42"  # missing in the variant: the default's

    danish = await render("da_dk")  # case-insensitive, _ for -
    assert danish.locale == "da-DK"
    assert danish.content.email_subject == "Velkommen, Ana <3"
    assert danish.content.email_text == "Hello Ana <3, your code is 42."

    french = await render("fr-FR")
    assert french.locale == ""
    assert french.content.email_subject == "Welcome, Ana <3"


async def test_render_missing_variable_names_it(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    template_id = f"strict-{tag()}"
    await create(stub, welcome(template_id))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RenderTemplate(
            T.RenderTemplateRequest(id=template_id, data=data(code=7)), timeout=10
        )
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert (error.reason, error.domain) == ("TEMPLATE_RENDER_FAILED", "herald")
    # One violation per part that names the variable; the text parts do too.
    assert rich_error(caught.value).all_violations == [
        ("data", f"missing variable 'first_name' in {part}")
        for part in ("email_subject", "email_text", "email_html")
    ]

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RenderTemplate(
            T.RenderTemplateRequest(id=template_id, data=data(first_name="A", code=1), locale="?!"),
            timeout=10,
        )
    assert set(rich_error(caught.value).violations) == {"locale"}


async def test_templates_that_would_build_too_much_are_refused_quickly(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    # lipsum() made up to 10^5 paragraphs in one call, out of the budget's reach:
    # it is no longer a global, so it is just a variable the data lacks.
    template_id = f"lipsum-{tag()}"
    await create(
        stub,
        T.Template(id=template_id, content=T.TemplateContent(email_text="{{ lipsum(200000) }}")),
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RenderTemplate(T.RenderTemplateRequest(id=template_id), timeout=10)
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (INVALID, "TEMPLATE_RENDER_FAILED")
    assert error.violations == {"data": "missing variable 'lipsum' in email_text"}

    # A filter asked to build gigabytes is refused before it starts.
    template_id = f"join-{tag()}"
    source = "{{ range(100000)|join('x' * 100000) }}"
    await create(stub, T.Template(id=template_id, content=T.TemplateContent(email_text=source)))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RenderTemplate(T.RenderTemplateRequest(id=template_id), timeout=10)
    error = rich_error(caught.value)
    assert (error.code, error.reason) == (INVALID, "TEMPLATE_TOO_EXPENSIVE")
    assert "too expensive" in error.violations["data"]


DEEP = "{{ " + "(" * 100 + "1" + ")" * 100 + " }}"


async def test_deeply_nested_templates_are_invalid_argument_on_the_field(
    stub: template_pb2_grpc.TemplateServiceStub, channel: grpc.aio.Channel
) -> None:
    template_id = f"deep-{tag()}"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, T.Template(id=template_id, content=T.TemplateContent(email_text=DEEP)))
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert "nested too deeply" in error.violations["template.content.email_text"]

    # The same source as SendNotification's interpolated message_content.
    delivery = delivery_pb2_grpc.DeliveryServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await delivery.SendNotification(
            delivery_pb2.SendNotificationRequest(
                channels=[common_pb2.CHANNEL_IN_APP],
                to=["user-1"],
                message_title="t",
                message_content=DEEP,
            ),
            timeout=10,
        )
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert "nested too deeply" in error.violations["message_content"]


async def test_templates_over_the_total_source_limit_are_refused(
    stub: template_pb2_grpc.TemplateServiceStub,
) -> None:
    # 1,000,000 characters of source in all, every part and variant together.
    def sized(template_id: str, variants: int, extra: int) -> template_pb2.Template:
        return T.Template(
            id=template_id,
            content=T.TemplateContent(email_text="x" * 100_000),
            variants=[
                T.TemplateVariant(
                    locale=f"l{chr(97 + n)}", content=T.TemplateContent(email_text="y" * 100_000)
                )
                for n in range(variants)
            ]
            + [
                T.TemplateVariant(locale="zz", content=T.TemplateContent(email_text="z" * extra))
                for _ in range(1 if extra else 0)
            ],
        )

    template_id = f"huge-{tag()}"
    await create(stub, sized(template_id, 9, 0))  # exactly the limit
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await create(stub, sized(f"huge-{tag()}", 9, 1))
    error = rich_error(caught.value)
    assert error.code == INVALID
    assert set(error.violations) == {"template"}
    assert "at most 1000000 characters in all" in error.violations["template"]

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateTemplate(
            T.UpdateTemplateRequest(
                template=sized(template_id, 9, 1),
                update_mask=field_mask_pb2.FieldMask(paths=["variants"]),
            ),
            timeout=10,
        )
    assert set(rich_error(caught.value).violations) == {"template"}
