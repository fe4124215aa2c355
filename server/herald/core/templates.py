"""Message templates: validation when a template is saved, and sandboxed rendering.

A template has a default content (one Jinja2 source per channel part), optional
locale variants and attachments. Rendering runs in Jinja2's immutable sandbox with
StrictUndefined, so a missing variable is an error naming it, never a half-rendered
message. Only the HTML part autoescapes the data. Compiled contents are cached by
(brand, id, updated_at, locale), so each content a render uses (the default and
the chosen variant) is compiled once per version, when a render first needs it.
"""

from __future__ import annotations

import enum
import re
import threading
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
# Characters of source in all, every part of the default content and of every
# variant: far beyond a real email template (Gmail clips a message's HTML at
# about 100 KB), and what Jinja compiles in some seconds (~10 us a character of
# dense template code), where 100 variants of 8 parts of 100,000 would take minutes.
MAX_TEMPLATE_SOURCE = 1_000_000
MAX_RENDERED = 1_000_000  # characters a part may render to
MAX_VARIANTS = 100
MAX_CACHED = 1024  # compiled contents (a version's default or one variant) kept
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
# Characters (or items) one render may build in strings and lists along the way:
# every value is at most MAX_RENDERED, and this bounds how many it may keep, so
# memory stays bounded even where the step budget cannot reach (inside a filter).
MAX_RENDER_CHARS = 20 * MAX_RENDERED
MAX_INT_DIGITS = 4300  # Python's own limit for printing an int
_SIZED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_SIZED_FILTERS = frozenset({"center", "indent", "batch", "slice", "wordwrap"})
# Filters that never turn their input into text: no size check on what they get.
_COLLECTION_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "groupby",
        "items", "last", "length", "list", "map", "max", "min", "random", "reject",
        "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort", "sum",
        "unique",
    }
)  # fmt: skip

# Matched with fullmatch (re.match with `$` lets a trailing newline through).
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]*")
# BCP 47, pragmatically: a 2-3 letter language and subtags of 1-8 letters or digits.
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
MAX_LOCALE = 35
_HUGE_NUMBER = re.compile(r"\d{7,}")  # a width or precision in a format string
_NUMBER = re.compile(r"\d+")
# printf-style widths taken from the arguments: "%*d" % (999999999, 1)
_STAR_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d*\.\*)")
# str.format fields nested in a format spec: "{:{}}".format(1, 999999999)
_NESTED_FIELD = re.compile(r"\{[^{}]+\{")
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
        """No part says anything (a part of whitespace only renders to nothing)."""
        return all(source.isspace() or not source for source in self.parts().values())


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
    """The render ran out of its step, time or size budget; says which."""


class _Budget:
    __slots__ = ("chars", "deadline", "steps")

    def __init__(self, steps: int, seconds: float, chars: int) -> None:
        self.steps = steps
        self.deadline = time.monotonic() + seconds
        self.chars = chars


_budget: ContextVar[_Budget | None] = ContextVar("herald_template_budget", default=None)


def _step() -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.steps -= 1
    if budget.steps < 0 or time.monotonic() > budget.deadline:
        raise TooExpensiveError(
            f"needs more than {MAX_RENDER_STEPS} steps or {MAX_RENDER_SECONDS:g} s to render"
        )


def _refuse_over(size: int) -> None:
    if size > MAX_RENDERED:
        raise TooExpensiveError(f"would build a value of more than {MAX_RENDERED} characters")


def _charge(size: int) -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.chars -= size
    if budget.chars < 0:
        raise TooExpensiveError(f"builds more than {MAX_RENDER_CHARS} characters in all")


def _allocate(size: int) -> None:
    """Before building a value of about `size` characters (or items)."""
    _refuse_over(size)
    _charge(size)


def _size(value: Any) -> int:
    """About how long str(value) is, containers included; stops counting past
    MAX_RENDERED, so it is cheap for anything it is about to refuse."""
    if isinstance(value, str):
        return len(value)
    total = 0
    stack = [value]
    while stack and total <= MAX_RENDERED:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 * len(item) + 2
            stack += item
        elif isinstance(item, Mapping):
            total += 4 * len(item) + 2
            stack += item.keys()
            stack += item.values()
        elif isinstance(item, bytes):
            total += 4 * len(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 8
    return total


def _charge_result(result: Any) -> Any:
    """After a call that may have copied its input (within a constant factor)."""
    if isinstance(result, str | Mapping | list | tuple | set | frozenset):
        _charge(len(result))
    return result


def _counted(items: Iterable[Any]) -> Iterator[Any]:
    """A for loop's iterable, one step per item."""
    for item in items:
        _step()
        yield item


class _CountingCodeGenerator(CodeGenerator):
    """Every `{% for %}` iterates through `environment.counted(...)`, and every
    `a ~ b` is sized by `environment.sized_parts(...)` first; a template cannot
    shadow either."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # CodeGenerator.visit_Concat, with the parts sized before they are joined.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.sized_parts((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write(")))")

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


def _sized_parts(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """`a ~ b ~ c`: every part becomes text, so it is sized first."""
    _allocate(sum(_size(part) for part in parts))
    return parts


def _bounded_concat(chunks: Iterable[str]) -> str:
    """A macro's, block's or `{% set %}` block's output, joined in memory: bounded
    like a part's output."""
    chunks = list(chunks)
    _allocate(sum(map(len, chunks)))
    return "".join(chunks)


def _finalize(value: Any) -> Any:
    """Every `{{ ... }}`: data is JSON, so null is "" and booleans are true and
    false (not Python's None, True, False); a container is sized before it
    becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        _refuse_over(_size(value))
    return value


def _check_size(value: Any) -> None:
    """A width or count argument of something that pads or repeats."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE_ARGUMENT:
        raise SecurityError(f"sizes above {MAX_SIZE_ARGUMENT} are not allowed")


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and (_HUGE_NUMBER.search(fmt) or _STAR_WIDTH.search(fmt)):
        raise SecurityError("format widths above six digits or from arguments are not allowed")


def _format_size(fmt: str, arguments: Any) -> int:
    """What formatting may produce: the format, its widths and the arguments."""
    return len(fmt) + sum(map(int, _NUMBER.findall(fmt))) + _size(arguments)


def _check_multiply(left: Any, right: Any) -> None:
    """`'ab' * n` and `[x] * n` are sized as text; ints stay printable."""
    if isinstance(left, int) and isinstance(right, int):
        if (left.bit_length() + right.bit_length()) // 3 > MAX_INT_DIGITS:
            raise SecurityError("numbers this large are not allowed")
        return
    for sized, count in ((left, right), (right, left)):
        if isinstance(sized, str | bytes | list | tuple) and isinstance(count, int):
            _allocate(_size(sized) * max(count, 0))


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        _allocate(_size(left) + _size(right))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _replaced_size(text: str, old: Any, new: Any, count: Any) -> int:
    old, new = _text(old), _text(new)
    found = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * len(new)


def _join_size(separator: Any, items: list[Any]) -> int:
    return _size(items) + max(len(items) - 1, 0) * _size(separator)


def _argument(
    args: tuple[Any, ...], kwargs: dict[str, Any], at: int, name: str, default: Any
) -> Any:
    return args[at] if len(args) > at else kwargs.get(name, default)


# What the filters that can build far more than they are given may build, from
# their arguments (without a context or environment), checked before they run.
# `join` gets its items once, as a list.
_FilterArgs = tuple[tuple[Any, ...], dict[str, Any]]


def _join_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    items = list(args[0])
    _allocate(_join_size(_argument(args, kwargs, 1, "d", ""), items))
    return (items, *args[1:]), kwargs


def _replace_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    old, new = _argument(args, kwargs, 1, "old", ""), _argument(args, kwargs, 2, "new", "")
    count = _argument(args, kwargs, 3, "count", None)
    _allocate(_replaced_size(_text(args[0]), old, new, count))
    return args, kwargs


def _indent_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    text, width = _text(args[0]), _argument(args, kwargs, 1, "width", 4)
    prefix = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    _allocate(len(text) + (text.count("\n") + 1) * prefix)
    return args, kwargs


def _wordwrap_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    # At most one line per character, each ending in wrapstring.
    text, wrap = _text(args[0]), _argument(args, kwargs, 3, "wrapstring", None)
    _allocate(len(text) + (len(text) + 1) * max(_size(wrap), 1))
    return args, kwargs


def _urlize_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    text = _text(args[0])
    target, rel = _argument(args, kwargs, 3, "target", None), _argument(args, kwargs, 4, "rel", "")
    _allocate(2 * len(text) + len(text.split()) * (64 + _size(target) + _size(rel)))
    return args, kwargs


def _center_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    width = _argument(args, kwargs, 1, "width", 80)
    _allocate(max(len(_text(args[0])), width if isinstance(width, int) else 0))
    return args, kwargs


def _format_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    _allocate(_format_size(_text(args[0]), (args[1:], kwargs)))
    return args, kwargs


def _sum_filter(args: tuple[Any, ...], kwargs: dict[str, Any]) -> _FilterArgs:
    # Lists added up one by one take quadratic time: only numbers.
    start = _argument(args, kwargs, 2, "start", 0)
    if isinstance(start, bool) or not isinstance(start, int | float):
        raise SecurityError("sum adds up numbers only")
    return args, kwargs


_FILTER_SIZES: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], _FilterArgs]] = {
    "join": _join_filter,
    "replace": _replace_filter,
    "indent": _indent_filter,
    "wordwrap": _wordwrap_filter,
    "urlize": _urlize_filter,
    "center": _center_filter,
    "format": _format_filter,
    "sum": _sum_filter,
}


def _str_method_size(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Before `text.<name>(...)`, what it may build; -1 if it is at most a copy."""
    values = (*args, *kwargs.values())
    if name == "join" and values:
        return _join_size(text, list(values[0]))
    if name == "replace" and len(values) >= 2:
        return _replaced_size(text, values[0], values[1], values[2] if len(values) > 2 else -1)
    if name == "translate":
        return len(text) * (1 + _size(values))
    if name == "expandtabs":
        tab = values[0] if values and isinstance(values[0], int) else 8
        return len(text) + text.count("\t") * tab
    if name in _SIZED_METHODS:
        return max([len(text), *(v for v in values if isinstance(v, int))])
    if name in ("format", "format_map"):
        return _format_size(text, values)
    return -1


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Every filter call is a step. Its size arguments are bounded, what it gets is
    sized before it becomes text, what it may build is sized before it runs (see
    _FILTER_SIZES), and otherwise what it built is charged after."""
    lead = 1 if hasattr(function, "jinja_pass_arg") else 0  # context or environment
    sizes = _FILTER_SIZES.get(name)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        _step()
        if name in _SIZED_FILTERS:
            for value in (*args[lead + 1 :], *kwargs.values()):
                _check_size(value)
        elif name == "format":  # printf-style: "%0999999999d"|format(1)
            _check_format(args[lead] if len(args) > lead else None)
        if name not in _COLLECTION_FILTERS:
            for value in (*args[lead:], *kwargs.values()):
                _refuse_over(_size(value))
        if sizes is None or len(args) <= lead:
            return _charge_result(function(*args, **kwargs))
        given, kwargs = sizes(args[lead:], kwargs)
        return function(*args[:lead], *given, **kwargs)

    # Keep @pass_context / @pass_environment markers and the like.
    bounded.__dict__.update(getattr(function, "__dict__", {}))
    return bounded


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (no attribute starting with `_`, no mutation of
    lists and dicts, range() of at most 100,000) without `lipsum` (paragraphs of
    text out of the budget's reach), plus bounds on what one expression may
    allocate: padding widths, format widths and powers, and every string or list a
    filter, method, operator, `~` or macro builds (MAX_RENDERED each,
    MAX_RENDER_CHARS in all). The output cap in _render_part bounds what a loop
    produces. No constant folding: nothing of a template runs when it compiles."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CountingCodeGenerator
    counted = staticmethod(_counted)
    sized_parts = staticmethod(_sized_parts)
    concat = staticmethod(_bounded_concat)

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            undefined=StrictUndefined,
            autoescape=autoescape,
            auto_reload=False,
            cache_size=0,  # we cache compiled templates ourselves
            keep_trailing_newline=True,
            finalize=_finalize,
            optimized=False,
        )
        del self.globals["lipsum"]
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def getattr(self, obj: Any, attribute: str) -> Any:
        _step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _step()
        found = super().getitem(obj, argument)
        return _charge_result(found) if isinstance(argument, slice) else found

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        _step()
        if operator_ == "**":
            if (isinstance(right, int | float) and abs(right) > MAX_EXPONENT) or (
                isinstance(left, int | float) and abs(left) > MAX_SIZE_ARGUMENT
            ):
                raise SecurityError("powers this large are not allowed")
        elif operator_ == "*":
            _check_multiply(left, right)
        elif operator_ == "+":
            _check_add(left, right)
        elif operator_ == "%" and isinstance(left, str):
            _check_format(left)
            _allocate(_format_size(left, right))
        return super().call_binop(context, operator_, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _step()
        # str.format arrives as the sandbox's wrapper around the bound method.
        bound = getattr(__obj, "__wrapped__", __obj)
        text = getattr(bound, "__self__", None)
        if not isinstance(text, str):
            return _charge_result(super().call(__context, __obj, *args, **kwargs))
        name = getattr(bound, "__name__", "")
        if name in _SIZED_METHODS:
            for value in (*args, *kwargs.values()):
                _check_size(value)
        elif name in ("format", "format_map"):
            _check_format(text)
            if _NESTED_FIELD.search(text):
                raise SecurityError("format widths from arguments are not allowed")
        if name == "join" and args:  # its items, once, as a list
            args = (list(args[0]), *args[1:])
        size = _str_method_size(text, name, args, kwargs)
        if size < 0:
            return _charge_result(super().call(__context, __obj, *args, **kwargs))
        _allocate(size)
        return super().call(__context, __obj, *args, **kwargs)


_TEXT_ENV = _Sandbox(autoescape=False)
_HTML_ENV = _Sandbox(autoescape=True)


def _environment(part: str) -> _Sandbox:
    return _HTML_ENV if part in HTML_PARTS else _TEXT_ENV


_LOADING_TAGS: dict[type[nodes.Node], str] = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
}


def _static_problem(source: str, part: str) -> str | None:
    """A syntax error (or something the sandbox will refuse) in one part's source,
    described with its line; None if it compiles."""
    environment = _environment(part)
    try:
        tree = environment.parse(source)
        # There is no loader: every render of these would fail.
        for loads in tree.find_all(tuple(_LOADING_TAGS)):
            tag = _LOADING_TAGS[type(loads)]
            return f"line {loads.lineno}: {{% {tag} %}} is not supported (no other templates)"
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
        # Unknown filters and tests fail here; compiling the tree already parsed
        # spares a second parse (a third of the cost).
        environment.compile(tree)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    except (RecursionError, SyntaxError):
        # Jinja's parser recurses per nesting level, and Python's compiler limits
        # how deep the generated code may nest.
        return "expressions or blocks are nested too deeply"
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
    contents = [template.content, *(v.content for v in template.variants)]
    total = sum(len(source) for content in contents for source in content.parts().values())
    # Over it, no part is compiled: that is the cost the limit bounds.
    compile_parts = total <= MAX_TEMPLATE_SOURCE
    if not compile_parts:
        violations.append(
            FieldViolation(
                prefix,
                f"the parts of the content and of all variants must be at most "
                f"{MAX_TEMPLATE_SOURCE} characters in all (this has {total})",
            )
        )
    _check_content(template.content, "content", bad, compile_parts)
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
        _check_content(variant.content, f"{where}.content", bad, compile_parts)
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


def _check_content(
    content: TemplateContent, where: str, bad: Callable[[str, str], None], compile_parts: bool
) -> None:
    for part, source in content.present().items():
        if len(source) > MAX_PART_SOURCE:
            bad(f"{where}.{part}", f"must be at most {MAX_PART_SOURCE} characters")
        elif compile_parts and (problem := _static_problem(source, part)) is not None:
            bad(f"{where}.{part}", problem)


# -- rendering -------------------------------------------------------------------

_Compiled = dict[str, JinjaTemplate]  # part -> its compiled source
# (brand, id, updated_at, normalized locale ("" for the default content)): each
# content is compiled the first time a render needs it, once per version.
_cache: OrderedDict[tuple[str, str, float, str], _Compiled] = OrderedDict()
_cache_lock = threading.Lock()  # RenderTemplate renders in worker threads


def _compiled(template: Template, variant: TemplateVariant | None) -> _Compiled:
    """The default content's parts (variant None) or one variant's, compiled."""
    locale = normalize_locale(variant.locale) if variant is not None else ""
    key = (template.brand_id, template.id, template.updated_at, locale)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    content = variant.content if variant is not None else template.content
    compiled = {
        part: _environment(part).from_string(source) for part, source in content.present().items()
    }
    with _cache_lock:
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
    variant comes from the default content, except email_text where the variant
    has email_html: that is the variant's HTML as plain text, as an empty
    email_text is the HTML part as text anywhere; an empty part then falls back
    as PART_FALLBACK says.
    Any failure (a missing variable, something the sandbox refuses, a runtime error,
    too much output) is InvalidArgumentError with one violation on `data` per part;
    a render beyond MAX_RENDER_STEPS, MAX_RENDER_SECONDS or MAX_RENDER_CHARS, or one
    that would build a value over MAX_RENDERED, is InvalidArgumentError
    TEMPLATE_TOO_EXPENSIVE."""
    variant = choose_variant(template, locale)
    # Compiling is not the render's cost: the budget starts after it, and only
    # the contents this render uses are compiled.
    default = _compiled(template, None)
    chosen = _compiled(template, variant) if variant is not None else {}
    token = _budget.set(_Budget(MAX_RENDER_STEPS, MAX_RENDER_SECONDS, MAX_RENDER_CHARS))
    try:
        return _render(template, variant, default, chosen, data)
    finally:
        _budget.reset(token)


def _render(
    template: Template,
    variant: TemplateVariant | None,
    default: _Compiled,
    chosen: _Compiled,
    data: Mapping[str, Any],
) -> RenderedContent:
    rendered: dict[str, str] = {}
    violations: list[FieldViolation] = []
    # A variant with its own HTML but no text is sent with that HTML as text,
    # not with the default content's text (in another language).
    own_html = "email_html" in chosen and "email_text" not in chosen
    for part in PARTS:
        if part == "email_text" and own_html:
            continue
        source = chosen.get(part) or default.get(part)
        if source is None:
            continue
        try:
            value = _render_part(source, data, part)
        except TooExpensiveError as exc:
            raise InvalidArgumentError(
                [FieldViolation("data", f"template too expensive: {part} {exc}")],
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
