"""The REST gateway calling the server over mutual TLS. The server serves a call without an
authorization header as its client certificate's caller, and every call through the
gateway comes with the gateway's certificate, so the gateway must never pass on a request
that has no credentials of its own: even a gateway certificate the server grants scopes to
must not make anonymous HTTP clients its callers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest

from tests.peers.tls import CertificateAuthority, IssuedCertificate
from tests.support.auth import token
from tests.support.gateway import GatewayProcess
from tests.support.server import ServerProcess

ADMIN = {"Authorization": f"Bearer {token()}"}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    pki = tmp_path_factory.mktemp("pki")
    ca = CertificateAuthority(pki, "herald")
    server_cert = ca.issue(
        "herald", dns_names=("localhost",), ip_addresses=("127.0.0.1",), server=True
    )
    gateway_cert: IssuedCertificate = ca.issue("rest-gateway")
    server = ServerProcess(
        Path(tmp_path_factory.mktemp("herald")),
        {
            "HERALD_TLS_CERT": str(server_cert.certfile),
            "HERALD_TLS_KEY": str(server_cert.keyfile),
            "HERALD_TLS_CLIENT_CA": str(server_cert.cafile),
            # An operator who grants the gateway's certificate a role.
            "HERALD_TLS_IDENTITIES": "rest-gateway=role:admin",
        },
        credentials=grpc.ssl_channel_credentials(
            server_cert.ca_pem, gateway_cert.key_pem, gateway_cert.cert_pem
        ),
    ).start()
    process = GatewayProcess(
        server.target,
        server.data_dir / "gateway.log",
        {
            "HERALD_GATEWAY_TARGET_CA": str(server_cert.cafile),
            "HERALD_GATEWAY_TARGET_CERT": str(gateway_cert.certfile),
            "HERALD_GATEWAY_TARGET_KEY": str(gateway_cert.keyfile),
        },
    )
    try:
        yield process.start()
    finally:
        process.stop()
        server.stop()


async def test_a_request_without_credentials_is_401_not_the_gateways_caller(
    gateway: GatewayProcess,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        created = await client.post("/v1/users", json={"id": "alice"}, headers=ADMIN)
        assert created.status_code == 200, created.text

        for method, path in (("GET", "/v1/users"), ("DELETE", "/v1/users/alice")):
            reply = await client.request(method, path)
            assert reply.status_code == 401, (method, reply.text)
            assert reply.headers["WWW-Authenticate"].startswith("Bearer")
            body = reply.json()
            assert (body["status"], body["error"]) == ("UNAUTHENTICATED", "CREDENTIALS_MISSING")

        still_there = await client.get("/v1/users/alice", headers=ADMIN)
        assert still_there.status_code == 200, still_there.text


async def test_health_and_the_api_description_need_no_credentials(
    gateway: GatewayProcess,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
