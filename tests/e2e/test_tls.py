"""Transport security against a real `herald serve`: TLS (HERALD_TLS_CERT/KEY) and mutual TLS
(HERALD_TLS_CLIENT_CA), with certificates made here by small CAs; and the caller a verified
client certificate stands for (HERALD_TLS_IDENTITIES)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from herald.auth import client_cert
from herald.config import parse_tls_identities
from herald.v1 import delivery_pb2, delivery_pb2_grpc, directory_pb2, directory_pb2_grpc

from tests.peers.tls import CertificateAuthority, IssuedCertificate
from tests.support.server import ROOT, ServerProcess

IDENTITIES = "billing-service=send_notifications+read_notifications@brand-a;ops.internal=role:admin"


@dataclass(frozen=True)
class Pki:
    server: IssuedCertificate  # for 127.0.0.1 and localhost, from the Herald CA
    billing: IssuedCertificate  # client "billing-service", listed in IDENTITIES
    ops: IssuedCertificate  # client "ops-7" with the DNS name ops.internal, listed
    stranger: IssuedCertificate  # client from the Herald CA, not listed
    impostor: IssuedCertificate  # client "billing-service" from another CA
    impostor_server: IssuedCertificate  # a server certificate from the other CA

    def credentials(
        self, client: IssuedCertificate | None = None, trust: IssuedCertificate | None = None
    ) -> grpc.ChannelCredentials:
        """Trusting `trust`'s CA (the Herald CA by default), presenting `client` if given."""
        ca = (trust or self.server).ca_pem
        if client is None:
            return grpc.ssl_channel_credentials(ca)
        return grpc.ssl_channel_credentials(ca, client.key_pem, client.cert_pem)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    herald_ca = CertificateAuthority(directory, "herald")
    other_ca = CertificateAuthority(directory, "other")
    return Pki(
        server=herald_ca.issue(
            "herald", dns_names=("localhost",), ip_addresses=("127.0.0.1",), server=True
        ),
        billing=herald_ca.issue("billing-service", dns_names=("billing.svc",)),
        ops=herald_ca.issue("ops-7", dns_names=("ops.internal",)),
        stranger=herald_ca.issue("stranger"),
        impostor=other_ca.issue("billing-service"),
        impostor_server=other_ca.issue(
            "herald", ip_addresses=("127.0.0.1",), server=True, file_stem="other-server"
        ),
    )


def _tls_env(pki: Pki) -> dict[str, str]:
    return {"HERALD_TLS_CERT": str(pki.server.certfile), "HERALD_TLS_KEY": str(pki.server.keyfile)}


@pytest.fixture(scope="module")
def tls_server(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("herald-tls"), _tls_env(pki), credentials=pki.credentials()
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def mtls_server(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        **_tls_env(pki),
        "HERALD_TLS_CLIENT_CA": str(pki.server.cafile),
        "HERALD_TLS_IDENTITIES": IDENTITIES,
        "HERALD_LOG_LEVEL": "debug",
    }
    process = ServerProcess(
        tmp_path_factory.mktemp("herald-mtls"), env, credentials=pki.credentials(pki.billing)
    )
    process.start()
    yield process
    process.stop()


def _serving(server: ServerProcess) -> dict[str, object]:
    return next(e for e in server.events() if e.get("event") == "serving")


async def _health(target: str, credentials: grpc.ChannelCredentials | None) -> int:
    channel = (
        grpc.aio.insecure_channel(target)
        if credentials is None
        else grpc.aio.secure_channel(target, credentials)
    )
    async with channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5
        )
        return int(reply.status)


async def _refused(target: str, credentials: grpc.ChannelCredentials | None) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _health(target, credentials)
    return caught.value.code()


# --- TLS ---------------------------------------------------------------------------------------


async def test_a_client_trusting_the_ca_gets_serving_and_can_call(
    tls_server: ServerProcess, pki: Pki
) -> None:
    assert await _health(tls_server.target, pki.credentials()) == (
        health_pb2.HealthCheckResponse.SERVING
    )
    async with grpc.aio.secure_channel(tls_server.target, pki.credentials()) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)

        async def requests():  # type: ignore[no-untyped-def]
            yield reflection_pb2.ServerReflectionRequest(list_services="")

        names = {
            s.name
            async for reply in stub.ServerReflectionInfo(requests(), timeout=5)
            for s in reply.list_services_response.service
        }
    assert "herald.v1.DeliveryService" in names


async def test_the_server_says_it_serves_tls_without_client_certificates(
    tls_server: ServerProcess,
) -> None:
    serving = _serving(tls_server)
    assert (serving["tls"], serving["client_auth"], serving["port"]) == (
        True,
        "none",
        tls_server.port,
    )
    assert not any(e.get("event") == "plaintext_listener_not_loopback" for e in tls_server.events())


async def test_a_plaintext_client_is_refused(tls_server: ServerProcess) -> None:
    assert await _refused(tls_server.target, None) == grpc.StatusCode.UNAVAILABLE


async def test_a_client_that_trusts_another_ca_refuses_the_server(
    tls_server: ServerProcess, pki: Pki
) -> None:
    credentials = pki.credentials(trust=pki.impostor)
    assert await _refused(tls_server.target, credentials) == grpc.StatusCode.UNAVAILABLE


# --- mutual TLS --------------------------------------------------------------------------------


async def test_a_client_with_a_certificate_from_the_ca_is_served(
    mtls_server: ServerProcess, pki: Pki
) -> None:
    for client in (pki.billing, pki.ops, pki.stranger):
        assert await _health(mtls_server.target, pki.credentials(client)) == (
            health_pb2.HealthCheckResponse.SERVING
        )
    serving = _serving(mtls_server)
    assert (serving["tls"], serving["client_auth"]) == (True, "require")


async def test_a_client_without_a_certificate_is_refused(
    mtls_server: ServerProcess, pki: Pki
) -> None:
    assert await _refused(mtls_server.target, pki.credentials()) == grpc.StatusCode.UNAVAILABLE


async def test_a_client_certificate_from_another_ca_is_refused(
    mtls_server: ServerProcess, pki: Pki
) -> None:
    # The same common name as a listed identity: only the issuer differs.
    credentials = pki.credentials(pki.impostor)
    assert await _refused(mtls_server.target, credentials) == grpc.StatusCode.UNAVAILABLE


async def test_a_plaintext_client_is_refused_under_mutual_tls(mtls_server: ServerProcess) -> None:
    assert await _refused(mtls_server.target, None) == grpc.StatusCode.UNAVAILABLE


# --- the caller a client certificate stands for ------------------------------------------------


@pytest.fixture
async def who_server(pki: Pki) -> Any:
    """An in-process grpc.aio server with Herald's mutual-TLS credentials whose one method
    answers `caller_from_peer` for the call, as JSON."""
    from herald.config import Settings  # noqa: PLC0415
    from herald.transport import build_transport  # noqa: PLC0415

    settings = Settings.from_env({**_tls_env(pki), "HERALD_TLS_CLIENT_CA": str(pki.server.cafile)})
    identities = parse_tls_identities(IDENTITIES)

    async def who(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        caller = client_cert.caller_from_peer(context, identities)
        if caller is None:
            return b"null"
        return json.dumps(
            {
                "subject": caller.subject,
                "scopes": sorted(caller.scopes),
                "roles": sorted(caller.roles),
                "brand_id": caller.brand_id,
            }
        ).encode()

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "test.Who", {"Am": grpc.unary_unary_rpc_method_handler(who)}
            )
        ]
    )
    transport = build_transport(settings)
    assert transport.credentials is not None
    port = server.add_secure_port("127.0.0.1:0", transport.credentials)
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


async def _who(target: str, credentials: grpc.ChannelCredentials) -> Any:
    async with grpc.aio.secure_channel(target, credentials) as channel:
        reply = await channel.unary_unary("/test.Who/Am")(b"", timeout=5)
    return json.loads(reply)


async def test_a_listed_certificate_is_its_configured_caller(who_server: str, pki: Pki) -> None:
    assert await _who(who_server, pki.credentials(pki.billing)) == {
        "subject": "cert:billing-service",
        "scopes": ["read_notifications", "send_notifications"],
        "roles": [],
        "brand_id": "brand-a",
    }
    # Listed by its DNS name rather than its common name.
    assert await _who(who_server, pki.credentials(pki.ops)) == {
        "subject": "cert:ops.internal",
        "scopes": [],
        "roles": ["admin"],
        "brand_id": "",
    }


async def test_an_unlisted_certificate_is_a_caller_without_scopes(
    who_server: str, pki: Pki
) -> None:
    assert await _who(who_server, pki.credentials(pki.stranger)) == {
        "subject": "cert:stranger",
        "scopes": [],
        "roles": [],
        "brand_id": "",
    }


async def test_no_client_certificate_is_no_caller() -> None:
    """Plaintext: no certificate, so the function leaves the call to other credentials."""
    server = grpc.aio.server()

    async def who(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
        return b"null" if client_cert.caller_from_peer(context) is None else b"caller"

    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "test.Who", {"Am": grpc.unary_unary_rpc_method_handler(who)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert await channel.unary_unary("/test.Who/Am")(b"", timeout=5) == b"null"
    finally:
        await server.stop(0)


async def _get_notification(
    server: ServerProcess, credentials: grpc.ChannelCredentials
) -> grpc.StatusCode:
    """GetNotification (read_notifications) of an unknown notification, with no
    authorization metadata: the client certificate is the only credential."""
    async with grpc.aio.secure_channel(server.target, credentials) as channel:
        stub = delivery_pb2_grpc.DeliveryServiceStub(channel)
        try:
            await stub.GetNotification(
                delivery_pb2.GetNotificationRequest(name="notifications/" + "0" * 32), timeout=10
            )
        except grpc.aio.AioRpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


async def test_the_server_grants_a_certificate_its_configured_scopes(
    mtls_server: ServerProcess, pki: Pki
) -> None:
    pytest.importorskip("herald.auth.interceptor", reason="needs the auth interceptor")
    # Allowed in (the unknown notification is then NOT_FOUND): the listed service with the
    # scope, and the one listed by DNS name with the admin role.
    assert await _get_notification(mtls_server, pki.credentials(pki.billing)) == (
        grpc.StatusCode.NOT_FOUND
    )
    assert await _get_notification(mtls_server, pki.credentials(pki.ops)) == (
        grpc.StatusCode.NOT_FOUND
    )
    # A certificate from the CA that is not listed carries no scope.
    assert await _get_notification(mtls_server, pki.credentials(pki.stranger)) == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    identities = {
        (e["subject"], e["listed"])
        for e in mtls_server.events()
        if e.get("event") == "tls_client_identity"
    }
    assert identities >= {
        ("cert:billing-service", True),
        ("cert:ops.internal", True),
        ("cert:stranger", False),
    }
    assert "BEGIN CERTIFICATE" not in mtls_server.logs()
    assert "PRIVATE KEY" not in mtls_server.logs()


async def test_a_listed_certificate_without_the_scope_is_denied(
    mtls_server: ServerProcess, pki: Pki
) -> None:
    pytest.importorskip("herald.auth.interceptor", reason="needs the auth interceptor")
    async with grpc.aio.secure_channel(mtls_server.target, pki.credentials(pki.billing)) as channel:
        stub = directory_pb2_grpc.DirectoryServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetUser(directory_pb2.GetUserRequest(id="someone"), timeout=10)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


# --- configuration refused at start ------------------------------------------------------------


def _serve(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in ServerProcess(tmp_path).env.items() if not k.startswith("HERALD_TLS")}
    return subprocess.run(
        [sys.executable, "-m", "herald", "serve"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (("cert",), "HERALD_TLS_KEY"),
        (("ca",), "HERALD_TLS_CERT"),
        (("cert", "key", "missing_ca"), "HERALD_TLS_CLIENT_CA"),
        (("cert", "wrong_key"), "HERALD_TLS_KEY"),
    ],
)
def test_half_or_unusable_tls_configuration_exits_2(
    tmp_path: Path, pki: Pki, variables: tuple[str, ...], named: str
) -> None:
    values = {
        "cert": ("HERALD_TLS_CERT", str(pki.server.certfile)),
        "key": ("HERALD_TLS_KEY", str(pki.server.keyfile)),
        "wrong_key": ("HERALD_TLS_KEY", str(pki.billing.keyfile)),
        "ca": ("HERALD_TLS_CLIENT_CA", str(pki.server.cafile)),
        "missing_ca": ("HERALD_TLS_CLIENT_CA", str(tmp_path / "no-such-ca.pem")),
    }
    result = _serve(tmp_path, dict(values[v] for v in variables))
    assert result.returncode == 2, result.stderr
    assert "configuration error" in result.stderr
    assert named in result.stderr
    assert '"serving"' not in result.stderr
