"""The deelnameverklaring: only confirmed presence counts; the PDF (read back) lists date, times, hours,
place, werkvorm and the casus brought in, with accents and long titles intact, signed off by the
aanjager; no attendance gives a clear message, and the series gives one PDF per participant in a zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from lib.core import db
from lib.core.dates import local_today
from lib.core.errors import DomainError, NotAllowed
from lib.insight import statement
from lib.models import CaseStatus, PresenceConfirmation, Role, SessionStatus
from tests import factories as f
from tests.readers import flat, pdf_text

TODAY = local_today()
LONG_TITLE = (
    "Een alleenstaande moeder met vier kinderen, een huurachterstand van zeven maanden en een "
    "aanvraag schuldhulp die blijft liggen"
)[:120]


def confirmed(s, meeting, by) -> None:
    s.add(PresenceConfirmation(session_id=meeting.id, confirmed_by_id=by.id))
    s.flush()


@pytest.fixture
def world(engine):
    with db.transaction(engine) as s:
        ggz = f.organisation(s, "GGZ Oost Brabant")
        gemeente = f.organisation(s, "Gemeente Oss")
        aanjager = f.user(s, Role.AANJAGER, display_name="Annelies van der Heijden", organisation=gemeente)
        me = f.user(s, Role.PROFESSIONAL, organisation=ggz, display_name="Zoë Ağaoğlu-Brønsted")
        other = f.user(s, Role.PROFESSIONAL, organisation=ggz, display_name="Zoë Ağaoğlu-Brønsted")  # same name
        reeks = f.series(s, name="Proeftuin Ruwaard")
        sessions = []
        for weeks, title in [(12, "Sessie 1"), (8, "Sessie 2"), (4, "Sessie 3"), (1, "Sessie 4")]:
            sessions.append(
                f.learning_session(
                    s,
                    series_row=reeks,
                    date=TODAY - dt.timedelta(weeks=weeks),
                    title=title,
                    location="Gemeentehuis Oss, Raadhuislaan 2",
                    status=SessionStatus.FINISHED,
                )
            )
        first, second, third, fourth = sessions
        second.start_time, second.end_time = dt.time(13, 0), dt.time(16, 15)
        f.case(s, me, title=LONG_TITLE, status=CaseStatus.DISCUSSED, session_id=first.id)
        f.case(s, me, title="Ingetrokken casus", status=CaseStatus.WITHDRAWN, session_id=second.id)
        f.attendance(s, first, me, present=True)
        f.attendance(s, second, me, present=True)
        f.attendance(s, third, me, present=False)  # confirmed absent
        f.attendance(s, fourth, me, present=True)  # not confirmed yet
        f.attendance(s, first, other, present=True)
        s.add(f.Attendance(session_id=second.id, guest_name="Wim Verbruggen", role="gast", present=True))
        for meeting in (first, second, third):
            confirmed(s, meeting, aanjager)
        return {
            "me": f.current(me),
            "aanjager": f.current(aanjager),
            "series": reeks.id,
            "dates": [m.date for m in sessions],
        }


def mine(engine, w, start=None, end=None):
    with db.read(engine) as s:
        return statement.own_statement(
            session=s, user=w["me"], start=start or TODAY - dt.timedelta(days=365), end=end or TODAY, today=TODAY
        )


def test_only_confirmed_presence_counts(engine, world):
    found = mine(engine, world)
    assert [s.title for s in found.sessions] == ["Sessie 1", "Sessie 2"]
    assert [s.hours for s in found.sessions] == [1.5, 3.25]
    assert statement.hours_text(found.total_hours) == "4,75"
    assert found.sessions[0].cases == (LONG_TITLE,) and found.sessions[1].cases == ()  # withdrawn: not brought in
    assert found.signers == [("Annelies van der Heijden", "Gemeente Oss")]
    assert found.organisation == "GGZ Oost Brabant"


def test_the_pdf_reads_back_with_accents_long_titles_and_the_sign_off(engine, world):
    data = statement.pdf(mine(engine, world))
    text = flat(pdf_text(data))
    for expected in (
        "Deelnameverklaring leersessies casuïstiek",
        "Zoë Ağaoğlu-Brønsted (GGZ Oost Brabant)",
        LONG_TITLE,
        "09:00–10:30",
        "13:00–16:15",
        "3,25",
        "Totaal: 4,75 uur in 2 leersessies.",
        "Gemeentehuis Oss, Raadhuislaan 2",
        "Annelies van der Heijden, casuïstiekaanjager, Gemeente Oss",
    ):
        assert flat(expected) in text, expected
    assert "Sessie 3" not in text  # absent


def test_no_attendance_in_the_period_is_a_clear_message_not_an_empty_pdf(engine, world):
    with pytest.raises(DomainError, match="bij geen enkele leersessie aanwezig") as refused:
        mine(engine, world, start=world["dates"][3] - dt.timedelta(days=1), end=TODAY)
    assert "Van 1 leersessie(s) waarvoor u was aangemeld, heeft de aanjager de aanwezigheid nog niet" in str(
        refused.value
    )
    with pytest.raises(DomainError, match="einddatum ligt vóór de begindatum"):
        mine(engine, world, start=TODAY, end=TODAY - dt.timedelta(days=1))


def test_the_period_limits_the_sessions(engine, world):
    first, second, *_ = world["dates"]
    found = mine(engine, world, start=second, end=second)
    assert [s.date for s in found.sessions] == [second]
    assert first not in [s.date for s in found.sessions]


def test_the_series_zip_holds_one_readable_pdf_per_participant_with_safe_names(engine, world):
    with db.read(engine) as s:
        found = statement.series_statements(session=s, series_id=world["series"], actor=world["aanjager"], today=TODAY)
    data = statement.series_zip(found)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        texts = {name: flat(pdf_text(archive.read(name))) for name in names}
    first, second = world["dates"][:2]
    assert sorted(names) == sorted(
        [
            f"deelnameverklaring-wim-verbruggen-{second}-{second}.pdf",
            f"deelnameverklaring-zoe-agaoglu-brnsted-{first}-{second}.pdf",
            f"deelnameverklaring-zoe-agaoglu-brnsted-{first}-{first}.pdf",
        ]
    )
    assert all(name.isascii() for name in names)
    assert "Reeks Proeftuin Ruwaard" in texts[names[0]]
    assert any("Wim Verbruggen" in t and "13:00–16:15" in t for t in texts.values())


def test_two_people_with_one_name_get_two_files(engine, world):
    same = statement.Statement("Jan", "", TODAY, TODAY, [], TODAY)
    with zipfile.ZipFile(io.BytesIO(statement.series_zip([same, same]))) as archive:
        assert archive.namelist() == [
            f"deelnameverklaring-jan-{TODAY}-{TODAY}.pdf",
            f"deelnameverklaring-jan-{TODAY}-{TODAY}-2.pdf",
        ]


def test_a_series_without_confirmed_presence_says_what_to_do(engine, world):
    with db.transaction(engine) as s:
        empty = f.series(s)
        f.learning_session(s, series_row=empty, date=TODAY - dt.timedelta(days=3))
        empty_id = empty.id
    with pytest.raises(DomainError, match="Bevestig eerst per leersessie wie er was"), db.read(engine) as s:
        statement.series_statements(session=s, series_id=empty_id, actor=world["aanjager"], today=TODAY)


def test_a_professional_may_not_download_a_series(engine, world):
    with pytest.raises(NotAllowed), db.read(engine) as s:
        statement.series_statements(session=s, series_id=world["series"], actor=world["me"], today=TODAY)
