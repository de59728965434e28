"""The casus form shared by "Casus indienen" and "Mijn casussen": fields, live privacy check, confirmation.

No st.form on purpose: every edit of a field reruns the page, so the privacy check runs again on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.cases import selection, submission
from lib.models import Case, Organisation
from lib.ui.privacy import privacy_check_ui
from lib.ui.text import md_escape

FIELDS = ("title", "description", "tried", "question", "involved", "preferred", "confirmed")


@dataclass(frozen=True)
class FormResult:
    data: submission.CaseInput
    can_save: bool
    reason: str  # why saving is not possible yet ("" when it is)


def seed(key: str, case: Case) -> None:
    """Fill the form `key` with a stored casus (for editing)."""
    values = {
        "title": case.title,
        "description": case.description,
        "tried": case.tried,
        "question": case.learning_question,
        "involved": [o.id for o in case.involved],
        "preferred": case.preferred_session_id,
        "confirmed": case.anonymised_confirmed,
    }
    for name, value in values.items():
        st.session_state[f"{key}_{name}"] = value


def clear(key: str) -> None:
    for name in FIELDS:
        st.session_state.pop(f"{key}_{name}", None)


def case_fields_ui(*, key: str, organisations: list[Organisation], slots: list[selection.SessionSlot]) -> FormResult:
    """The fields of a casus beside the privacy check; returns what was typed and whether it may be saved."""
    fields, check_column = st.columns([3, 2], gap="large")
    with fields:
        _fields_ui(key, organisations, slots)
    value = st.session_state
    data = submission.CaseInput(
        title=value.get(f"{key}_title", ""),
        description=value.get(f"{key}_description", ""),
        tried=value.get(f"{key}_tried", ""),
        learning_question=value.get(f"{key}_question", ""),
        involved_ids=tuple(value.get(f"{key}_involved", [])),
        preferred_session_id=value.get(f"{key}_preferred"),
    )
    with check_column:
        st.markdown("**Privacycheck**")
        check = privacy_check_ui(
            {
                "Titel": data.title,
                "Beschrijving van de situatie": data.description,
                "Wat is al geprobeerd": data.tried,
                "Leervraag": data.learning_question,
            }
        )
        confirmed = st.checkbox(
            "Ik heb de casus geanonimiseerd: er staat niets in waarmee een inwoner te herkennen is.",
            key=f"{key}_confirmed",
        )
    data = submission.CaseInput(**{**data.__dict__, "anonymised_confirmed": confirmed})
    if check.blocked:
        return FormResult(data, False, "Verwijder eerst het BSN of rekeningnummer.")
    if check.sensitive and not confirmed:
        return FormResult(data, False, "Bevestig eerst dat de casus geanonimiseerd is.")
    return FormResult(data, True, "")


def _fields_ui(key: str, organisations: list[Organisation], slots: list[selection.SessionSlot]) -> None:
    st.text_input(
        "Titel",
        max_chars=submission.MAX_TITLE,
        key=f"{key}_title",
        help="Kort en zonder namen, bijvoorbeeld 'Schulden en een dreigende huisuitzetting'.",
    )
    st.text_area(
        "Beschrijving van de situatie",
        max_chars=submission.MAX_DESCRIPTION,
        height=200,
        key=f"{key}_description",
        help="Beschrijf de situatie zo dat geen inwoner te herkennen is: geen namen, adressen of nummers.",
    )
    st.text_area(
        "Wat is al geprobeerd? Wat belemmert of helpt tot nu toe? (optioneel)",
        max_chars=submission.MAX_TRIED,
        height=120,
        key=f"{key}_tried",
    )
    st.text_area(
        "Leervraag: wat wilt u van deze casus leren?",
        max_chars=submission.MAX_QUESTION,
        height=90,
        key=f"{key}_question",
    )
    names = {o.id: o.name for o in organisations}
    st.multiselect(
        "Betrokken organisaties",
        list(names),
        format_func=lambda i: names.get(i, "?"),
        key=f"{key}_involved",
        placeholder="Kies een of meer organisaties",
    )
    labels = {slot.id: slot.label for slot in slots}
    if st.session_state.get(f"{key}_preferred") not in (None, *labels):
        st.session_state[f"{key}_preferred"] = None  # that session is no longer upcoming
    st.selectbox(
        "Voorkeur voor een leersessie (optioneel)",
        [None, *labels],
        format_func=lambda i: "Geen voorkeur" if i is None else labels[i],
        key=f"{key}_preferred",
    )


def case_text_ui(case: Case) -> None:
    """A casus as its reader sees it: situation, what was tried, leervraag, organisations (all inert)."""
    st.markdown("**Beschrijving van de situatie**")
    st.text(case.description)
    if case.tried:
        st.markdown("**Wat is al geprobeerd**")
        st.text(case.tried)
    st.markdown("**Leervraag**")
    st.text(case.learning_question)
    if case.involved:
        st.caption("Betrokken: " + md_escape(", ".join(o.name for o in case.involved)))
