from __future__ import annotations

import pytest
from herald.core.allow_list import (
    AllowList,
    AllowListSyntaxError,
    AllowRule,
    Known,
    parse_allow_list,
)
from herald.core.channel import Channel
from herald.core.directory import User
from herald.core.notification import NotificationRequest, Reason, screen


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
    allow = AllowList(
        Known(
            user_ids=frozenset({"user-7"}),
            emails=frozenset({"me@corp.example.com"}),
            phone_numbers=frozenset({"+4520123456"}),
        ),
        frozenset({"ok.example"}),
    )
    assert allow.refuse("jwt:me", Channel.EMAIL, "ME@corp.example.com") is None
    assert allow.refuse("jwt:me", Channel.EMAIL, "anyone@ok.example") is None
    assert allow.refuse("jwt:me", Channel.SMS, "+4520123456") is None
    assert allow.refuse("jwt:me", Channel.IN_APP, "user-7") is None
    refused = allow.refuse("jwt:me", Channel.EMAIL, "x@sub.ok.example")
    assert refused is not None and refused.reason.value == "not_in_allow_list"


BOB = Known(
    user_ids=frozenset({"bob", "+4520999999", "id@corp.example.com", "https://ids.example.com/x"}),
    emails=frozenset({"bob@corp.example.com"}),
    phone_numbers=frozenset({"+4520123456"}),
    webhook_urls=frozenset({"https://hooks.example.com/bob"}),
    push_tokens=frozenset({"tok-bob"}),
)


@pytest.mark.parametrize(
    ("channel", "passes", "refused"),
    [
        (
            Channel.IN_APP,
            "bob",
            ["+4520123456", "bob@corp.example.com", "https://hooks.example.com/bob", "tok-bob"],
        ),
        (Channel.PUSH, "bob", ["tok-bob", "bob@corp.example.com", "+4520123456"]),
        (Channel.SMS, "+4520123456", ["+4520999999"]),
        (Channel.EMAIL, "BOB@corp.example.com", ["id@corp.example.com"]),
        (Channel.WEBHOOK, "https://hooks.example.com/bob", ["https://ids.example.com/x"]),
    ],
)
def test_a_recipient_passes_only_as_a_known_value_of_its_own_kind(
    channel: Channel, passes: str, refused: list[str]
) -> None:
    allow = AllowList(BOB, frozenset())
    assert allow.refuse("jwt:me", channel, passes) is None
    for recipient in refused:
        rejection = allow.refuse("jwt:me", channel, recipient)
        assert rejection is not None and rejection.reason is Reason.NOT_IN_ALLOW_LIST, recipient


def test_contact_points_pass_as_their_own_kind_push_tokens_included() -> None:
    allow = AllowList(BOB, frozenset())
    assert allow.refuse_contact("jwt:me", Channel.PUSH, "tok-bob") is None
    assert allow.refuse_contact("jwt:me", Channel.PUSH, "bob") is not None
    assert allow.refuse_contact("jwt:me", Channel.IN_APP, "bob") is None
    assert allow.refuse_contact("jwt:me", Channel.IN_APP, "tok-bob") is not None
    assert allow.refuse_contact("jwt:me", Channel.SMS, "+4520123456") is None


def test_a_directory_user_passes_by_their_id_only_where_it_is_a_known_user_id() -> None:
    """Seed 001 recipients: an outsider whose user id is a group-mate's phone number,
    email address or push token is not let through by it; an outsider whose contact
    point on the channel is a group-mate's still is (it is where Herald sends)."""
    directory = {
        "bob": User("bob", email="bob@corp.example.com"),
        "+4520123456": User("+4520123456", email="x@elsewhere.example", push_tokens=("t-1",)),
        "tok-bob": User("tok-bob", email="y@elsewhere.example", push_tokens=("t-2",)),
        "shares": User("shares", email="bob@corp.example.com", push_tokens=("tok-bob",)),
    }
    request = NotificationRequest(
        channels=(Channel.EMAIL, Channel.IN_APP, Channel.PUSH),
        to=(),
        subject="s",
        body="b",
        recipients=tuple(directory),
    )
    channels = [Channel.EMAIL, Channel.IN_APP, Channel.PUSH]
    screening = screen(
        request, channels, "jwt:me", AllowList(BOB, frozenset()), directory=directory
    )
    assert screening.accepted == {
        Channel.EMAIL: ["bob", "shares"],
        Channel.IN_APP: ["bob"],
        Channel.PUSH: ["shares"],
    }
    assert {c: [r.recipient for r in rs] for c, rs in screening.rejected.items()} == {
        Channel.EMAIL: ["+4520123456", "tok-bob"],
        Channel.IN_APP: ["+4520123456", "tok-bob", "shares"],
        Channel.PUSH: ["+4520123456", "tok-bob"],
    }
