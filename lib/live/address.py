"""The address phones use to join: the one in the projector's QR code and link.

Pure functions apart from `lan_address()`, which asks the operating system which of this machine's
addresses faces the room's network. Order: LEERSESSIE_PUBLIC_URL (a server behind a proxy) wins; a
projector opened on localhost of a server that listens on every interface (`make run HOST=0.0.0.0`)
gets the laptop's network address; otherwise the address the projector was opened on.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

# Addresses a server listens on when it serves every interface.
WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::", "[::]"})
# A documentation-only address (RFC 5737): connecting a UDP socket to it picks the outgoing interface
# without sending a single packet.
_PROBE = ("192.0.2.1", 9)


def is_loopback(host: str | None) -> bool:
    """Whether `host` can only be reached from this machine (localhost, 127.x.x.x, ::1)."""
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on the network it talks to (the room's wifi), or None without a network."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)  # UDP: no traffic, only a route lookup
            address = probe.getsockname()[0]
    except OSError:
        address = ""
    if address and not is_loopback(address) and address != "0.0.0.0":
        return address
    try:
        candidates = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return None
    return next((a for a in candidates if not is_loopback(a)), None)


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def join_base(*, public_url: str, page_url: str, server_address: str | None, lan_ip: str | None) -> str:
    """The scheme, host and port phones should use ("" when nothing is known).

    `page_url` is the address the projector was opened on, `server_address` what the server listens on
    (Streamlit's server.address), `lan_ip` this machine's network address (see `lan_address`)."""
    if public_url:
        return public_url.rstrip("/")
    parts = urlsplit(page_url or "")
    if not parts.netloc or not parts.hostname:
        return ""
    base = f"{parts.scheme or 'http'}://{parts.netloc}"
    if not is_loopback(parts.hostname):
        return base
    listening = (server_address or "").strip()
    if listening in WILDCARD_ADDRESSES:
        new_host = lan_ip
    elif not is_loopback(listening):
        new_host = listening  # the server listens on one network address only
    else:
        return base  # local only: phones cannot reach it (the projector warns)
    if not new_host:
        return base
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'http'}://{_host_for_url(new_host)}{port}"


def join_link(base: str, code: str, group_number: int | None = None) -> str:
    """The scribes' link on `base`: the Deelnemen page with the code (and group) filled in."""
    link = f"{base}/deelnemen?code={code}"
    return link + (f"&groep={group_number}" if group_number else "")


def unreachable_warning(link: str) -> str | None:
    """A Dutch warning when the join link points at this machine only, None when phones can use it."""
    host = urlsplit(link).hostname
    if not is_loopback(host):
        return None
    return (
        f"Telefoons kunnen deze link niet openen: {host} is alleen deze computer. "
        "Start de app met `make run HOST=0.0.0.0` (netwerk van de zaal) of stel LEERSESSIE_PUBLIC_URL in."
    )
