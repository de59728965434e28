"""Proxy trust is explicit: X-Forwarded-For is read only from a configured proxy, right-most untrusted
entry first; without a trusted proxy the peer counts, and a loopback peer is "local", never None."""

from __future__ import annotations

import pytest

from lib.core import network

PROXY = network.parse_networks("127.0.0.1, ::1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        (None, None, (), "local"),  # Streamlit reports loopback as None: still one limit
        (None, "198.51.100.7", (), "local"),  # an untrusted local peer cannot choose its address
        ("203.0.113.5", "198.51.100.7", (), "203.0.113.5"),
        ("203.0.113.5", "198.51.100.7", PROXY, "203.0.113.5"),  # not our proxy
        (None, "198.51.100.7", PROXY, "198.51.100.7"),  # nginx on the same host
        (None, "6.6.6.6, 198.51.100.7", PROXY, "198.51.100.7"),  # the client's own prefix is ignored
        (None, "6.6.6.6, 198.51.100.7, 10.0.0.2", PROXY + network.parse_networks("10.0.0.0/8"), "198.51.100.7"),
        (None, "", PROXY, "local"),  # the proxy's own request
        (None, "127.0.0.1", PROXY, "local"),
        (None, "2001:db8::5", PROXY, "2001:db8::5"),
        (None, "[2001:db8::5]:4711", PROXY, "2001:db8::5"),
        (None, "198.51.100.7:4711", PROXY, "198.51.100.7"),
        (None, "ongeldig, 198.51.100.7", PROXY, "198.51.100.7"),
        (None, "198.51.100.7, ongeldig", PROXY, "local"),
        ("::1", "198.51.100.7", PROXY, "198.51.100.7"),
        ("::ffff:198.51.100.8", None, (), "198.51.100.8"),
    ],
)
def test_the_client_address(peer, forwarded, trusted, expected):
    assert network.client_address(peer=peer, forwarded_for=forwarded, trusted=trusted) == expected


def test_a_wrong_proxy_setting_is_reported_in_dutch():
    with pytest.raises(ValueError, match="geen IP-adres of netwerk"):
        network.parse_networks("127.0.0.1, nginx")
    assert network.parse_networks(" ") == ()
