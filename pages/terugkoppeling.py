"""Terugkoppeling: for one organisation and a period, the solutions and actions that concern it."""

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from lib.core import dates, db
from lib.core.errors import DomainError
from lib.exports.document import Document
from lib.insight import terugkoppeling
from lib.ui import cached, downloads, page, tables
from lib.ui.text import message_escape

user = page.setup("terugkoppeling")


def choose_ui() -> tuple[int | None, dt.date, dt.date]:
    with db.read() as session:
        organisations = dict(terugkoppeling.organisations_for(session=session, actor=user))
    today = dates.local_today()
    left, right = st.columns(2)
    with left:
        ids = list(organisations)
        preselect = ids.index(user.organisation_id) if user.organisation_id in ids else 0
        organisation_id = st.selectbox(
            "Organisatie",
            ids,
            index=preselect if ids else None,
            format_func=organisations.get,
            key="feedback_organisation",
        )
    with right:
        period = st.date_input(
            "Periode", value=(today - dt.timedelta(days=182), today), format="DD-MM-YYYY", key="feedback_period"
        )
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
    return organisation_id, start, end


def actions_ui(report: terugkoppeling.Feedback) -> None:
    st.header("Vervolgacties")
    if not report.actions:
        st.caption("Geen vervolgacties van deze organisatie in deze periode.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Actie": a.title,
                    "Status": a.status_label + (" (te laat)" if a.late else ""),
                    "Trekker": a.owner,
                    "Streefdatum": dates.short_date(a.due_date) if a.due_date else "",
                    "Waarom niet": a.reason,
                    "Laatste toelichting": a.last_note,
                    "Leersessie": a.session_title,
                }
                for a in tables.paged(report.actions, "feedback_actions_page", "vervolgacties")
            ]
        ),
        hide_index=True,
        width="stretch",
        key="feedback_actions",
    )


def effects_ui(report: terugkoppeling.Feedback) -> None:
    st.subheader("Wat veranderde er?")
    realised = [a for a in report.actions if a.id in report.effects]
    if not realised:
        st.caption(terugkoppeling.NO_EFFECTS)
        return
    st.dataframe(
        pd.DataFrame(
            [
                {"Actie": a.title, "Effect": report.effects[a.id], "Trekker": a.owner}
                for a in tables.paged(realised, "feedback_effects_page", "gerealiseerde acties")
            ]
        ),
        hide_index=True,
        width="stretch",
        key="feedback_effects",
    )


def solutions_ui(report: terugkoppeling.Feedback) -> None:
    st.header("Oplossingen")
    if not report.solutions:
        st.caption("Geen oplossingen die deze organisatie raken in deze periode.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Oplossing": s.text,
                    "Casus": s.case_title,
                    "Leersessie": s.session_title,
                    "Datum": dates.short_date(s.session_date),
                    "Werd actie": "; ".join(s.action_titles),
                }
                for s in tables.paged(report.solutions, "feedback_solutions_page", "oplossingen")
            ]
        ),
        hide_index=True,
        width="stretch",
        key="feedback_solutions",
    )


def downloads_ui(organisation_id: int, start: dt.date, end: dt.date, name: str) -> None:
    st.header("Downloaden")

    def build(session: Session) -> Document:
        report = terugkoppeling.feedback(
            session=session, organisation_id=organisation_id, start=start, end=end, actor=user
        )
        return terugkoppeling.document(report)

    downloads.report_buttons(
        "Terugkoppeling", build, user=user, stem=f"terugkoppeling-{name}-{start}-{end}", key="feedback"
    )


st.title("Terugkoppeling per organisatie")
st.caption("Wat de leersessies opleverden voor één organisatie: om terug te koppelen in de eigen organisatie.")
organisation_id, start, end = choose_ui()
if organisation_id is None:
    st.info("Er is geen organisatie om terug te koppelen.")
    st.stop()
try:
    report = cached.feedback(
        viewer=user, organisation_id=organisation_id, start=start, end=end, today=dates.local_today()
    )
except DomainError as error:
    st.error(message_escape(str(error)))
    st.stop()
st.markdown(f"**{report.summary}** — {dates.long_date(start)} tot en met {dates.long_date(end)}")
actions_ui(report)
effects_ui(report)
solutions_ui(report)
downloads_ui(organisation_id, start, end, report.organisation)
