"""Seed 003's allow-list: a recipient passes if it is the caller, a member of
one of the caller's groups, or at an allowed email domain; otherwise it is
rejected `not_in_allow_list`.

Configured per tenant (brand) with HERALD_ALLOW_LIST, e.g.
`*=on:example.com,example.org; brand-b=off`: `on` turns the allow-list on for
that brand with the given domains, `off` turns it off, `*` is every brand not
named. Unset, there is no allow-list. Admin callers are exempt unless
HERALD_ALLOW_LIST_ADMINS is true.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from herald.core.channel import Channel
from herald.core.notification import Reason, Rejection

_DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9-]{1,63}\.)+[a-z]{2,63}")  # fullmatch
EVERY_BRAND = "*"


class AllowListSyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class AllowRule:
    enabled: bool
    domains: frozenset[str] = frozenset()


def parse_allow_list(text: str) -> dict[str, AllowRule]:
    """`brand=on[:domain,domain]` or `brand=off`, separated by `;`."""
    rules: dict[str, AllowRule] = {}
    for entry in (e.strip() for e in text.split(";")):
        if not entry:
            continue
        brand, sep, setting = entry.partition("=")
        brand, setting = brand.strip(), setting.strip()
        state, _, domain_list = setting.partition(":")
        if not sep or not brand or state not in ("on", "off"):
            raise AllowListSyntaxError(f"{entry!r} is not brand=on[:domains] or brand=off")
        if brand in rules:
            raise AllowListSyntaxError(f"brand {brand!r} is listed twice")
        domains = frozenset(d.strip().lower() for d in domain_list.split(",") if d.strip())
        bad = sorted(d for d in domains if not _DOMAIN.fullmatch(d))
        if bad:
            raise AllowListSyntaxError(f"{', '.join(bad)} is not a domain name")
        if state == "off" and domains:
            raise AllowListSyntaxError(f"{entry!r}: an allow-list that is off takes no domains")
        rules[brand] = AllowRule(state == "on", domains)
    return rules


def rule_for(rules: Mapping[str, AllowRule], brand_id: str) -> AllowRule | None:
    return rules.get(brand_id) or rules.get(EVERY_BRAND)


@dataclass(frozen=True, slots=True)
class Known:
    """The caller's and their group-mates' ids and contact points, one set per
    kind, so a value of one kind never lets a recipient of another kind through
    (a group-mate's phone number is not an In-App user id). Emails lower-cased."""

    user_ids: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phone_numbers: frozenset[str] = frozenset()
    webhook_urls: frozenset[str] = frozenset()
    push_tokens: frozenset[str] = frozenset()


class AllowList:
    """The allow-list as it applies to one caller: their own addresses and ids,
    those of everyone in their groups, and the tenant's domains."""

    def __init__(self, known: Known, domains: frozenset[str]) -> None:
        self.known = known
        self.domains = domains

    def refuse(self, caller: str, channel: Channel, recipient: str) -> Rejection | None:
        """`recipient` as `to` names it; In-App and Push entries are user ids."""
        key = recipient.strip()
        if channel in (Channel.IN_APP, Channel.PUSH):
            allowed = key in self.known.user_ids
        else:
            allowed = self._address_passes(channel, key)
        return None if allowed else _refusal(recipient)

    def refuse_contact(self, caller: str, channel: Channel, point: str) -> Rejection | None:
        """`point` is what Herald sends to on `channel`: on Push a device token (not
        a user id, as `to` names Push recipients), else as `refuse` takes it."""
        if channel is Channel.PUSH:
            return None if point.strip() in self.known.push_tokens else _refusal(point)
        return self.refuse(caller, channel, point)

    def _address_passes(self, channel: Channel, key: str) -> bool:
        if channel is Channel.EMAIL:
            key = key.lower()
            return key in self.known.emails or key.rpartition("@")[2] in self.domains
        if channel is Channel.SMS:
            return key in self.known.phone_numbers
        if channel is Channel.WEBHOOK:
            return key in self.known.webhook_urls
        return False


def _refusal(recipient: str) -> Rejection:
    return Rejection(
        recipient,
        Reason.NOT_IN_ALLOW_LIST,
        "not the caller, not in the caller's groups, and not at an allowed domain",
    )
