"""The gRPC listener's transport security: TLS, and mutual TLS for service callers.

HERALD_TLS_CERT + HERALD_TLS_KEY turn TLS on; HERALD_TLS_CLIENT_CA also requires every client
to present a certificate issued by that CA (checked during the handshake, so a client without
one, or with one from another CA, never reaches a handler). grpcio's server credentials either
require and verify client certificates or do not ask for them at all, so there is no
"optional" mode. Every file is read and checked here, at start, so a missing or unreadable
file, a key that does not match its certificate or a CA file without certificates is a
configuration error (exit code 2), not a failed handshake later.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc

from herald.config import ConfigError, Settings, read_regular_file


@dataclass(frozen=True)
class Transport:
    credentials: grpc.ServerCredentials | None  # None: plaintext
    client_auth: str  # "require" (mutual TLS) or "none"

    @property
    def tls(self) -> bool:
        return self.credentials is not None


def is_loopback(listen: str) -> bool:
    """Whether `host:port` (or `[v6]:port`) binds only a loopback address."""
    host = listen.rsplit(":", 1)[0].strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _read(name: str, path: Path) -> bytes:
    try:
        data = read_regular_file(path)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read {str(path)!r}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ConfigError(f"{name}: {str(path)!r} is empty")
    return data


def _no_password() -> bytes:
    # Called only for an encrypted key; without this OpenSSL would prompt on the terminal.
    raise ConfigError("HERALD_TLS_KEY: the key is encrypted; give an unencrypted PEM key")


def build_transport(settings: Settings) -> Transport:
    if settings.tls_cert is None or settings.tls_key is None:
        return Transport(None, "none")
    cert = _read("HERALD_TLS_CERT", settings.tls_cert)
    key = _read("HERALD_TLS_KEY", settings.tls_key)
    try:
        # The standard library's parser: both PEM, and the key is the certificate's.
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(
            settings.tls_cert, settings.tls_key, password=_no_password
        )
    except (ssl.SSLError, ValueError) as exc:
        raise ConfigError(
            "HERALD_TLS_CERT / HERALD_TLS_KEY: not a PEM certificate chain and its private key, "
            f"or the key is not the certificate's: {exc}"
        ) from exc
    client_ca: bytes | None = None
    if settings.tls_client_ca is not None:
        client_ca = _read("HERALD_TLS_CLIENT_CA", settings.tls_client_ca)
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_verify_locations(
                cadata=client_ca.decode("ascii")
            )
        except (ssl.SSLError, ValueError) as exc:
            raise ConfigError(
                f"HERALD_TLS_CLIENT_CA: {str(settings.tls_client_ca)!r} holds no PEM CA "
                f"certificate: {exc}"
            ) from exc
    credentials = grpc.ssl_server_credentials(
        [(key, cert)],
        root_certificates=client_ca,
        require_client_auth=client_ca is not None,
    )
    return Transport(credentials, "require" if client_ca is not None else "none")
