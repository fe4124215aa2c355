"""The directory's domain: users with contact points, clusters (named groups of
users), and the checks their fields must pass. No grpc, no SQL."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from herald.core import addresses
from herald.core.errors import BLANK_PROBLEM, FieldViolation, InvalidArgumentError, without_nul

MAX_DISPLAY_NAME = 1000
MAX_PUSH_TOKENS = 100
MAX_LOCALE = 35  # the users.locale column

# BCP 47, loosely: language, optional script, optional region, variants and
# extensions ("en", "en-GB", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996",
# "en-US-u-ca-gregory", "x-private").
# Matched with fullmatch (re.match with `$` lets a trailing newline through).
_LOCALE = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}"  # language (2-3 letters: every real one) + extlang
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[A-Za-z0-9]{1,8})+"
)

# Fields a caller may set, in proto order (the paths UpdateUser's mask may name).
USER_FIELDS = (
    "display_name",
    "email",
    "phone_number",
    "push_tokens",
    "webhook_url",
    "locale",
    "time_zone",
)
USER_OUTPUT_ONLY = ("brand_id", "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    display_name: str = ""
    email: str = ""
    phone_number: str = ""
    push_tokens: tuple[str, ...] = ()
    webhook_url: str = ""
    locale: str = ""
    time_zone: str = ""
    # Output only.
    brand_id: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    display_name: str = ""
    # Output only.
    brand_id: str = ""
    member_count: int = 0
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class UserPatch:
    """What UpdateUser changes: the user's id and the values of `fields` only."""

    user: User
    fields: frozenset[str] = field(default_factory=frozenset)


# In the zone database's directory but not zones: this host's own setting and tzdata's
# placeholder for "no zone configured".
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES


def locale_problem(locale: str) -> str | None:
    if len(locale) > MAX_LOCALE or not _LOCALE.fullmatch(locale):
        return "must be a BCP 47 language tag such as en-GB or zh-Hant-TW"
    return None


def time_zone_problem(name: str) -> str | None:
    if name not in _zones():
        return "must be an IANA time zone such as Europe/Copenhagen"
    return None


def id_problem(value: str) -> str | None:
    if not value:
        return "is required"
    if value.isspace():
        return BLANK_PROBLEM
    return addresses.user_id_problem(value)


def user_violations(
    user: User, fields: Iterable[str], prefix: str = "user."
) -> list[FieldViolation]:
    """One violation per problem in the named fields (empty values are allowed:
    a user need not have every contact point)."""
    wanted = set(fields)
    found: list[FieldViolation] = []
    if "display_name" in wanted and len(user.display_name) > MAX_DISPLAY_NAME:
        found.append(
            FieldViolation(
                prefix + "display_name", f"must be at most {MAX_DISPLAY_NAME} characters"
            )
        )
    for name, check in _CONTACT_CHECKS:
        value = getattr(user, name)
        if name in wanted and value:
            problem = check(value)
            if problem:
                found.append(FieldViolation(prefix + name, problem))
    if "push_tokens" in wanted:
        if len(user.push_tokens) > MAX_PUSH_TOKENS:
            found.append(
                FieldViolation(
                    prefix + "push_tokens", f"must hold at most {MAX_PUSH_TOKENS} tokens"
                )
            )
        seen: dict[str, int] = {}
        for index, token in enumerate(user.push_tokens):
            path = f"{prefix}push_tokens[{index}]"
            problem = addresses.push_token_problem(token)
            if problem:
                found.append(FieldViolation(path, problem))
            elif token in seen:
                found.append(FieldViolation(path, f"repeats push_tokens[{seen[token]}]"))
            else:
                seen[token] = index
    return without_nul(_text_fields(user, wanted, prefix), found)


def _text_fields(user: User, wanted: set[str], prefix: str) -> list[tuple[str, object]]:
    """The named fields' values by field path, each push token on its own."""
    found: list[tuple[str, object]] = []
    for name in USER_FIELDS:
        if name == "push_tokens" and name in wanted:
            found += [(f"{prefix}push_tokens[{i}]", t) for i, t in enumerate(user.push_tokens)]
        elif name in wanted:
            found.append((prefix + name, getattr(user, name)))
    return found


_CONTACT_CHECKS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("email", addresses.email_problem),
    ("phone_number", addresses.phone_problem),
    ("webhook_url", addresses.webhook_url_problem),
    ("locale", locale_problem),
    ("time_zone", time_zone_problem),
)


def validate_new_user(user: User) -> None:
    problems: list[FieldViolation] = []
    id_issue = id_problem(user.id)
    if id_issue:
        problems.append(FieldViolation("user.id", id_issue))
    problems += user_violations(user, USER_FIELDS)
    problems = without_nul([("user.id", user.id)], problems)
    if problems:
        raise InvalidArgumentError(problems)


def given_fields(user: User) -> frozenset[str]:
    """The fields that carry a value (AIP-134: an empty mask means these)."""
    return frozenset(name for name in USER_FIELDS if getattr(user, name) not in ("", (), None))


def user_patch(user: User, mask: Sequence[str]) -> UserPatch:
    """Check an UpdateUser request: its id, its mask (AIP-134: empty = every field
    given, `*` = every field, cleared where not given) and the masked values."""
    problems: list[FieldViolation] = []
    # Only these: any other id no user can have is NOT_FOUND (DirectoryService).
    if not user.id:
        problems.append(FieldViolation("user.id", "is required"))
    elif user.id.isspace():
        problems.append(FieldViolation("user.id", BLANK_PROBLEM))
    fields: set[str] = set()
    if not mask:
        fields = set(given_fields(user))
    for index, path in enumerate(mask):
        if path == "*":
            fields.update(USER_FIELDS)
        elif path in USER_FIELDS:
            fields.add(path)
        elif path == "id":
            problems.append(FieldViolation(f"update_mask.paths[{index}]", "id is immutable"))
        elif path in USER_OUTPUT_ONLY:
            problems.append(FieldViolation(f"update_mask.paths[{index}]", f"{path} is output only"))
        else:
            problems.append(
                FieldViolation(f"update_mask.paths[{index}]", f"{path!r} is not a field of User")
            )
    problems += user_violations(user, fields)
    problems = without_nul([("user.id", user.id)], problems)
    if problems:
        raise InvalidArgumentError(problems)
    return UserPatch(user, frozenset(fields))


def validate_new_cluster(cluster: Cluster) -> None:
    problems: list[FieldViolation] = []
    id_issue = id_problem(cluster.id)
    if id_issue:
        problems.append(FieldViolation("cluster.id", id_issue))
    if len(cluster.display_name) > MAX_DISPLAY_NAME:
        problems.append(
            FieldViolation("cluster.display_name", f"must be at most {MAX_DISPLAY_NAME} characters")
        )
    problems = without_nul(
        [("cluster.id", cluster.id), ("cluster.display_name", cluster.display_name)], problems
    )
    if problems:
        raise InvalidArgumentError(problems)
