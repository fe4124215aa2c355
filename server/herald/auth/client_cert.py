"""The caller a verified client certificate stands for (mutual TLS, HERALD_TLS_IDENTITIES).

With HERALD_TLS_CLIENT_CA the listener refuses, during the handshake, every client without a
certificate from that CA, so a certificate that reaches a handler has been verified. Its
identity is its subject common name and its subject alternative names (DNS names, URIs,
emails, IPs) as grpc reports them in the call's auth context. HERALD_TLS_IDENTITIES grants
scopes, roles and a brand to identities; a certificate none of whose names is listed is a
caller without scopes (`cert:<its common name>`), and so is one whose names match two
different entries (ambiguous: nothing is granted rather than a guess). Certificates
themselves are never logged, only the caller's subject.

The auth interceptor calls `caller_from_peer` for a call that carries no `authorization`
metadata; the server calls `configure` once at start.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import grpc
import structlog

from herald.auth.caller import Caller
from herald.config import TlsIdentity

log = structlog.get_logger("herald.auth")

_identities: Mapping[str, TlsIdentity] = {}


def configure(identities: Mapping[str, TlsIdentity]) -> None:
    """Set the identities `caller_from_peer` maps (Settings.tls_identities)."""
    global _identities  # noqa: PLW0603 - set once at start, read per call
    _identities = dict(identities)


def _values(auth: Mapping[str, Any], key: str) -> list[str]:
    return [
        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in auth.get(key, ())
    ]


def certificate_names(auth: Mapping[str, Any]) -> list[str]:
    """The verified client certificate's common name, then its subject alternative names;
    [] when the connection is not TLS or the client presented no certificate."""
    if b"ssl" not in auth.get("transport_security_type", ()):
        return []
    names = _values(auth, "x509_common_name") + _values(auth, "x509_subject_alternative_name")
    return list(dict.fromkeys(n for n in names if n))


def caller_for_names(names: list[str], identities: Mapping[str, TlsIdentity]) -> Caller | None:
    if not names:
        return None
    listed = {identities[n].identity: identities[n] for n in names if n in identities}
    if len(listed) == 1:
        grant = next(iter(listed.values()))
        caller = Caller(f"cert:{grant.identity}", grant.scopes, grant.brand_id, grant.roles)
    else:
        if listed:
            log.warning("tls_identity_ambiguous", identities=sorted(listed))
        caller = Caller(f"cert:{names[0]}")
    log.debug(
        "tls_client_identity",
        subject=caller.subject,
        listed=len(listed) == 1,
        scopes=sorted(caller.scopes),
        roles=sorted(caller.roles),
        brand_id=caller.brand_id,
    )
    return caller


def caller_from_peer(
    context: grpc.aio.ServicerContext[Any, Any],
    identities: Mapping[str, TlsIdentity] | None = None,
) -> Caller | None:
    """The Caller the call's verified client certificate stands for; None without one
    (plaintext, or TLS without client certificates)."""
    auth = context.auth_context()
    return caller_for_names(
        certificate_names(auth), _identities if identities is None else identities
    )
