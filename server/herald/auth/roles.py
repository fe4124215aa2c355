"""Roles a credential names, and the scopes each grants (HERALD_ROLE_SCOPES
overrides a role's set). A credential's scopes are its own plus its roles'."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from herald.auth.scopes import declared_scopes

ALL = "*"  # in HERALD_ROLE_SCOPES: every scope the contract declares
_NAME = re.compile(r"[a-z][a-z0-9_]*")

# Seed 000 (SendMessage) and seed 004 (campaign administration) are admin-only;
# seed 003's SEND_NOTIFICATIONS permission is granted to Admin, Manager and Creator.
DEFAULT_ROLE_SCOPES: Mapping[str, frozenset[str]] = {
    "admin": frozenset({ALL}),
    "manager": frozenset(
        {
            "send_notifications",
            "read_notifications",
            "read_campaigns",
            "manage_templates",
            "read_templates",
            "manage_directory",
            "read_directory",
        }
    ),
    "creator": frozenset(
        {"send_notifications", "read_notifications", "read_templates", "read_directory"}
    ),
}


class RoleScopesError(ValueError):
    """HERALD_ROLE_SCOPES cannot be read."""


def unknown_role(identity: str, roles: Iterable[str], defined: Mapping[str, object]) -> str:
    """What to say about the first of an identity's `roles` no role in `defined` (the
    parsed HERALD_ROLE_SCOPES) is (a misspelt role granted nothing: every call of that
    client was refused), or an empty string when there is none."""
    unknown = sorted(set(roles) - defined.keys())
    if not unknown:
        return ""
    return (
        f"{identity}: unknown role {unknown[0]!r} "
        f"(the roles are {', '.join(sorted(defined))}; HERALD_ROLE_SCOPES defines more)"
    )


def unknown_scopes(scopes: Iterable[str]) -> str:
    """What to say about the first scope no RPC requires (a misspelt scope granted
    nothing: the role's calls were refused), or an empty string when there is none."""
    known = declared_scopes()
    unknown = sorted(set(scopes) - known)
    if not unknown:
        return ""
    return f"unknown scope {unknown[0]!r} (the scopes are {', '.join(sorted(known))})"


def parse_role_scopes(raw: str) -> dict[str, frozenset[str]]:
    """`manager=send_notifications read_notifications;auditor=read_campaigns` ->
    the default roles with these replaced or added. Roles are separated by `;`,
    scopes by spaces or commas; `*` is every scope."""
    roles = dict(DEFAULT_ROLE_SCOPES)
    for entry in (e.strip() for e in raw.split(";")):
        if not entry:
            continue
        role, sep, rest = entry.partition("=")
        role = role.strip()
        scopes = frozenset(s for s in re.split(r"[\s,]+", rest.strip()) if s)
        if not sep or not _NAME.fullmatch(role):
            raise RoleScopesError(f"HERALD_ROLE_SCOPES: {entry!r} is not role=scope scope ...")
        bad = [s for s in scopes if s != ALL and not _NAME.fullmatch(s)]
        if bad:
            raise RoleScopesError(f"HERALD_ROLE_SCOPES: {role}: {bad[0]!r} is not a scope name")
        unknown = unknown_scopes(scopes - {ALL})
        if unknown:
            raise RoleScopesError(f"HERALD_ROLE_SCOPES: {role}: {unknown}")
        roles[role] = scopes
    return roles


class RoleMap:
    def __init__(self, role_scopes: Mapping[str, frozenset[str]] | None = None) -> None:
        self.role_scopes = dict(DEFAULT_ROLE_SCOPES if role_scopes is None else role_scopes)
        everything = declared_scopes()
        self._expanded = {
            role: everything | (scopes - {ALL}) if ALL in scopes else frozenset(scopes)
            for role, scopes in self.role_scopes.items()
        }

    def scopes(self, scopes: Iterable[str], roles: Iterable[str]) -> frozenset[str]:
        """The credential's own scopes plus those of each role it names (an
        unknown role grants nothing)."""
        granted = set(scopes)
        for role in roles:
            granted |= self._expanded.get(role, frozenset())
        granted.discard(ALL)
        return frozenset(granted)
