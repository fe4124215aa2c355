from __future__ import annotations

import pytest
from herald.core.allow_list import AllowList, AllowListSyntaxError, AllowRule, parse_allow_list
from herald.core.channel import Channel


def test_rules_per_brand() -> None:
    rules = parse_allow_list("*=on:example.com, Partner.org; brand-b=off ;")
    assert rules == {
        "*": AllowRule(True, frozenset({"example.com", "partner.org"})),
        "brand-b": AllowRule(False),
    }
    assert parse_allow_list("") == {}


@pytest.mark.parametrize(
    "text", ["on", "*=maybe", "*=on:not a domain", "*=off:example.com", "a=on; a=off", "=on"]
)
def test_mistakes_are_refused(text: str) -> None:
    with pytest.raises(AllowListSyntaxError):
        parse_allow_list(text)


def test_known_addresses_and_domains_pass() -> None:
    allow = AllowList({"me@corp.example.com", "+4520123456", "user-7"}, frozenset({"ok.example"}))
    assert allow.refuse("jwt:me", Channel.EMAIL, "ME@corp.example.com") is None
    assert allow.refuse("jwt:me", Channel.EMAIL, "anyone@ok.example") is None
    assert allow.refuse("jwt:me", Channel.SMS, "+4520123456") is None
    assert allow.refuse("jwt:me", Channel.IN_APP, "user-7") is None
    refused = allow.refuse("jwt:me", Channel.EMAIL, "x@sub.ok.example")
    assert refused is not None and refused.reason.value == "not_in_allow_list"
