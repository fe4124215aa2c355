"""AIP-158 pagination: page_size with a default and a maximum, and opaque page
tokens that carry the last key seen (keyset pagination, stable under inserts)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from herald.core.errors import FieldViolation, InvalidArgumentError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def page_size(requested: int) -> int:
    """0 means the default; above the maximum is clamped (AIP-158); negative is an error."""
    if requested < 0:
        raise InvalidArgumentError([FieldViolation("page_size", "must not be negative")])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def bad_token() -> InvalidArgumentError:
    """A page token this listing did not return (foreign, forged or of another shape)."""
    return InvalidArgumentError(
        [FieldViolation("page_token", "is not a token this listing returned")]
    )


def encode_token(listing: str, last_key: list[Any]) -> str:
    """A token for the page after `last_key` in the listing named `listing`."""
    raw = json.dumps([listing, last_key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(listing: str, token: str) -> list[Any] | None:
    """The last key a token carries (None for the first page); a token from another
    listing, or not one of ours, is INVALID_ARGUMENT."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        kind, last_key = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        kind, last_key = None, None
    if kind != listing or not isinstance(last_key, list):
        raise bad_token()
    return last_key


def decode_key(
    listing: str, token: str, shape: tuple[type | tuple[type, ...], ...]
) -> list[Any] | None:
    """decode_token, and the key must be one value of each type in `shape`, in order
    (a forged token gets the same INVALID_ARGUMENT as a foreign one)."""
    key = decode_token(listing, token)
    if key is None:
        return None
    if len(key) != len(shape) or not all(
        isinstance(part, kind) and not isinstance(part, bool)
        for part, kind in zip(key, shape, strict=True)
    ):
        raise bad_token()
    return key
