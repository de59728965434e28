"""The terugblik on the projector: open actions of earlier sessions, each with a quick status update.

Called by the projector page in its terugblik phase: `review_ui(learning_session_id=..., user=...)`.
"""

from __future__ import annotations

import streamlit as st

from lib import actions, dates, db
from lib.auth import CurrentUser
from lib.errors import DomainError
from lib.models import ACTION_STATUS_LABELS, ActionStatus

QUICK_STATUSES = [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.FAILED]


def review_ui(*, learning_session_id: int, user: CurrentUser) -> None:
    with db.read() as session:
        items = actions.actions_for_review(session=session, learning_session_id=learning_session_id)
        rows = [(a.id, a.title, a.owner_label, a.status, a.due_date, a.version) for a in items]
    if not rows:
        st.info("Er staan geen vervolgacties uit eerdere sessies open.")
        return
    for action_id, title, owner, status, due, version in rows:
        with st.container(border=True):
            st.text(title)
            due_text = f", uiterlijk {dates.long_date(due)}" if due else ""
            st.caption(f"Trekker: {owner} — {ACTION_STATUS_LABELS[ActionStatus(status)]}{due_text}")
            choice = st.segmented_control(
                "Nieuwe status", QUICK_STATUSES, format_func=lambda s: ACTION_STATUS_LABELS[s],
                key=f"review_status_{action_id}",
            )
            note = st.text_input("Toelichting (bij niet gelukt: waarom niet?)", max_chars=2000,
                                 key=f"review_note_{action_id}")
            if st.button("Opslaan", key=f"review_save_{action_id}", disabled=choice is None):
                try:
                    with db.transaction() as session:
                        actions.change_status(
                            session=session, action_id=action_id, to_status=choice, note=note, actor=user,
                            expected_version=version, in_session_id=learning_session_id,
                        )
                    st.rerun()
                except DomainError as error:
                    st.error(str(error))
