"""Calendar export: parsed back with icalendar — times in Europe/Amsterdam across a DST change, stable UIDs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from lib.core import db
from lib.models import CaseStatus, Role, SessionStatus
from lib.planning import ical, schedule
from tests import factories as f

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = dt.date(2026, 9, 1)
# Summer time ends on Sunday 25 October 2026: one session before, one after.
BEFORE_DST, AFTER_DST = dt.date(2026, 10, 20), dt.date(2026, 11, 3)


def _plan(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
        series = schedule.create_series(
            session=session,
            actor=aanjager,
            data=schedule.SeriesInput(
                "Proeftuin Ruwaard", dt.time(9, 0), dt.time(10, 30), "Gemeentehuis Oss, Raadhuislaan 2"
            ),
        )
        meetings = schedule.add_sessions(
            session=session, series_id=series.id, days=[BEFORE_DST, AFTER_DST], actor=aanjager, today=TODAY
        ).sessions
        f.case(
            session,
            f.user(session),
            title="Zorgmijder",
            status=CaseStatus.SELECTED,
            session_id=meetings[0].id,
            learning_question="Wanneer mogen we ingrijpen bij iemand die geen hulp wil?",
        )
        f.case(session, f.user(session), title="Niet gekozen", learning_question="Niet in de agenda")
    return aanjager, series, meetings


def _events(data: bytes):
    calendar = Calendar.from_ical(data)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_series_file_has_every_session_in_amsterdam_time_across_dst(engine):
    _, series, _meetings = _plan(engine)
    with db.read(engine) as session:
        calendar, events = _events(ical.series_ics(session=session, series_id=series.id))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    starts = [e.decoded("DTSTART") for e in events]
    assert [s.astimezone(AMSTERDAM).time() for s in starts] == [dt.time(9, 0), dt.time(9, 0)]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [7, 8]  # CEST (+2) before, CET (+1) after
    assert all(e["DTSTART"].params["TZID"] == "Europe/Amsterdam" for e in events)
    assert [e.decoded("DTEND").astimezone(AMSTERDAM).time() for e in events] == [dt.time(10, 30)] * 2
    assert str(events[0]["LOCATION"]) == "Gemeentehuis Oss, Raadhuislaan 2"
    assert str(events[0]["SUMMARY"]) == "Proeftuin Ruwaard — leersessie 1"


def test_description_has_the_selected_learning_questions_only(engine):
    aanjager, _series, meetings = _plan(engine)
    with db.read(engine) as session:
        _, events = _events(ical.session_ics(session=session, learning_session_id=meetings[0].id, viewer=aanjager))
    assert len(events) == 1
    text = str(events[0]["DESCRIPTION"])
    assert "Wanneer mogen we ingrijpen bij iemand die geen hulp wil? (Zorgmijder)" in text
    assert "Niet in de agenda" not in text
    assert "Werkvorm: Drie perspectieven" in text


def test_uids_are_stable_and_a_change_raises_the_sequence(engine):
    aanjager, series, meetings = _plan(engine)
    with db.read(engine) as session:
        _, before = _events(ical.series_ics(session=session, series_id=series.id))
    with db.transaction(engine) as session:
        schedule.set_status(
            session=session,
            learning_session_id=meetings[1].id,
            to_status=SessionStatus.CANCELLED,
            expected_version=meetings[1].version,
            actor=aanjager,
        )
    with db.read(engine) as session:
        _, after = _events(ical.series_ics(session=session, series_id=series.id))
    assert [str(e["UID"]) for e in before] == [str(e["UID"]) for e in after]
    assert len({str(e["UID"]) for e in after}) == 2
    assert [str(e["STATUS"]) for e in after] == ["CONFIRMED", "CANCELLED"]
    assert int(after[1]["SEQUENCE"]) > int(before[1]["SEQUENCE"])
    assert meetings[1].status != SessionStatus.CANCELLED  # the object we held was not touched


def test_filename_is_safe():
    assert ical.filename("Proeftuin Ruwaard — leersessie 2") == "proeftuin-ruwaard-leersessie-2.ics"
    assert ical.filename("../../etc/passwd") == "etc-passwd.ics"
    assert ical.filename("——") == "leersessie.ics"


def test_a_professional_gets_no_other_peoples_case_titles_or_questions(engine):
    """The .ics of Mijn sessies carries only the leervragen the professional may see: their own."""
    _aanjager, series, meetings = _plan(engine)
    with db.transaction(engine) as session:
        colleague = f.user(session, Role.PROFESSIONAL)
        f.attendance(session, session.get(type(meetings[0]), meetings[0].id), colleague)
        f.case(
            session,
            colleague,
            title="Eigen casus",
            status=CaseStatus.SELECTED,
            session_id=meetings[0].id,
            learning_question="Mijn eigen vraag",
        )
        viewer = f.current(colleague)
    with db.read(engine) as session:
        for data in (
            ical.session_ics(session=session, learning_session_id=meetings[0].id, viewer=viewer),
            ical.series_ics(session=session, series_id=series.id, viewer=viewer),
            ical.session_ics(session=session, learning_session_id=meetings[0].id),  # nobody: no case texts
        ):
            text = data.decode()
            assert "Zorgmijder" not in text and "ingrijpen" not in text
        own = ical.session_ics(session=session, learning_session_id=meetings[0].id, viewer=viewer).decode()
    assert "Mijn eigen vraag" in own
