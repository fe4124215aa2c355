"""Domain errors. The api layer turns each into a google.rpc.Status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NUL_PROBLEM = "must not contain NUL characters"
BLANK_PROBLEM = "must not be blank"


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str  # proto field path, e.g. "channels[1]" or "email_address"
    description: str


def has_nul(value: object) -> bool:
    """Whether a string, or any string key or value inside lists, tuples and
    mappings (Struct data), holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    stack = [value]
    while stack:  # not recursive: data may nest deeply
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def without_nul(
    values: Iterable[tuple[str, object]], violations: Iterable[FieldViolation] = ()
) -> list[FieldViolation]:
    """PostgreSQL text cannot hold NUL, so no caller-supplied string may: one
    violation for each (field path, value) in `values` whose value has a NUL
    (see has_nul), followed by `violations` on the other fields (a value with a
    NUL is reported for that alone, not also for what the NUL made it fail)."""
    found = [FieldViolation(path, NUL_PROBLEM) for path, value in values if has_nul(value)]
    named = {v.field for v in found}
    return found + [v for v in violations if v.field not in named]


def blank(values: Iterable[tuple[str, str]]) -> list[FieldViolation]:
    """One violation for each (field path, value) in `values` given as whitespace
    only: an id, an address, a request_id or a template id that is blank is a
    caller's mistake (an unfilled variable, say), never one to store or look up.
    An empty value is not blank: each field says whether it may be left out."""
    return [FieldViolation(path, BLANK_PROBLEM) for path, value in values if value.isspace()]


class HeraldError(Exception):
    reason: str = "INTERNAL"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class InvalidArgumentError(HeraldError):
    reason = "INVALID_ARGUMENT"

    def __init__(self, violations: list[FieldViolation], reason: str = "INVALID_ARGUMENT") -> None:
        fields = ", ".join(v.field[:100] for v in violations[:10])
        if len(violations) > 10:
            fields += f" and {len(violations) - 10} more"
        super().__init__(f"invalid request: {fields}", reason)
        self.violations = violations


class NotFoundError(HeraldError):
    reason = "NOT_FOUND"

    def __init__(self, resource_type: str, resource_name: str) -> None:
        super().__init__(f"{resource_type} {resource_name!r} not found", "NOT_FOUND")
        self.resource_type = resource_type
        self.resource_name = resource_name


class AlreadyExistsError(HeraldError):
    reason = "ALREADY_EXISTS"


@dataclass(frozen=True, slots=True)
class PreconditionViolation:
    type: str  # e.g. "not_in_allow_list"
    subject: str  # what it is about, e.g. "email:bob@example.com"
    description: str


class FailedPreconditionError(HeraldError):
    reason = "FAILED_PRECONDITION"

    def __init__(
        self,
        message: str,
        reason: str | None = None,
        violations: list[PreconditionViolation] | None = None,
    ) -> None:
        super().__init__(message, reason)
        self.violations = violations or []


class UnimplementedError(HeraldError):
    reason = "NOT_IMPLEMENTED"


class UnavailableError(HeraldError):
    reason = "UNAVAILABLE"
