"""Reeksen (aanjager): a series with its dates — create, edit, add dates, move or cancel a session, status, .ics;
the kind of series (reeks, leercirkel, leertraject), a leercirkel's enrolments and waiting list, the Oogstdag."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib.core import dates, db
from lib.models import (
    SERIES_KIND_LABELS,
    SESSION_KIND_LABELS,
    SESSION_STATUS_LABELS,
    SeriesKind,
    SessionKind,
    SessionStatus,
    series_kind_label,
)
from lib.planning import enrolment, ical, schedule, werkvormen
from lib.ui import downloads, flash, page, write
from lib.ui.text import md_escape

user = page.setup("reeksen")

PENDING = "reeksen_pending_series"
NEW = 0  # the "new series" choice in the series picker

STATUS_BUTTONS = {
    SessionStatus.PLANNED: "Terug naar gepland",
    SessionStatus.PREPARED: "Markeer als voorbereid",
    SessionStatus.CANCELLED: "Sessie annuleren",
}
KIND_HELP = (
    "Leersessie reeks: u nodigt uit en registreert de deelnemers. Leercirkel: een thema waarvoor professionals "
    "zich zelf inschrijven voor de hele cyclus, tot het maximum; daarna komen ze op de wachtlijst. Leertraject: "
    "een programma van verschillende activiteiten dat afsluit met een Oogstdag."
)
DEFAULT_PLACES = 12
PROJECTOR_HINT = {
    SessionStatus.PLANNED: "Op de dag zelf start u de sessie op de Projector.",
    SessionStatus.PREPARED: "Op de dag zelf start u de sessie op de Projector.",
    SessionStatus.RUNNING: "Deze sessie is bezig. Sluit haar af op de Projector.",
}


def show_series(series_id: int) -> None:
    """After the rerun, the series picker shows this series (set before the picker is drawn)."""
    st.session_state[PENDING] = series_id


def series_form_ui(series, templates, prefix: str) -> schedule.SeriesInput | None:
    """The fields of a series; returns the input when the form is submitted."""
    template_ids = [t.id for t in templates]
    names = {t.id: t.name for t in templates}
    current = series.template_id if series and series.template_id in names else (template_ids or [None])[0]
    with st.form(f"{prefix}_form"):
        name = st.text_input(
            "Naam van de reeks", value=series.name if series else "", max_chars=120, key=f"{prefix}_name"
        )
        location = st.text_input(
            "Locatie",
            value=series.location if series else "",
            max_chars=200,
            key=f"{prefix}_location",
            placeholder="bijvoorbeeld gemeentehuis Oss",
        )
        left, right = st.columns(2)
        start = left.time_input(
            "Begintijd",
            value=series.default_start if series else dt.time(9, 0),
            step=dt.timedelta(minutes=15),
            key=f"{prefix}_start",
        )
        end = right.time_input(
            "Eindtijd",
            value=series.default_end if series else dt.time(10, 30),
            step=dt.timedelta(minutes=15),
            key=f"{prefix}_end",
        )
        kinds = list(SeriesKind)
        kind = st.radio(
            "Soort reeks",
            kinds,
            index=kinds.index(SeriesKind(series.kind)) if series else 0,
            format_func=lambda k: SERIES_KIND_LABELS[k],
            horizontal=True,
            help=KIND_HELP,
            key=f"{prefix}_kind",
        )
        places = st.number_input(
            "Maximum aantal deelnemers (alleen voor een leercirkel)",
            min_value=1,
            max_value=schedule.MAX_CIRCLE_PLACES,
            value=(series.max_participants if series and series.max_participants else DEFAULT_PLACES),
            key=f"{prefix}_places",
        )
        template_id = st.selectbox(
            "Werkvorm",
            template_ids,
            index=template_ids.index(current) if current else 0,
            format_func=lambda i: names[i],
            key=f"{prefix}_template",
        )
        description = st.text_area(
            "Beschrijving", value=series.description if series else "", max_chars=2000, key=f"{prefix}_description"
        )
        label = "Wijzigingen opslaan" if series else "Reeks aanmaken"
        if st.form_submit_button(label, type="primary"):
            circle_places = int(places) if kind == SeriesKind.LEERCIRKEL else None
            return schedule.SeriesInput(name, start, end, location, description, template_id, kind, circle_places)
    return None


def new_series_ui(templates) -> None:
    st.header("Nieuwe reeks")
    data = series_form_ui(None, templates, "new_series")
    if data is None:
        return
    write.change(
        lambda session: schedule.create_series(session=session, data=data, actor=user),
        lambda created: f"De reeks '{md_escape(created.name)}' is aangemaakt. Voeg nu de data toe.",
        after=lambda created: show_series(created.id),
    )


def edit_series_ui(series, templates) -> None:
    prefix = f"edit_series_{series.id}"
    # The fields start from the stored series and keep what was typed: so does the version.
    seen = write.seen_version(prefix, series.version, inputs=f"{prefix}_name")
    with st.expander("Reeks bewerken"):
        data = series_form_ui(series, templates, prefix)
    if data is None:
        return
    write.change(
        lambda session: schedule.update_series(
            session=session, series_id=series.id, data=data, expected_version=seen, actor=user
        ),
        "De reeks is opgeslagen.",
    )


def sessions_table_ui(series) -> None:
    if not series.sessions:
        st.info("Deze reeks heeft nog geen sessies. Voeg hieronder data toe.")
        return
    frame = pd.DataFrame(
        [
            {
                "Sessie": m.title,
                "Soort": SESSION_KIND_LABELS.get(m.kind, m.kind),
                "Wanneer": dates.session_when(m.date, m.start_time, m.end_time),
                "Locatie": m.location,
                "Status": SESSION_STATUS_LABELS[SessionStatus(m.status)],
                "Werkvorm": m.template_name,
            }
            for m in series.sessions
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def add_dates_ui(series) -> None:
    st.subheader("Data toevoegen")
    with st.form(f"add_dates_{series.id}"):
        left, middle, right = st.columns(3)
        first = left.date_input(
            "Eerste datum", value=dates.local_today() + dt.timedelta(days=7), format="DD-MM-YYYY", key="add_first"
        )
        count = middle.number_input(
            "Aantal sessies", min_value=0, max_value=schedule.MAX_DATES_AT_ONCE, value=4, key="add_count"
        )
        weeks = right.number_input("Om de hoeveel weken", min_value=1, max_value=52, value=4, key="add_weeks")
        typed = st.text_area(
            "Of typ losse data (één per regel, bijvoorbeeld 5-9-2026)", key="add_typed", max_chars=2000
        )
        last_is_oogstdag = st.checkbox(
            "De laatste van deze data is de Oogstdag",
            value=series.kind == SeriesKind.LEERTRAJECT and not schedule.ends_with_oogstdag(series),
            help="Op de Oogstdag toont de projector de oogst van de reeks; de uitkomst zijn nieuwe vervolgacties.",
            key="add_oogstdag",
        )
        submitted = st.form_submit_button("Sessies toevoegen", type="primary")
    if not submitted:
        return

    def add(session) -> schedule.Planned:
        days = schedule.parse_dates(typed) if typed.strip() else schedule.dates_by_rhythm(first, int(count), int(weeks))
        return schedule.add_sessions(
            session=session,
            series_id=series.id,
            days=days,
            actor=user,
            today=dates.local_today(),
            last_is_oogstdag=last_is_oogstdag,
        )

    write.change(add, lambda result: " ".join([f"{len(result.sessions)} sessie(s) toegevoegd.", *result.warnings]))


def change_session_ui(series) -> None:
    if not series.sessions:
        return
    st.subheader("Sessie verplaatsen, annuleren of status wijzigen")
    by_id = {m.id: m for m in series.sessions}
    chosen_id = st.selectbox(
        "Sessie",
        list(by_id),
        format_func=lambda i: f"{by_id[i].title} — {schedule.describe(by_id[i])}",
        key="change_session",
    )
    meeting = by_id[chosen_id]
    seen = write.seen_version(f"session_{meeting.id}", meeting.version)
    status = SessionStatus(meeting.status)
    st.caption(f"Status: {SESSION_STATUS_LABELS[status]} · {SESSION_KIND_LABELS.get(meeting.kind, meeting.kind)}")
    if status in schedule.CHANGEABLE:
        move_ui(meeting)
        session_kind_ui(meeting, seen)
    buttons = st.columns(4)
    for column, target in zip(
        buttons, sorted(schedule.TRANSITIONS[status], key=list(SessionStatus).index), strict=False
    ):
        if column.button(STATUS_BUTTONS[target], key=f"status_{target.value}"):
            write.change(
                lambda session, target=target: schedule.set_status(
                    session=session, learning_session_id=meeting.id, to_status=target, expected_version=seen, actor=user
                ),
                f"De sessie is nu {SESSION_STATUS_LABELS[target]}.",
            )
    if status in PROJECTOR_HINT:
        # Starting and closing go through the Projector: the join code, and the cases become besproken.
        st.caption(PROJECTOR_HINT[status])
        st.page_link("pages/projector.py", label="Naar de Projector", icon="📽️")
    st.download_button(
        "📆 Agenda-bestand van deze sessie (.ics)",
        downloads.audited(lambda: session_file(meeting.id), user, ical.filename(meeting.title)),
        file_name=ical.filename(meeting.title),
        mime="text/calendar",
        key="session_ics",
    )


def session_kind_ui(meeting, seen: int) -> None:
    """An Oogstdag shows the oogst of the series on the projector; its outcome is new actions."""
    target = SessionKind.LEERSESSIE if meeting.kind == SessionKind.OOGSTDAG else SessionKind.OOGSTDAG
    label = "Maak er een gewone leersessie van" if target == SessionKind.LEERSESSIE else "🌾 Maak er de Oogstdag van"
    if st.button(label, key=f"kind_{meeting.id}"):
        write.change(
            lambda session: schedule.set_kind(
                session=session, learning_session_id=meeting.id, kind=target, expected_version=seen, actor=user
            ),
            f"De sessie is nu een {SESSION_KIND_LABELS[target]}.",
        )


def move_ui(meeting) -> None:
    # The fields start from the stored session and keep what was typed: so does the version.
    seen = write.seen_version(f"move_{meeting.id}", meeting.version, inputs=f"move_date_{meeting.id}")
    with st.form(f"move_{meeting.id}"):
        left, middle, right = st.columns(3)
        day = left.date_input("Datum", value=meeting.date, format="DD-MM-YYYY", key=f"move_date_{meeting.id}")
        start = middle.time_input(
            "Begintijd", value=meeting.start_time, step=dt.timedelta(minutes=15), key=f"move_start_{meeting.id}"
        )
        end = right.time_input(
            "Eindtijd", value=meeting.end_time, step=dt.timedelta(minutes=15), key=f"move_end_{meeting.id}"
        )
        location = st.text_input("Locatie", value=meeting.location, max_chars=200, key=f"move_location_{meeting.id}")
        submitted = st.form_submit_button("Verplaatsen")
    if not submitted:
        return
    write.change(
        lambda session: schedule.move_session(
            session=session,
            learning_session_id=meeting.id,
            day=day,
            start=start,
            end=end,
            location=location,
            expected_version=seen,
            actor=user,
            today=dates.local_today(),
        ),
        lambda warnings: " ".join(["De sessie is verplaatst.", *warnings]),
    )


def enrolments_ui(series) -> None:
    """Who is in the leercirkel and who waits; taking somebody out lets the first in line move up."""
    with db.read() as session:
        circle = enrolment.circle(session=session, series_id=series.id, actor=user)
    st.subheader(f"Inschrijvingen — {len(circle.enrolled)} van {circle.places} plaatsen bezet")
    st.caption(
        "Professionals schrijven zich zelf in op Mijn sessies, voor alle sessies van de cyclus. Is de cirkel vol, "
        "dan komen ze op de wachtlijst; schrijft iemand zich uit, dan schuift de eerste op de wachtlijst door."
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Ingeschreven**")
        if not circle.enrolled:
            st.caption("Nog niemand ingeschreven.")
        for person in circle.enrolled:
            person_row_ui(person, "doorgeschoven van de wachtlijst" if person.promoted_at else "")
    with right:
        st.markdown(f"**Wachtlijst ({len(circle.waiting)})**")
        if not circle.waiting:
            st.caption("Niemand op de wachtlijst.")
        for number, person in enumerate(circle.waiting, start=1):
            person_row_ui(person, f"plaats {number}")


def person_row_ui(person: enrolment.Person, note: str) -> None:
    name, button = st.columns([3, 2], vertical_alignment="center")
    organisation = f" ({person.organisation})" if person.organisation else ""
    name.text(f"{person.name}{organisation}{' — ' + note if note else ''}")
    if button.button("Uitschrijven", key=f"unenrol_{person.enrolment_id}"):
        write.change(
            lambda session: enrolment.remove_enrolment(
                session=session, enrolment_id=person.enrolment_id, actor=user, today=dates.local_today()
            ),
            lambda change: " ".join(
                [f"{md_escape(person.name)} is uitgeschreven.", md_escape(change.notice())]
            ).strip(),
        )


def session_file(learning_session_id: int) -> bytes:
    """Built when the button is clicked, not on every run of the page."""
    with db.read() as session:
        return ical.session_ics(session=session, learning_session_id=learning_session_id, viewer=user)


def series_file(series_id: int) -> bytes:
    with db.read() as session:
        return ical.series_ics(session=session, series_id=series_id, viewer=user)


def series_ui(series_id: int, templates) -> None:
    with db.read() as session:
        series = schedule.get_series(session=session, series_id=series_id)
    st.header(md_escape(series.name))
    details = [
        series_kind_label(series.kind),
        series.location,
        f"{dates.clock(series.default_start)}–{dates.clock(series.default_end)}",
    ]
    if series.template:
        details.append(f"werkvorm {series.template.name}")
    st.caption(" · ".join(md_escape(d) for d in details if d))
    if series.kind == SeriesKind.LEERCIRKEL:
        details_places = f"maximaal {series.max_participants} deelnemers"
        st.caption(details_places)
    if series.description:
        st.text(series.description)
    notice = schedule.series_notice(series)
    if notice:
        st.warning(notice, icon="🌾")
    st.download_button(
        "📆 Agenda-bestand van de hele reeks (.ics)",
        downloads.audited(lambda: series_file(series_id), user, ical.filename(series.name)),
        file_name=ical.filename(series.name),
        mime="text/calendar",
        key="series_ics",
        disabled=not series.sessions,
    )
    sessions_table_ui(series)
    if series.kind == SeriesKind.LEERCIRKEL:
        enrolments_ui(series)
    add_dates_ui(series)
    change_session_ui(series)
    edit_series_ui(series, templates)


st.title("Reeksen")
flash.show()
with db.read() as session:
    all_series = [
        (s.id, s.name if s.kind == SeriesKind.REEKS else f"{s.name} ({series_kind_label(s.kind)})")
        for s in schedule.list_series(session=session)
    ]
    templates = werkvormen.list_templates(session=session)
pending = st.session_state.pop(PENDING, None)
if pending is not None:
    st.session_state["series_choice"] = pending
names = dict(all_series)
if st.session_state.get("series_choice") not in [NEW, *names]:
    st.session_state["series_choice"] = all_series[0][0] if all_series else NEW
choice = st.selectbox(
    "Reeks", [NEW, *names], format_func=lambda i: "➕ Nieuwe reeks" if i == NEW else names[i], key="series_choice"
)
if choice == NEW:
    new_series_ui(templates)
else:
    series_ui(choice, templates)
