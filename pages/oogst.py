"""Oogst: what a series yielded, per session, with the reasons why actions did not work out."""

import pandas as pd
import streamlit as st

from lib.core import dates, db
from lib.core.errors import DomainError
from lib.followup import actions
from lib.insight import oogst, reports
from lib.ui import downloads, page

user = page.setup("oogst")


def counts_ui(report: oogst.Harvest) -> None:
    one, two, three, four = st.columns(4)
    one.metric("Leersessies", len(report.sessions))
    two.metric("Casussen besproken", report.case_count)
    three.metric("Oplossingen", report.contributions.get("solution", 0))
    four.metric("Vervolgacties", report.action_count)
    st.markdown(f"**{report.summary}**")


def reasons_ui(report: oogst.Harvest) -> None:
    st.subheader("Waarom niet?")
    if not report.reasons:
        st.caption("Geen acties die niet gelukt of vervallen zijn.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Actie": r.action_title,
                    "Status": actions.status_label(r.status),
                    "Organisatie": r.organisation,
                    "Waarom niet": r.reason,
                    "Leersessie": r.session_title,
                }
                for r in report.reasons
            ]
        ),
        hide_index=True,
        width="stretch",
        key="harvest_reasons",
    )


def session_ui(item: oogst.SessionHarvest) -> None:
    with st.expander(f"{item.title} — {dates.long_date(item.date)}", expanded=False):
        if item.cases:
            st.markdown("**Casussen**")
            for title in item.cases:
                st.text(f"• {title}")
        for perspective in item.perspectives:
            st.markdown(f"**Perspectief: {perspective.perspective}**")
            left, right = st.columns(2)
            with left:
                st.caption("Belemmert")
                for text in perspective.obstacles:
                    st.text(f"• {text}")
            with right:
                st.caption("Helpt")
                for text in perspective.helpers:
                    st.text(f"• {text}")
        if item.solutions:
            st.markdown("**Oplossingen**")
            for text in item.solutions:
                st.text(f"• {text}")
        if item.actions:
            st.markdown("**Vervolgacties en wat ervan werd**")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Actie": a.title,
                            "Trekker": a.owner,
                            "Organisatie": a.organisation,
                            "Status": a.status_label,
                            "Waarom niet": a.reason,
                        }
                        for a in item.actions
                    ]
                ),
                hide_index=True,
                width="stretch",
                key=f"harvest_actions_{item.id}",
            )


def downloads_ui(report: oogst.Harvest) -> None:
    name = f"oogst-{report.name.lower().replace(' ', '-')}"
    pdf, excel, left, right = st.columns(4)
    pdf.download_button(
        "Download als PDF",
        downloads.audited(downloads.harvest_file(user, series_id, None, "pdf"), user, f"{name}.pdf"),
        on_click="ignore",
        file_name=f"{name}.pdf",
        mime=reports.MIME["pdf"],
        key="harvest_pdf",
    )
    excel.download_button(
        "Download als Excel",
        downloads.audited(downloads.harvest_file(user, series_id, None, "xlsx"), user, f"{name}.xlsx"),
        on_click="ignore",
        file_name=f"{name}.xlsx",
        mime=reports.MIME["xlsx"],
        key="harvest_xlsx",
    )
    with left:
        st.download_button(
            "Download als Markdown",
            downloads.audited(oogst.to_markdown(report), user, f"{name}.md"),
            file_name=f"{name}.md",
            mime="text/markdown",
            key="harvest_markdown",
        )
    with right:
        st.download_button(
            "Download als CSV (Excel)",
            downloads.audited(oogst.to_csv(report), user, f"{name}.csv"),
            file_name=f"{name}.csv",
            mime="text/csv",
            key="harvest_csv",
        )


st.title("Oogst van een reeks")
with db.read() as session:
    series = dict(oogst.series_choices(session=session))
if not series:
    st.info("Er is nog geen reeks.")
    st.stop()
series_id = st.selectbox("Reeks", list(series), format_func=series.get, key="harvest_series")
try:
    with db.read() as session:
        report = oogst.harvest(session=session, series_id=series_id, actor=user)
except DomainError as error:
    st.error(str(error))
    st.stop()
if not report.sessions:
    st.info("In deze reeks is nog geen leersessie gehouden.")
    st.stop()
counts_ui(report)
st.plotly_chart(oogst.outcomes_figure(report), key="harvest_chart")
reasons_ui(report)
st.subheader("Per leersessie")
for item in report.sessions:
    session_ui(item)
downloads_ui(report)
