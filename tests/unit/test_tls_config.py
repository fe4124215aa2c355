"""HERALD_TLS_*: the identities syntax, half configurations, the files checked at start, and
the caller a certificate's names map to."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog.testing
from herald.auth.caller import Caller
from herald.auth.client_cert import caller_for_names, certificate_names
from herald.config import ConfigError, Settings, TlsIdentity, parse_tls_identities
from herald.transport import build_transport, is_loopback

from tests.peers.tls import CertificateAuthority, IssuedCertificate


def test_identities_grant_scopes_roles_and_a_brand() -> None:
    parsed = parse_tls_identities(
        "billing-service=send_notifications+read_notifications@brand-a;ops=role:admin\n"
        " spiffe://corp/sa/reports = read_campaigns + role:auditor ;"
        "alerts@corp.example=send_messages"
    )
    assert parsed == {
        "billing-service": TlsIdentity(
            "billing-service",
            frozenset({"send_notifications", "read_notifications"}),
            brand_id="brand-a",
        ),
        "ops": TlsIdentity("ops", roles=frozenset({"admin"})),
        "spiffe://corp/sa/reports": TlsIdentity(
            "spiffe://corp/sa/reports", frozenset({"read_campaigns"}), frozenset({"auditor"})
        ),
        "alerts@corp.example": TlsIdentity("alerts@corp.example", frozenset({"send_messages"})),
    }


def test_empty_identities_are_none() -> None:
    assert parse_tls_identities("") == {}
    assert parse_tls_identities(" ; \n ;") == {}


@pytest.mark.parametrize(
    "raw",
    [
        "billing-service",  # no grants
        "=send_messages",  # no identity
        "billing-service=",  # nothing granted
        "billing-service=@brand-a",  # a brand alone
        "billing-service=send_messages@",  # empty brand
        "billing-service=send_messages@brand a",  # not a brand id
        "billing-service=send_messages@brand@a",
        "billing-service=Send_Messages",  # scopes are lower snake case
        "billing-service=send messages",
        "billing-service=send_messages,read_notifications",  # '+' joins grants
        "billing-service=send_messages++read_notifications",
        "billing-service=role:",
        "billing-service=group:admins",
        "billing service=send_messages",
        "a=send_messages;a=read_notifications",  # listed twice
        "billing-service=send_notification",  # no RPC requires it: it granted nothing
        "billing-service=send_messages+read_notification@brand-a",
    ],
)
def test_identity_mistakes_are_configuration_errors(raw: str) -> None:
    with pytest.raises(ConfigError, match="HERALD_TLS_IDENTITIES"):
        parse_tls_identities(raw)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HERALD_TLS_CERT": "server.pem"}, "HERALD_TLS_KEY"),
        ({"HERALD_TLS_KEY": "server.key"}, "HERALD_TLS_CERT"),
        ({"HERALD_TLS_CLIENT_CA": "ca.pem"}, "HERALD_TLS_CERT"),
        (
            {
                "HERALD_TLS_CERT": "s.pem",
                "HERALD_TLS_KEY": "s.key",
                "HERALD_TLS_IDENTITIES": "a=read_inbox",
            },
            "HERALD_TLS_CLIENT_CA",
        ),
        ({"HERALD_TLS_IDENTITIES": "a=b=c"}, "HERALD_TLS_IDENTITIES"),
    ],
)
def test_half_a_tls_configuration_is_refused(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_no_tls_settings_is_plaintext() -> None:
    settings = Settings.from_env({})
    assert (settings.tls_cert, settings.tls_key, settings.tls_client_ca) == (None, None, None)
    transport = build_transport(settings)
    assert (transport.tls, transport.client_auth) == (False, "none")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[IssuedCertificate, IssuedCertificate]:
    ca = CertificateAuthority(tmp_path_factory.mktemp("pki"), "unit")
    server = ca.issue("herald", ip_addresses=("127.0.0.1",), server=True)
    other = ca.issue("other", server=True)
    return server, other


def _settings(**env: str) -> Settings:
    return Settings.from_env({f"HERALD_TLS_{k.upper()}": v for k, v in env.items()})


def test_tls_and_mutual_tls_build_credentials(
    pki: tuple[IssuedCertificate, IssuedCertificate],
) -> None:
    server, _ = pki
    tls = build_transport(_settings(cert=str(server.certfile), key=str(server.keyfile)))
    assert (tls.tls, tls.client_auth) == (True, "none")
    mtls = build_transport(
        _settings(cert=str(server.certfile), key=str(server.keyfile), client_ca=str(server.cafile))
    )
    assert (mtls.tls, mtls.client_auth) == (True, "require")


def test_unusable_files_are_configuration_errors(
    pki: tuple[IssuedCertificate, IssuedCertificate], tmp_path: Path
) -> None:
    server, other = pki
    missing = str(tmp_path / "missing.pem")
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    cert, key = str(server.certfile), str(server.keyfile)
    cases = [
        (_settings(cert=missing, key=key), "HERALD_TLS_CERT"),
        (_settings(cert=cert, key=missing), "HERALD_TLS_KEY"),
        (_settings(cert=str(empty), key=key), "HERALD_TLS_CERT"),
        (_settings(cert=str(garbage), key=key), "HERALD_TLS_CERT"),
        (_settings(cert=cert, key=str(other.keyfile)), "HERALD_TLS_KEY"),  # not its key
        (_settings(cert=cert, key=key, client_ca=missing), "HERALD_TLS_CLIENT_CA"),
        (_settings(cert=cert, key=key, client_ca=str(garbage)), "HERALD_TLS_CLIENT_CA"),
        (_settings(cert=cert, key=key, client_ca=key), "HERALD_TLS_CLIENT_CA"),
        (_settings(cert=cert, key=str(tmp_path)), "HERALD_TLS_KEY"),  # a directory
    ]
    for settings, named in cases:
        with pytest.raises(ConfigError, match=named):
            build_transport(settings)


@pytest.mark.parametrize(
    ("listen", "loopback"),
    [
        ("127.0.0.1:50051", True),
        ("127.3.2.1:0", True),
        ("[::1]:50051", True),
        ("localhost:50051", True),
        ("0.0.0.0:50051", False),
        ("[::]:50051", False),
        ("10.1.2.3:50051", False),
        ("herald.internal:50051", False),
    ],
)
def test_loopback_listen_addresses(listen: str, loopback: bool) -> None:
    assert is_loopback(listen) is loopback


IDENTITIES = parse_tls_identities(
    "billing-service=send_notifications@brand-a;spiffe://corp/ops=role:admin;"
    "reports.internal=read_campaigns"
)


def test_a_listed_common_name_or_alternative_name_is_its_caller() -> None:
    assert caller_for_names(["billing-service", "billing.internal"], IDENTITIES) == Caller(
        "cert:billing-service", frozenset({"send_notifications"}), "brand-a"
    )
    assert caller_for_names(["ops-1", "spiffe://corp/ops"], IDENTITIES) == Caller(
        "cert:spiffe://corp/ops", roles=frozenset({"admin"})
    )


def test_an_unlisted_or_ambiguous_certificate_has_no_scopes() -> None:
    assert caller_for_names(["stranger"], IDENTITIES) == Caller("cert:stranger")
    # Names matching two entries grant neither, rather than a guess.
    assert caller_for_names(["billing-service", "reports.internal"], IDENTITIES) == Caller(
        "cert:billing-service"
    )
    assert caller_for_names([], IDENTITIES) is None


def test_certificate_names_come_only_from_a_tls_peer() -> None:
    assert certificate_names({}) == []
    assert (
        certificate_names({"transport_security_type": [b"insecure"], "x509_common_name": [b"x"]})
        == []
    )
    assert certificate_names(
        {
            "transport_security_type": [b"ssl"],
            "x509_common_name": [b"billing-service"],
            "x509_subject_alternative_name": [b"billing.internal", b"billing-service"],
        }
    ) == ["billing-service", "billing.internal"]


def test_only_plaintext_off_loopback_is_warned_about(
    pki: tuple[IssuedCertificate, IssuedCertificate],
) -> None:
    from herald.server import _warn_if_exposed  # noqa: PLC0415 - the whole server's imports

    server, _ = pki
    tls = build_transport(_settings(cert=str(server.certfile), key=str(server.keyfile)))
    plaintext = build_transport(Settings.from_env({}))
    with structlog.testing.capture_logs() as logs:
        _warn_if_exposed("127.0.0.1:50051", plaintext)
        _warn_if_exposed("0.0.0.0:50051", tls)
        assert logs == []
        _warn_if_exposed("0.0.0.0:50051", plaintext)
    assert [(e["event"], e["log_level"]) for e in logs] == [
        ("plaintext_listener_not_loopback", "warning")
    ]
