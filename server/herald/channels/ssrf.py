"""Refuse to connect a webhook to any address that is not globally routable.

The check runs in aiohttp's socket factory, i.e. on the exact address about
to be connected after DNS resolution, so a hostname that resolves (or
re-resolves) to an internal address is refused just like a literal. A URL whose
host is an address literal, in any form inet_aton accepts (`2130706433`,
`0x7f.1`, `0177.0.0.1`) or IPv6, is checked before anything is resolved
(`literal_address`). IPv6 forms that carry an IPv4 address (mapped, compatible,
6to4, NAT64, SIIT-translated) are judged by that IPv4 address.
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


_EMBEDDED_IPV4 = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated), also :: and ::1
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # SIIT IPv4-translated
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix
)
_NEVER = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64 local use
    ipaddress.IPv6Network("fec0::/10"),  # site-local (deprecated)
)


def _normalise(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return mapped
        for network in _EMBEDDED_IPV4:
            if address in network:
                return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_allowed(address: IPAddress, allow: Iterable[IPNetwork], public: bool = True) -> bool:
    """Allowed: in an allow-listed network, else (when `public`) a globally
    routable unicast address."""
    candidate = _normalise(address)
    if any(candidate in network or address in network for network in allow):
        return True
    if not public or any(address in network for network in _NEVER):
        return False
    return candidate.is_global and not candidate.is_multicast and not candidate.is_reserved


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host names literally (IPv6, or any IPv4 form inet_aton
    accepts), or None for a name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


class GuardedSocketFactory:
    def __init__(self, allow: Iterable[IPNetwork], public: bool = True) -> None:
        self.allow = tuple(allow)
        self.public = public

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not is_allowed(address, self.allow, self.public):
            raise AddressRefusedError(f"destination address {address} is not allowed")
        return socket.socket(family=family, type=type_, proto=proto)
