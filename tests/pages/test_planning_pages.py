"""The planning pages per role: Reeksen, Werkvormen, Sessie voorbereiden, Mijn sessies."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from sqlalchemy import select

from lib.accounts import CurrentUser
from lib.core import db
from lib.live import phases
from lib.models import (
    Attendance,
    Group,
    GroupMember,
    LearningSession,
    Series,
    SessionStatus,
    Template,
    User,
)
from lib.ui.text import md_escape
from tests.pages.conftest import open_tab, texts

REEKSEN = "pages/reeksen.py"
WERKVORMEN = "pages/werkvormen.py"
VOORBEREIDEN = "pages/sessie_voorbereiden.py"
MIJN = "pages/mijn_sessies.py"


def group_count(at):
    return next(n for n in at.number_input if n.label == "Aantal groepen")


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_reeksen_shows_the_demo_series_with_dutch_dates(app_as):
    at = app_as("aanjager", REEKSEN)
    assert not at.exception
    shown = texts(at)
    assert "Proeftuin Ruwaard" in shown
    frame = at.dataframe[0].value
    assert list(frame["Status"]) == ["afgerond", "voorbereid", "gepland", "gepland"]
    assert all(", 09:00–10:30" in when for when in frame["Wanneer"])


def _status_buttons(at) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("status_")]


def test_reeksen_leaves_starting_a_session_to_the_projector(app_as, sqlite_engine, demo_db):
    """A prepared session offers no 'Markeer als bezig' (which gave no join code) but a way to the Projector."""
    at = app_as("aanjager", REEKSEN)
    with db.read(sqlite_engine) as session:
        prepared = session.scalar(select(LearningSession.id).where(LearningSession.status == SessionStatus.PREPARED))
    at.selectbox(key="change_session").set_value(prepared).run()
    assert not at.exception
    assert _status_buttons(at) == ["Terug naar gepland", "Sessie annuleren"]
    assert [link.label for link in at.page_link] == ["Naar de Projector"]


def test_reeksen_leaves_closing_a_session_to_the_projector(app_as, sqlite_engine, demo_db):
    """A running session offers no 'Markeer als afgerond' (which skipped closing it) but the Projector."""
    with db.transaction(sqlite_engine) as session:
        prepared = session.scalar(select(LearningSession.id).where(LearningSession.status == SessionStatus.PREPARED))
        aanjager = session.scalar(select(User).where(User.username == "aanjager"))
        phases.open_session(session=session, learning_session_id=prepared, actor=CurrentUser.of(aanjager))
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="change_session").set_value(prepared).run()
    assert not at.exception
    assert _status_buttons(at) == []
    assert "Deze sessie is bezig. Sluit haar af op de Projector." in texts(at)
    assert [link.label for link in at.page_link] == ["Naar de Projector"]


def test_aanjager_creates_a_series_and_adds_four_dates(app_as, sqlite_engine):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(0).run()
    at.text_input(key="new_series_name").input("Leertraject Oss-Noord")
    at.text_input(key="new_series_location").input("gemeentehuis Oss")
    button(at, "Reeks aanmaken").click().run()
    assert not at.exception
    assert f"De reeks '{md_escape('Leertraject Oss-Noord')}' is aangemaakt." in texts(at)
    at.date_input(key="add_first").set_value(dt.date.today() + dt.timedelta(days=14))
    button(at, "Sessies toevoegen").click().run()
    assert "4 sessie(s) toegevoegd." in texts(at)
    with db.read(sqlite_engine) as session:
        series = session.scalar(select(Series).where(Series.name == "Leertraject Oss-Noord"))
        assert len(series.sessions) == 4
        assert {m.location for m in series.sessions} == {"gemeentehuis Oss"}


def test_series_with_end_before_start_shows_a_dutch_error(app_as):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(0).run()
    at.text_input(key="new_series_name").input("Verkeerd om")
    at.time_input(key="new_series_start").set_value(dt.time(11, 0))
    at.time_input(key="new_series_end").set_value(dt.time(10, 0))
    button(at, "Reeks aanmaken").click().run()
    assert any("moet na de begintijd" in e.value for e in at.error)


def test_duplicate_typed_date_is_refused(app_as, sqlite_engine):
    at = app_as("aanjager", REEKSEN)
    with db.read(sqlite_engine) as session:
        taken = session.scalars(select(LearningSession.date).order_by(LearningSession.date)).all()[-1]
    at.text_area(key="add_typed").input(taken.strftime("%d-%m-%Y"))
    button(at, "Sessies toevoegen").click().run()
    assert any("staat in deze reeks al een leersessie" in e.value for e in at.error)


def test_cancel_a_session_keeps_it_as_geannuleerd(app_as):
    at = app_as("aanjager", REEKSEN)
    frame_before = at.dataframe[0].value
    last = at.selectbox(key="change_session").options[-1]
    at.selectbox(key="change_session").select(last).run()
    button(at, "Sessie annuleren").click().run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == len(frame_before)
    assert list(frame["Status"])[-1] == "geannuleerd"


def test_series_ics_is_built_when_clicked_and_holds_every_session(app_as, downloads):
    at = app_as("aanjager", REEKSEN)
    button = next(e for e in at.get("download_button") if e.proto.label.startswith("📆 Agenda-bestand van de hele"))
    assert button.proto.deferred_file_id  # not built on every run of the page
    got = downloads(button)
    events = Calendar.from_ical(got.data).walk("VEVENT")
    assert got.file_name.endswith(".ics") and len(events) >= 3  # the file itself: tests/lib/planning/test_ical.py


def test_werkvormen_read_only_for_the_aanjager(app_as):
    at = app_as("aanjager", WERKVORMEN)
    assert not at.exception
    shown = texts(at)
    assert "Alleen een beheerder kan werkvormen wijzigen." in shown
    assert "Oploskoffie" in list(at.dataframe[0].value["Werkvorm"])
    assert not [b for b in at.button if b.label == "Werkvorm opslaan"]


def test_beheerder_edits_a_werkvorm_and_zero_minutes_is_refused(app_as, sqlite_engine):
    at = app_as("beheerder", WERKVORMEN)
    with db.read(sqlite_engine) as session:
        template_id = session.scalar(select(Template.id).where(Template.name == "Oploskoffie"))
    at.selectbox(key="wv_choice").select(template_id).run()
    at.number_input(key=f"wv_{template_id}_0_minutes").set_value(0)
    button(at, "Werkvorm opslaan").click().run()
    assert any("Ronde 1: het aantal minuten moet groter dan 0 zijn." in e.value for e in at.error)
    at.number_input(key=f"wv_{template_id}_0_minutes").set_value(8)
    button(at, "Werkvorm opslaan").click().run()
    assert "De werkvorm 'Oploskoffie' is opgeslagen." in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(Template, template_id).rounds[0].minutes == 8


def test_voorbereiden_shows_agenda_cases_attendees_and_managers(app_as):
    at = app_as("aanjager", VOORBEREIDEN)
    assert not at.exception
    agenda = at.dataframe[0].value
    assert agenda["Tijd"].iloc[0].startswith("09:00–")
    assert "Ronde 1: het systeem" in list(agenda["Onderdeel"])
    shown = texts(open_tab(at, "prep_tab", "Casussen"))
    assert "Statushouder en de wachtlijst voor taalles" in shown  # a selected case
    open_tab(at, "prep_tab", "Deelnemers")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Managers"] == "5"
    assert int(metrics["Aangemeld"]) >= 14


def test_voorbereiden_generates_groups_and_moves_a_person(app_as, sqlite_engine):
    at = open_tab(app_as("aanjager", VOORBEREIDEN), "prep_tab", "Groepen")
    group_count(at).set_value(3)
    button(at, "Opnieuw indelen").click().run()  # the demo session already has groups
    assert "De deelnemers zijn in 3 groepen ingedeeld." in texts(at)
    mover = at.selectbox(key="move_person").options[0]
    target_label = at.selectbox(key="move_to").options[-1]
    at.selectbox(key="move_person").select(mover)
    at.selectbox(key="move_to").select(target_label)
    button(at, "Verplaatsen").click().run()
    assert not at.exception
    name = mover.rsplit(" (", 1)[0]
    assert f"{md_escape(name)} zit nu in Groep 3." in texts(at)
    with db.read(sqlite_engine) as session:
        where = session.execute(
            select(Group.number)
            .join(GroupMember)
            .join(Attendance)
            .join(User)
            .where(User.display_name == name, Group.session_id == at.selectbox(key="prep_session").value)
        ).scalar_one()
    assert where == 3


def test_too_many_groups_is_refused_in_dutch(app_as):
    at = open_tab(app_as("aanjager", VOORBEREIDEN), "prep_tab", "Groepen")
    group_count(at).set_value(5)
    button(at, "Opnieuw indelen").click().run()  # the demo session already has groups
    assert any("maak hoogstens 3 groepen" in e.value for e in at.error)


def test_professional_signs_up_and_off_on_mijn_sessies(app_as, sqlite_engine):
    at = app_as("professional", MIJN)
    assert not at.exception
    shown = texts(at)
    assert "Proeftuin Ruwaard — leersessie 3" in shown
    third = sorted(k for k in (b.key for b in at.button) if k and k.startswith("sign_"))[-2]
    assert at.button(key=third).label == "Aanmelden"
    at.button(key=third).click().run()
    assert "U bent aangemeld voor" in texts(at)
    assert at.button(key=third).label == "Afmelden"
    at.button(key=third).click().run()
    assert "U bent afgemeld voor" in texts(at)


def test_mijn_sessies_shows_ten_cards_at_a_time_and_more_on_request(app_as, sqlite_engine):
    """A year of planning ahead: ten cards, soonest first, and 'Meer sessies tonen' for the next ten."""
    with db.transaction(sqlite_engine) as session:
        series = session.scalars(select(Series)).first()
        start = dt.date.today() + dt.timedelta(days=60)
        for week in range(25):
            session.add(
                LearningSession(
                    series_id=series.id,
                    title=f"Extra sessie {week + 1:02d}",
                    date=start + dt.timedelta(days=7 * week),
                    start_time=dt.time(9),
                    end_time=dt.time(10, 30),
                    template_name="Standaard",
                    rounds=[],
                )
            )
    at = app_as("professional", MIJN)
    cards = [h.value for h in at.header]
    assert len(cards) == 10 and md_escape("Extra sessie 25") not in cards  # the soonest ten
    at.button(key="my_sessions_more").click().run()
    assert len(at.header) == 20 and not at.exception
    at.button(key="my_sessions_more").click().run()
    assert [h.value for h in at.header][-1] == md_escape("Extra sessie 25")
    assert not [b for b in at.button if b.key == "my_sessions_more"]  # everything shown


def test_mijn_sessies_calendar_file_is_a_valid_ics(app_as):
    at = app_as("manager", MIJN)
    downloads = at.get("download_button")
    assert downloads
    # AppTest does not serve the file; build the same bytes the button got and parse them back.
    from lib.planning import ical

    with db.read() as session:
        meeting_id = session.scalars(select(LearningSession.id).order_by(LearningSession.date)).all()[1]
        parsed = Calendar.from_ical(ical.session_ics(session=session, learning_session_id=meeting_id))
    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == ["Proeftuin Ruwaard — leersessie 2"]


def test_a_series_name_with_markdown_is_shown_as_typed(app_as):
    at = app_as("aanjager", REEKSEN)
    at.selectbox(key="series_choice").set_value(0).run()
    at.text_input(key="new_series_name").input("**Vet** [klik](http://example.org) <b>x</b>")
    button(at, "Reeks aanmaken").click().run()
    assert not at.exception
    assert [h.value for h in at.header] == [md_escape("**Vet** [klik](http://example.org) <b>x</b>")]


def test_move_a_session_to_another_time_and_place(app_as, sqlite_engine):
    at = app_as("aanjager", REEKSEN)
    last = at.selectbox(key="change_session").options[-1]
    at.selectbox(key="change_session").select(last).run()
    meeting_id = at.selectbox(key="change_session").value
    at.time_input(key=f"move_start_{meeting_id}").set_value(dt.time(13, 0))
    at.time_input(key=f"move_end_{meeting_id}").set_value(dt.time(14, 30))
    at.text_input(key=f"move_location_{meeting_id}").input("Wijkcentrum De Ruwaard")
    button(at, "Verplaatsen").click().run()
    assert not at.exception
    assert "De sessie is verplaatst." in texts(at)
    frame = at.dataframe[0].value
    assert frame["Wanneer"].iloc[-1].endswith(", 13:00–14:30")
    assert frame["Locatie"].iloc[-1] == "Wijkcentrum De Ruwaard"


def test_beheerder_creates_a_werkvorm_with_two_rounds(app_as, sqlite_engine):
    at = app_as("beheerder", WERKVORMEN)
    at.selectbox(key="wv_choice").select(0).run()
    at.number_input(key="wv_count_0").set_value(2).run()
    at.text_input(key="wv_name_0").input("Vijf keer waarom")
    for index, (name, perspective) in enumerate([("Waarom?", "systeem"), ("Wat nu?", "veranderproces")]):
        at.text_input(key=f"wv_0_{index}_name").input(name)
        at.text_input(key=f"wv_0_{index}_perspective").input(perspective)
    at.number_input(key="wv_0_0_position").set_value(2)
    at.number_input(key="wv_0_1_position").set_value(1)
    at.checkbox(key="wv_0_1_solutions").check()
    button(at, "Werkvorm opslaan").click().run()
    assert not at.exception
    assert "De werkvorm 'Vijf keer waarom' is opgeslagen." in texts(at)
    with db.read(sqlite_engine) as session:
        stored = session.scalar(select(Template).where(Template.name == "Vijf keer waarom"))
        assert [(r.name, r.yields_solutions) for r in stored.rounds] == [("Wat nu?", True), ("Waarom?", False)]


def test_aanjager_adds_a_guest_and_sees_the_counts_change(app_as):
    at = open_tab(app_as("aanjager", VOORBEREIDEN), "prep_tab", "Deelnemers")
    before = int(next(m.value for m in at.metric if m.label == "Aangemeld"))
    at.text_input(key="guest_name").input("Els de Wit (wijkverpleging)")
    button(at, "Gast toevoegen").click().run()
    assert "De gast is toegevoegd." in texts(at)
    assert int(next(m.value for m in at.metric if m.label == "Aangemeld")) == before + 1


def test_swap_cases_between_two_groups(app_as):
    at = open_tab(app_as("aanjager", VOORBEREIDEN), "prep_tab", "Groepen")
    group_count(at).set_value(2)
    button(at, "Opnieuw indelen").click().run()  # the demo session already has groups
    before = [label.split(": ", 1)[1] for label in at.selectbox(key="swap_a").options]
    button(at, "Wisselen").click().run()
    assert "De casussen zijn gewisseld." in texts(at)
    after = [label.split(": ", 1)[1] for label in at.selectbox(key="swap_a").options]
    assert after == [before[1], before[0]]


def test_mark_a_planned_session_prepared(app_as):
    at = app_as("aanjager", VOORBEREIDEN)
    options = at.selectbox(key="prep_session").options
    at.selectbox(key="prep_session").select(next(o for o in options if "leersessie 3" in o)).run()
    assert "Status: gepland" in texts(at)
    at.button(key="mark_prepared").click().run()
    assert "De sessie is voorbereid." in texts(at)
    assert "Status: voorbereid" in texts(at)


def test_voorbereiden_says_which_table_has_no_casus(app_as, sqlite_engine):
    """A casus taken out after the groups were made leaves its table empty: the page names that table."""
    at = open_tab(app_as("aanjager", VOORBEREIDEN), "prep_tab", "Groepen")
    meeting_id = at.selectbox(key="prep_session").value
    assert not any("geen casus" in w.value for w in at.warning)
    with db.transaction(sqlite_engine) as session:
        table = session.scalar(select(Group).where(Group.session_id == meeting_id, Group.number == 2))
        table.case_id = None
    at.run()
    assert any(w.value.startswith(md_escape("Groep 2 heeft geen casus.")) for w in at.warning)
