"""Sessie voorbereiden (aanjager): the agenda with its time check, the cases, who comes, and the groups."""

import pandas as pd
import streamlit as st

from lib import accounts
from lib.cases import selection
from lib.core import dates, db
from lib.models import SESSION_STATUS_LABELS, SessionStatus, role_label
from lib.planning import agenda, attendance, groups, schedule
from lib.ui import flash, lazy, page, write
from lib.ui.text import md_escape

user = page.setup("sessie_voorbereiden")


def status_ui(meeting_id: int, status: SessionStatus, seen: int) -> None:
    left, right = st.columns([3, 1])
    left.caption(f"Status: {SESSION_STATUS_LABELS[status]}")
    if status == SessionStatus.PLANNED and right.button("✅ Markeer als voorbereid", key="mark_prepared"):
        write.change(
            lambda s: schedule.set_status(
                session=s,
                learning_session_id=meeting_id,
                to_status=SessionStatus.PREPARED,
                expected_version=seen,
                actor=user,
            ),
            "De sessie is voorbereid.",
        )


def agenda_ui(meeting_id: int) -> None:
    with db.read() as session:
        plan = agenda.agenda_for_session(session=session, learning_session_id=meeting_id)
    if plan.warning:
        st.warning(plan.warning, icon="⏰")
    else:
        st.caption(f"Het programma duurt {plan.planned_minutes} van de {plan.available_minutes} minuten.")
    frame = pd.DataFrame(
        [
            {"Tijd": item.when, "Onderdeel": item.title, "Perspectief": item.perspective, "Minuten": item.minutes}
            for item in plan.items
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    if plan.review is not None:
        st.markdown(f"**Terugblik:** {plan.review.text}")  # counts only: no user text
    if plan.items[0].details:
        st.text("\n".join(f"• {line}" for line in plan.items[0].details))


def cases_ui(meeting_id: int) -> None:
    with db.read() as session:
        chosen = schedule.selected_cases(session=session, learning_session_id=meeting_id)
        search = st.session_state.get("case_search", "")
        available, total = schedule.selectable_cases(session=session, search=search)
        chosen_rows = [(c.title, c.learning_question) for c in chosen]
        options = {c.id: c.title for c in available}
        versions = {c.id: write.seen_version(f"prepare_case_{c.id}", c.version) for c in available}
    st.markdown(f"**Geselecteerde casussen ({len(chosen_rows)})**")
    if not chosen_rows:
        st.caption("Nog geen casussen geselecteerd voor deze sessie.")
    for title, question in chosen_rows:
        with st.container(border=True):
            st.text(title)
            st.caption("Leervraag")
            st.text(question)
    if total > schedule.CASE_CHOICES or search:
        st.text_input("Zoek een ingediende casus op titel", key="case_search")
        shown = f"; de oudste {len(options)} staan in de lijst" if total > len(options) else ""
        st.caption(f"{total} ingediende casussen{' gevonden' if search else ''}{shown}.")
    if not options:
        st.caption("Er zijn geen ingediende casussen die nog gekozen kunnen worden.")
        return
    pick = st.selectbox("Ingediende casus", list(options), format_func=lambda i: options[i], key="case_pick")
    if st.button("Casus selecteren voor deze sessie", key="case_select"):
        write.change(
            lambda s: selection.select_for_session(
                session=s, case_id=pick, learning_session_id=meeting_id, actor=user, expected_version=versions[pick]
            ),
            "De casus is geselecteerd.",
        )


def attendees_ui(meeting_id: int) -> None:
    with db.read() as session:
        people = attendance.attendees(session=session, learning_session_id=meeting_id)
        others = attendance.candidates(session=session, learning_session_id=meeting_id)
        organisations = [(o.id, o.name) for o in accounts.list_organisations(session=session)]
    totals = attendance.counts(people)
    first, second, third = st.columns(3)
    first.metric("Aangemeld", totals.total)
    second.metric("Managers", totals.managers)
    third.metric("Organisaties", len(totals.by_organisation))
    if people and totals.managers == 0:
        st.warning("Er komt nog geen manager. Deelnemers vragen om managers aan tafel.", icon="👔")
    left, right = st.columns(2)
    left.dataframe(
        pd.DataFrame({"Rol": list(totals.by_role), "Aantal": list(totals.by_role.values())}),
        hide_index=True,
        width="stretch",
    )
    right.dataframe(
        pd.DataFrame({"Organisatie": list(totals.by_organisation), "Aantal": list(totals.by_organisation.values())}),
        hide_index=True,
        width="stretch",
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Naam": p.name,
                    "Organisatie": p.organisation,
                    "Rol": role_label(p.role),
                    "Soort": "gast" if p.is_guest else "gebruiker",
                }
                for p in people
            ],
            columns=["Naam", "Organisatie", "Rol", "Soort"],
        ),
        hide_index=True,
        width="stretch",
    )

    names = dict(others)
    chosen = st.multiselect(
        "Deelnemers aanmelden",
        list(names),
        format_func=lambda i: names[i],
        key="add_attendees",
        placeholder="Kies deelnemers…",
    )
    if st.button("Aanmelden", key="add_attendees_button", disabled=not chosen):
        write.change(
            lambda s: attendance.add_users(session=s, learning_session_id=meeting_id, user_ids=chosen, actor=user),
            f"{len(chosen)} deelnemer(s) aangemeld.",
        )
    guest_ui(meeting_id, organisations)
    if people:
        by_id = {p.attendance_id: p.name for p in people}
        gone = st.selectbox("Deelnemer afmelden", list(by_id), format_func=lambda i: by_id[i], key="remove_pick")
        if st.button("Afmelden", key="remove_button"):
            write.change(
                lambda s: attendance.remove(session=s, attendance_id=gone, actor=user),
                f"{md_escape(by_id[gone])} is afgemeld.",
            )


def guest_ui(meeting_id: int, organisations) -> None:
    org_names = dict(organisations)
    with st.form("guest_form"):
        st.markdown("**Gast toevoegen**")
        left, middle, right = st.columns(3)
        name = left.text_input("Naam", max_chars=120, key="guest_name")
        organisation = middle.selectbox(
            "Organisatie", [None, *org_names], format_func=lambda i: "—" if i is None else org_names[i], key="guest_org"
        )
        role = right.selectbox("Rol", list(attendance.GUEST_ROLES), format_func=role_label, index=2, key="guest_role")
        submitted = st.form_submit_button("Gast toevoegen")
    if submitted:
        write.change(
            lambda s: attendance.add_guest(
                session=s,
                learning_session_id=meeting_id,
                name=name,
                organisation_id=organisation,
                role=role,
                actor=user,
            ),
            "De gast is toegevoegd.",
        )


def groups_ui(meeting_id: int, default_count: int, seen: int) -> None:
    """The tables; every change carries the session's version this screen was drawn with (`seen`)."""
    with db.read() as session:
        tables = groups.groups_of(session=session, learning_session_id=meeting_id)
        waiting = groups.unplaced(session=session, learning_session_id=meeting_id)
        gaps = groups.seating_warning(groups.seating_gaps(session=session, learning_session_id=meeting_id))
        case_count = len(schedule.selected_cases(session=session, learning_session_id=meeting_id))
    left, right = st.columns([1, 2])
    # Keyed by the number of cases, so the proposal follows when cases are selected or taken out.
    count = left.number_input(
        "Aantal groepen",
        min_value=1,
        max_value=20,
        value=max(1, min(default_count, case_count or default_count)),
        key=f"group_count_{meeting_id}_{case_count}",
    )
    label = "Opnieuw indelen" if tables else "Groepen maken"
    right.write("")
    if right.button(label, key="generate_groups", type="primary"):
        write.change(
            lambda s: groups.generate(
                session=s, learning_session_id=meeting_id, group_count=int(count), actor=user, expected_version=seen
            ),
            f"De deelnemers zijn in {int(count)} groepen ingedeeld.",
        )
    if not tables:
        st.info("Nog geen groepen. Kies het aantal en klik op 'Groepen maken'.")
        return
    if gaps:
        st.warning(md_escape(gaps), icon="🗂️")
    if waiting:
        st.warning("Nog niet ingedeeld: " + ", ".join(md_escape(p.name) for p in waiting), icon="🪑")
    columns = st.columns(min(len(tables), 4))
    for index, table in enumerate(tables):
        with columns[index % len(columns)], st.container(border=True):
            st.header(md_escape(table.name))
            st.text(table.case_title or "geen casus")
            managers = sum(1 for m in table.members if m.role == "manager")
            st.caption(f"{len(table.members)} deelnemers, {managers} manager(s)")
            for member in table.members:
                st.text(f"• {member.name} — {member.organisation} ({role_label(member.role)})")
    move_ui(tables, waiting, seen)
    swap_ui(tables, seen)


def move_ui(tables, waiting, seen: int) -> None:
    people = {m.attendance_id: f"{m.name} ({t.name})" for t in tables for m in t.members}
    people.update({p.attendance_id: f"{p.name} (niet ingedeeld)" for p in waiting})
    names = {t.id: t.name for t in tables}
    st.markdown("**Iemand verplaatsen**")
    left, middle, right = st.columns([2, 1, 1])
    person = left.selectbox("Deelnemer", list(people), format_func=lambda i: people[i], key="move_person")
    target = middle.selectbox("Naar", list(names), format_func=lambda i: names[i], key="move_to")
    right.write("")
    if right.button("Verplaatsen", key="move_button"):
        write.change(
            lambda s: groups.move_person(
                session=s, attendance_id=person, to_group_id=target, actor=user, expected_version=seen
            ),
            f"{md_escape(people[person].rsplit(' (', 1)[0])} zit nu in {names[target]}.",
        )


def swap_ui(tables, seen: int) -> None:
    if len(tables) < 2:
        return
    names = {t.id: f"{t.name}: {t.case_title}" for t in tables}
    st.markdown("**Casussen wisselen**")
    left, middle, right = st.columns([2, 2, 1])
    first = left.selectbox("Groep", list(names), format_func=lambda i: names[i], key="swap_a")
    second = middle.selectbox("met groep", list(names), index=1, format_func=lambda i: names[i], key="swap_b")
    right.write("")
    if right.button("Wisselen", key="swap_button"):
        write.change(
            lambda s: groups.swap_cases(
                session=s, group_a_id=first, group_b_id=second, actor=user, expected_version=seen
            ),
            "De casussen zijn gewisseld.",
        )


st.title("Sessie voorbereiden")
flash.show()
with db.read() as session:
    meetings = [
        (m.id, f"{m.title} — {schedule.describe(m)}", m.group_count, m.status, m.version)
        for m in schedule.sessions_to_prepare(session=session, today=dates.local_today())
    ]
if not meetings:
    st.info("Er is geen leersessie om voor te bereiden. Plan eerst sessies onder Reeksen.")
    st.stop()
labels = {i: label for i, label, *_ in meetings}
meeting_id = st.selectbox("Leersessie", list(labels), format_func=lambda i: labels[i], key="prep_session")
_, _, group_count, status, version = next(m for m in meetings if m[0] == meeting_id)
# The session as this screen shows it: its status and its tables change only from this version on.
seen = write.seen_version(f"prepare_{meeting_id}", version)
status_ui(meeting_id, SessionStatus(status), seen)

lazy.tabs(  # the tab stays put on reruns, and only the open one runs
    {
        "Agenda": lambda: agenda_ui(meeting_id),
        "Casussen": lambda: cases_ui(meeting_id),
        "Deelnemers": lambda: attendees_ui(meeting_id),
        "Groepen": lambda: groups_ui(meeting_id, group_count, seen),
    },
    key="prep_tab",
)
