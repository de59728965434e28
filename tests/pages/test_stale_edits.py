"""Stale screens: a click on a screen drawn before somebody else's change is refused in Dutch, the
page shows what is stored now, and nothing changes (issue 15, "Lost updates")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lib.accounts import CurrentUser
from lib.cases import selection
from lib.core import db
from lib.followup import actions
from lib.models import (
    Action,
    ActionStatus,
    Attendance,
    Case,
    CaseStatus,
    LearningSession,
    Role,
    Series,
    SessionStatus,
)
from lib.planning import groups, schedule
from tests.pages.conftest import open_tab, texts, user_id


def other_aanjager(engine) -> CurrentUser:
    """Somebody at another screen (the demo aanjager's account, on another browser)."""
    return CurrentUser(user_id(engine, "aanjager"), "aanjager", "Annelies", Role.AANJAGER, None)


def stored(engine, model, row_id):
    with db.read(engine) as session:
        return session.get(model, row_id)


def button(at, key):
    return next(b for b in at.button if b.key == key)


def test_inbox_teruggeven_after_someone_selected_the_case_is_refused(app_as, sqlite_engine, demo_db):
    """Aanjager A's inbox shows the case as ingediend; B selects it; A's 'Teruggeven' changes nothing."""
    with db.read(sqlite_engine) as session:
        case = session.scalar(select(Case).where(Case.title == "Terugval na ontslag uit de kliniek"))
    assert case.status == CaseStatus.SUBMITTED
    at = app_as("aanjager", "pages/casussen.py")
    at.session_state[f"inbox_case_{case.id}"] = True  # opened, as a click does
    at.run()
    at.text_input(key=f"inbox_note_{case.id}").input("Maak de leervraag concreter.").run()
    later = demo_db["session_ids"][2]
    with db.transaction(sqlite_engine) as session:
        selection.select_for_session(
            session=session,
            case_id=case.id,
            learning_session_id=later,
            actor=other_aanjager(sqlite_engine),
            expected_version=case.version,
        )
    button(at, f"inbox_return_{case.id}").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Deze casus is intussen gewijzigd: de status is nu geselecteerd")
    assert "U ziet nu de actuele stand" in errors[0]
    assert not at.success  # no confirmation of something that did not happen
    now = stored(sqlite_engine, Case, case.id)
    assert (now.status, now.session_id, now.return_note) == (CaseStatus.SELECTED, later, "")
    # The page shows what is stored now: the case is listed as selected, and a second click works.
    assert any("geselecteerd" in e.label for e in at.expander if "kliniek" in e.label)
    button(at, f"inbox_return_{case.id}").click().run()
    assert "De casus is teruggelegd bij de indiener." in texts(at)
    assert stored(sqlite_engine, Case, case.id).status == CaseStatus.RETURNED


def test_reeksen_status_click_after_someone_else_changed_the_session_is_refused(app_as, sqlite_engine, demo_db):
    """A's Reeksen shows a planned session; B marks it voorbereid; A's 'Sessie annuleren' changes nothing."""
    at = app_as("aanjager", "pages/reeksen.py")
    last = at.selectbox(key="change_session").options[-1]
    at.selectbox(key="change_session").select(last).run()
    meeting_id = at.selectbox(key="change_session").value
    seen = stored(sqlite_engine, LearningSession, meeting_id)
    assert seen.status == SessionStatus.PLANNED
    with db.transaction(sqlite_engine) as session:
        schedule.set_status(
            session=session,
            learning_session_id=meeting_id,
            to_status=SessionStatus.PREPARED,
            expected_version=seen.version,
            actor=other_aanjager(sqlite_engine),
        )
    next(b for b in at.button if b.label == "Sessie annuleren").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Deze leersessie is intussen gewijzigd: ze is nu voorbereid")
    assert stored(sqlite_engine, LearningSession, meeting_id).status == SessionStatus.PREPARED
    assert list(at.dataframe[0].value["Status"])[-1] == "voorbereid"  # the table shows what is stored


def test_reeksen_edit_form_keeps_the_version_it_was_filled_from(app_as, sqlite_engine, demo_db):
    """A edits the series form; B renames the series; A's save (after other reruns) is refused."""
    series_id = demo_db["series_id"]
    at = app_as("aanjager", "pages/reeksen.py")
    at.text_input(key=f"edit_series_{series_id}_location").input("Bibliotheek Oss")
    at.run()  # another rerun (any other click) between filling the form and saving it
    before = stored(sqlite_engine, Series, series_id)
    with db.transaction(sqlite_engine) as session:
        schedule.update_series(
            session=session,
            series_id=series_id,
            data=schedule.SeriesInput(
                "Proeftuin Ruwaard (nieuw)", before.default_start, before.default_end, before.location
            ),
            expected_version=before.version,
            actor=other_aanjager(sqlite_engine),
        )
    at.run()
    next(b for b in at.button if b.label == "Wijzigingen opslaan").click().run()
    assert not at.exception
    assert [e.value[:31] for e in at.error] == ["Deze reeks is intussen gewijzig"]
    now = stored(sqlite_engine, Series, series_id)
    assert (now.name, now.location) == ("Proeftuin Ruwaard (nieuw)", before.location)


def test_opvolging_status_after_someone_else_changed_it_is_refused(app_as, sqlite_engine):
    """The manager's Opvolging shows 'bezig'; the aanjager marks it done; the manager's save changes nothing."""
    with db.read(sqlite_engine) as session:
        spoed = session.scalar(select(Action).where(Action.title.startswith("Spoedprocedure")))
    at = app_as("manager", "pages/opvolging.py")
    at.selectbox(key="mine_pick").set_value(spoed.id).run()
    with db.transaction(sqlite_engine) as session:
        actions.change_status(
            session=session,
            action_id=spoed.id,
            to_status=ActionStatus.DONE,
            note="Staat",
            actor=other_aanjager(sqlite_engine),
            expected_version=spoed.version,
        )
    at.text_area(key=f"mine_note_{spoed.id}").input("Loopt nog")
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("Deze vervolgactie is intussen gewijzigd: de status is nu 'gerealiseerd'")
    assert "Status **gerealiseerd**" in texts(at)  # the detail shows what is stored now
    now = stored(sqlite_engine, Action, spoed.id)
    assert (now.status, now.version) == (ActionStatus.DONE, spoed.version + 1)


def test_mijn_sessies_sign_up_for_a_session_moved_since_is_refused(app_as, sqlite_engine, demo_db):
    """The professional's Mijn sessies shows a date; the aanjager moves that session; 'Aanmelden' is refused."""
    at = app_as("manager", "pages/mijn_sessies.py")
    sign = next(b for b in at.button if b.label == "Aanmelden")
    meeting_id = int(sign.key.removeprefix("sign_"))
    with db.transaction(sqlite_engine) as session:
        meeting = session.get(LearningSession, meeting_id)
        meeting.date = meeting.date + dt.timedelta(days=1)  # the aanjager moves it a day
    sign.click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Deze leersessie is intussen gewijzigd: ze is nu")
    assert not any(s.value.startswith("U bent aangemeld voor") for s in at.success)
    with db.read(sqlite_engine) as session:
        mine = session.scalars(
            select(Attendance).where(
                Attendance.session_id == meeting_id, Attendance.user_id == user_id(sqlite_engine, "manager")
            )
        ).all()
    assert mine == []
    button(at, f"sign_{meeting_id}").click().run()  # the screen now shows the new date: this one counts
    assert any(s.value.startswith("U bent aangemeld voor") for s in at.success)


def test_opnieuw_indelen_after_another_aanjager_moved_someone_is_refused(app_as, sqlite_engine, demo_db):
    """A's Groepen tab is drawn; B seats someone at another table; A's 'Opnieuw indelen' changes nothing."""
    at = open_tab(app_as("aanjager", "pages/sessie_voorbereiden.py"), "prep_tab", "Groepen")
    meeting_id = at.selectbox(key="prep_session").value
    with db.read(sqlite_engine) as session:
        tables = groups.groups_of(session=session, learning_session_id=meeting_id)
        version = session.get(LearningSession, meeting_id).version
    assert len(tables) >= 2, "the demo's next session has its groups composed"
    mover = tables[0].members[0]
    with db.transaction(sqlite_engine) as session:
        groups.move_person(
            session=session,
            attendance_id=mover.attendance_id,
            to_group_id=tables[1].id,
            actor=other_aanjager(sqlite_engine),
            expected_version=version,
        )
    with db.read(sqlite_engine) as session:
        after_b = groups.groups_of(session=session, learning_session_id=meeting_id)
    button(at, "generate_groups").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Deze leersessie is intussen gewijzigd")
    with db.read(sqlite_engine) as session:
        assert groups.groups_of(session=session, learning_session_id=meeting_id) == after_b
