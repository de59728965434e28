"""The aanjager plans a series and prepares its first session in a real browser."""

from __future__ import annotations

import contextlib
import re

from icalendar import Calendar
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, finished, login, settle

SERIES = "Leertraject Oss-Noord"
ATTENDEES = ["Priya Ramdin", "Joost Verhagen", "Fatima El Amrani", "Marco de Bruijn", "Ruud van Dijk", "Kees Smulders"]


def choose(page, label: str, option: str | re.Pattern) -> None:
    settle(page)
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).first.click()
    settle(page)


def tab(page, name: str) -> None:
    settle(page)
    page.get_by_role("tab", name=name).click()
    settle(page)


def group_card(page, number: int):
    """The innermost block with this group's heading and no other group's."""
    other = 2 if number == 1 else 1
    return (
        page.locator('[data-testid="stVerticalBlock"]')
        .filter(has=page.get_by_role("heading", name=f"Groep {number}"))
        .filter(has_not=page.get_by_role("heading", name=f"Groep {other}"))
        .last
    )


def test_aanjager_plans_a_series_and_composes_groups(page, server, tmp_path):
    """The aanjager creates a series with four dates, downloads its .ics, marks attendees, selects cases,
    generates groups and moves one person to another group."""
    login(page, server.base_url, "aanjager")
    page.goto(f"{server.base_url}/reeksen")
    choose(page, "Reeks", "➕ Nieuwe reeks")
    page.get_by_label("Naam van de reeks").fill(SERIES)
    page.get_by_label("Locatie").fill("gemeentehuis Oss")
    page.get_by_role("button", name="Reeks aanmaken").click()
    page.get_by_text(f"De reeks '{SERIES}' is aangemaakt.").wait_for()

    page.get_by_role("button", name="Sessies toevoegen").click()
    page.get_by_text("4 sessie(s) toegevoegd.").wait_for()
    settle(page)  # a click on the button of the run being replaced starts no download (60 s lost, then a failure)
    with page.expect_download(timeout=60_000) as info:  # built on click; slow on a busy machine
        page.get_by_role("button", name=re.compile("Agenda-bestand van de hele reeks")).click()
    path = tmp_path / "reeks.ics"
    info.value.save_as(path)
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [f"{SERIES} — leersessie {n}" for n in range(1, 5)]
    assert {str(e["LOCATION"]) for e in events} == {"gemeentehuis Oss"}
    page.screenshot(path=str(tmp_path / "reeksen.png"))

    page.goto(f"{server.base_url}/sessie_voorbereiden")
    choose(page, "Leersessie", re.compile(f"{SERIES} — leersessie 1"))
    tab(page, "Deelnemers")
    people = page.get_by_role("combobox", name="Deelnemers aanmelden")
    for name in ATTENDEES:
        people.click()
        people.press_sequentially(name[:5])  # typing filters the long list: the option is on screen
        with contextlib.suppress(PlaywrightTimeout):  # missed under load: picked again below
            page.get_by_role("option", name=name, exact=True).click(timeout=5_000)
    page.keyboard.press("Escape")
    settle(page)
    # On a busy machine a pick can land while the list re-renders: what is still offered was not picked.
    people.click()
    with contextlib.suppress(PlaywrightTimeout):  # no list at all when every name is taken
        page.get_by_role("listbox").wait_for(timeout=3_000)
    for name in ATTENDEES:
        missed = page.get_by_role("option", name=name, exact=True)
        if missed.count():
            missed.click()
    page.keyboard.press("Escape")
    settle(page)
    settle(page)
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    page.get_by_text("6 deelnemer(s) aangemeld.").wait_for()

    for case in ("Eén gezin, zeven hulpverleners", "Terugval na ontslag uit de kliniek"):
        tab(page, "Casussen")
        choose(page, "Ingediende casus", case)
        page.get_by_role("button", name="Casus selecteren voor deze sessie").click()
        page.get_by_text("De casus is geselecteerd.").wait_for()
        page.get_by_text(case).first.wait_for()

    tab(page, "Groepen")
    page.get_by_label("Aantal groepen").fill("2")
    page.get_by_role("button", name="Groepen maken").click()
    page.get_by_text("De deelnemers zijn in 2 groepen ingedeeld.").wait_for()
    tab(page, "Groepen")
    first_group = group_card(page, 1)
    expect(first_group).to_contain_text("3 deelnemers")
    seated = first_group.inner_text()
    mover = next(name for name in ATTENDEES if name in seated)
    choose(page, "Deelnemer", re.compile(f"^{mover} \\(Groep 1\\)"))
    choose(page, "Naar", "Groep 2")
    page.get_by_role("button", name="Verplaatsen").click()
    page.get_by_text(f"{mover} zit nu in Groep 2.").wait_for()
    tab(page, "Groepen")
    second_group = group_card(page, 2)
    expect(second_group.get_by_text(mover)).to_be_visible()
    expect(first_group.get_by_text(mover)).to_have_count(0)
    page.screenshot(path=str(tmp_path / "groepen.png"), full_page=True)


def test_professional_signs_up_on_a_phone(browser, server):
    """On a phone, a professional sees the coming sessions in Dutch and signs up for one."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    try:
        login(page, server.base_url, "joost")
        page.goto(f"{server.base_url}/mijn_sessies")
        page.get_by_text("Proeftuin Ruwaard — leersessie 3").wait_for()
        expect(
            page.get_by_text(
                re.compile(
                    r"^(maandag|dinsdag|woensdag|donderdag|vrijdag) \d+ \w+ \d{4}, "
                    r"09:00–10:30$"
                )
            ).first
        ).to_be_visible()
        page.get_by_role("button", name="Aanmelden").first.click()
        page.get_by_text("U bent aangemeld voor").wait_for()
    finally:
        context.close()


def test_a_professional_downloads_a_session_into_the_own_calendar(page, server, tmp_path):
    """Mijn sessies builds the .ics when the button is clicked (not on every run): the file is still right."""
    login(page, server.base_url, "professional")
    page.goto(f"{server.base_url}/mijn_sessies")
    first = page.get_by_role("button", name=re.compile("In mijn agenda")).first
    first.wait_for()
    finished(page)  # a button drawn while the run still goes may be replaced, with its file, when it ends
    with page.expect_download(timeout=60_000) as info:  # built on click; slow on a busy machine
        first.click()
    path = tmp_path / "sessie.ics"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".ics")
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    (summary,) = [str(e["SUMMARY"]) for e in events]
    titles = [t.strip() for t in page.get_by_role("heading", level=2).all_inner_texts()]  # the cards' titles
    assert summary in titles
