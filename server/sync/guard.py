"""Which network addresses a connector may reach.

A tenant admin chooses a connector's ``base_url``; without a rule, Jixiao would fetch from
its own loopback, the cloud metadata service or the office LAN on his behalf, and
``testConnection`` would tell an open port from a closed one. So, unless
``JIXIAO_CONNECTOR_ALLOW_PRIVATE_NETWORKS`` allows it (the default outside production),
only public unicast addresses are reached.

The rule is enforced where the address is final: the socket factory of the engine's
aiohttp connector, called with each address actually about to be connected, after DNS
(a name that resolves to 10.0.0.1 is refused as 10.0.0.1 is) and for IP literals too
(aiohttp skips its resolver for those, so a resolver-only check would miss them). The
config check (``literal_host_allowed``) only gives the admin an early, clear refusal of
literal addresses and ``localhost`` names.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohappyeyeballs import AddrInfoType

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class BlockedAddress(OSError):
    """The address is on a network connectors may not reach."""


def address_allowed(ip: IPAddress) -> bool:
    """Public unicast only: no loopback, private, link-local, unique-local, shared (CGNAT),
    multicast, unspecified, reserved or documentation ranges, in IPv4 or IPv6."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address are judged by that address.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_allowed(embedded)
        if ip.teredo is not None:
            return False
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    ):
        return False
    return ip.is_global  # also excludes shared address space (100.64.0.0/10)


def literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, legacy IPv4 forms (``127.1``, ``2130706433``,
    ``0x7f.0.0.1``) included; None for a name that needs DNS."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def literal_host_allowed(host: str) -> bool:
    """False for a literal address that is not public and for ``localhost`` names."""
    name = host.strip().rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    ip = literal_address(name)
    return ip is None or address_allowed(ip)


def guarded_socket(addr_info: AddrInfoType) -> socket.socket:
    """aiohttp's ``socket_factory``: a socket for a public address, BlockedAddress otherwise."""
    family, type_, proto, _name, sockaddr = addr_info
    host = str(sockaddr[0])
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError as exc:  # not an IP address at all: nothing we can vouch for
        raise BlockedAddress(f"{host} is not an IP address") from exc
    if not address_allowed(ip):
        raise BlockedAddress(f"{ip} is on a network connectors may not reach")
    return socket.socket(family=family, type=type_, proto=proto)
