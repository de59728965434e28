"""Which network address a request comes from, for the limits in lib/core/throttle.py.

Proxy trust is explicit configuration (`LEERSESSIE_TRUSTED_PROXIES`, see SECURITY.md): only when the
peer that connected is a trusted proxy is `X-Forwarded-For` read, and then its right-most entry that is
not itself a trusted proxy is the client (entries further left are whatever the client chose to send).
Without a trusted proxy the address is the peer's own. A loopback peer that is not trusted gets the fixed
key "local", never None: no address must never mean no limit.

Uvicorn (under Streamlit) rewrites the peer from `X-Forwarded-For` for loopback peers unless it is
started with `FORWARDED_ALLOW_IPS=""` (the Makefile and deploy/systemd do); with that left out,
`client_address` cannot see the real peer, so the UI treats any forwarded request as "local".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOCAL = "local"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


def parse_networks(value: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8, ::1' → networks. Raises ValueError (Dutch) on anything else."""
    networks = []
    for item in value.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"LEERSESSIE_TRUSTED_PROXIES: {item!r} is geen IP-adres of netwerk.") from None
    return tuple(networks)


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1 : value.find("]")] if "]" in value else value
    elif value.count(":") == 1:  # 192.0.2.1:5000
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def _key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    return LOCAL if address.is_loopback else str(address)


def client_address(*, peer: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The key of the client's address: the peer (None = loopback, as Streamlit reports it), or with a
    trusted peer the right-most untrusted `X-Forwarded-For` entry. Never empty."""
    trusted = tuple(trusted)
    peer_ip = _ip(peer) if peer else LOOPBACK
    if peer_ip is None:
        return LOCAL if not peer else peer[:60]  # not an IP (a unix socket): one shared key
    if not _trusted(peer_ip, trusted):
        return _key(peer_ip)
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_ip = _ip(hop)
        if hop_ip is None:
            return LOCAL  # a garbled entry: whatever is left of it was written by the client
        if not _trusted(hop_ip, trusted):
            return _key(hop_ip)
    return _key(peer_ip)  # the proxy forwarded nothing usable: the request is the proxy's own
