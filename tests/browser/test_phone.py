"""The phone at 375×667 on a bad network: what a scribe types survives a reload, a submit is stored once
however often it is sent, the kind stays, and round changes never leave a blank phone."""

from __future__ import annotations

import contextlib
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from lib import accounts
from lib.core import db
from lib.live import capture, join, phases
from lib.models import Contribution, LearningSession, User
from tests import factories
from tests.browser.conftest import ARTIFACTS, settle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SMALL_PHONE = {"width": 375, "height": 667}
BOX = "Inbreng van Groep 1"


def engine_of(server):
    return db.engine_for(server.database_url)


def aanjager(server) -> accounts.CurrentUser:
    with db.read(engine_of(server)) as session:
        return accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))


def control(server, session_id: int, command: str) -> None:
    with db.transaction(engine_of(server)) as session:
        meeting = session.get(LearningSession, session_id)
        phases.control(
            session=session,
            learning_session_id=session_id,
            command=command,
            expected_version=meeting.version,
            actor=aanjager(server),
        )


def fresh_round(server, steps: int = 2) -> phases.LiveView:
    """A new session with two groups, opened and `steps` phases on (2 = round 1, 4 = round 3)."""
    engine = engine_of(server)
    with db.transaction(engine) as session:
        meeting = factories.learning_session(session)
        for number in (1, 2):
            factories.group(session, meeting, number)
        phases.open_session(session=session, learning_session_id=meeting.id, actor=aanjager(server))
        session_id = meeting.id
    for _ in range(steps):
        control(server, session_id, "next")
    with db.read(engine) as session:
        return phases.live_view(session=session, learning_session_id=session_id)


def rows(server, session_id: int, text: str | None = None) -> int:
    with db.read(engine_of(server)) as session:
        query = select(func.count()).select_from(Contribution).where(Contribution.session_id == session_id)
        if text is not None:
            query = query.where(Contribution.text == text)
        return session.scalar(query)


def phone(browser, server, view: phases.LiveView, group: int = 1):
    context = browser.new_context(
        viewport=SMALL_PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console = []  # what the browser logged, for the blank-phone check
    page.on("console", lambda message: page.console.append(message.text))
    page.goto(f"{server.base_url}/deelnemen?code={view.join_code}&groep={group}")
    page.get_by_role("textbox", name=f"Inbreng van Groep {group}").wait_for()
    settle(page)
    return context, page


def box(page, group: int = 1):
    return page.get_by_role("textbox", name=f"Inbreng van Groep {group}")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"))


def submit(page) -> None:
    page.get_by_role("button", name="Toevoegen").click()
    page.get_by_text("Toegevoegd: het staat nu op het scherm.").wait_for()
    settle(page)


def test_typed_text_comes_back_after_a_reload(browser, server):
    """A scribe types, the phone reloads (a lock screen, a dropped connection): the text is still there."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    try:
        box(page).fill("De indicatie duurt zes weken")
        page.reload()
        box(page).wait_for()
        page.wait_for_function(
            "() => { const t = document.querySelector('textarea'); return t && t.value.length > 0; }"
        )
        assert box(page).input_value() == "De indicatie duurt zes weken"
        shot(page, "after-reload")
        submit(page)  # the restored text is stored, and the draft is gone
        assert rows(server, view.id, "De indicatie duurt zes weken") == 1
        page.reload()
        box(page).wait_for()
        time.sleep(1)
        assert box(page).input_value() == ""
    finally:
        context.close()


def test_a_retried_submit_stores_one_row_and_the_same_text_twice_stores_two(browser, server):
    """A submit sent again (its answer lost) is stored once; typing the same text twice stores it twice."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    try:
        box(page).fill("Niemand heeft de regie")
        draft = page.evaluate(f"() => localStorage.getItem('leersessie-draft:{view.id}:{view.groups[0].id}')")
        assert draft and "Niemand heeft de regie" in draft
        submit(page)
        # The answer never reached the phone: it comes back later with the same draft and submit key.
        retry_context, retry = phone(browser, server, view)
        retry.evaluate(f"d => localStorage.setItem('leersessie-draft:{view.id}:{view.groups[0].id}', d)", draft)
        retry.reload()
        box(retry).wait_for()
        retry.wait_for_function(
            "() => { const t = document.querySelector('textarea'); return t && t.value.length > 0; }"
        )
        submit(retry)
        retry_context.close()
        assert rows(server, view.id, "Niemand heeft de regie") == 1
        # Typed again on purpose: a new submit.
        box(page).fill("Niemand heeft de regie")
        submit(page)
        assert rows(server, view.id, "Niemand heeft de regie") == 2
    finally:
        context.close()


def test_a_double_tap_stores_exactly_one_contribution_without_an_error(browser, server):
    """Two quick taps on Toevoegen: one contribution, no 'Inbreng is verplicht.'."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    try:
        box(page).fill("Wachtlijst schuldhulp")
        button = page.get_by_role("button", name="Toevoegen")
        button.dblclick()
        page.get_by_text("Toegevoegd: het staat nu op het scherm.").wait_for()
        settle(page)
        time.sleep(1)
        settle(page)
        assert rows(server, view.id) == 1
        assert page.get_by_text("Inbreng is verplicht.").count() == 0
        # Tapping as fast as a nervous thumb: still one more, not two.
        box(page).fill("Korte lijnen met de huurconsulent")
        button.click(no_wait_after=True, force=True)
        for _ in range(2):  # the button may be gone after the first tap: a tap on nothing does nothing
            with contextlib.suppress(PlaywrightError):
                button.click(no_wait_after=True, force=True, timeout=1000)
        page.get_by_text("Toegevoegd: het staat nu op het scherm.").wait_for()
        settle(page)
        time.sleep(1.5)
        assert rows(server, view.id, "Korte lijnen met de huurconsulent") == 1
        assert page.get_by_text("Inbreng is verplicht.").count() == 0
    finally:
        context.close()


def test_the_confirmation_is_visible_without_scrolling_and_the_kind_is_remembered(browser, server):
    """After Toevoegen the scribe sees 'Toegevoegd' on a 375×667 screen; the chosen kind stays."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    try:
        page.get_by_text("helpt", exact=True).click()
        box(page).fill("Een vaste contactpersoon bij de corporatie")
        submit(page)
        toast = page.get_by_text("Toegevoegd: het staat nu op het scherm.").bounding_box()
        assert toast and toast["y"] + toast["height"] <= SMALL_PHONE["height"], toast
        shot(page, "added")
        assert page.get_by_role("radio", name="helpt").is_checked()
        box(page).fill("Korte lijnen met de wijkagent")
        submit(page)
        with db.read(engine_of(server)) as session:
            kinds = set(session.scalars(select(Contribution.kind).where(Contribution.session_id == view.id)))
        assert kinds == {"helper"}
    finally:
        context.close()


def test_the_solutions_round_starts_at_oplossing_and_wijzig_changes_the_kind(browser, server):
    """In the solutions round the kind starts at 'oplossing'; Wijzig can make it 'helpt'."""
    view = fresh_round(server, steps=4)
    context, page = phone(browser, server, view)
    try:
        assert page.get_by_role("radio", name="oplossing").is_checked()
        box(page).fill("Eén loket voor schulden")
        submit(page)
        page.get_by_role("button", name="Wijzig").click()
        settle(page)
        page.locator("[class*='st-key-edit_kind']").get_by_text("helpt", exact=True).click()
        page.get_by_role("button", name="Opslaan").click()
        settle(page)
        with db.read(engine_of(server)) as session:
            assert session.scalar(select(Contribution.kind).where(Contribution.session_id == view.id)) == "helper"
        page.get_by_role("button", name="Verwijder").click()
        page.get_by_text("Deze inbreng verwijderen?").wait_for()  # it asks first
        assert rows(server, view.id) == 1
        page.get_by_role("button", name="Ja, verwijder").click()
        settle(page)
        assert rows(server, view.id) == 0
    finally:
        context.close()


def test_a_paste_over_the_limit_is_cut_with_a_message(browser, server):
    """A paste longer than 500 characters is cut to 500, and the phone says so."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base_url)
    try:
        long_text = "lang verhaal " * 60  # 780 characters
        page.evaluate("t => navigator.clipboard.writeText(t)", long_text)
        box(page).click()
        page.keyboard.press("Control+V")
        page.locator(".ls-cut").wait_for()
        assert len(box(page).input_value()) == capture.MAX_CONTRIBUTION
        assert "alleen de eerste 500 tekens" in page.locator(".ls-cut").inner_text()
        shot(page, "paste-cut")
    finally:
        context.close()


def test_the_phone_counts_down_by_itself(browser, server):
    """The phone shows the round's remaining time, ticking without a click."""
    view = fresh_round(server)
    context, page = phone(browser, server, view)
    try:
        clock = page.locator(".ls-countdown")
        first = clock.inner_text()
        time.sleep(2.2)
        second = clock.inner_text()
        assert first != second and ":" in second
        minutes, seconds = (int(part) for part in second.split(":"))
        assert 18 * 60 < minutes * 60 + seconds <= 20 * 60
    finally:
        context.close()


def test_phones_that_typed_follow_many_round_changes_without_going_blank(browser, server):
    """Two scribes have typed; the aanjager moves on and back eight times: both phones follow every
    change, never go blank, never log 'Bad delta path', and keep what they typed."""
    view = fresh_round(server)
    first_context, first = phone(browser, server, view, 1)
    second_context, second = phone(browser, server, view, 2)
    try:
        box(first, 1).fill("Half getypt door groep 1")
        box(second, 2).fill("Half getypt door groep 2")
        submit(first)
        box(first, 1).fill("Nog een gedachte")
        expected = ["Ronde 2: de professional", "Ronde 1: het systeem"] * 4
        for name in expected:
            control(server, view.id, "next" if name.startswith("Ronde 2") else "back")
            for page in (first, second):
                page.locator(".ls-round").get_by_text(name).wait_for(timeout=10_000)
        for page, group, text in ((first, 1, "Nog een gedachte"), (second, 2, "Half getypt door groep 2")):
            settle(page)
            assert box(page, group).input_value() == text
            assert not [line for line in page.console if "Bad delta path" in line], page.console
        shot(first, "after-round-changes")
    finally:
        first_context.close()
        second_context.close()


def test_a_closed_session_is_a_friendly_notice(browser, server):
    """The link of a session that has ended says so calmly, not as an error."""
    view = fresh_round(server, steps=0)
    for _ in range(6):
        control(server, view.id, "next")
    context = browser.new_context(viewport=SMALL_PHONE, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(f"{server.base_url}/deelnemen?code={view.join_code}")
        page.get_by_text(join.CLOSED_CODE).wait_for()
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        assert page.locator("[data-testid='stAlertContentInfo']").count() >= 1
    finally:
        context.close()


def test_a_phone_back_from_a_lost_connection_keeps_its_text_and_its_place(browser, server):
    """The connection drops (here: the server restarts) while a scribe types: the phone comes back in
    its session and group without the code, with the text, and stores it once."""
    view = fresh_round(server)
    context, page = phone(browser, server, view, 2)
    try:
        box(page, 2).fill("Getypt vlak voor de storing")
        server.restart()
        page.wait_for_function(
            """() => { const t = document.querySelector('textarea');
                       return t && t.value === 'Getypt vlak voor de storing'
                           && !document.querySelector('[data-testid="stConnectionStatus"]'); }""",
            timeout=30_000,
        )
        settle(page)
        assert page.get_by_label("Code").count() == 0  # no code typed again
        box(page, 2).wait_for()
        submit(page)
        assert rows(server, view.id, "Getypt vlak voor de storing") == 1
    finally:
        context.close()
