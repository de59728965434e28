"""The Oogstdag's projector markup: user text escaped, long lists cut with how many more there are."""

from __future__ import annotations

import datetime as dt

from lib.insight import oogstdag
from lib.insight.oogst import ActionOutcome
from lib.models import ActionStatus
from lib.ui.oogstdag import SHOWN_GOT_OFF, SHOWN_GROUPS, oogst_html


def outcome(title: str, status: str, reason: str = "") -> ActionOutcome:
    return ActionOutcome("Sessie 1", dt.date(2026, 11, 1), title, "Trekker", "", status, reason, None)


def data(done: int, reasons: list[str]) -> oogstdag.OogstdagData:
    failed = tuple(outcome(f"Mislukt {i}", ActionStatus.FAILED, r) for i, r in enumerate(reasons))
    return oogstdag.OogstdagData(
        session_id=1,
        series_id=1,
        series_name="Reeks <b>Oss</b>",
        sessions_held=3,
        realised=tuple(outcome(f"Klaar {i}", ActionStatus.DONE) for i in range(done)),
        in_progress=(),
        failed=failed,
        stuck=(),
        open_on_track=0,
        reasons=tuple(oogstdag.group_reasons(list(failed))),
    )


def test_user_text_is_escaped():
    markup = oogst_html(data(1, ["<script>alert(1)</script>"]))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "Reeks &lt;b&gt;Oss&lt;/b&gt;" in markup
    assert "Oogst van" in markup and "3 leersessies" in markup


def test_long_lists_say_how_many_more():
    reasons = ["Geen budget", "Geen tijd", "Wachtlijst GGZ", "Privacyregels", "Niemand verantwoordelijk", "Ziekte"]
    markup = oogst_html(data(SHOWN_GOT_OFF + 3, reasons))
    assert "en nog 3 meer" in markup
    assert f"en nog {len(reasons) - SHOWN_GROUPS} andere redenen" in markup
    assert "Ziekte" not in markup


def test_nothing_yet():
    markup = oogst_html(data(0, []))
    assert "Nog geen actie gerealiseerd" in markup and "nog geen vervolgacties afgesproken" in markup
    assert "Alle acties zijn van de grond gekomen" in oogst_html(data(2, []))
