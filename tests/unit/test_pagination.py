from __future__ import annotations

import pytest
from herald.api.pagination import MAX_PAGE_SIZE, decode_token, encode_token, page_size
from herald.core.errors import InvalidArgumentError


def test_tokens_round_trip_per_listing() -> None:
    token = encode_token("users", ["", "user-9"])
    assert decode_token("users", token) == ["", "user-9"]
    assert decode_token("users", "") is None


@pytest.mark.parametrize("token", ["garbage!", encode_token("clusters", ["x"]), "e30"])
def test_foreign_or_forged_tokens_are_invalid(token: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        decode_token("users", token)
    assert [v.field for v in caught.value.violations] == ["page_token"]


def test_page_size_default_and_clamp() -> None:
    assert page_size(0) == 50
    assert page_size(7) == 7
    assert page_size(10**6) == MAX_PAGE_SIZE
    with pytest.raises(InvalidArgumentError):
        page_size(-1)
