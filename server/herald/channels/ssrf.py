"""Refuse to connect a webhook to any address that is not globally routable.

The check runs in aiohttp's socket factory, i.e. on the exact address about
to be connected after DNS resolution, so a hostname that resolves (or
re-resolves) to an internal address is refused just like a literal.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from aiohttp.connector import AddrInfoType

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefusedError(OSError):
    """The destination address is not allowed by the SSRF policy."""


def _normalise(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return mapped
    return address


def is_allowed(address: IPAddress, allow: Iterable[IPNetwork]) -> bool:
    candidate = _normalise(address)
    if any(candidate in network or address in network for network in allow):
        return True
    return candidate.is_global and not candidate.is_multicast


class GuardedSocketFactory:
    def __init__(self, allow: Iterable[IPNetwork]) -> None:
        self.allow = tuple(allow)

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address = ipaddress.ip_address(sockaddr[0])
        if not is_allowed(address, self.allow):
            raise AddressRefusedError(f"destination address {address} is not allowed")
        return socket.socket(family=family, type=type_, proto=proto)
