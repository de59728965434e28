"""Start: the next session, my cases, my open actions, and for the aanjager what needs doing."""

import streamlit as st

from lib import home
from lib.core import dates, db, policy
from lib.followup import stuck
from lib.followup.actions import due_text
from lib.models import ACTION_STATUS_LABELS, CASE_STATUS_LABELS
from lib.ui import flash, page
from lib.ui.text import md_escape

user = page.setup("home")


def next_session_ui(meeting: home.SessionSummary | None) -> None:
    st.header("Volgende leersessie")
    if meeting is None:
        st.info("Er is nog geen leersessie gepland.")
        return
    st.markdown(f"### {md_escape(meeting.title)}")
    st.markdown(f"**{dates.session_when(meeting.date, meeting.start_time, meeting.end_time)}**")
    if meeting.location:
        st.text(meeting.location)
    st.caption("U bent aangemeld." if meeting.attending else "U bent (nog) niet aangemeld.")


def my_cases_ui(cases: list[home.CaseSummary]) -> None:
    st.header("Mijn casussen")
    if not cases:
        st.caption("U heeft nog geen casussen ingediend.")
        return
    for case in cases:
        status = CASE_STATUS_LABELS.get(case.status, case.status)
        if case.session_date is not None:
            joiner = "op" if case.status == "besproken" else "voor"
            status += f" {joiner} {dates.long_date(case.session_date)}"
        st.text(f"• {case.title} — {status}")


def my_actions_ui(actions: list[home.ActionSummary], others: int) -> None:
    st.header("Mijn acties: te laat en binnenkort")
    today = dates.local_today()
    if not actions:
        st.caption(f"U heeft geen vervolgacties die te laat zijn of binnen {home.DUE_SOON_DAYS} dagen aflopen.")
    late = [a for a in actions if a.late]
    if late:
        st.error(f"{len(late)} van uw acties {'is' if len(late) == 1 else 'zijn'} te laat.", icon="⏰")
    for action in actions:
        status = ACTION_STATUS_LABELS.get(action.status, action.status)
        when = due_text(action.due_date, action.status, today)
        st.text(f"{'⏰' if action.late else '•'} {action.title} ({status}, {dates.long_date(action.due_date)}: {when})")
    if others:
        st.caption(f"En {others} open actie(s) met een latere of geen streefdatum.")
    st.page_link("pages/opvolging.py", label="Naar Opvolging", icon="📋")


def my_stuck_ui(items: list[stuck.StuckAction]) -> None:
    """The trekker's vastgelopen actions: only when there are any."""
    if not items:
        return
    st.subheader("Mijn vastgelopen acties")
    st.warning(
        f"{len(items)} van uw acties {'is' if len(items) == 1 else 'zijn'} vastgelopen. "
        "Bespreek met uw manager of de aanjager wat er nodig is.",
        icon="⚠️",
    )
    for action in items:
        st.text(f"⚠️ {action.title} ({action.status_label}): {action.why}")


def todo_ui(todo: list[str]) -> None:
    st.header("Voor de volgende sessie")
    if not todo:
        st.success("Alles is klaar voor de volgende sessie.")
    for line in todo:
        st.warning(line, icon="📝")


st.title(f"Welkom, {md_escape(user.display_name)}")
flash.show()  # e.g. after choosing a new password at first login
st.caption(f"Vandaag is het {dates.long_date(dates.local_today())}.")
with db.read() as session:
    overview = home.overview(session=session, user=user, today=dates.local_today())
    stuck_actions = stuck.my_stuck_actions(session=session, user=user, today=dates.local_today())

left, right = st.columns(2, gap="large")
with left:
    next_session_ui(overview.next_session)
    if overview.todo or policy.allows(user.role, "home.todo"):
        todo_ui(overview.todo)
with right:
    my_stuck_ui(stuck_actions)
    my_actions_ui(overview.my_actions, overview.other_open_actions)
    my_cases_ui(overview.my_cases)
