"""Aanwezigheid (aanjager): after a session, confirm who was actually there (from the sign-ups, with
guests and walk-ins); and every participant's deelnameverklaring of a series at once, as a zip."""

import pandas as pd
import streamlit as st

from lib import accounts
from lib.core import dates, db
from lib.core.errors import DomainError
from lib.insight import oogst, statement
from lib.models import role_label
from lib.planning import attendance
from lib.ui import downloads, flash, page, write
from lib.ui.text import md_escape, message_escape

user = page.setup("aanwezigheid")


def pick_session_ui() -> int | None:
    with db.read() as session:
        held = attendance.held_sessions(session=session, actor=user, today=dates.local_today())
    if not held:
        st.info("Er is nog geen leersessie geweest: aanwezigheid bevestigt u na afloop.")
        return None
    labels = {h.id: f"{'✅' if h.confirmed else '⏳'} {h.title} — {h.when}" for h in held}
    return st.selectbox("Leersessie", list(labels), format_func=labels.get, key="presence_session")


def confirm_ui(meeting_id: int) -> None:
    with db.read() as session:
        listed = attendance.presence_list(session=session, learning_session_id=meeting_id, actor=user)
    if listed.confirmed and listed.confirmed_at is not None:
        st.success(
            f"Bevestigd door {md_escape(listed.confirmed_by or '')} op {dates.moment(listed.confirmed_at)}.", icon="✅"
        )
    else:
        st.warning("De aanwezigheid van deze leersessie is nog niet bevestigd.", icon="⏳")
    # The version and the list the aanjager saw when the screen was drawn: a change since is refused.
    seen = write.seen_version(f"presence_{meeting_id}", listed.version)
    ids = [p.attendance_id for p in listed.people]
    shown_key = f"presence_shown_{meeting_id}"
    shown = st.session_state.get(shown_key, ids)
    st.session_state[shown_key] = ids
    if not listed.people:
        st.info("Er stond niemand op de lijst. Voeg hieronder toe wie er was.")
        return
    with st.form(f"presence_form_{meeting_id}"):
        st.markdown("**Vink aan wie er was**")
        ticked = []
        for person in listed.people:
            kind = "gast" if person.is_guest else role_label(person.role)
            label = md_escape(f"{person.name} — {person.organisation} ({kind})")  # labels are Markdown
            default = person.present is not False  # signed up and not marked absent: presumably there
            if st.checkbox(label, value=default, key=f"present_{meeting_id}_{person.attendance_id}"):
                ticked.append(person.attendance_id)
        submitted = st.form_submit_button("Aanwezigheid bevestigen", type="primary")
    if submitted:
        write.change(
            lambda s: attendance.confirm_presence(
                session=s,
                learning_session_id=meeting_id,
                present_ids=ticked,
                shown_ids=shown,
                actor=user,
                expected_version=seen,
                today=dates.local_today(),
            ),
            f"De aanwezigheid is bevestigd: {len(ticked)} van de {len(shown)} aanwezig.",
        )


def walk_in_ui(meeting_id: int) -> None:
    with db.read() as session:
        others = dict(attendance.candidates(session=session, learning_session_id=meeting_id))
        organisations = {o.id: o.name for o in accounts.list_organisations(session=session)}
    st.markdown("**Er was iemand die niet was aangemeld**")
    left, right = st.columns(2, gap="large")
    with left, st.form(f"walk_in_user_{meeting_id}"):
        person = st.selectbox(
            "Gebruiker", list(others), index=None, format_func=others.get, key="walk_in_user", placeholder="Kies…"
        )
        add_user = st.form_submit_button("Toevoegen als aanwezig")
    with right, st.form(f"walk_in_guest_{meeting_id}"):
        name = st.text_input("Naam van de gast", max_chars=120, key="walk_in_name")
        organisation = st.selectbox(
            "Organisatie",
            [None, *organisations],
            format_func=lambda i: "—" if i is None else organisations[i],
            key="walk_in_org",
        )
        role = st.selectbox("Rol", list(attendance.GUEST_ROLES), format_func=role_label, index=2, key="walk_in_role")
        add_guest = st.form_submit_button("Gast toevoegen als aanwezig")
    if add_user:
        if person is None:
            st.error("Kies een gebruiker.")
            return
        write.change(
            lambda s: attendance.add_present(
                session=s, learning_session_id=meeting_id, actor=user, today=dates.local_today(), user_id=person
            ),
            f"{md_escape(others[person])} staat nu op de lijst als aanwezig. Bevestig daarna de lijst.",
        )
    if add_guest:
        write.change(
            lambda s: attendance.add_present(
                session=s,
                learning_session_id=meeting_id,
                actor=user,
                today=dates.local_today(),
                guest_name=name,
                organisation_id=organisation,
                role=role,
            ),
            "De gast staat nu op de lijst als aanwezig. Bevestig daarna de lijst.",
        )


def series_statements_ui() -> None:
    st.header("Deelnameverklaringen van een reeks")
    st.caption(
        "Voor elke deelnemer één PDF met de leersessies van de reeks waarbij die aanwezig was, samen in één zip."
    )
    with db.read() as session:
        series = dict(oogst.series_choices(session=session))
    if not series:
        st.info("Er is nog geen reeks.")
        return
    series_id = st.selectbox("Reeks", list(series), format_func=series.get, key="statements_series")
    try:
        with db.read() as session:
            found = statement.series_statements(
                session=session, series_id=series_id, actor=user, today=dates.local_today()
            )
    except DomainError as error:
        st.info(message_escape(str(error)), icon="ℹ️")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Deelnemer": s.name,
                    "Organisatie": s.organisation,
                    "Leersessies": len(s.sessions),
                    "Uren": statement.hours_text(s.total_hours),
                }
                for s in found
            ]
        ),
        hide_index=True,
        width="stretch",
        key="statements_table",
    )
    name = f"deelnameverklaringen-{statement.safe_stem(series[series_id])}.zip"
    st.download_button(
        f"Alle {len(found)} deelnameverklaringen downloaden (zip)",
        data=downloads.audited(lambda: statement.series_zip(found), user, name),
        file_name=name,
        mime="application/zip",
        on_click="ignore",
        key="statements_zip",
        icon="⬇️",
    )


st.title("Aanwezigheid")
st.caption(
    "Na een leersessie: bevestig wie er echt was. Alleen bevestigde aanwezigheid telt voor een deelnameverklaring."
)
flash.show()
chosen = pick_session_ui()
if chosen is not None:
    confirm_ui(chosen)
    walk_in_ui(chosen)
st.divider()
series_statements_ui()
