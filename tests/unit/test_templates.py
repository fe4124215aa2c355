"""The template renderer and validation (core/templates.py): sandbox, StrictUndefined,
autoescape only in HTML, locale choice and part fallbacks."""

from __future__ import annotations

import itertools

import pytest
from herald.core.errors import InvalidArgumentError
from herald.core.message import Attachment
from herald.core.templates import (
    MAX_RENDERED,
    RenderedContent,
    Template,
    TemplateContent,
    TemplateVariant,
    choose_variant,
    render,
    validate,
    with_request_attachments,
)

_versions = itertools.count(1)


def template(
    content: TemplateContent | None = None,
    variants: tuple[TemplateVariant, ...] = (),
    **kwargs: object,
) -> Template:
    """A template with a fresh version, so the compile cache never serves another's."""
    return Template(
        id="t",
        content=content or TemplateContent(email_text="x"),
        variants=variants,
        updated_at=float(next(_versions)),
        **kwargs,  # type: ignore[arg-type]
    )


def text(source: str, data: dict[str, object] | None = None) -> str:
    return render(template(TemplateContent(email_text=source)), data or {}).email_text


def violations(error: pytest.ExceptionInfo[InvalidArgumentError]) -> dict[str, str]:
    return {v.field: v.description for v in error.value.violations}


def test_html_part_autoescapes_data_and_text_parts_do_not() -> None:
    rendered = render(
        template(
            TemplateContent(
                email_subject="Hi {{ name }}",
                email_text="Hello {{ name }}",
                email_html="<p>Hello {{ name }}</p>{{ '<b>'|safe }}",
                sms_text="{{ name }}",
            )
        ),
        {"name": "<Tom & Jerry>"},
    )
    assert rendered.email_html == "<p>Hello &lt;Tom &amp; Jerry&gt;</p><b>"
    assert rendered.email_text == "Hello <Tom & Jerry>"
    assert rendered.email_subject == "Hi <Tom & Jerry>"
    assert rendered.sms_text == "<Tom & Jerry>"


def test_missing_variable_names_it_and_the_part() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        render(
            template(
                TemplateContent(email_subject="Hi {{ first_name }}", email_text="{{ user.city }}")
            ),
            {"user": {}},
        )
    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("data", "missing variable 'first_name' in email_subject"),
        ("data", "missing variable 'city' in email_text"),
    ]


def test_undefined_is_strict_even_in_conditions_and_loops() -> None:
    with pytest.raises(InvalidArgumentError):
        text("{% for x in items %}{{ x }}{% endfor %}")
    with pytest.raises(InvalidArgumentError):
        text("{{ missing ~ 'x' }}")
    # `is defined` and `default` are the ways to make a variable optional.
    assert text("{{ nick|default('friend') }}{% if x is defined %}!{% endif %}") == "friend"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ x|attr('__class__') }}",
        "{{ x['__class__'] }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ items.append(1) }}",  # the immutable sandbox
        "{{ 'x' * 100000000 }}",
        "{{ 'x'.center(100000000) }}",
        "{{ 'x'|center(100000000) }}",
        "{{ '%0999999999d' % 1 }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ (2**64)**64 }}",
        "{{ range(1000000000)|list }}",
        "{{ [1]|batch(1000000000, 'x')|list }}",
        "{{ [1, 2]|slice(100000000)|list }}",
        "{{ '%*d'|format(999999999, 1) }}",
        "{{ '%*d' % (999999999, 1) }}",
        "{{ '{:{}}'.format(1, 999999999) }}",
        "{{ ([[1] * 100000] * 10000)|sum(start=[]) }}",
        "{% set ns = namespace(x=2**64) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}"
        "{% endfor %}{{ ns.x > 0 }}",
    ],
)
def test_sandbox_refusals_are_invalid_argument_not_crashes(source: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        text(source, {"x": "s", "items": [1]})
    assert list(violations(caught)) == ["data"]


def test_output_is_capped() -> None:
    # 100 characters an iteration: the output cap comes long before the step budget.
    source = (
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 100 }}"
        "{% endfor %}{% endfor %}"
    )
    with pytest.raises(InvalidArgumentError) as caught:
        text(source)
    assert str(MAX_RENDERED) in violations(caught)["data"]


@pytest.mark.parametrize(
    "source",
    [
        # 10^10 iterations that write nothing: the output cap never helps.
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% set x = i * j %}"
        "{% endfor %}{% endfor %}",
        # 2^40 macro calls, no loop at all.
        "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
        # Each step cheap to count but expensive to run: the time budget ends it.
        "{% for i in range(100000) %}{{ range(100000)|sum }}{% endfor %}",
        # A loop over the data itself, nested.
        "{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}"
        "{% endfor %}{% endfor %}",
    ],
)
def test_expensive_templates_are_refused(source: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        text(source, {"items": list(range(1000))})
    assert caught.value.reason == "TEMPLATE_TOO_EXPENSIVE"
    assert "too expensive" in violations(caught)["data"]


_BIG = "{% set a = 'x' * 1000000 %}"


@pytest.mark.parametrize(
    "source",
    [
        # Each builds gigabytes in one filter, method or operator: refused before it allocates.
        "{{ range(100000)|join('x' * 100000) }}",
        "{{ ('a' * 1000)|replace('a', 'b' * 1000000) }}",
        "{{ ('x\\n' * 100000)|indent('y' * 100000) }}",
        "{{ ('a ' * 100000)|wordwrap(1, wrapstring='x' * 100000) }}",
        "{{ ('a.com ' * 100000)|urlize(target='x' * 100000) }}",
        "{{ ('x' * 100000).join(range(100000)|map('string')) }}",
        "{{ ('a' * 1000).replace('a', 'b' * 1000000) }}",
        "{{ ('a' * 1000).translate({97: 'b' * 1000000}) }}",
        "{{ ('\\t' * 100000).expandtabs(100000) }}",
        _BIG + "{{ [a] * 1000000 }}",
        _BIG + "{{ [a, a] }}",
        _BIG + "{{ [a, a]|string }}",
        _BIG + "{{ '%s%s' % (a, a) }}",
        _BIG + "{{ '{}{}'.format(a, a) }}",
        _BIG + "{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{{ d|length }}",
        _BIG + "{% set b = a + a %}{% set c = b + b %}{% set d = c + c %}{{ d|length }}",
        # Many values that are each allowed, kept at once.
        "{{ range(100000)|map('center', 100000)|list|length }}",
        # A macro's output is joined in memory, not streamed through the output cap.
        "{% macro f() %}{% for i in range(100000) %}" + "x" * 10000 + "{% endfor %}{% endmacro %}"
        "{{ f()|length }}",
    ],
)
def test_templates_that_would_allocate_too_much_are_refused(source: str) -> None:
    validate(template(TemplateContent(email_text=source)))
    with pytest.raises(InvalidArgumentError) as caught:
        text(source)
    assert caught.value.reason == "TEMPLATE_TOO_EXPENSIVE"
    assert "too expensive" in violations(caught)["data"]


def test_lipsum_is_not_a_global() -> None:
    # It made up to 10^5 paragraphs of text in one call, out of reach of the budget.
    with pytest.raises(InvalidArgumentError) as caught:
        text("{{ lipsum(200000) }}")
    assert caught.value.reason == "TEMPLATE_RENDER_FAILED"
    assert violations(caught) == {"data": "missing variable 'lipsum' in email_text"}


@pytest.mark.parametrize(
    "source",
    [
        "{{ " + "(" * 100 + "1" + ")" * 100 + " }}",
        "{{ " + "[" * 100 + "]" * 100 + " }}",
        "{% if x %}" * 200 + "{% endif %}" * 200,
        "{% for x in y %}" * 30 + "{% endfor %}" * 30,
    ],
)
def test_deeply_nested_sources_are_a_violation_at_save(source: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate(template(TemplateContent(email_html=source)))
    assert list(violations(caught)) == ["template.content.email_html"]
    assert "nested too deeply" in violations(caught)["template.content.email_html"]


def test_bounded_filters_still_work() -> None:
    assert text("{{ items|join(', ') }}", {"items": ["a", "b"]}) == "a, b"
    assert text("{{ 'a-b'|replace('-', '--') }}|{{ 'a-b'.replace('-', '+', 1) }}") == "a--b|a+b"
    assert text("{{ 'a\nb'|indent(2, true) }}|{{ 'a\nb'|indent('> ') }}") == "  a\n  b|a\n> b"
    assert text("{{ 'aaa bbb'|wordwrap(3) }}") == "aaa\nbbb"
    assert text("{{ '%s=%05.1f'|format('x', 2.5) }}|{{ '{:>4}'.format(1) }}") == "x=002.5|   1"
    assert (
        text("{{ [1, 2] + [3] }}{{ 'a' ~ 1 ~ [2] }}{{ 'ab' * 2 }}{{ 2 * 3 }}")
        == "[1, 2, 3]a1[2]abab6"
    )
    assert text("{{ [1, 2]|sum }}|{{ [1.5]|sum(start=1) }}") == "3|2.5"
    assert text("{% macro f(n) %}<{{ n }}>{% endmacro %}{{ f(1) }}{{ f(2)|upper }}") == "<1><2>"
    assert text("{{ 'https://a.com'|urlize }}").startswith('<a href="https://a.com"')


def test_the_budget_is_per_render() -> None:
    # Many renders that each stay within the budget all succeed.
    source = "{% for i in range(10000) %}{{ i % 10 }}{% endfor %}"
    for _ in range(50):
        assert len(text(source)) == 10000


def test_runtime_errors_are_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        text("{{ 1 / n }}", {"n": 0})
    assert "ZeroDivisionError" in violations(caught)["data"]


def test_ordinary_templates_render() -> None:
    source = (
        "{% for item in items %}{{ loop.index }}. {{ item.name|title }} "
        "{{ '%.2f'|format(item.price) }}\n{% endfor %}{{ '{:,}'.format(total) }} {{ 2**10 }}"
    )
    data = {"items": [{"name": "tea", "price": 2.5}], "total": 1234567}
    assert text(source, data) == "1. Tea 2.50\n1,234,567 1024"


def test_null_and_booleans_render_as_json_words() -> None:
    parts = TemplateContent(
        email_subject="{{ v }}|{{ w }}",
        email_text="{{ v }}|{{ w }}|{{ n }}",
        email_html="<p>{{ n }}</p>",
    )
    rendered = render(template(parts), {"v": True, "w": False, "n": None})
    assert rendered.email_subject == "true|false"
    assert rendered.email_text == "true|false|"
    assert rendered.email_html == "<p></p>"
    # Numbers as before; the values themselves are unchanged for conditions.
    assert text("{{ a }} {{ b }} {{ c }}", {"a": 1, "b": 1.5, "c": 0}) == "1 1.5 0"
    assert text("{% if n is none and not w %}yes{% endif %}", {"n": None, "w": False}) == "yes"


GREETING = TemplateContent(
    email_subject="Welcome {{ name }}",
    email_text="Hello {{ name }}",
    sms_text="Hi {{ name }}",
)
VARIANTS = (
    TemplateVariant("pt", TemplateContent(email_subject="Bem-vindo {{ name }}")),
    TemplateVariant("en_GB", TemplateContent(email_subject="Welcome, {{ name }}", sms_text="Oi")),
    TemplateVariant("da", TemplateContent(email_text="Hej {{ name }}")),
)


@pytest.mark.parametrize(
    ("locale", "used"),
    [
        ("pt", "pt"),
        ("pt-BR", "pt"),  # the language alone
        ("PT_br", "pt"),
        ("en-gb", "en_GB"),  # case-insensitive, - and _ alike
        ("EN_GB", "en_GB"),
        ("en-US", ""),  # no "en" variant: the default content
        ("fr", ""),
        ("", ""),
    ],
)
def test_locale_choice(locale: str, used: str) -> None:
    t = template(GREETING, VARIANTS)
    variant = choose_variant(t, locale)
    assert (variant.locale if variant else "") == used
    assert render(t, {"name": "Ana"}, locale).locale == used


def test_part_missing_in_the_variant_comes_from_the_default_content() -> None:
    rendered = render(template(GREETING, VARIANTS), {"name": "Ana"}, "pt-BR")
    assert rendered.email_subject == "Bem-vindo Ana"  # the variant's
    assert rendered.email_text == "Hello Ana"  # the default content's
    assert rendered.sms_text == "Hi Ana"
    danish = render(template(GREETING, VARIANTS), {"name": "Ana"}, "da-DK")
    assert (danish.email_subject, danish.email_text) == ("Welcome Ana", "Hej Ana")


def test_a_variant_with_only_html_is_sent_with_that_html_as_text() -> None:
    # It was sent with the default content's (English) email_text, and so were
    # the SMS, push and in-app bodies that fall back to it.
    english = TemplateContent(
        email_subject="Hello",
        email_text="Hello {{ n }} (English text)",
        email_html="<p>Hello {{ n }}</p>",
        push_title="News",
    )
    danish = TemplateVariant(
        "da", TemplateContent(email_subject="Hej", email_html="<p>Hej {{ n }}</p>")
    )
    rendered = render(template(english, (danish,)), {"n": "Bo"}, "da")
    assert (rendered.locale, rendered.email_subject) == ("da", "Hej")
    assert rendered.email_html == "<p>Hej Bo</p>"
    assert rendered.email_text == "Hej Bo"
    assert (rendered.sms_text, rendered.push_body, rendered.in_app_body) == ("Hej Bo",) * 3
    assert rendered.push_title == "News"  # a part the variant lacks: the default's
    # A variant with its own text keeps it; one with neither part takes the default's.
    with_text = TemplateVariant("da", TemplateContent(email_html="<p>Hej</p>", email_text="Hej!"))
    assert render(template(english, (with_text,)), {"n": "Bo"}, "da").email_text == "Hej!"
    subject_only = TemplateVariant("da", TemplateContent(email_subject="Hej"))
    assert render(template(english, (subject_only,)), {"n": "Bo"}, "da").email_text == (
        "Hello Bo (English text)"
    )


def test_empty_parts_fall_back_across_channels() -> None:
    rendered = render(
        template(
            TemplateContent(email_subject="S {{ n }}\nline two", email_html="<p>B {{ n }}</p>")
        ),
        {"n": 1},
    )
    assert rendered == RenderedContent(
        email_subject="S 1 line two",  # titles are one line
        email_text="B 1",  # the HTML part as text
        email_html="<p>B 1</p>",
        sms_text="B 1",
        push_title="S 1 line two",
        push_body="B 1",
        in_app_title="S 1 line two",
        in_app_body="B 1",
        locale="",
    )


def test_attachments_go_with_the_rendering_and_merge_with_the_request() -> None:
    mine = Attachment("terms.pdf", "application/pdf", b"%PDF")
    theirs = Attachment("invoice.pdf", "application/pdf", b"%PDF2")
    rendered = render(template(attachments=(mine,)), {})
    assert rendered.attachments == (mine,)
    assert with_request_attachments(rendered, (theirs,)).attachments == (mine, theirs)


def test_compiled_once_per_version() -> None:
    t = template(TemplateContent(email_text="v1"))
    assert render(t, {}).email_text == "v1"
    same_version = Template(
        id=t.id, content=TemplateContent(email_text="v2"), updated_at=t.updated_at
    )
    assert render(same_version, {}).email_text == "v1"  # the cached compilation
    newer = Template(id=t.id, content=TemplateContent(email_text="v2"), updated_at=t.updated_at + 1)
    assert render(newer, {}).email_text == "v2"


NEWSLETTER = (
    "<table>{% for item in items %}<tr><td>{{ item.name }}</td><td>{{ item.price }}</td></tr>"
    "{% endfor %}"
    + '<p style="color:#333">{{ greeting }} {{ name }}, see {{ url }}</p>\n' * 350
    + "</table>"
)


def test_compiling_is_not_part_of_the_render_budget() -> None:
    # 40 locales of ~24k characters of HTML take seconds to compile in all; the
    # first render used to compile every one inside its 0.5 s budget and fail
    # TEMPLATE_TOO_EXPENSIVE, where a retry (compiled by then) succeeded.
    locales = [f"l{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40)]
    content = TemplateContent(email_subject="{{ name }}", email_html=NEWSLETTER)
    newsletter = template(content, tuple(TemplateVariant(tag, content) for tag in locales))
    data = {"items": [{"name": "A", "price": 3}], "greeting": "Hi", "name": "Bo", "url": "u"}
    first = render(newsletter, data, "lab")
    assert (first.locale, first.email_subject) == ("lab", "Bo")
    assert render(newsletter, data, "lab") == first
    assert render(newsletter, data).locale == ""


# -- validation ------------------------------------------------------------------


def test_syntax_errors_name_the_part_and_line() -> None:
    bad = template(
        TemplateContent(email_subject="ok", email_html="<p>\n{% if x %}</p>"),
        (TemplateVariant("da", TemplateContent(sms_text="{{ x }")),),
    )
    with pytest.raises(InvalidArgumentError) as caught:
        validate(bad)
    found = violations(caught)
    assert set(found) == {"template.content.email_html", "template.variants[0].content.sms_text"}
    assert found["template.content.email_html"].startswith("line 2:")
    assert found["template.variants[0].content.sms_text"].startswith("line 1:")


def test_unknown_filters_and_unsafe_attributes_are_refused_at_save() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate(template(TemplateContent(email_text="{{ x|nope }}", sms_text="{{ x.__class__ }}")))
    assert set(violations(caught)) == {"template.content.email_text", "template.content.sms_text"}


def test_content_locales_ids_and_attachments_are_checked() -> None:
    bad = Template(
        id="has space",
        content=TemplateContent(),
        variants=(
            TemplateVariant("not a locale", TemplateContent(email_text="x")),
            TemplateVariant("pt-BR", TemplateContent(email_text="x")),
            TemplateVariant("pt_br", TemplateContent(email_text="y")),
            TemplateVariant("", TemplateContent()),
        ),
        attachments=(Attachment("big.bin", "application/octet-stream", b"x" * 11),),
    )
    with pytest.raises(InvalidArgumentError) as caught:
        validate(bad, max_attachment_bytes=10)
    assert set(violations(caught)) == {
        "template.id",
        "template.content",
        "template.variants[0].locale",
        "template.variants[2].locale",
        "template.variants[3].locale",
        "template.variants[3].content",
        "template.attachments[0].content",
    }


def test_a_good_template_validates() -> None:
    validate(template(GREETING, VARIANTS))
