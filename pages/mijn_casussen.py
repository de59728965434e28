"""Mijn casussen: the submitter's own cases with their status; change or withdraw until discussed."""

import streamlit as st

from lib import accounts
from lib.cases import selection, submission
from lib.core import dates, db
from lib.models import Case, CaseStatus
from lib.ui import case_form, flash, page, write
from lib.ui.text import md_escape

user = page.setup("mijn_casussen")
EDITING = "mijn_casussen_editing"
CONFIRM_WITHDRAW = "mijn_casussen_confirm_withdraw"


def stop_editing(key: str) -> None:
    case_form.clear(key)
    st.session_state.pop(EDITING, None)


def edit_ui(case: Case, organisations, slots) -> None:
    key = f"edit_{case.id}"
    # The form was filled from the casus when "Wijzigen" was clicked: that is the version being changed.
    seen = write.seen_version(key, case.version, inputs=f"{key}_title")
    form = case_form.case_fields_ui(key=key, organisations=organisations, slots=slots)
    if not form.can_save:
        st.caption(form.reason)
    save, cancel = st.columns(2)
    if save.button("Wijzigingen opslaan", type="primary", disabled=not form.can_save, key=f"{key}_save"):
        write.change(
            lambda session: submission.edit_case(
                session=session, case_id=case.id, data=form.data, actor=user, expected_version=seen
            ),
            "De wijzigingen zijn opgeslagen.",
            after=lambda _case: stop_editing(key),
        )
    if cancel.button("Annuleren", key=f"{key}_cancel"):
        stop_editing(key)
        st.rerun()


def withdraw_ui(case: Case) -> None:
    seen = write.seen_version(f"withdraw_{case.id}", case.version)
    if st.session_state.get(CONFIRM_WITHDRAW) != case.id:
        if st.button("Intrekken", key=f"withdraw_{case.id}"):
            st.session_state[CONFIRM_WITHDRAW] = case.id
            st.rerun()
        return
    st.warning("Weet u zeker dat u deze casus wilt intrekken? Dat kan niet ongedaan worden gemaakt.")
    yes, no = st.columns(2)
    if yes.button("Ja, intrekken", type="primary", key=f"withdraw_yes_{case.id}"):
        write.change(
            lambda session: submission.withdraw_case(
                session=session, case_id=case.id, actor=user, expected_version=seen
            ),
            "De casus is ingetrokken.",
            after=lambda _case: st.session_state.pop(CONFIRM_WITHDRAW, None),
        )
    if no.button("Nee, houden", key=f"withdraw_no_{case.id}"):
        st.session_state.pop(CONFIRM_WITHDRAW, None)
        st.rerun()


def case_ui(case: Case, status: str, organisations, slots) -> None:
    with st.container(border=True):
        st.markdown(f"## {md_escape(case.title)}")
        st.markdown(f"Status: **{md_escape(status)}** · ingediend op {dates.moment(case.created_at)}")
        if case.status == CaseStatus.RETURNED and case.return_note:
            st.warning("Teruggelegd door de aanjager: " + md_escape(case.return_note), icon="↩️")
        if st.session_state.get(EDITING) == case.id:
            edit_ui(case, organisations, slots)
            return
        with st.expander("Volledige tekst"):
            case_form.case_text_ui(case)
        if case.status in submission.OPEN_STATUSES:
            edit, withdraw = st.columns([1, 4])
            if edit.button("Wijzigen", key=f"edit_{case.id}_open"):
                case_form.seed(f"edit_{case.id}", case)
                st.session_state[EDITING] = case.id
                st.rerun()
            with withdraw:
                withdraw_ui(case)


st.title("Mijn casussen")
flash.show()
with db.read() as session:
    own = submission.own_cases(session=session, actor=user)
    statuses = {case.id: submission.status_text(case) for case in own}
    organisations = accounts.list_organisations(session=session)
    slots = selection.upcoming_sessions(session=session)

if not own:
    st.info("U heeft nog geen casussen ingediend.")
    st.page_link("pages/casus_indienen.py", label="Casus indienen", icon="✍️")
for case in own:
    case_ui(case, statuses[case.id], organisations, slots)
