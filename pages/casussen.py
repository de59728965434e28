"""Casusinbox (aanjager): every case, filtered and paged; select for a session, return or archive.

At the top, per upcoming session, the cases chosen for it and their learning questions at a glance.
"""

import streamlit as st

from lib import accounts
from lib.cases import selection, submission
from lib.core import dates, db
from lib.models import CASE_STATUS_LABELS, Case, CaseStatus
from lib.ui import case_form, downloads, flash, lazy, page, write
from lib.ui.text import md_escape

user = page.setup("casussen")
PAGE = "inbox_page"


def reset_page() -> None:
    st.session_state[PAGE] = 0


def upcoming_ui(slots: list[selection.SessionSlot]) -> None:
    st.header("Komende leersessies")
    if not slots:
        st.info("Er zijn geen leersessies gepland.")
        return
    for column, slot in zip(st.columns(min(3, len(slots))), slots[:3], strict=False):
        with column, st.container(border=True):
            st.markdown(f"**{md_escape(slot.title)}**")
            st.caption(
                f"{dates.session_when(slot.date, slot.start_time, slot.end_time)} · "
                f"{len(slot.cases)} van {slot.capacity} casussen gekozen" + (" (vol)" if slot.full else "")
            )
            if not slot.cases:
                st.caption("Nog geen casussen gekozen.")
            for case in slot.cases:
                st.markdown(f"• **{md_escape(case.title)}**  \nLeervraag: {md_escape(case.learning_question)}")


def filters_ui(organisations, series) -> selection.CaseFilter:
    status_col, org_col, series_col, search_col = st.columns([2, 2, 2, 3])
    statuses = status_col.multiselect(
        "Status",
        list(CaseStatus),
        default=[CaseStatus.SUBMITTED, CaseStatus.SELECTED],
        format_func=lambda s: CASE_STATUS_LABELS[s],
        key="inbox_status",
        on_change=reset_page,
        placeholder="Alle statussen",
    )
    org_names = {o.id: o.name for o in organisations}
    organisation = org_col.selectbox(
        "Organisatie",
        [None, *org_names],
        key="inbox_organisation",
        format_func=lambda i: "Alle organisaties" if i is None else org_names[i],
        on_change=reset_page,
    )
    series_names = dict(series)
    series_id = series_col.selectbox(
        "Reeks",
        [None, *series_names],
        key="inbox_series",
        format_func=lambda i: "Alle reeksen" if i is None else series_names[i],
        on_change=reset_page,
    )
    search = search_col.text_input(
        "Zoeken in titel, tekst en leervraag", max_chars=200, key="inbox_search", on_change=reset_page
    )
    return selection.CaseFilter(tuple(statuses), organisation, series_id, search)


def select_ui(case: Case, slots: list[selection.SessionSlot], seen: int) -> None:
    # How full first: a narrow picker cuts the end of a label off, and "vol" must not be what goes.
    labels = {slot.id: slot.picker_label for slot in slots}
    if not labels:
        st.caption("Er is geen komende leersessie om deze casus voor te selecteren.")
        return
    options = list(labels)
    preferred = options.index(case.preferred_session_id) if case.preferred_session_id in labels else 0
    choice = st.selectbox(
        "Leersessie", options, index=preferred, format_func=labels.get, key=f"inbox_session_{case.id}"
    )
    slot = next(s for s in slots if s.id == choice)
    others = [c for c in slot.cases if c.id != case.id]
    if not slot.full or len(others) < len(slot.cases):
        if st.button("Selecteren voor deze sessie", type="primary", key=f"inbox_select_{case.id}"):
            write.change(
                lambda session: selection.select_for_session(
                    session=session, case_id=case.id, learning_session_id=choice, actor=user, expected_version=seen
                ),
                f"'{md_escape(case.title)}' is geselecteerd.",
            )
        return
    # A full session: one click swaps this casus in for one of the chosen ones (and onto its table). The
    # titles are text, not button labels, so that a long title wraps instead of being cut off.
    st.caption(f"{md_escape(slot.title)} is vol. Vervang een gekozen casus door deze:")
    for old in others:
        old_seen = write.seen_version(f"inbox_replace_{case.id}_{old.id}", old.version)
        with st.container(border=True):
            st.markdown(f"**{md_escape(old.title)}**")
            if st.button("⇄ Vervangen", key=f"inbox_replace_{case.id}_{old.id}"):
                write.change(
                    lambda session, old=old, old_seen=old_seen: selection.replace_case(
                        session=session,
                        case_id=case.id,
                        replaced_case_id=old.id,
                        actor=user,
                        expected_version=seen,
                        replaced_version=old_seen,
                    ),
                    f"'{md_escape(case.title)}' vervangt '{md_escape(old.title)}'.",
                )


def manage_ui(case: Case, slots: list[selection.SessionSlot]) -> None:
    seen = write.seen_version(f"inbox_case_{case.id}", case.version)
    if case.status in selection.SELECTABLE_STATUSES:
        select_ui(case, slots, seen)
    if case.status == CaseStatus.SELECTED and st.button("Uit de sessie halen", key=f"inbox_unselect_{case.id}"):
        write.change(
            lambda session: selection.unselect_case(
                session=session, case_id=case.id, actor=user, expected_version=seen
            ),
            "De casus is uit de sessie gehaald.",
        )
    if case.status in selection.SELECTABLE_STATUSES:
        note = st.text_input("Toelichting voor de indiener", max_chars=selection.MAX_NOTE, key=f"inbox_note_{case.id}")
        if st.button("Teruggeven aan de indiener", key=f"inbox_return_{case.id}"):
            write.change(
                lambda session: selection.return_case(
                    session=session, case_id=case.id, note=note, actor=user, expected_version=seen
                ),
                "De casus is teruggelegd bij de indiener.",
            )
    if case.status != CaseStatus.ARCHIVED and st.button("Archiveren", key=f"inbox_archive_{case.id}"):
        write.change(
            lambda session: selection.archive_case(session=session, case_id=case.id, actor=user, expected_version=seen),
            "De casus is gearchiveerd.",
        )


def case_ui(case: Case, status: str, slots: list[selection.SessionSlot]) -> None:
    label = f"{md_escape(case.title)} — {md_escape(status)}"
    key = f"inbox_case_{case.id}"
    # Opening a case to read it in full is recorded in the audit log; a closed case runs nothing.
    with lazy.expander(label, key=key, on_change=downloads.record_opened, args=(user, "case", case.id, key)) as opened:
        if not opened:
            return
        submitter = case.submitter.display_name if case.submitter else "?"
        st.caption(
            f"Ingediend door {md_escape(submitter)} op {dates.moment(case.created_at)}"
            + (" · geanonimiseerd bevestigd" if case.anonymised_confirmed else "")
        )
        text_col, manage_col = st.columns([3, 2], gap="large")
        with text_col:
            case_form.case_text_ui(case)
            preferred = next((slot for slot in slots if slot.id == case.preferred_session_id), None)
            if preferred is not None:
                st.caption(f"Voorkeur van de indiener: {md_escape(preferred.title)}")
            if case.return_note:
                st.caption("Teruggelegd met: " + md_escape(case.return_note))
        with manage_col:
            manage_ui(case, slots)


def pager_ui(result: selection.CasePage) -> None:
    previous, where, following = st.columns([1, 2, 1])
    if previous.button("◀ Vorige", key="inbox_previous", disabled=result.page == 0):
        st.session_state[PAGE] = result.page - 1
        st.rerun()
    where.caption(f"Pagina {result.page + 1} van {result.pages} · {result.total} casussen")
    if following.button("Volgende ▶", key="inbox_next", disabled=result.page + 1 >= result.pages):
        st.session_state[PAGE] = result.page + 1
        st.rerun()


st.title("Casusinbox")
flash.show()
with db.read() as session:
    slots = selection.upcoming_sessions(session=session)
    organisations = accounts.list_organisations(session=session)
    series = selection.series_options(session=session)
upcoming_ui(slots)

st.header("Alle casussen")
filters = filters_ui(organisations, series)
with db.read() as session:
    result = selection.inbox(session=session, actor=user, filters=filters, page=st.session_state.get(PAGE, 0))
    statuses = {case.id: submission.status_text(case) for case in result.items}
if not result.items:
    st.info("Geen casussen gevonden met deze filters.")
for case in result.items:
    case_ui(case, statuses[case.id], slots)
if result.total > result.page_size:
    pager_ui(result)
