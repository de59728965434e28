"""Deelnameverklaring: the leersessies I attended in a period, as a PDF for re-registration."""

import datetime as dt

import pandas as pd
import streamlit as st

from lib.core import dates, db
from lib.core.dates import clock
from lib.core.errors import DomainError
from lib.insight import statement
from lib.ui import downloads, page
from lib.ui.text import md_escape, message_escape

user = page.setup("deelnameverklaring")


def period_ui() -> tuple[dt.date, dt.date]:
    today = dates.local_today()
    period = st.date_input(
        "Periode", value=(today - dt.timedelta(days=365), today), format="DD-MM-YYYY", key="statement_period"
    )
    if isinstance(period, tuple) and period:
        return period[0], period[-1]
    return today, today


def preview_ui(found: statement.Statement) -> None:
    left, right = st.columns(2)
    left.metric("Leersessies", len(found.sessions))
    right.metric("Uren", statement.hours_text(found.total_hours))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Datum": dates.long_date(s.date),
                    "Tijd": f"{clock(s.start)}–{clock(s.end)}",
                    "Uren": statement.hours_text(s.hours),
                    "Plaats": s.location,
                    "Werkvorm": s.werkvorm,
                    "Ingebrachte casus": "; ".join(s.cases),
                }
                for s in found.sessions
            ]
        ),
        hide_index=True,
        width="stretch",
        key="statement_table",
    )
    signers = ", ".join(name for name, _organisation in found.signers)
    st.caption(f"Aanwezigheid bevestigd door {md_escape(signers)}.")


st.title("Deelnameverklaring")
st.caption(
    "De leersessies waarbij u aanwezig was, als bewijs voor uw herregistratie (bijvoorbeeld SKJ of BIG). "
    "Alleen aanwezigheid die de aanjager na de sessie heeft bevestigd, telt mee."
)
start, end = period_ui()
today = dates.local_today()
try:
    with db.read() as session:
        found = statement.own_statement(session=session, user=user, start=start, end=end, today=today)
except DomainError as error:
    st.info(message_escape(str(error)), icon="ℹ️")
    st.stop()
preview_ui(found)
name = statement.statement_file_name(found)
st.download_button(
    "Deelnameverklaring downloaden (PDF)",
    data=downloads.audited(lambda: statement.pdf(found), user, name),
    file_name=name,
    mime="application/pdf",
    on_click="ignore",
    key="statement_pdf",
    icon="⬇️",
    type="primary",
)
