"""The idempotency key: one per (kind, caller, request_id), and for a plain request_id
the key stored before request_ids were escaped."""

from __future__ import annotations

import itertools

import pytest
from herald.core.idempotency import idempotency_key
from herald.core.message import MAX_REQUEST_ID


def test_no_request_id_no_key() -> None:
    assert idempotency_key("message", "jwt:svc", "") is None


@pytest.mark.parametrize(
    ("kind", "caller", "request_id"),
    [
        ("notification", "jwt:svc", "r1"),
        ("message", "apikey:0123456789abcdef", "order-42_retry.1"),
        ("campaign", "cert:spiffe://corp/ns/app", "send-2024-06-01"),
        ("message", "anonymous", "a/b c"),
    ],
)
def test_a_plain_request_ids_key_is_the_one_stored_before(
    kind: str, caller: str, request_id: str
) -> None:
    assert idempotency_key(kind, caller, request_id) == f"{kind}:{caller}:{request_id}"


def test_callers_and_request_ids_that_run_together_get_different_keys() -> None:
    assert idempotency_key("notification", "jwt:svc", "a:r1") != idempotency_key(
        "notification", "jwt:svc:a", "r1"
    )
    assert idempotency_key("message", "jwt:s", "x:y") != idempotency_key(
        "message", "jwt:s", "x%3Ay"
    )


def test_every_pair_over_a_small_alphabet_has_its_own_key() -> None:
    words = ["".join(w) for n in range(4) for w in itertools.product("a:%3A", repeat=n)]
    keys = {
        idempotency_key("message", f"jwt:{caller}", request_id)
        for caller in words
        for request_id in words[1:]
    }
    assert len(keys) == len(words) * (len(words) - 1)


@pytest.mark.parametrize("request_id", [":" * MAX_REQUEST_ID, "%" * MAX_REQUEST_ID, "x:" * 64])
def test_a_request_id_that_escapes_long_is_no_longer_than_before(request_id: str) -> None:
    key = idempotency_key("notification", "jwt:svc", request_id)
    assert key is not None
    assert len(key) <= len("notification:jwt:svc:") + MAX_REQUEST_ID
    assert key != idempotency_key("notification", "jwt:svc", request_id[:-1] + "y")
