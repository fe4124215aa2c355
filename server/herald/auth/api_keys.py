"""API keys: `hk_<id>_<secret>`, sent as `authorization: Bearer hk_…` (or
`ApiKey hk_…`). The id is public (it names the key in `herald apikey list` and
in logs as `apikey:<id>`); only the SHA-256 of the 256-bit random secret is
stored, compared in constant time. A key carries scopes, roles and an optional
brand. Verified keys are cached for CACHE_SECONDS, so a revocation reaches a
running server within that time; a stream a key opened looks again every
interceptor.STREAM_RECHECK_SECONDS, so it ends within the sum, 10 s."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from herald.auth.tokens import InvalidToken, Verified
from herald.store.api_keys import ApiKeyStore

PREFIX = "hk_"
CACHE_SECONDS = 8.0
CACHE_ENTRIES = 10_000
_KEY = re.compile(r"hk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class NewKey:
    id: str
    key: str  # shown once; never stored
    row: dict[str, Any]


def looks_like_key(credential: str) -> bool:
    return credential.startswith(PREFIX)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(
    name: str,
    scopes: Iterable[str] = (),
    roles: Iterable[str] = (),
    brand_id: str = "",
    now: float | None = None,
) -> NewKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewKey(
        key_id,
        f"{PREFIX}{key_id}_{secret}",
        {
            "id": key_id,
            "name": name,
            "secret_sha256": _digest(secret),
            "scopes": " ".join(sorted(set(scopes))),
            "roles": " ".join(sorted(set(roles))),
            "brand_id": brand_id,
            "created_at": time.time() if now is None else now,
            "revoked_at": None,
        },
    )


class ApiKeyVerifier:
    def __init__(self, store: ApiKeyStore) -> None:
        self.store = store
        self._cache: dict[str, tuple[float, Any]] = {}

    async def _row(self, key_id: str) -> Any:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        row = await self.store.get(key_id)
        if len(self._cache) >= CACHE_ENTRIES:
            self._cache.clear()
        self._cache[key_id] = (now, row)
        return row

    async def verify(self, key: str) -> Verified:
        match = _KEY.fullmatch(key)
        if match is None:
            raise InvalidToken("API_KEY_INVALID", "the API key is not valid")
        key_id, secret = match.groups()
        row = await self._row(key_id)
        # The digest is compared even for an unknown id, so timing says nothing.
        stored = row.secret_sha256 if row is not None else "0" * 64
        if not hmac.compare_digest(stored, _digest(secret)) or row is None:
            raise InvalidToken("API_KEY_INVALID", "the API key is not valid")
        if row.revoked_at is not None:
            raise InvalidToken("API_KEY_REVOKED", "the API key has been revoked")
        return Verified(
            f"apikey:{key_id}",
            frozenset(row.scopes.split()),
            frozenset(row.roles.split()),
            row.brand_id,
        )
