"""Message templates: validation when a template is saved, and sandboxed rendering.

A template has a default content (one Jinja2 source per channel part), optional
locale variants and attachments. Rendering runs in Jinja2's immutable sandbox with
StrictUndefined, so a missing variable is an error naming it, never a half-rendered
message. Only the HTML part autoescapes the data. Compiled templates are cached by
(brand, id, updated_at), so a template is compiled once per version.
"""

from __future__ import annotations

import enum
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from herald.core.channel import Channel
from herald.core.errors import FieldViolation, InvalidArgumentError, without_nul
from herald.core.message import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    Attachment,
    ChannelPart,
    Content,
    check_attachments,
)
from herald.core.text import html_to_text

MAX_ID = 200
MAX_DISPLAY_NAME = 200
MAX_PART_SOURCE = 100_000  # characters of template source per part
MAX_RENDERED = 1_000_000  # characters a part may render to
MAX_VARIANTS = 100
MAX_CACHED = 1024  # compiled template versions kept
# The largest width a padding method or filter may take (`'x'.center(n)`,
# `'x'|indent(n)`), and the largest power; see _Sandbox.
MAX_SIZE_ARGUMENT = 100_000
MAX_EXPONENT = 64
# What one render() may cost: steps (loop iterations, calls, attribute and item
# look-ups, checked operators) and seconds, whichever runs out first. A template
# that needs more is "too expensive" (INVALID_ARGUMENT), never a stuck server:
# two nested range(100000) loops are 10^10 iterations with no output at all.
MAX_RENDER_STEPS = 250_000
MAX_RENDER_SECONDS = 0.5
_SIZED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_SIZED_FILTERS = frozenset({"center", "indent"})

# Matched with fullmatch (re.match with `$` lets a trailing newline through).
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")
# BCP 47, pragmatically: a 2-3 letter language and subtags of 1-8 letters or digits.
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
MAX_LOCALE = 35
_HUGE_NUMBER = re.compile(r"\d{7,}")  # a width or precision in a format string
_LINE_BREAKS = re.compile(r"[\r\n]+")


class MessageType(enum.StrEnum):
    """Well-known message types (seed 002) a template can serve."""

    WELCOME = "welcome"
    LOGININFO = "logininfo"
    FORGOTTENPASSWORD = "forgottenpassword"


@dataclass(frozen=True, slots=True)
class TemplateContent:
    """Jinja2 sources, one per channel part; "" is an absent part."""

    email_subject: str = ""
    email_text: str = ""
    email_html: str = ""
    sms_text: str = ""
    push_title: str = ""
    push_body: str = ""
    in_app_title: str = ""
    in_app_body: str = ""

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PARTS}

    def present(self) -> dict[str, str]:
        return {name: source for name, source in self.parts().items() if source}

    @property
    def empty(self) -> bool:
        return not any(self.parts().values())


PARTS: tuple[str, ...] = tuple(f.name for f in fields(TemplateContent))
HTML_PARTS = frozenset({"email_html"})
# One-line parts: line breaks in the rendered value become spaces.
TITLE_PARTS = frozenset({"email_subject", "push_title", "in_app_title"})
# An empty part falls back to another (template.proto, TemplateContent).
PART_FALLBACK = {
    "sms_text": "email_text",
    "push_body": "email_text",
    "in_app_body": "email_text",
    "push_title": "email_subject",
    "in_app_title": "email_subject",
}


@dataclass(frozen=True, slots=True)
class TemplateVariant:
    locale: str
    content: TemplateContent


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    brand_id: str = ""
    display_name: str = ""
    message_type: MessageType | None = None
    content: TemplateContent = field(default_factory=TemplateContent)
    variants: tuple[TemplateVariant, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True, slots=True)
class RenderedContent:
    """Every part rendered, fallbacks applied; `locale` is the variant used ("" for
    the default content). The template's attachments go with every email; a send
    adds the request's own (seed 001: both are sent)."""

    email_subject: str
    email_text: str
    email_html: str
    sms_text: str
    push_title: str
    push_body: str
    in_app_title: str
    in_app_body: str
    locale: str
    attachments: tuple[Attachment, ...] = ()

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PARTS}


# -- locales -------------------------------------------------------------------


def normalize_locale(tag: str) -> str:
    """Case-insensitive, with `_` and `-` equivalent: "pt_BR" -> "pt-br"."""
    return tag.strip().replace("_", "-").lower()


def locale_problem(tag: str) -> str | None:
    if len(tag) > MAX_LOCALE or not _LOCALE.fullmatch(tag):
        return 'must be a BCP 47 language tag such as "da" or "en-GB"'
    return None


def choose_variant(template: Template, locale: str) -> TemplateVariant | None:
    """The exact tag, then the language alone ("pt-BR" -> "pt"), else None (the
    default content)."""
    wanted = normalize_locale(locale)
    if not wanted:
        return None
    by_tag = {normalize_locale(v.locale): v for v in template.variants}
    if wanted in by_tag:
        return by_tag[wanted]
    return by_tag.get(wanted.split("-", 1)[0])


# -- the sandbox -----------------------------------------------------------------


class _TemplateError(Exception):
    """Raised inside rendering; turned into a field violation."""


class TooExpensiveError(Exception):
    """The render ran out of its step or time budget."""


class _Budget:
    __slots__ = ("deadline", "steps")

    def __init__(self, steps: int, seconds: float) -> None:
        self.steps = steps
        self.deadline = time.monotonic() + seconds


_budget: ContextVar[_Budget | None] = ContextVar("herald_template_budget", default=None)


def _step() -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.steps -= 1
    if budget.steps < 0 or time.monotonic() > budget.deadline:
        raise TooExpensiveError("template too expensive")


def _counted(items: Iterable[Any]) -> Iterator[Any]:
    """A for loop's iterable, one step per item."""
    for item in items:
        _step()
        yield item


class _CountingCodeGenerator(CodeGenerator):
    """Every `{% for %}` iterates through `environment.counted(...)`, which the
    template cannot shadow."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not getattr(node, "_herald_counted", False):
            node.iter = nodes.Call(
                nodes.EnvironmentAttribute("counted", lineno=node.lineno),
                [node.iter],
                [],
                None,
                None,
                lineno=node.lineno,
            )
            node._herald_counted = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)


def _check_size(value: Any) -> None:
    """A width or count argument of something that pads or repeats."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE_ARGUMENT:
        raise SecurityError(f"sizes above {MAX_SIZE_ARGUMENT} are not allowed")


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _HUGE_NUMBER.search(fmt):
        raise SecurityError("format widths above six digits are not allowed")


def _check_repeat(left: Any, right: Any) -> None:
    """`'ab' * n` and `[x] * n`: at most MAX_RENDERED items."""
    for sized, count in ((left, right), (right, left)):
        if (
            isinstance(sized, str | bytes | list | tuple)
            and isinstance(count, int)
            and len(sized) * count > MAX_RENDERED
        ):
            raise SecurityError(f"repeats beyond {MAX_RENDERED} items are not allowed")


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if name in _SIZED_FILTERS:
            for value in (*args[1:], *kwargs.values()):
                _check_size(value)
        elif name == "format":  # printf-style: "%0999999999d"|format(1)
            _check_format(args[0] if args else None)
        return function(*args, **kwargs)

    # Keep @pass_context / @pass_environment markers and the like.
    bounded.__dict__.update(getattr(function, "__dict__", {}))
    return bounded


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (no attribute starting with `_`, no mutation of
    lists and dicts, range() of at most 100,000), plus bounds on what one expression
    may allocate: padding widths, repeats, format widths and powers. These are
    best-effort; the output cap in _render_part bounds what a loop produces."""

    intercepted_binops = frozenset({"*", "**", "%"})
    code_generator_class = _CountingCodeGenerator
    counted = staticmethod(_counted)

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=autoescape,
            auto_reload=False,
            cache_size=0,  # we cache compiled templates ourselves
            keep_trailing_newline=True,
        )
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def getattr(self, obj: Any, attribute: str) -> Any:
        _step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _step()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        _step()
        if operator_ == "**":
            if (isinstance(right, int | float) and abs(right) > MAX_EXPONENT) or (
                isinstance(left, int | float) and abs(left) > MAX_SIZE_ARGUMENT
            ):
                raise SecurityError("powers this large are not allowed")
        elif operator_ == "*":
            _check_repeat(left, right)
        elif operator_ == "%":
            _check_format(left)
        return super().call_binop(context, operator_, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _step()
        # str.format arrives as the sandbox's wrapper around the bound method.
        bound = getattr(__obj, "__wrapped__", __obj)
        if isinstance(getattr(bound, "__self__", None), str):
            name = getattr(bound, "__name__", "")
            if name in _SIZED_METHODS:
                for value in (*args, *kwargs.values()):
                    _check_size(value)
            elif name in ("format", "format_map"):
                _check_format(bound.__self__)
        return super().call(__context, __obj, *args, **kwargs)


_TEXT_ENV = _Sandbox(autoescape=False)
_HTML_ENV = _Sandbox(autoescape=True)


def _environment(part: str) -> _Sandbox:
    return _HTML_ENV if part in HTML_PARTS else _TEXT_ENV


def _static_problem(source: str, part: str) -> str | None:
    """A syntax error (or something the sandbox will refuse) in one part's source,
    described with its line; None if it compiles."""
    environment = _environment(part)
    try:
        tree = environment.parse(source)
        for node in tree.find_all(nodes.Getattr):
            if node.attr.startswith("_"):
                return f"line {node.lineno}: access to {node.attr!r} is not allowed"
        for item in tree.find_all(nodes.Getitem):
            key = item.arg
            if (
                isinstance(key, nodes.Const)
                and isinstance(key.value, str)
                and key.value.startswith("_")
            ):
                return f"line {item.lineno}: access to {key.value!r} is not allowed"
        environment.from_string(source)  # unknown filters and tests fail here
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    return None


# -- validation ------------------------------------------------------------------


def validate(
    template: Template,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    prefix: str = "template",
) -> None:
    """Raise InvalidArgumentError with one violation per problem: ids, names, locales,
    attachments, and every part that does not compile (named with its line)."""
    violations: list[FieldViolation] = []

    def bad(path: str, description: str) -> None:
        violations.append(FieldViolation(f"{prefix}.{path}", description))

    if len(template.id) > MAX_ID or not _ID.fullmatch(template.id):
        bad(
            "id",
            f"must be 1-{MAX_ID} characters: letters, digits and . _ : @ -, "
            "starting with a letter or digit",
        )
    if len(template.display_name) > MAX_DISPLAY_NAME:
        bad("display_name", f"must be at most {MAX_DISPLAY_NAME} characters")
    if template.content.empty:
        bad("content", "at least one part is required (the default content)")
    _check_content(template.content, "content", bad)
    if len(template.variants) > MAX_VARIANTS:
        bad("variants", f"at most {MAX_VARIANTS} variants")
    seen: dict[str, int] = {}
    for index, variant in enumerate(template.variants):
        where = f"variants[{index}]"
        if not variant.locale:
            bad(f"{where}.locale", "is required")
        elif (problem := locale_problem(variant.locale)) is not None:
            bad(f"{where}.locale", problem)
        elif (first := seen.setdefault(normalize_locale(variant.locale), index)) != index:
            bad(f"{where}.locale", f"the same locale as variants[{first}]")
        if variant.content.empty:
            bad(f"{where}.content", "at least one part is required")
        _check_content(variant.content, f"{where}.content", bad)
    check_attachments(template.attachments, max_attachment_bytes, bad)
    texts: list[tuple[str, object]] = [("id", template.id), ("display_name", template.display_name)]
    texts += [(f"content.{part}", source) for part, source in template.content.parts().items()]
    for index, variant in enumerate(template.variants):
        texts.append((f"variants[{index}].locale", variant.locale))
        texts += [
            (f"variants[{index}].content.{part}", source)
            for part, source in variant.content.parts().items()
        ]
    texts = [(f"{prefix}.{path}", value) for path, value in texts]
    if problems := without_nul(texts, violations):
        raise InvalidArgumentError(problems)


def _check_content(content: TemplateContent, where: str, bad: Callable[[str, str], None]) -> None:
    for part, source in content.present().items():
        if len(source) > MAX_PART_SOURCE:
            bad(f"{where}.{part}", f"must be at most {MAX_PART_SOURCE} characters")
        elif (problem := _static_problem(source, part)) is not None:
            bad(f"{where}.{part}", problem)


# -- rendering -------------------------------------------------------------------

_Compiled = dict[str, dict[str, JinjaTemplate]]  # normalized locale ("" default) -> part
_cache: OrderedDict[tuple[str, str, float], _Compiled] = OrderedDict()


def _compiled(template: Template) -> _Compiled:
    key = (template.brand_id, template.id, template.updated_at)
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
        return found
    compiled: _Compiled = {}
    contents = [("", template.content)]
    contents += [(normalize_locale(v.locale), v.content) for v in template.variants]
    for locale, content in contents:
        compiled[locale] = {
            part: _environment(part).from_string(source)
            for part, source in content.present().items()
        }
    _cache[key] = compiled
    while len(_cache) > MAX_CACHED:
        _cache.popitem(last=False)
    return compiled


def _missing(error: UndefinedError) -> str:
    """The variable a StrictUndefined error is about."""
    message = str(error)
    match = re.search(r"'([^']+)' is undefined", message) or re.search(
        r"has no attribute '([^']+)'", message
    )
    return match.group(1) if match else message


def _render_part(compiled: JinjaTemplate, data: Mapping[str, Any], part: str) -> str:
    chunks: list[str] = []
    size = 0
    try:
        for chunk in compiled.generate(data):
            size += len(chunk)
            if size > MAX_RENDERED:
                raise _TemplateError(f"{part} renders to more than {MAX_RENDERED} characters")
            chunks.append(chunk)
    except UndefinedError as exc:
        raise _TemplateError(f"missing variable {_missing(exc)!r} in {part}") from exc
    except SecurityError as exc:
        raise _TemplateError(f"{part} is refused by the sandbox: {exc}") from exc
    except (_TemplateError, TooExpensiveError):
        raise
    except Exception as exc:  # a template's runtime error (1/0, "a" + 1, ...)
        raise _TemplateError(f"{part} cannot be rendered: {type(exc).__name__}: {exc}") from exc
    return "".join(chunks)


def render(template: Template, data: Mapping[str, Any], locale: str = "") -> RenderedContent:
    """Render every part for `locale` (see choose_variant). A part missing in the
    variant comes from the default content; an empty part then falls back as
    PART_FALLBACK says, and an empty email_text is the HTML part as plain text.
    Any failure (a missing variable, something the sandbox refuses, a runtime error,
    too much output) is InvalidArgumentError with one violation on `data` per part;
    a render beyond MAX_RENDER_STEPS or MAX_RENDER_SECONDS is InvalidArgumentError
    TEMPLATE_TOO_EXPENSIVE."""
    token = _budget.set(_Budget(MAX_RENDER_STEPS, MAX_RENDER_SECONDS))
    try:
        return _render(template, data, locale)
    finally:
        _budget.reset(token)


def _render(template: Template, data: Mapping[str, Any], locale: str) -> RenderedContent:
    variant = choose_variant(template, locale)
    compiled = _compiled(template)
    default = compiled[""]
    chosen = compiled[normalize_locale(variant.locale)] if variant is not None else {}
    rendered: dict[str, str] = {}
    violations: list[FieldViolation] = []
    for part in PARTS:
        source = chosen.get(part) or default.get(part)
        if source is None:
            continue
        try:
            value = _render_part(source, data, part)
        except TooExpensiveError:
            raise InvalidArgumentError(
                [
                    FieldViolation(
                        "data",
                        f"template too expensive: {part} needs more than {MAX_RENDER_STEPS} "
                        f"steps or {MAX_RENDER_SECONDS:g} s to render",
                    )
                ],
                reason="TEMPLATE_TOO_EXPENSIVE",
            ) from None
        except _TemplateError as exc:
            violations.append(FieldViolation("data", str(exc)))
            continue
        rendered[part] = _LINE_BREAKS.sub(" ", value).strip() if part in TITLE_PARTS else value
    if violations:
        raise InvalidArgumentError(violations, reason="TEMPLATE_RENDER_FAILED")
    if "email_text" not in rendered and rendered.get("email_html"):
        rendered["email_text"] = html_to_text(rendered["email_html"])
    for part, fallback in PART_FALLBACK.items():
        if part not in rendered:
            rendered[part] = rendered.get(fallback, "")
    return RenderedContent(
        **{part: rendered.get(part, "") for part in PARTS},
        locale=variant.locale if variant is not None else "",
        attachments=template.attachments,
    )


def as_content(rendered: RenderedContent, data: Mapping[str, str] | None = None) -> Content:
    """A send's content: the email parts as the main content (webhooks carry them
    too), SMS, push and in-app parts per channel."""
    return Content(
        subject=rendered.email_subject,
        text=rendered.email_text,
        html=rendered.email_html or None,
        attachments=rendered.attachments,
        data=data or {},
        parts={
            Channel.SMS: ChannelPart("", rendered.sms_text),
            Channel.PUSH: ChannelPart(rendered.push_title, rendered.push_body),
            Channel.IN_APP: ChannelPart(rendered.in_app_title, rendered.in_app_body),
        },
    )


def with_request_attachments(
    rendered: RenderedContent, attachments: tuple[Attachment, ...]
) -> RenderedContent:
    """Seed 001: a template's attachments and the request's are both sent."""
    return replace(rendered, attachments=(*rendered.attachments, *attachments))
