"""The key a request_id is stored under (requests.idempotency_key): one per kind,
caller and request_id."""

from __future__ import annotations

import hashlib

from herald.core.message import MAX_REQUEST_ID

_ESCAPES = str.maketrans({"%": "%25", ":": "%3A"})


def idempotency_key(kind: str, caller: str, request_id: str) -> str | None:
    """`{kind}:{caller}:{request_id}`, None without a request_id.

    A caller may hold ':' anywhere ("jwt:<any sub>", "cert:spiffe://..."), so the
    request_id's '%' and ':' are escaped: the last ':' then always ends the caller,
    and two (caller, request_id) pairs never share a key. A request_id with neither
    keeps the key it was stored under before, so a retry across an upgrade replays.
    """
    if not request_id:
        return None
    escaped = request_id.translate(_ESCAPES)
    if len(escaped) > MAX_REQUEST_ID:
        # Within the length a key always had (the column is VARCHAR(300)). An escaped
        # request_id has '%' only before "25" or "3A", so never equals a digest.
        escaped = "%H" + hashlib.sha256(request_id.encode()).hexdigest()
    return f"{kind}:{caller}:{escaped}"
