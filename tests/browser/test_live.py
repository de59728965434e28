"""The live session in real browsers: phones and projectors in separate contexts, and a server restart."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from sqlalchemy import select

from lib import accounts
from lib.core import db
from lib.live import capture, join, phases, timer
from lib.models import LearningSession, User
from tests.browser.conftest import PHONE, PROJECTOR, login
from tests.browser.test_accessibility import record

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def engine_of(server):
    return db.engine_for(server.database_url)


def running_round(server, index: int) -> phases.LiveView:
    """Demo session `index` (1 = the next one) opened and in its first round (left as it is if running)."""
    engine = engine_of(server)
    with db.read(engine) as session:
        ids = list(session.scalars(select(LearningSession.id).order_by(LearningSession.date)))
        actor = accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))
    session_id = ids[index]
    with db.transaction(engine) as session:
        already = session.get(LearningSession, session_id).status == "bezig"
        phases.open_session(session=session, learning_session_id=session_id, actor=actor)
    for _ in range(0 if already else 2):
        with db.transaction(engine) as session:
            meeting = session.get(LearningSession, session_id)
            phases.control(
                session=session,
                learning_session_id=session_id,
                command="next",
                expected_version=meeting.version,
                actor=actor,
            )
    with db.read(engine) as session:
        return phases.live_view(session=session, learning_session_id=session_id)


def projector(browser, server, session_id: int, phase: str = "Ronde 1 van 3", color_scheme: str = "light"):
    context = browser.new_context(
        viewport=PROJECTOR, locale="nl-NL", timezone_id="Europe/Amsterdam", color_scheme=color_scheme
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/projector?sessie={session_id}")
    page.get_by_role("status").filter(has_text=phase).wait_for()
    return context, page


def phone(browser, server, code: str, group: int):
    context = browser.new_context(
        viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.base_url}/deelnemen?code={code}&groep={group}")
    page.get_by_text("Ronde 1: het systeem").wait_for()
    return context, page


def seconds_left(page) -> int:
    """The countdown as a number of seconds (negative in overrun)."""
    text = page.frame_locator("iframe").first.locator("#time").inner_text()
    match = re.fullmatch(r"(\+?)(\d+):(\d\d)", text.strip())
    assert match, text
    value = int(match[2]) * 60 + int(match[3])
    return -value if match[1] else value


def test_a_scribes_contribution_appears_on_the_projector_within_3_seconds(browser, server):
    """A scribe types on a phone; the projector shows it within 3 s while nobody touches it."""
    view = running_round(server, 1)
    screen_context, screen = projector(browser, server, view.id)
    phone_context, scribe = phone(browser, server, view.join_code, 1)
    try:
        scribe.get_by_label("Inbreng van Groep 1").fill("Niemand voelt zich eigenaar van de overdracht")
        scribe.get_by_role("button", name="Toevoegen").click()
        scribe.get_by_text("Toegevoegd: het staat nu op het scherm.").wait_for()
        saved = time.monotonic()
        screen.locator(".ls-board").get_by_text("Niemand voelt zich eigenaar van de overdracht").wait_for(timeout=3_000)
        assert time.monotonic() - saved <= 3.0
        # A second scribe of the same group, at once: both are on the board.
        second_context, second = phone(browser, server, view.join_code, 1)
        second.get_by_label("Inbreng van Groep 1").fill("Korte lijnen met de huurconsulent")
        scribe.get_by_label("Inbreng van Groep 1").fill("Wachtlijst voor schuldhulp")
        second.get_by_role("button", name="Toevoegen").click()
        scribe.get_by_role("button", name="Toevoegen").click()
        for text in ("Korte lijnen met de huurconsulent", "Wachtlijst voor schuldhulp"):
            screen.locator(".ls-board").get_by_text(text).wait_for(timeout=6_000)
        second_context.close()
    finally:
        phone_context.close()
        screen_context.close()


def test_two_projectors_agree_on_the_time_and_a_pause_reaches_the_other(browser, server):
    """Two screens show the same remaining time within 1 s; a pause on one shows on the other within 3 s."""
    view = running_round(server, 2)
    first_context, first = projector(browser, server, view.id)
    second_context, second = projector(browser, server, view.id)
    try:
        first.frame_locator("iframe").first.locator("#time").wait_for()
        second.frame_locator("iframe").first.locator("#time").wait_for()
        time.sleep(1.2)  # let both clocks tick at least once on their own
        before, other, after = seconds_left(first), seconds_left(second), seconds_left(first)
        assert after - 1 <= other <= before + 1, (before, other, after)
        assert 17 * 60 < seconds_left(first) <= 20 * 60
        first.get_by_role("button", name="Pauze").click()
        first.frame_locator("iframe").first.get_by_text("Gepauzeerd").wait_for(timeout=5_000)
        paused = time.monotonic()
        second.frame_locator("iframe").first.get_by_text("Gepauzeerd").wait_for(timeout=3_000)
        assert time.monotonic() - paused <= 3.0
        frozen = seconds_left(second)
        time.sleep(2.2)
        assert seconds_left(second) == frozen == seconds_left(first)
    finally:
        first_context.close()
        second_context.close()


def test_a_double_click_on_next_round_advances_once(browser, server):
    """Clicking "Volgende ronde" twice in a row moves the session one round on, not two."""
    view = running_round(server, 3)
    context, screen = projector(browser, server, view.id)
    try:
        screen.get_by_role("button", name="Volgende ronde ▶").dblclick()
        screen.get_by_role("status").filter(has_text="Ronde 2 van 3").wait_for()
        time.sleep(2.5)
        with db.read(engine_of(server)) as session:
            assert session.get(LearningSession, view.id).current_round == 1
        assert screen.get_by_role("status").filter(has_text="Ronde 2 van 3").count() == 1
    finally:
        context.close()


def test_a_server_restart_mid_round_keeps_phase_round_time_and_contributions(browser, server):
    """After the server restarts, the projector shows the same round, time and contributions."""
    view = running_round(server, 1)
    engine = engine_of(server)
    with db.transaction(engine) as session:
        for group in view.groups:
            capture.add_contribution(
                session=session,
                learning_session_id=view.id,
                group_id=group.id,
                kind="helper",
                text=f"Voor de herstart: {group.name}",
                author_key="telefoon-herstart",
            )
        meeting = session.get(LearningSession, view.id)
        round_before = meeting.current_round
    server.restart()
    # A fresh load, as after a crash: the same round as before.
    context, screen = projector(browser, server, view.id, phase=f"Ronde {round_before + 1} van 3")
    try:
        for group in view.groups:
            screen.locator(".ls-board").get_by_text(f"Voor de herstart: {group.name}").wait_for()
        screen.frame_locator("iframe").first.locator("#time").wait_for()
        time.sleep(1.2)
        shown = seconds_left(screen)
        with db.read(engine) as session:
            state = timer.state_of(session.get(LearningSession, view.id))
        expected = timer.remaining(state, dt.datetime.now(dt.UTC))
        assert abs(shown - expected) <= 1.5, (shown, expected)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_custom_projector_markup_has_no_serious_accessibility_issues(browser, server, scheme):
    """In the light and the dark theme, axe-core finds no serious or critical issue in the board and timer."""
    from axe_playwright_python.sync_playwright import Axe

    view = running_round(server, 1)
    context, screen = projector(browser, server, view.id, phase="Ronde", color_scheme=scheme)
    try:
        screen.locator(".ls-board").first.wait_for()
        screen.frame_locator("iframe").first.locator("#time").wait_for()
        if scheme == "dark":
            # The app ships a light theme; a user may still switch Streamlit to dark. Paint the page in
            # Streamlit's dark colours so contrast is measured against them.
            screen.add_style_tag(
                content=".stApp, [data-testid='stMain'], [data-testid='stMainBlockContainer'] "
                "{ background: #0e1117 !important; color: #fafafa !important; }"
            )
        axe = Axe()
        problems = []
        board = axe.run(screen, context={"include": [[".ls"]]})
        record(f"projector-{scheme}", screen.url, board.response)
        problems += [v for v in board.response["violations"] if v["impact"] in ("serious", "critical")]
        frame = next(f for f in screen.frames if f != screen.main_frame and "Timer" in (f.title() or ""))
        widget = axe.run(frame)
        record(f"projector-timer-{scheme}", screen.url, widget.response)
        problems += [v for v in widget.response["violations"] if v["impact"] in ("serious", "critical")]
        assert problems == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in problems]
        sizes = screen.locator(".ls-items li, .ls-questions li, .ls-banner").evaluate_all(
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert sizes and min(sizes) >= 24  # the room's minimum at 1920×1080 (sizes shrink with the content)
    finally:
        context.close()


def test_a_wrong_code_on_a_phone_gets_a_dutch_message(browser, server):
    """A scribe who mistypes the code sees a clear Dutch message, not an error page."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(f"{server.base_url}/deelnemen")
        page.get_by_label("Code").fill("ZZZZ ZZZZ")
        page.get_by_role("button", name="Meedoen").click()
        page.get_by_text(join.WRONG_CODE).wait_for()
    finally:
        context.close()
