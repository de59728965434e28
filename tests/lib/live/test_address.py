"""The join address phones get: public URL first, the laptop's network address when serving the room."""

from __future__ import annotations

import ipaddress

import pytest

from lib.live import address


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("app.localhost", True),
        ("192.168.1.20", False),
        ("leersessie.gemeente.nl", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_hosts_are_recognised(host, expected):
    assert address.is_loopback(host) is expected


def test_the_public_url_wins_behind_a_proxy():
    base = address.join_base(
        public_url="https://leersessie.gemeente.nl/",
        page_url="http://127.0.0.1:8501/projector",
        server_address="0.0.0.0",
        lan_ip="192.168.1.20",
    )
    assert base == "https://leersessie.gemeente.nl"


def test_a_projector_on_localhost_of_a_server_serving_the_room_gets_the_network_address():
    for page_url in ("http://localhost:8501/projector?sessie=3", "http://127.0.0.1:8501/projector"):
        for listening in ("0.0.0.0", "::", ""):
            base = address.join_base(public_url="", page_url=page_url, server_address=listening, lan_ip="192.168.1.20")
            assert base == "http://192.168.1.20:8501"


def test_an_ipv6_network_address_is_bracketed():
    base = address.join_base(public_url="", page_url="http://[::1]:8501/", server_address="::", lan_ip="fd00::5")
    assert base == "http://[fd00::5]:8501"


def test_a_server_on_one_network_address_gives_that_address():
    base = address.join_base(
        public_url="", page_url="http://localhost:8501/", server_address="10.0.0.7", lan_ip="192.168.1.20"
    )
    assert base == "http://10.0.0.7:8501"


def test_a_local_only_server_keeps_the_loopback_link_and_the_projector_warns():
    base = address.join_base(
        public_url="", page_url="http://127.0.0.1:8501/", server_address="127.0.0.1", lan_ip="192.168.1.20"
    )
    link = address.join_link(base, "ABCD23")
    assert link == "http://127.0.0.1:8501/deelnemen?code=ABCD23"
    warning = address.unreachable_warning(link)
    assert warning is not None and "127.0.0.1" in warning and "HOST=0.0.0.0" in warning


def test_a_projector_opened_on_the_network_address_keeps_it_and_is_not_warned():
    base = address.join_base(
        public_url="", page_url="http://192.168.1.20:8501/projector", server_address="0.0.0.0", lan_ip="10.1.1.1"
    )
    link = address.join_link(base, "ABCD23", 2)
    assert link == "http://192.168.1.20:8501/deelnemen?code=ABCD23&groep=2"
    assert address.unreachable_warning(link) is None


def test_without_a_network_the_loopback_link_stays():
    base = address.join_base(public_url="", page_url="http://localhost:8501/", server_address="0.0.0.0", lan_ip=None)
    assert base == "http://localhost:8501"
    assert address.join_base(public_url="", page_url="", server_address="0.0.0.0", lan_ip="1.2.3.4") == ""


def test_the_lan_address_of_this_machine_is_not_loopback():
    found = address.lan_address()
    if found is None:
        pytest.skip("this machine has no network interface besides loopback")
    assert not ipaddress.ip_address(found).is_loopback
