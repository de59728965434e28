"""Opvolging: "Mijn acties", "Alle acties" with filters and history, quick updates, and the terugblik."""

import pandas as pd
import streamlit as st

from lib.core import dates, db, policy
from lib.core.errors import DomainError
from lib.followup import actions, terugblik
from lib.models import ActionStatus
from lib.ui import flash, lazy, page, write
from lib.ui import privacy as privacy_ui
from lib.ui.review import review_ui
from lib.ui.text import md_escape, message_escape

user = page.setup("opvolging")
ALL = 0  # "Alle" in a filter; not None, which a selectbox treats as "no choice"


def filters_ui(prefix: str, mine: bool, choices: actions.FilterChoices) -> actions.ActionFilter:
    default = actions.default_filter(user, mine=mine)
    if mine:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        with left:
            statuses = st.multiselect(
                "Status",
                list(actions.STATUS_ORDER),
                format_func=actions.status_label,
                key=f"{prefix}_status",
                placeholder="Alle statussen",
            )
        with right:
            late = st.checkbox("Alleen te laat", key=f"{prefix}_late")
        return actions.ActionFilter(mine=True, statuses=tuple(statuses), late_only=late)
    series_names = dict(choices.series)
    organisation_names = dict(choices.organisations)
    one, two, three = st.columns(3)
    with one:
        series_id = st.selectbox(
            "Reeks", [ALL, *series_names], format_func=lambda i: series_names.get(i, "Alle"), key=f"{prefix}_series"
        )
    with two:
        rows = choices.sessions
        if series_id:
            with db.read() as session:
                rows = actions.session_choices(session=session, series_id=series_id)
        sessions = {s[0]: f"{s[1]} ({dates.short_date(s[2])})" for s in rows}
        session_id = st.selectbox(
            "Leersessie", [ALL, *sessions], format_func=lambda i: sessions.get(i, "Alle"), key=f"{prefix}_session"
        )
    with three:
        options = [ALL, *organisation_names]
        organisation_id = st.selectbox(
            "Organisatie",
            options,
            index=options.index(default.organisation_id or ALL),
            format_func=lambda i: organisation_names.get(i, "Alle"),
            key=f"{prefix}_organisation",
        )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        statuses = st.multiselect(
            "Status",
            list(actions.STATUS_ORDER),
            format_func=actions.status_label,
            key=f"{prefix}_status",
            placeholder="Alle statussen",
        )
    with right:
        late = st.checkbox("Alleen te laat", key=f"{prefix}_late")
    return actions.ActionFilter(
        series_id=series_id or None,
        session_id=session_id or None,
        organisation_id=organisation_id or None,
        statuses=tuple(statuses),
        late_only=late,
    )


def actions_table_ui(result: actions.ActionPage, today) -> None:
    frame = pd.DataFrame(
        [
            {
                "Actie": r.title,
                "Status": r.status_label,
                "Trekker": r.owner,
                "Organisatie": r.organisation,
                "Streefdatum": dates.short_date(r.due_date) if r.due_date else "",
                "Termijn": actions.due_text(r.due_date, r.status, today),
                "Leersessie": r.session_title,
                "Waarom niet": r.reason,
            }
            for r in result.rows
        ]
    )
    # A plain HTML table, not the canvas grid: its text wraps, so "Waarom niet" is never cut off at the
    # edge of the page, and a screen reader reads it as a table (one page of rows at a time).
    st.table(frame, hide_index=True)


def list_ui(prefix: str, mine: bool, choices: actions.FilterChoices) -> None:
    filters = filters_ui(prefix, mine, choices)
    today = dates.local_today()
    page_number = st.session_state.get(f"{prefix}_page", 1)
    try:
        with db.read() as session:
            result = actions.list_actions(session=session, actor=user, filters=filters, today=today, page=page_number)
    except DomainError as error:
        st.error(message_escape(str(error)))
        return
    if not result.total:
        st.info("Geen vervolgacties gevonden." if not mine else "U bent van geen enkele vervolgactie de trekker.")
        return
    late = sum(1 for r in result.rows if r.late)
    st.caption(f"{result.total} actie(s)" + (f", waarvan {late} te laat op deze pagina" if late else ""))
    actions_table_ui(result, today)
    if result.pages > 1:
        st.number_input(
            f"Pagina (van {result.pages})", min_value=1, max_value=result.pages, step=1, key=f"{prefix}_page"
        )
    rows = {r.id: r for r in result.rows}
    chosen = st.selectbox(
        "Actie bekijken of bijwerken",
        list(rows),
        index=None,
        placeholder="Kies een actie…",
        format_func=lambda i: f"{rows[i].title} — {rows[i].status_label}" if i in rows else "—",
        key=f"{prefix}_pick",
    )
    if chosen in rows:  # not one left over from another filter or page
        detail_ui(prefix, rows[chosen])


def detail_ui(prefix: str, row: actions.ActionRow) -> None:
    with st.container(border=True, key=f"{prefix}_detail"):
        st.markdown(f"## {md_escape(row.title)}")
        due = f", streefdatum {dates.long_date(row.due_date)}" if row.due_date else ""
        st.markdown(f"Status **{md_escape(row.status_label)}**{due}" + (" — **te laat**" if row.late else ""))
        if row.reason:
            st.markdown(f"Waarom niet: {md_escape(row.reason)}")
        if row.status == ActionStatus.DONE:
            effect_ui(prefix, row)
        history_ui(row.id)
        if actions.may_change(user, row):
            update_ui(prefix, row)
            edit_ui(prefix, row)
        else:
            st.caption("Alleen de trekker, een manager van de organisatie of de aanjager kan deze actie wijzigen.")


def effect_ui(prefix: str, row: actions.ActionRow) -> None:
    """What the realised action changed: shown to all who see the action, written by its trekker or the aanjager."""
    with db.read() as session:
        effect = actions.effects_of(session=session, action_ids=[row.id]).get(row.id, "")
    st.markdown("**Wat veranderde er voor inwoners of professionals?**")
    if not actions.may_record_effect(user, row):
        if effect:
            st.text(effect)
        else:
            st.caption("Nog geen effect vastgelegd.")
        return
    key = f"{prefix}_effect_{row.id}"
    # The field starts from the stored effect and keeps what was typed: so does the version.
    seen = write.seen_version(key, row.version, inputs=f"{key}_text")
    text = st.text_area(
        "Effect (kort: wat is er nu anders?)",
        value=effect,
        max_chars=actions.EFFECT_MAX_LENGTH,
        key=f"{key}_text",
        height=80,
        placeholder="Bijvoorbeeld: inwoners met schulden wachten nu twee weken op een intake in plaats van zes.",
    )
    if st.button("Effect opslaan", key=f"{key}_save"):
        write.change(
            lambda session: actions.record_effect(
                session=session, action_id=row.id, text=text, actor=user, expected_version=seen
            ),
            "Het effect is opgeslagen.",
        )


def history_ui(action_id: int) -> None:
    with db.read() as session:
        entries = actions.history(session=session, action_id=action_id, actor=user)
    st.markdown("**Geschiedenis**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Wanneer": dates.moment(e.at),
                    "Wie": e.who,
                    "Wijziging": e.change,
                    "Toelichting": e.note,
                    "In sessie": e.session_title,
                }
                for e in entries
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def update_ui(prefix: str, row: actions.ActionRow) -> None:
    seen = write.seen_version(f"{prefix}_status_{row.id}", row.version)
    st.markdown("**Status bijwerken**")
    options = list(actions.STATUS_ORDER)
    status = st.selectbox(
        "Nieuwe status",
        options,
        index=options.index(ActionStatus(row.status)),
        format_func=actions.status_label,
        key=f"{prefix}_new_status_{row.id}",
    )
    note = st.text_area(
        "Toelichting (verplicht bij niet gelukt, vervallen en heropenen: waarom?)",
        max_chars=2000,
        key=f"{prefix}_note_{row.id}",
        height=80,
    )
    confirmed = privacy_ui.confirm_ui(f"{prefix}_privacy_{row.id}")
    if st.button("Status opslaan", key=f"{prefix}_save_{row.id}", type="primary"):
        write.change(
            lambda session: actions.change_status(
                session=session,
                action_id=row.id,
                to_status=status,
                note=note,
                actor=user,
                expected_version=seen,
                privacy_confirmed=confirmed,
            ),
            f"Opgeslagen: de status is nu '{actions.status_label(status)}'.",
        )


def edit_ui(prefix: str, row: actions.ActionRow) -> None:
    key = f"{prefix}_edit_{row.id}"
    # The fields start from the stored action and keep what was typed: so does the version.
    seen = write.seen_version(key, row.version, inputs=f"{prefix}_edit_title_{row.id}")
    with st.expander("Titel, trekker of streefdatum wijzigen"):
        with db.read() as session:
            owners = dict(actions.owner_choices(session=session))
        title = st.text_input("Titel", value=row.title, max_chars=300, key=f"{prefix}_edit_title_{row.id}")
        options = [None, *owners]
        owner_id = st.selectbox(
            "Trekker",
            options,
            index=options.index(row.owner_user_id) if row.owner_user_id in owners else 0,
            format_func=lambda i: "Iemand zonder account (naam)" if i is None else owners[i],
            key=f"{prefix}_edit_owner_{row.id}",
        )
        owner_name = ""
        if owner_id is None:
            owner_name = st.text_input(
                "Naam van de trekker", value=row.owner, max_chars=120, key=f"{prefix}_edit_owner_name_{row.id}"
            )
        due = st.date_input("Streefdatum", value=row.due_date, format="DD-MM-YYYY", key=f"{prefix}_edit_due_{row.id}")
        confirmed = privacy_ui.confirm_ui(f"{prefix}_edit_privacy_{row.id}")
        if st.button("Wijzigingen opslaan", key=f"{prefix}_edit_save_{row.id}"):
            data = actions.ActionEdit(
                title=title, due_date=due, owner_user_id=owner_id, owner_name=owner_name, privacy_confirmed=confirmed
            )
            write.change(
                lambda session: actions.edit_action(
                    session=session, action_id=row.id, data=data, actor=user, expected_version=seen
                ),
                "De wijzigingen zijn opgeslagen.",
            )


def terugblik_ui() -> None:
    with db.read() as session:
        sessions, preselect = terugblik.review_sessions(session=session)
    if not sessions:
        st.info("Er is nog geen tweede leersessie in een reeks: een terugblik is er pas vanaf de tweede sessie.")
        return
    labels = {s[0]: f"{s[1]} ({dates.long_date(s[2])})" for s in sessions}
    ids = list(labels)
    chosen = st.selectbox(
        "Terugblik van de leersessie", ids, index=ids.index(preselect), format_func=labels.get, key="review_session"
    )
    review_ui(learning_session_id=chosen, user=user)


st.title("Opvolging")
flash.show()
with db.read() as session:
    choices = actions.filter_choices(session=session)

names = ["Mijn acties"]
if actions.may_list_all(user):
    names.append("Alle acties")
if policy.allows(user.role, "action.review"):
    names.append("Terugblik")
drawn = {
    "Mijn acties": lambda: list_ui("mine", True, choices),
    "Alle acties": lambda: list_ui("all", False, choices),
    "Terugblik": terugblik_ui,
}
lazy.tabs({name: drawn[name] for name in names}, key="opvolging_tab")  # only the open tab reads its lists
