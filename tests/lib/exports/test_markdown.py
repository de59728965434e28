"""The Markdown of a download shows user text exactly as typed: nothing becomes a link, markup or list."""

from __future__ import annotations

from lib.exports.markdown import escape
from tests.corpus import blns


def test_every_naughty_string_stays_inert_on_one_line():
    for text in blns():
        line = escape(text)
        assert "\n" not in line
        for active in ("[", "<", "*", "`"):
            assert line.count(active) == line.count("\\" + active)
