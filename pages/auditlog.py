"""Auditlog (beheerder): who did what, when, on which object — filtered, paged, exported as CSV."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib.core import audit, dates, db
from lib.core.errors import DomainError
from lib.ui import page
from lib.ui.text import message_escape

user = page.setup("auditlog")
PAGE = "audit_page"


def reset_page() -> None:
    st.session_state[PAGE] = 0


def filters_ui(people: list[tuple[int, str]], events: list[str]) -> audit.AuditFilter:
    who_col, what_col, start_col, end_col = st.columns([3, 3, 2, 2])
    names = dict(people)
    person = who_col.selectbox(
        "Wie",
        [None, *names],
        format_func=lambda i: "Iedereen" if i is None else names[i],
        key="audit_person",
        on_change=reset_page,
    )
    event = what_col.selectbox(
        "Wat",
        [None, *sorted(events, key=audit.event_label)],
        format_func=lambda e: "Alles" if e is None else audit.event_label(e),
        key="audit_event",
        on_change=reset_page,
    )
    start = start_col.date_input("Van", value=None, format="DD-MM-YYYY", key="audit_start", on_change=reset_page)
    end = end_col.date_input("Tot en met", value=None, format="DD-MM-YYYY", key="audit_end", on_change=reset_page)
    return audit.AuditFilter(person, event, start, end)


def entries_ui(result: audit.AuditPage) -> None:
    if not result.items:
        st.info("Geen gebeurtenissen gevonden met deze filters.", icon="📭")
        return
    frame = pd.DataFrame(
        [
            {
                "Tijdstip": dates.moment(entry.at),
                "Wie": entry.who,
                "Wat": audit.event_label(entry.event),
                "Object": audit.object_label(entry.entity, entry.entity_id),
                "Details": audit.detail_text(entry.detail),
            }
            for entry in result.items
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def pager_ui(result: audit.AuditPage) -> None:
    previous, where, following = st.columns([1, 2, 1])
    if previous.button("◀ Nieuwer", key="audit_previous", disabled=result.page == 0):
        st.session_state[PAGE] = result.page - 1
        st.rerun()
    where.caption(f"Pagina {result.page + 1} van {result.pages} · {result.total} gebeurtenissen")
    if following.button("Ouder ▶", key="audit_next", disabled=result.page + 1 >= result.pages):
        st.session_state[PAGE] = result.page + 1
        st.rerun()


def export_file(filters: audit.AuditFilter):
    """Built when the beheerder clicks; the export is itself recorded in the log."""

    def build() -> bytes:
        with db.transaction() as session:
            return audit.export_csv(session=session, actor=user, filters=filters)

    return build


st.title("Auditlog")
st.caption(
    "Wie wat deed en wanneer: inloggen, wijzigingen, casussen volledig gelezen, downloads, back-ups en de "
    "bewaartermijn. Het log kan alleen worden aangevuld, nooit gewijzigd."
)
with db.read() as session:
    people, events = audit.filter_options(session=session, actor=user)
filters = filters_ui(people, events)
try:
    with db.read() as session:
        result = audit.entries(session=session, actor=user, filters=filters, page=st.session_state.get(PAGE, 0))
except DomainError as error:
    st.error(message_escape(str(error)))
    st.stop()
entries_ui(result)
if result.total > result.page_size:
    pager_ui(result)
st.download_button(
    "Download als CSV (Excel)",
    data=export_file(filters),
    on_click="ignore",
    file_name=f"auditlog-{dt.date.isoformat(dates.local_today())}.csv",
    mime="text/csv",
    key="audit_csv",
    icon="⬇️",
    disabled=not result.total,
)
