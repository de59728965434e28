"""The network address of this browser session, for the limits on logins and join codes."""

from __future__ import annotations

import logging
import os

import streamlit as st

from lib.core import network
from lib.core.config import get_settings

_log = logging.getLogger(__name__)


def address() -> str:
    """The client's address key (lib/core/network.py); "local" when it cannot be known. Never None."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # AppTest has no request context
        return network.LOCAL
    if forwarded and os.environ.get("FORWARDED_ALLOW_IPS") != "":
        # Uvicorn has already replaced a loopback peer by a forwarded entry: the real peer is unknown.
        _log.warning("X-Forwarded-For seen but uvicorn trusts it itself; start with FORWARDED_ALLOW_IPS=''.")
        return network.LOCAL
    trusted = network.parse_networks(get_settings().trusted_proxies)
    return network.client_address(peer=peer, forwarded_for=forwarded, trusted=trusted)
