"""Oogst: what a series yielded, per session, with the reasons why actions did not work out."""

import pandas as pd
import streamlit as st

from lib.core import dates, db
from lib.core.errors import DomainError
from lib.insight import oogst
from lib.ui import cached, downloads, lazy, page
from lib.ui.text import md_escape, message_escape
from lib.ui.themes import over_time_ui  # recurring themes (issue 12)

user = page.setup("oogst")


def counts_ui(report: oogst.Harvest) -> None:
    one, two, three, four = st.columns(4)
    one.metric("Leersessies", len(report.sessions))
    two.metric("Casussen besproken", report.case_count)
    three.metric("Oplossingen", report.contributions.get("solution", 0))
    four.metric("Vervolgacties", report.action_count)
    st.markdown(f"**{report.summary}**")


def reasons_ui(report: oogst.Harvest) -> None:
    st.header("Waarom niet?")
    if not report.reasons:
        st.caption(oogst.NO_REASONS)
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Actie": r.title,
                    "Status": r.status_label,
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


def bullets_ui(texts: list[str]) -> None:
    """A list as one element, not one per line: a series has thousands of contributions."""
    if texts:
        st.text("\n".join(f"• {' '.join(text.split())}" for text in texts))


def effects_ui(report: oogst.Harvest) -> None:
    st.subheader("Wat veranderde er?")
    st.caption("Het effect van gerealiseerde acties voor inwoners of professionals, zoals de trekker het vastlegde.")
    if not report.effects:
        st.caption(oogst.NO_EFFECTS)
        return
    st.dataframe(
        pd.DataFrame(
            [
                {"Actie": e.title, "Effect": e.effect, "Trekker": e.owner, "Organisatie": e.organisation}
                for e in report.effects
            ]
        ),
        hide_index=True,
        width="stretch",
        key="harvest_effects",
    )


def session_ui(item: oogst.SessionHarvest) -> None:
    # Only an opened session runs its content: a series of fifteen sessions sends nothing it does not show.
    with lazy.expander(
        f"{md_escape(item.title)} — {dates.long_date(item.date)}", key=f"harvest_session_{item.id}"
    ) as opened:
        if not opened:
            return
        if item.cases:
            st.markdown("**Casussen**")
            bullets_ui(item.cases)
        for perspective in item.perspectives:
            st.markdown(f"**Perspectief: {md_escape(perspective.perspective)}**")
            left, right = st.columns(2)
            with left:
                st.caption("Belemmert")
                bullets_ui(perspective.obstacles)
            with right:
                st.caption("Helpt")
                bullets_ui(perspective.helpers)
        if item.solutions:
            st.markdown("**Oplossingen**")
            bullets_ui(item.solutions)
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


def downloads_ui(series_id: int, name: str) -> None:
    st.header("Downloaden")
    downloads.report_buttons(
        "Oogst",
        lambda session: oogst.document(oogst.harvest(session=session, series_id=series_id, actor=user)),
        user=user,
        stem=f"oogst-{name}",
        key="harvest",
        day=dates.local_today(),
    )


st.title("Oogst van een reeks")
with db.read() as session:
    series = dict(oogst.series_choices(session=session))
if not series:
    st.info("Er is nog geen reeks.")
    st.stop()
series_id = st.selectbox("Reeks", list(series), format_func=series.get, key="harvest_series")
try:
    report, outcomes = cached.harvest(viewer=user, series_id=series_id, today=dates.local_today())
except DomainError as error:
    st.error(message_escape(str(error)))
    st.stop()
if not report.sessions:
    st.info("In deze reeks is nog geen leersessie gehouden.")
    st.stop()
counts_ui(report)
st.plotly_chart(outcomes, key="harvest_chart")
reasons_ui(report)
effects_ui(report)

# --- recurring themes (issue 12) -------------------------------------------------------------------
st.header("Terugkerende thema's")
st.caption("Wat de aanjager op de projector samenvoegde, en in welke leersessies het terugkwam.")
if report.themes is not None:
    over_time_ui(report.themes, key="harvest_themes")
st.header("Per leersessie")
for item in report.sessions:
    session_ui(item)
downloads_ui(series_id, report.name)
