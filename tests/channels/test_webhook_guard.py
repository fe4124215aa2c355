"""The webhook SSRF guard, in process, for every address that is not loopback:
private, link-local and metadata, CGNAT, multicast, unspecified, and IPv6 forms
that embed an IPv4 address. No packet may leave the process, so socket creation
is replaced by a recorder that refuses: a test passes only if the guard refused
before asking for a socket, and a guard that let an address through could still
never connect anywhere."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from herald.channels import ssrf
from herald.channels.ssrf import AddressRefusedError, GuardedSocketFactory, literal_address
from herald.channels.webhook import WebhookChannel
from herald.core.channel import Channel

from tests.channels.conftest import outbound

SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLWhlcmFsZA=="

REFUSED = [
    "10.0.0.1",
    "10.255.255.53",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "169.254.0.1",
    "100.64.0.1",  # CGNAT
    "100.127.255.254",
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "0.0.0.0",
    "0.1.2.3",
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "198.18.0.1",  # benchmarking
    "192.0.2.1",  # documentation
    "127.0.0.1",
    "::1",
    "::",
    "fe80::1",  # IPv6 link-local
    "fc00::1",  # unique local
    "fd00:ec2::254",  # AWS metadata over IPv6
    "fec0::1",  # site-local (deprecated)
    "ff02::1",  # multicast
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::7f00:1",  # IPv4-compatible
    "::a00:1",
    "::ffff:0:a9fe:a9fe",  # SIIT-translated
    "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address
    "64:ff9b::a00:1",
    "64:ff9b:1::1",  # NAT64 local use
    "2002:a9fe:a9fe::1",  # 6to4 of the metadata address
    "2002:7f00:1::1",
    "2001::1",  # Teredo
    "2001:db8::1",  # documentation
]

URL_FORMS = [
    "http://10.0.0.1/hook",
    "http://10.1/hook",  # 10.0.0.1, short form
    "http://167772161/hook",  # 10.0.0.1, decimal
    "http://0xa.0.0.1/hook",  # hex
    "http://012.0.0.1/hook",  # octal
    "http://172.16.0.1:8080/hook",
    "http://192.168.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/latest/meta-data/",  # 169.254.169.254, decimal
    "http://0xa9.0xfe.0xa9.0xfe/",  # hex
    "http://0251.0376.0251.0376/",  # octal
    "http://100.64.0.1/hook",
    "http://224.0.0.1/hook",
    "http://0.0.0.0/hook",
    "http://0/hook",
    "https://[fe80::1]/hook",
    "https://[fe80::1%25eth0]/hook",
    "https://[fd00::1]/hook",
    "https://[fc00::1]/hook",
    "https://[::ffff:a9fe:a9fe]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",
    "http://127.0.0.1/hook",
    "http://[::1]/hook",
]


@pytest.fixture
def sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """What the guard asked the socket module for; every request is refused."""
    asked: list[tuple[Any, ...]] = []

    def recorder(*args: Any, **kwargs: Any) -> socket.socket:
        asked.append((args, kwargs))
        raise OSError("the test allows no sockets")

    monkeypatch.setattr(
        ssrf, "socket", SimpleNamespace(socket=recorder, inet_aton=socket.inet_aton)
    )
    yield asked


def addr_info(address: str, port: int = 80) -> Any:
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
    return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))


@pytest.mark.parametrize("address", REFUSED)
def test_the_socket_factory_refuses_before_creating_a_socket(
    sockets: list[tuple[Any, ...]], address: str
) -> None:
    with pytest.raises(AddressRefusedError):
        GuardedSocketFactory(())(addr_info(address))
    assert sockets == []


def test_the_recorder_would_catch_a_guard_that_let_an_address_through(
    sockets: list[tuple[Any, ...]],
) -> None:
    # A public address passes the guard: the recorder is asked, and refuses.
    with pytest.raises(OSError, match="no sockets"):
        GuardedSocketFactory(())(addr_info("192.0.43.10"))
    assert len(sockets) == 1


def test_an_allow_list_admits_only_its_networks(sockets: list[tuple[Any, ...]]) -> None:
    factory = GuardedSocketFactory([ipaddress.ip_network("127.0.0.0/8")])
    with pytest.raises(OSError, match="no sockets"):
        factory(addr_info("::ffff:127.0.0.1"))  # mapped into an allowed network
    with pytest.raises(AddressRefusedError):
        factory(addr_info("10.0.0.1"))
    deny_public = GuardedSocketFactory((), public=False)
    with pytest.raises(AddressRefusedError):
        deny_public(addr_info("192.0.43.10"))
    assert len(sockets) == 1


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1"),
        ("localhost", None),
        ("example.com", None),
    ],
)
def test_literal_addresses_in_every_form(host: str, expected: str | None) -> None:
    found = literal_address(host)
    assert (str(found) if found is not None else None) == expected


@pytest.fixture
async def no_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Name resolution refused and recorded (the resolver here is not on loopback)."""
    asked: list[str] = []
    loop = asyncio.get_running_loop()

    async def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "the test allows no name resolution")

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("url", URL_FORMS)
async def test_literal_urls_are_refused_before_resolving_or_connecting(
    sockets: list[tuple[Any, ...]], no_dns: list[str], url: str
) -> None:
    channel = WebhookChannel([SECRET], timeout=2)
    await channel.start()
    try:
        result = await channel.send(outbound(Channel.WEBHOOK, url))
    finally:
        await channel.close()
    assert (result.ok, result.permanent, result.error_code) == (False, True, "SSRF_REFUSED")
    assert sockets == []
    assert no_dns == []


async def test_a_deny_all_policy_refuses_names_without_resolving_them(
    sockets: list[tuple[Any, ...]], no_dns: list[str]
) -> None:
    channel = WebhookChannel([SECRET], timeout=2, allow_public=False)
    await channel.start()
    try:
        for url in ("https://example.com/hook", "http://93.184.216.34/", "http://localhost/"):
            result = await channel.send(outbound(Channel.WEBHOOK, url))
            assert (result.error_code, result.permanent) == ("SSRF_REFUSED", True)
    finally:
        await channel.close()
    assert sockets == []
    assert no_dns == []


async def test_a_name_that_resolves_inward_is_refused_after_resolution(
    sockets: list[tuple[Any, ...]],
) -> None:
    # localhost comes from /etc/hosts (no DNS server is asked); it resolves to
    # loopback, which the guard refuses at the socket.
    channel = WebhookChannel([SECRET], timeout=2)
    await channel.start()
    try:
        result = await channel.send(outbound(Channel.WEBHOOK, "http://localhost:9/hook"))
    finally:
        await channel.close()
    assert (result.error_code, result.permanent) == ("SSRF_REFUSED", True)
    assert sockets == []
