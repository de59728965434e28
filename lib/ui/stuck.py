"""Vastgelopen on screen: the terugblik's "2e keer besproken" mark on an action card, and the list of
vastgelopen actions (the dashboard per organisation, the Start page for the trekker)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.core import dates, db
from lib.followup import stuck
from lib.followup.terugblik import ReviewItem
from lib.models import action_status_label
from lib.ui.text import md_escape


def review_mark_ui(item: ReviewItem, learning_session_id: int, today: dt.date) -> None:
    """On a terugblik card: '🔁 2e keer besproken (vorige keer: bezig op 3 mrt 2026)', and ⚠️ when vastgelopen."""
    with db.read() as session:
        mark = stuck.review_marks(session=session, learning_session_id=learning_session_id, items=[item], today=today)[
            item.id
        ]
    if mark.label and mark.previous is not None:
        before = f"{action_status_label(mark.previous.status)} op {dates.short_date(mark.previous.date)}"
        st.markdown(f"🔁 **{mark.label}** (vorige keer: {md_escape(before)})")
    if mark.reasons:
        st.warning(f"Vastgelopen: {md_escape('; '.join(mark.reasons))}.", icon="⚠️")


def stuck_table(items: list[stuck.StuckAction]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Actie": a.title,
                "Trekker": a.owner,
                "Status": a.status_label,
                "Streefdatum": dates.short_date(a.due_date) if a.due_date else "",
                "Waarom vastgelopen": a.why,
                "Terugblikken": a.history_text or "nog niet besproken",
            }
            for a in items
        ],
        columns=["Actie", "Trekker", "Status", "Streefdatum", "Waarom vastgelopen", "Terugblikken"],
    )
