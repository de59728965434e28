"""Recurring themes in a real browser: the aanjager confirms a suggested theme on the projector, sees
what comes back from the previous session, and the dashboard shows the theme over time."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from lib import accounts
from lib.core import db
from lib.core.config import ROOT
from lib.insight import recurring
from lib.live import capture
from lib.models import Contribution, ContributionKind, LearningSession, Theme, User
from tests.browser.conftest import login, settle
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_live import engine_of, projector, running_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SCREENSHOTS = ROOT / "docs" / "screenshots"
WACHTLIJST = ["Lange wachtlijst voor de GGZ", "Inwoners staan maanden op een wachtlijst", "Wachtlijsten zijn te lang"]
OVERLEG = ["Geen overleg tussen de teams", "Het overleg tussen de teams kost veel tijd"]
BACK = "Lange wachttijd bij schuldhulp, de deurwaarder wacht niet"


def screenshot(element, name: str) -> None:
    """The README's pictures: written when missing, or when asked (UPDATE_SCREENSHOTS=1)."""
    path = SCREENSHOTS / name
    if not path.exists() or os.environ.get("UPDATE_SCREENSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        element.screenshot(path=str(path))


def prepare(server) -> tuple[int, dict[str, int]]:
    """A theme confirmed in the demo's first session (schuldhulp that takes too long); the next
    session in its first round, where that comes back, with new obstacles on wachtlijsten and overleg."""
    engine = engine_of(server)
    view = running_round(server, 1)
    with db.read(engine) as session:
        aanjager = accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))
        past_id = session.scalar(select(LearningSession.id).order_by(LearningSession.date))
        first = session.scalar(
            select(Contribution).where(Contribution.session_id == past_id, Contribution.text.like("Intake schuldhulp%"))
        )
    with db.transaction(engine) as session:
        second = Contribution(
            session_id=past_id,
            group_id=first.group_id,
            round_index=first.round_index,
            perspective=first.perspective,
            kind=first.kind,
            text="Wachttijd voor schuldhulp loopt op tot maanden",
        )
        session.add(second)
        session.flush()
        recurring.confirm_theme(
            session=session,
            learning_session_id=past_id,
            contribution_ids=[first.id, second.id],
            name="Wachttijd schuldhulp",
            actor=aanjager,
        )
    ids = {}
    with db.transaction(engine) as session:
        for n, text in enumerate([*WACHTLIJST, *OVERLEG, BACK]):
            ids[text] = capture.add_contribution(
                session=session,
                learning_session_id=view.id,
                group_id=view.groups[n % len(view.groups)].id,
                kind=ContributionKind.OBSTACLE,
                text=text,
                actor=aanjager,
            ).id
    return view.id, ids


def test_the_aanjager_confirms_a_suggested_theme_on_the_projector(browser, server):
    """On the projector the aanjager opens Thema's, sees two suggested groups and what comes back from
    the first session, names the wachtlijst group and clicks Samenvoegen: the theme is stored."""
    session_id, ids = prepare(server)
    context, page = projector(browser, server, session_id)
    try:
        page.get_by_text("Thema's samenvoegen").click()
        page.get_by_text("2 voorstellen om samen te voegen").wait_for()
        page.get_by_text("terugkerend (2e sessie)").first.wait_for()
        assert page.get_by_text(f"• {BACK} — Wachttijd schuldhulp: terugkerend (2e sessie)").count() == 1
        key = recurring.signature(ids[t] for t in WACHTLIJST)[:16]  # the repeat is not in it: it has a theme
        suggestion = page.locator(f".st-key-theme_suggestion_{key}")
        for text in WACHTLIJST:
            suggestion.get_by_text(text).wait_for()
        name = suggestion.get_by_label("Naam van het thema")
        assert name.input_value() == "Wachtlijst"
        page.wait_for_timeout(1000)  # let the board draw for the picture
        screenshot(page.locator(".st-key-themes_section"), "themes-projector.png")
        name.fill("Wachtlijsten in de zorg")
        suggestion.get_by_role("button", name="Samenvoegen").click()
        page.get_by_text("Thema ‘Wachtlijsten in de zorg’ is samengevoegd.").wait_for()
        page.get_by_text("1 voorstel om samen te voegen").wait_for()
        with db.read(engine_of(server)) as session:
            names = set(session.scalars(select(Theme.name)))
        assert names == {"Wachttijd schuldhulp", "Wachtlijsten in de zorg"}
    except Exception:
        page.screenshot(path=str(ROOT / "test-artifacts" / "themes-projector-failed.png"), full_page=True)
        raise
    finally:
        context.close()


def test_the_dashboard_shows_the_theme_over_time(page, server):
    """The aanjager opens Dashboard and sees the recurring theme in two sessions, with its contributions;
    the page has no serious accessibility issue."""
    with db.read(engine_of(server)) as session:
        if session.scalar(select(Theme.id).where(Theme.name == "Wachttijd schuldhulp")) is None:
            prepare(server)  # this test alone
    login(page, server.base_url, "aanjager")
    page.get_by_role("link", name="Dashboard").click()
    section = page.locator(".st-key-dash_recurring_themes")
    section.locator(".js-plotly-plot").wait_for(timeout=60_000)  # the last section of a long page
    settle(page)
    section.get_by_text("Wachttijd schuldhulp — 2 sessies").click()
    section.get_by_text("Vervolgacties die eruit voortkwamen").or_(
        section.get_by_text("Er is (nog) geen vervolgactie uit voortgekomen.")
    ).first.wait_for()
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let the chart finish its first draw
    screenshot(section, "themes-dashboard.png")
    assert serious_violations(page) == []
