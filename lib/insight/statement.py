"""The deelnameverklaring: for re-registration (SKJ, BIG and similar registers), the leersessies a person
attended in a period, with date, times, hours, place, werkvorm and the casus they brought in, signed
off by the aanjager who confirmed their presence.

Only presence the aanjager confirmed counts (`PresenceConfirmation` and `Attendance.present`). A
statement is built once as data, then as the one `Document` that lib/exports renders to PDF; the
aanjager gets every participant's statement of a series as one zip of PDFs.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from lib.accounts import CurrentUser
from lib.core import policy
from lib.core.dates import clock, long_date
from lib.core.errors import DomainError, NotFound
from lib.exports.document import Document, Table
from lib.exports.files import file_name
from lib.exports.pdf import render_pdf
from lib.models import (
    ROLE_LABELS,
    Attendance,
    Case,
    CaseStatus,
    LearningSession,
    Organisation,
    PresenceConfirmation,
    Role,
    Series,
    SessionStatus,
    User,
)

# A casus that was withdrawn or handed back was not brought in, even if it was once on the list.
NOT_BROUGHT_IN = (CaseStatus.WITHDRAWN, CaseStatus.RETURNED)


@dataclass(frozen=True)
class AttendedSession:
    session_id: int
    date: dt.date
    start: dt.time
    end: dt.time
    title: str
    location: str
    werkvorm: str
    cases: tuple[str, ...]  # titles of the cases this person brought in
    confirmed_by: str
    confirmed_by_organisation: str

    @property
    def hours(self) -> float:
        start = dt.datetime.combine(self.date, self.start)
        return (dt.datetime.combine(self.date, self.end) - start).total_seconds() / 3600


@dataclass(frozen=True)
class Statement:
    name: str
    organisation: str
    start: dt.date
    end: dt.date
    sessions: list[AttendedSession]
    issued: dt.date
    series: str = ""  # the series, for the statements of a series

    @property
    def total_hours(self) -> float:
        return sum(s.hours for s in self.sessions)

    @property
    def signers(self) -> list[tuple[str, str]]:
        """(name, organisation) of each aanjager who confirmed a session, in order of first session."""
        return list(dict.fromkeys((s.confirmed_by, s.confirmed_by_organisation) for s in self.sessions))


def hours_text(hours: float) -> str:
    """1.5 → '1,5'; 2.0 → '2'; 1.25 → '1,25'."""
    return f"{hours:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# --- reading -------------------------------------------------------------------------------------


def _attended(
    session: Session, who: ColumnElement[bool], start: dt.date, end: dt.date, *extra: ColumnElement[bool]
) -> list[AttendedSession]:
    """The confirmed sessions of one person (`who` picks their attendance rows) between start and end."""
    signer = aliased(User)
    signer_organisation = aliased(Organisation)
    rows = session.execute(
        select(
            LearningSession.id,
            LearningSession.date,
            LearningSession.start_time,
            LearningSession.end_time,
            LearningSession.title,
            LearningSession.location,
            LearningSession.template_name,
            func.coalesce(signer.display_name, ""),
            func.coalesce(signer_organisation.name, ""),
            Attendance.user_id,
        )
        .select_from(Attendance)
        .join(LearningSession, LearningSession.id == Attendance.session_id)
        .join(PresenceConfirmation, PresenceConfirmation.session_id == Attendance.session_id)
        .outerjoin(signer, signer.id == PresenceConfirmation.confirmed_by_id)
        .outerjoin(signer_organisation, signer_organisation.id == signer.organisation_id)
        .where(
            who,
            *extra,
            Attendance.present.is_(True),
            LearningSession.status != SessionStatus.CANCELLED,
            LearningSession.date.between(start, end),
        )
        .order_by(LearningSession.date, LearningSession.start_time, LearningSession.id)
    ).all()
    user_ids = {r[9] for r in rows if r[9] is not None}
    cases: dict[int, list[str]] = {}
    if user_ids:
        for session_id, title in session.execute(
            select(Case.session_id, Case.title)
            .where(
                Case.submitter_id.in_(user_ids),
                Case.session_id.in_([r[0] for r in rows]),
                Case.status.notin_(NOT_BROUGHT_IN),
            )
            .order_by(Case.title)
        ).all():
            if session_id is not None:  # the query asks only for cases of these sessions
                cases.setdefault(session_id, []).append(title)
    return [
        AttendedSession(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(cases.get(r[0], [])), r[7] or "onbekend", r[8])
        for r in rows
    ]


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError("Periode: de einddatum ligt vóór de begindatum.")


def unconfirmed_count(*, session: Session, user: CurrentUser, start: dt.date, end: dt.date, today: dt.date) -> int:
    """Held sessions in the period this user signed up for whose presence is not confirmed yet."""
    policy.require(user, "statement.own")
    confirmed = select(PresenceConfirmation.session_id)
    return (
        session.scalar(
            select(func.count())
            .select_from(Attendance)
            .join(LearningSession, LearningSession.id == Attendance.session_id)
            .where(
                Attendance.user_id == user.id,
                LearningSession.status != SessionStatus.CANCELLED,
                LearningSession.date.between(start, min(end, today)),
                Attendance.session_id.not_in(confirmed),
            )
        )
        or 0
    )


def own_statement(*, session: Session, user: CurrentUser, start: dt.date, end: dt.date, today: dt.date) -> Statement:
    """The statement of the logged-in user for a period; a clear message when they attended nothing."""
    policy.require(user, "statement.own")
    _check_period(start, end)
    person = session.get(User, user.id)
    if person is None:
        raise NotFound("Deze gebruiker bestaat niet (meer).")
    attended = _attended(session, Attendance.user_id == user.id, start, end)
    if not attended:
        waiting = unconfirmed_count(session=session, user=user, start=start, end=end, today=today)
        message = (
            f"U was van {long_date(start)} tot en met {long_date(end)} bij geen enkele leersessie aanwezig "
            "(zoals bevestigd door de aanjager). Er is voor deze periode dus geen deelnameverklaring."
        )
        if waiting:
            message += (
                f" Van {waiting} leersessie(s) waarvoor u was aangemeld, heeft de aanjager de aanwezigheid nog "
                "niet bevestigd."
            )
        raise DomainError(message)
    organisation = person.organisation.name if person.organisation else ""
    return Statement(person.display_name, organisation, start, end, attended, today)


def series_statements(*, session: Session, series_id: int, actor: CurrentUser, today: dt.date) -> list[Statement]:
    """One statement for everybody confirmed present at a session of the series: users, and guests
    (by name and organisation). Refused, with a message, when nobody's presence was confirmed."""
    policy.require(actor, "statement.series")
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("Deze reeks bestaat niet.")
    span = session.execute(
        select(func.min(LearningSession.date), func.max(LearningSession.date)).where(
            LearningSession.series_id == series_id
        )
    ).one()
    if span[0] is None:
        raise DomainError("Deze reeks heeft nog geen leersessies.")
    start, end = span[0], span[1]
    in_series = select(LearningSession.id).where(LearningSession.series_id == series_id)
    confirmed = select(PresenceConfirmation.session_id)
    present = [
        Attendance.session_id.in_(in_series),
        Attendance.session_id.in_(confirmed),
        Attendance.present.is_(True),
    ]
    statements: list[Statement | None] = []
    users = session.execute(
        select(User.id, User.display_name, func.coalesce(Organisation.name, ""))
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(select(Attendance.user_id).where(*present)))
        .order_by(User.display_name, User.id)
    ).all()
    for user_id, name, organisation in users:
        attended = _attended(session, Attendance.user_id == user_id, start, end, *present)
        statements.append(_of_series(name, organisation, attended, today, series.name))
    guests = session.execute(
        select(Attendance.guest_name, Attendance.guest_organisation_id, func.coalesce(Organisation.name, ""))
        .outerjoin(Organisation, Organisation.id == Attendance.guest_organisation_id)
        .where(Attendance.user_id.is_(None), *present)
        .distinct()
        .order_by(Attendance.guest_name)
    ).all()
    for guest_name, organisation_id, organisation in guests:
        who = (Attendance.guest_name == guest_name) & (
            Attendance.guest_organisation_id.is_(None)
            if organisation_id is None
            else Attendance.guest_organisation_id == organisation_id
        )
        attended = _attended(session, who & Attendance.user_id.is_(None), start, end, *present)
        statements.append(_of_series(guest_name or "", organisation, attended, today, series.name))
    found = [s for s in statements if s is not None]
    if not found:
        raise DomainError(
            "Er is in deze reeks nog van niemand aanwezigheid bevestigd. Bevestig eerst per leersessie wie er was."
        )
    return found


def _of_series(
    name: str, organisation: str, attended: list[AttendedSession], today: dt.date, series: str
) -> Statement | None:
    """A statement over the sessions of one series somebody attended, from the first to the last."""
    if not attended:
        return None
    return Statement(name, organisation, attended[0].date, attended[-1].date, attended, today, series)


# --- the document and the files ------------------------------------------------------------------

COLUMNS = ["Datum", "Tijd", "Uren", "Plaats", "Werkvorm", "Ingebrachte casus"]


def document(statement: Statement) -> Document:
    """The statement as one Document: who, the period, every session attended, the total, the sign-off."""
    who = statement.name + (f" ({statement.organisation})" if statement.organisation else "")
    period = f"{long_date(statement.start)} tot en met {long_date(statement.end)}"
    doc = Document(
        "Deelnameverklaring leersessies casuïstiek",
        f"{who}\n{'Reeks ' + statement.series + ', ' if statement.series else 'Periode: '}{period}",
    )
    count = len(statement.sessions)
    total = hours_text(statement.total_hours)
    doc.section("Verklaring").text(
        f"Hierbij verklaren wij dat {who} in de periode van {period} aanwezig was bij {count} "
        f"leersessie{'s' if count != 1 else ''} casuïstiek, samen {total} uur. De aanwezigheid is na "
        "elke leersessie bevestigd door de casuïstiekaanjager."
    )
    table = Table(
        COLUMNS,
        [
            [
                long_date(s.date),
                f"{clock(s.start)}–{clock(s.end)}",
                hours_text(s.hours),
                s.location,
                s.werkvorm,
                "; ".join(s.cases) or "—",
            ]
            for s in statement.sessions
        ],
        widths=[3.2, 1.8, 1, 3, 2.5, 4],
    )
    sessions = doc.section("Bijgewoonde leersessies")
    sessions.add(table)
    sessions.text(f"Totaal: {total} uur in {count} leersessie{'s' if count != 1 else ''}.", bold=True)
    doc.csv_table = table
    sign = doc.section("Ondertekening")
    for name, organisation in statement.signers:
        sign.text(f"{name}, {ROLE_LABELS[Role.AANJAGER]}" + (f", {organisation}" if organisation else ""), bold=True)
    sign.text(f"Opgemaakt op {long_date(statement.issued)} met de app Leersessie.")
    return doc


def pdf(statement: Statement) -> bytes:
    return render_pdf(document(statement))


def safe_stem(text: str) -> str:
    """Letters without accents, digits and dashes: a file name every zip tool and file system takes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return file_name(plain or "deelnemer", None, "pdf").removesuffix(".pdf") or "deelnemer"


def statement_file_name(statement: Statement) -> str:
    period = f"{statement.start.isoformat()}-{statement.end.isoformat()}"
    return f"deelnameverklaring-{safe_stem(statement.name)}-{period}.pdf"


def series_zip(statements: list[Statement]) -> bytes:
    """One PDF per statement in a zip, each under a safe and unique file name."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in statements:
            name = statement_file_name(item)
            stem, number = name.removesuffix(".pdf"), 2
            while name in used:
                name, number = f"{stem}-{number}.pdf", number + 1
            used.add(name)
            archive.writestr(name, pdf(item))
    return buffer.getvalue()
