"""Casus indienen: a professional brings a case, checked for personal data before it is stored."""

import streamlit as st

from lib import accounts
from lib.cases import selection, submission
from lib.core import db
from lib.ui import case_form, flash, page, write
from lib.ui.text import md_escape

user = page.setup("casus_indienen")
FORM = "nieuw"
SAVED = "casus_indienen_saved"


def saved_ui() -> None:
    flash.show()
    if st.session_state.pop(SAVED, False):
        st.page_link("pages/mijn_casussen.py", label="Bekijk Mijn casussen", icon="📂")


def saved(_case) -> None:
    case_form.clear(FORM)
    st.session_state[SAVED] = True


st.title("Casus indienen")
st.caption(
    "Breng een casus uit uw werk in voor een leersessie. Schrijf hem zo dat geen inwoner te herkennen is: "
    "geen namen, BSN, rekeningnummers, adressen, telefoonnummers of geboortedata."
)
saved_ui()
with db.read() as session:
    organisations = accounts.list_organisations(session=session)
    slots = selection.upcoming_sessions(session=session)

form = case_form.case_fields_ui(key=FORM, organisations=organisations, slots=slots)
if not form.can_save:
    st.caption(form.reason)
if st.button("Casus indienen", type="primary", disabled=not form.can_save, key="casus_indienen_save"):
    write.change(
        lambda session: submission.submit_case(session=session, data=form.data, author=user),
        lambda case: f"Uw casus '{md_escape(case.title)}' is ingediend. De aanjager ziet hem nu in de casusinbox.",
        after=saved,
    )
