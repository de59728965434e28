"""The projector in presentation mode, in Chromium at beamer sizes: everything within the screen, text
legible from the back of the room, the aanjager's keys, the schedule line, and a refresh.

LEERSESSIE_SCREENSHOTS=1 also saves docs/screenshots/presentatie-1920.png and presentatie-1280.png.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from sqlalchemy import select

from lib import accounts
from lib.core import dates, db
from lib.core.config import ROOT
from lib.live import capture, phases
from lib.models import Action, Contribution, ContributionKind, Group, LearningSession, User
from tests.browser.conftest import login, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SIZES = [(1920, 1080, 24), (1280, 720, 20)]
TEXTS = [
    "Niemand voelt zich eigenaar van de overdracht tussen wijkteam en corporatie",
    "Wachtlijst voor schuldhulp van drie maanden",
    "Korte lijnen met de huurconsulent helpen",
    "Elke organisatie vraagt dezelfde gegevens opnieuw uit bij het gezin",
    "Vast aanspreekpunt",
    "De regels voor bijzondere bijstand zijn niet bekend bij de wijkcoach",
    "Samen op huisbezoek gaan werkt goed",
    "Budgetcoach beschikbaar binnen een week",
    "Te veel overleggen zonder besluit",
    "Huurachterstand wordt te laat gemeld aan het wijkteam, pas na drie maanden",
]


def engine_of(server):
    return db.engine_for(server.database_url)


def aanjager(engine) -> accounts.CurrentUser:
    with db.read(engine) as session:
        return accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))


def step(engine, session_id: int, command: str = "next") -> None:
    with db.transaction(engine) as session:
        meeting = session.get(LearningSession, session_id)
        phases.control(
            session=session,
            learning_session_id=session_id,
            command=command,
            expected_version=meeting.version,
            actor=aanjager(engine),
        )


def state(engine, session_id: int) -> tuple[str, int, bool]:
    with db.read(engine) as session:
        meeting = session.get(LearningSession, session_id)
        return meeting.phase, meeting.current_round, meeting.paused_at is not None


@pytest.fixture(scope="module")
def room(server) -> int:
    """The demo's next session, opened, in round 1, with six groups of ten items each (a full room)."""
    engine = engine_of(server)
    with db.read(engine) as session:
        session_id = list(session.scalars(select(LearningSession.id).order_by(LearningSession.date)))[1]
    with db.transaction(engine) as session:
        phases.open_session(session=session, learning_session_id=session_id, actor=aanjager(engine))
    step(engine, session_id)
    step(engine, session_id)
    with db.transaction(engine) as session:
        numbers = set(session.scalars(select(Group.number).where(Group.session_id == session_id)))
        for number in range(1, 7):
            if number not in numbers:
                session.add(Group(session_id=session_id, number=number, name=f"Groep {number}"))
        session.flush()
        groups = session.scalars(select(Group).where(Group.session_id == session_id).order_by(Group.number)).all()
        start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        for g, group in enumerate(groups):
            for i in range(10):
                session.add(
                    Contribution(
                        session_id=session_id,
                        group_id=group.id,
                        round_index=0,
                        perspective="systeem",
                        kind=ContributionKind.OBSTACLE if i % 2 else ContributionKind.HELPER,
                        text=f"{TEXTS[(i + g) % len(TEXTS)]} ({i + 1})",
                        author_key=f"telefoon-{g}-{i % 2}",
                        created_at=start + dt.timedelta(seconds=10 * i + g),
                    )
                )
        phases.touch(session, session_id)
    return session_id


def presentation(browser, server, session_id: int, width: int, height: int):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/projector?sessie={session_id}&presentatie=1")
    page.get_by_role("status").first.wait_for()
    page.locator(".ls-board").first.wait_for()
    page.frame_locator("iframe").first.locator("#time").wait_for()
    settle(page)
    page.wait_for_timeout(1_500)  # the timer's iframe sizes itself to its content
    return context, page


OUTSIDE = """() => {
  const w = window.innerWidth, h = window.innerHeight, out = [];
  for (const el of document.querySelectorAll('.ls-board, .ls-board *, iframe, .ls-card')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5)
      out.push(el.tagName + '.' + el.className + ' ' + JSON.stringify([r.left, r.top, r.right, r.bottom]));
  }
  return out;
}"""

SCROLLS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], html, body'))
  .filter(el => el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'hidden')
  .map(el => el.tagName + ' ' + el.getAttribute('data-testid') + ' ' + el.scrollHeight + '>' + el.clientHeight)"""


@pytest.mark.parametrize(("width", "height", "minimum"), SIZES)
def test_a_full_board_fits_the_beamer_without_scrolling(browser, server, room, width, height, minimum):
    """Six groups of ten items: the room sees every group, the timer and the questions, nothing below the fold."""
    context, page = presentation(browser, server, room, width, height)
    try:
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('header[data-testid="stHeader"]').is_visible()
        assert page.locator(".ls-group").count() == 6
        assert page.evaluate(OUTSIDE) == []
        assert page.evaluate(SCROLLS) == []
        sizes = page.eval_on_selector_all(
            ".ls-items li, .ls-more", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert sizes and min(sizes) >= minimum, sizes
        assert page.locator(".ls-more").count() > 0  # the oldest items are counted: "+ 7 eerdere"
        assert re.fullmatch(r"\+ \d+ eerdere", page.locator(".ls-more").first.inner_text())
        digits = page.frame_locator("iframe").first.locator("#time")
        assert float(digits.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 96
        assert digits.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth")  # no "10:" clipping
        questions = page.locator(".ls-questions li")
        assert questions.count() >= 3 and all(questions.nth(i).is_visible() for i in range(questions.count()))
        assert page.get_by_text(re.compile(r"[A-Z0-9]{4} [A-Z0-9]{4}")).first.is_visible()  # the join code
        assert page.locator(".ls-phones").first.is_visible()
        if os.environ.get("LEERSESSIE_SCREENSHOTS") == "1":
            page.screenshot(path=str(ROOT / "docs" / "screenshots" / f"presentatie-{width}.png"))
    finally:
        context.close()


def test_keys_pause_and_advance_exactly_one_phase_but_not_while_typing(browser, server, room):
    """Space pauses and resumes, → moves one phase on, and typing in a field presses nothing."""
    engine = engine_of(server)
    context, page = presentation(browser, server, room, 1280, 720)
    try:
        phase, round_index, paused = state(engine, room)
        assert (phase, paused) == ("ronde", False)
        page.mouse.click(5, 700)
        page.keyboard.press("Space")
        page.get_by_role("button", name="Hervat").wait_for()
        assert state(engine, room)[2] is True
        page.keyboard.press("Space")
        page.get_by_role("button", name="Pauze").wait_for()
        assert state(engine, room)[2] is False
        # Typing in a field: spaces and arrows stay in the field.
        page.get_by_role("button", name="☰ Meer").click()
        field = page.get_by_label("Inbreng", exact=True)
        field.fill("Een zin met spaties")
        field.press("Space")
        field.press("ArrowRight")
        field.press("+")
        page.wait_for_timeout(1_500)
        assert state(engine, room) == (phase, round_index, False)
        page.keyboard.press("Escape")
        page.mouse.click(5, 700)
        settle(page)
        page.keyboard.press("ArrowRight")
        page.get_by_role("status").filter(has_text=f"Ronde {round_index + 2} van").wait_for()
        page.wait_for_timeout(2_000)  # a second step would show by now
        assert state(engine, room)[:2] == (phase, round_index + 1)
    finally:
        context.close()


def test_the_control_bar_hides_and_the_keys_keep_working(browser, server, room):
    """ "✕" hides the aanjager's bar from the room; space still pauses and "+" still adds a minute."""
    engine = engine_of(server)
    context, page = presentation(browser, server, room, 1280, 720)
    try:
        with db.read(engine) as session:
            added = session.get(LearningSession, room).added_seconds
        page.get_by_role("button", name="✕").click()
        page.get_by_role("button", name="⚙️").wait_for()
        assert not page.locator(".st-key-ls_controls").is_visible()
        page.mouse.click(5, 700)
        page.keyboard.press("Space")
        page.frame_locator("iframe").first.get_by_text("Gepauzeerd").wait_for()
        page.keyboard.press("+")
        page.wait_for_timeout(2_500)
        with db.read(engine) as session:
            meeting = session.get(LearningSession, room)
            assert (meeting.paused_at is not None, meeting.added_seconds) == (True, added + 60)
        page.keyboard.press("Space")
        page.frame_locator("iframe").first.get_by_text("Gepauzeerd").wait_for(state="detached")
    finally:
        context.close()


def test_a_refresh_returns_to_presentation_mode_at_the_same_phase(browser, server, room):
    """The projector tab reloaded mid-round comes back without menu, at the same round and time."""
    engine = engine_of(server)
    context, page = presentation(browser, server, room, 1920, 1080)
    try:
        _phase, round_index, _paused = state(engine, room)
        page.reload()
        page.get_by_role("status").filter(has_text=f"Ronde {round_index + 1} van").wait_for()
        assert "presentatie=1" in page.url
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert page.locator(".st-key-ls_controls").is_visible()
    finally:
        context.close()


def schedule_line(page) -> str:
    return page.frame_locator("iframe").first.locator(".side").inner_text()


def test_the_schedule_follows_a_late_opening_and_keeps_the_plan_for_an_on_time_one(browser, server, room):
    """Opened on time: ahead/behind the plan. Opened an hour late: "schema vanaf opening 14:05"."""
    engine = engine_of(server)
    now = dt.datetime.now(dates.TZ).replace(second=0, microsecond=0)
    for opened_late, expected in ((False, None), (True, f"schema vanaf opening {now.strftime('%H:%M')}")):
        planned_start = now - dt.timedelta(minutes=65 if opened_late else 5)
        with db.transaction(engine) as session:
            meeting = session.get(LearningSession, room)
            meeting.date = planned_start.date()
            meeting.start_time = planned_start.time()
            # A session ends on the day it starts: shortened at midnight when the test runs around it.
            end_of_day = dt.datetime.combine(planned_start.date(), dt.time(23, 59), planned_start.tzinfo)
            meeting.end_time = min(planned_start + dt.timedelta(minutes=90), end_of_day).time()
            meeting.started_at = now.astimezone(dt.UTC) - dt.timedelta(minutes=0 if opened_late else 5)
            phases.touch(session, room)
        context, page = presentation(browser, server, room, 1280, 720)
        try:
            line = schedule_line(page)
            assert re.search(r"op schema|\d+ min (voor|achter) op schema", line), line
            if expected:
                assert expected in line, line
            else:
                assert "vanaf opening" not in line, line
                minutes = int(re.search(r"(\d+) min", line)[1]) if "min" in line else 0
                assert minutes < 60, line  # measured against today's plan, not "852 min achter"
            box = page.frame_locator("iframe").first.locator(".box")
            assert box.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
        finally:
            context.close()


def test_a_typed_first_name_and_enter_make_the_user_the_trekker(browser, server, room):
    """Typing "Marco" + Enter in the afsluiting picks the user Marco de Bruijn, and the confirmation says so."""
    engine = engine_of(server)
    with db.transaction(engine) as session:
        group_id = session.scalar(select(Group.id).where(Group.session_id == room, Group.number == 1))
        solution = capture.add_contribution(
            session=session,
            learning_session_id=room,
            group_id=group_id,
            kind=ContributionKind.SOLUTION,
            text="Eén loket voor huurachterstanden",
            author_key="telefoon-trekker",
        ).id
    while state(engine, room)[0] != "afsluiting":
        step(engine, room)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        login(page, server.base_url, "aanjager")
        page.goto(f"{server.base_url}/projector?sessie={room}&presentatie=1")
        picker = page.locator(f".st-key-action_owner_{solution} input")
        picker.click()
        picker.fill("Marco")
        picker.press("Enter")
        page.get_by_role("button", name="Maak actie").click()
        page.get_by_text("trekker: Marco de Bruijn").first.wait_for()
        with db.read(engine) as session:
            action = session.scalar(select(Action).where(Action.contribution_id == solution))
            marco = session.scalar(select(User.id).where(User.display_name == "Marco de Bruijn"))
        assert (action.owner_user_id, action.owner_name) == (marco, None)
    finally:
        context.close()
