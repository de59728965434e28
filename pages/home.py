"""Start: the next session, my cases, my open actions, and for the aanjager what needs doing."""

import streamlit as st

from lib import dates, db, home
from lib.models import ACTION_STATUS_LABELS, CASE_STATUS_LABELS
from lib.ui import page

user = page.setup("home")


def next_session_ui(meeting: home.SessionSummary | None) -> None:
    st.subheader("Volgende leersessie")
    if meeting is None:
        st.info("Er is nog geen leersessie gepland.")
        return
    st.markdown(f"### {meeting.title}")
    st.markdown(f"**{dates.session_when(meeting.date, meeting.start_time, meeting.end_time)}**")
    if meeting.location:
        st.text(meeting.location)
    st.caption("U bent aangemeld." if meeting.attending else "U bent (nog) niet aangemeld.")


def my_cases_ui(cases: list[home.CaseSummary]) -> None:
    st.subheader("Mijn casussen")
    if not cases:
        st.caption("U heeft nog geen casussen ingediend.")
        return
    for case in cases:
        status = CASE_STATUS_LABELS.get(case.status, case.status)
        if case.session_date is not None:
            joiner = "op" if case.status == "besproken" else "voor"
            status += f" {joiner} {dates.long_date(case.session_date)}"
        st.text(f"• {case.title} — {status}")


def my_actions_ui(actions: list[home.ActionSummary]) -> None:
    st.subheader("Mijn open acties")
    if not actions:
        st.caption("U heeft geen open vervolgacties.")
        return
    for action in actions:
        due = f"uiterlijk {dates.long_date(action.due_date)}" if action.due_date else "geen datum"
        late = " — te laat" if action.late else ""
        st.text(f"• {action.title} ({ACTION_STATUS_LABELS.get(action.status, action.status)}, {due}{late})")


def todo_ui(todo: list[str]) -> None:
    st.subheader("Voor de volgende sessie")
    if not todo:
        st.success("Alles is klaar voor de volgende sessie.")
    for line in todo:
        st.warning(line, icon="📝")


st.title(f"Welkom, {user.display_name}")
st.caption(f"Vandaag is het {dates.long_date(dates.local_today())}.")
with db.read() as session:
    overview = home.overview(session=session, user=user, today=dates.local_today())

left, right = st.columns(2, gap="large")
with left:
    next_session_ui(overview.next_session)
    if overview.todo or user.role in ("aanjager", "beheerder"):
        todo_ui(overview.todo)
with right:
    my_actions_ui(overview.my_actions)
    my_cases_ui(overview.my_cases)
