"""Leercirkels and the Oogstdag in a real browser: a professional enrols, the aanjager sees who is in and
who waits, and the Oogstdag's oogst fits the projector at 1920×1080."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lib.accounts import CurrentUser
from lib.core import db
from lib.live import phases
from lib.models import ActionStatus, LearningSession, Role, SeriesKind, SessionKind, SessionStatus, User
from lib.planning import enrolment
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, login, settle

CIRCLE = "Leercirkel Schulden en armoede"
expect.set_options(timeout=20_000)  # the first render of a page takes a while on a busy machine


@pytest.fixture(scope="module")
def world(server) -> dict[str, int]:
    """A leercirkel of two places with one person in, and the demo's next session as a running Oogstdag
    in its terugblik, with a few more reasons why actions did not get off the ground."""
    engine = db.engine_for(server.database_url)
    today = dt.date.today()
    with db.transaction(engine) as s:
        circle = f.series(
            s,
            name=CIRCLE,
            kind=SeriesKind.LEERCIRKEL,
            max_participants=2,
            description="Vier bijeenkomsten over vroegsignalering van schulden.",
        )
        for weeks in (2, 4, 6, 8):
            f.learning_session(
                s, series_row=circle, date=today + dt.timedelta(weeks=weeks), title=f"{CIRCLE} — bijeenkomst"
            )
        other = f.current(f.user(s, Role.PROFESSIONAL, username="anna", display_name="Anna de Vries"))
        enrolment.enrol(session=s, series_id=circle.id, actor=other, today=today)
        aanjager = CurrentUser.of(s.scalar(select(User).where(User.username == "aanjager")))
        past = s.scalars(select(LearningSession).where(LearningSession.status == SessionStatus.FINISHED)).first()
        owner = s.scalar(select(User).where(User.username == "manager"))
        for title, reason in [
            ("Gezamenlijk huisbezoek plannen", "Te weinig capaciteit in het wijkteam."),
            ("Budgetcoach inzetten", "Geen budget voor een budgetcoach"),
            ("Regeling bijzondere bijstand verruimen", "geen budget"),
        ]:
            f.action(s, past, owner, title=title, status=ActionStatus.FAILED, reason=reason)
        meetings = s.scalars(select(LearningSession).where(LearningSession.status == SessionStatus.PREPARED)).all()
        oogstdag = meetings[0]
        oogstdag.kind = SessionKind.OOGSTDAG
        ids = {"circle": circle.id, "oogstdag": oogstdag.id}
    with db.transaction(engine) as s:
        phases.open_session(session=s, learning_session_id=ids["oogstdag"], actor=aanjager)
    with db.transaction(engine) as s:
        meeting = s.get(LearningSession, ids["oogstdag"])
        phases.control(
            session=s, learning_session_id=meeting.id, command="next", expected_version=meeting.version, actor=aanjager
        )
    return ids


def test_a_professional_enrols_in_a_leercirkel(browser, server, world):
    """On Mijn sessies the professional sees the leercirkel with one place left, enrols, and is in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    login(page, server.base_url, "professional")
    page.goto(f"{server.base_url}/mijn_sessies")
    settle(page)
    expect(page.get_by_role("heading", name=re.compile(CIRCLE)).first).to_be_visible()
    expect(page.get_by_text("1 van 2 plaatsen bezet.")).to_be_visible()
    page.get_by_role("button", name="Inschrijven voor de hele cyclus").click()
    expect(page.get_by_text("U staat ingeschreven voor de hele cyclus.")).to_be_visible()
    expect(page.get_by_text("2 van 2 plaatsen bezet.")).to_be_visible()
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "leercirkel-mijn-sessies.png"), full_page=True)
    context.close()


def test_when_the_circle_is_full_the_next_one_waits(browser, server, world):
    """The circle is full: a manager who wants to join is put on the waiting list, place 1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    login(page, server.base_url, "manager")
    page.goto(f"{server.base_url}/mijn_sessies")
    settle(page)
    page.get_by_role("button", name="Op de wachtlijst").click()
    expect(page.get_by_text("U staat op de wachtlijst, plaats 1.")).to_be_visible()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "leercirkel-wachtlijst.png"))
    context.close()


def test_the_aanjager_sees_the_kind_and_the_enrolments(browser, server, world):
    """On Reeksen the leercirkel shows its kind, its places, who is enrolled and who waits."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/reeksen")
    settle(page)
    page.get_by_role("combobox", name="Reeks").click()
    page.get_by_role("option", name=re.compile(CIRCLE)).click()
    settle(page)
    heading = page.get_by_role("heading", name="Inschrijvingen — 2 van 2 plaatsen bezet")
    expect(heading).to_be_visible()
    expect(page.get_by_text(re.compile("Anna de Vries"))).to_be_visible()
    expect(page.get_by_text(re.compile("— plaats 1"))).to_be_visible()
    heading.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / "leercirkel-reeksen.png"))
    page.get_by_text("Reeks bewerken").click()
    kind = page.get_by_text("Soort reeks")
    expect(kind).to_be_visible()
    settle(page)
    kind.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "leercirkel-reeks-soort.png"))
    context.close()


def test_the_oogstdag_fits_the_projector(page, server, world):
    """At 1920×1080 the Oogstdag shows what got off the ground and why not, grouped, without scrolling."""
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/projector?sessie={world['oogstdag']}")
    settle(page)
    oogst = page.locator("section.og-col.not")
    expect(oogst).to_be_visible()
    expect(page.get_by_text(re.compile("Oogst van Proeftuin Ruwaard"))).to_be_visible()
    reasons = page.locator(".og-reason")
    expect(reasons.first).to_contain_text("2×")  # e.g. "geen budget" twice, in two wordings
    settle(page)
    box = page.locator(".og-cols").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1080
    page.screenshot(path=str(ARTIFACTS / "oogstdag-projector.png"))


def test_the_oogstdag_fits_a_small_projector(browser, server, world):
    """At 1280×720, with the menu folded away, the Oogstdag still shows both columns without scrolling."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-NL")
    page = context.new_page()
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/projector?sessie={world['oogstdag']}")
    settle(page)
    page.locator('[data-testid="stSidebar"]').hover()
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    settle(page)
    expect(page.locator("section.og-col.not")).to_be_visible()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "oogstdag-projector-1280.png"))
    box = page.locator(".og-cols").bounding_box()
    context.close()
    assert box is not None and box["y"] + box["height"] <= 720
