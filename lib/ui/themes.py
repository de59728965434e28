"""The projector's themes panel: which contributions of this round say the same thing (suggested by
lib/insight/themes.py), to confirm as a named theme ("samenvoegen"), add to a theme of an earlier
session, or reject; and which contributions come back from earlier sessions ("terugkerend").

Outside the projector's one-second fragment: the suggestions are computed when the page runs (and on
"Vernieuwen"), not on every poll. Every click is one transaction through lib/ui/write.py.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.accounts import CurrentUser
from lib.core import dates, db
from lib.insight import recurring
from lib.live.phases import LiveView
from lib.models import Phase, Theme, kind_label
from lib.ui import flash, write
from lib.ui.text import md_escape

CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def _confirmed(theme: Theme) -> str:
    return f"Thema ‘{md_escape(theme.name)}’ is samengevoegd."


def suggestion_ui(view: LiveView, item: recurring.Suggestion, user: CurrentUser) -> None:
    """One suggested group: its texts, a name, and samenvoegen / toevoegen / afwijzen."""
    key = item.key[:16]
    with st.container(border=True, key=f"theme_suggestion_{key}"):
        st.markdown(f"**{md_escape(kind_label(item.kind).capitalize())}** · {md_escape(item.perspective)}")
        for text in item.items:
            st.text(f"• {text.text}" + (f"  ({text.group_name})" if text.group_name else ""))
        with st.form(f"theme_form_{key}", border=False):
            name = st.text_input(
                "Naam van het thema",
                value=item.name_hint,
                max_chars=recurring.MAX_THEME_NAME,
                key=f"theme_name_{key}",
                placeholder="Bijvoorbeeld: Wachtlijsten",
            )
            cols = st.columns([1.3, 1, 2.2, 1.3] if item.existing else [1.3, 1])
            merge = cols[0].form_submit_button("🧩 Samenvoegen", type="primary", key=f"theme_merge_{key}")
            reject = cols[1].form_submit_button("✖️ Afwijzen", key=f"theme_reject_{key}")
            add, existing = False, None
            if item.existing:
                existing = cols[2].selectbox(
                    "Of: hoort bij een thema van eerder",
                    item.existing,
                    index=None,
                    placeholder="Kies een thema",
                    format_func=lambda c: f"{c.name} ({c.members} keer)",
                    key=f"theme_existing_{key}",
                )
                add = cols[3].form_submit_button("➕ Toevoegen", key=f"theme_add_{key}")
    if merge:
        write.change(
            lambda session: recurring.confirm_theme(
                session=session, learning_session_id=view.id, contribution_ids=item.ids, name=name, actor=user
            ),
            _confirmed,
            where="themes",
        )
    if reject:
        write.change(
            lambda session: recurring.reject_suggestion(
                session=session, learning_session_id=view.id, contribution_ids=item.ids, actor=user
            ),
            "Het voorstel is afgewezen; het komt in deze sessie niet terug.",
            where="themes",
        )
    if add and existing is None:
        st.error("Kies eerst het thema waar deze inbreng bij hoort.")
    if add and existing is not None:
        write.change(
            lambda session: recurring.add_to_theme(
                session=session,
                learning_session_id=view.id,
                theme_id=existing.id,
                contribution_ids=item.ids,
                expected_version=existing.version,
                actor=user,
            ),
            f"Toegevoegd aan het thema ‘{md_escape(existing.name)}’.",
            where="themes",
        )


def recurring_ui(view: LiveView, marks: dict[int, recurring.Mark], user: CurrentUser) -> None:
    """What comes back: contributions of this session in (or like) a theme of an earlier session; one
    the method recognised can be put in that theme with one click."""
    back = sorted(
        ((cid, m) for cid, m in marks.items() if m.occurrence >= 2), key=lambda pair: (pair[1].name.lower(), pair[0])
    )
    if not back:
        return
    st.markdown("**🔁 Terugkerend uit eerdere sessies**")
    for contribution_id, mark in back:
        left, right = st.columns([5, 1.2], vertical_alignment="center")
        left.text(f"• {mark.text} — {mark.name}: {mark.label}")
        if mark.how == recurring.MATCHED and right.button("➕ Bij dit thema", key=f"theme_keep_{contribution_id}"):
            keep(view, contribution_id, mark, user)


def keep(view: LiveView, contribution_id: int, mark: recurring.Mark, user: CurrentUser) -> None:
    """A recognised repeat confirmed: the contribution becomes a member of the earlier theme."""
    write.change(
        lambda session: recurring.add_to_theme(
            session=session,
            learning_session_id=view.id,
            theme_id=mark.theme_id,
            contribution_ids=[contribution_id],
            expected_version=mark.version,
            actor=user,
        ),
        f"Toegevoegd aan het thema ‘{md_escape(mark.name)}’.",
        where="themes",
    )


def themes_ui(view: LiveView, user: CurrentUser) -> None:
    """The panel under the board in a round (and the afsluiting): suggestions of this round's
    perspective, or of the whole session when no round is on."""
    with st.container(key="themes_section"):
        _panel_ui(view, user)


def _panel_ui(view: LiveView, user: CurrentUser) -> None:
    perspective = (view.current or {}).get("perspective") if view.phase == Phase.ROUND else None
    left, right = st.columns([1, 3], vertical_alignment="center")
    shown = left.toggle("🧩 Thema's samenvoegen", key="themes_open")
    if not shown:
        right.caption("Voorstellen welke inbreng hetzelfde zegt, en wat terugkomt uit eerdere sessies.")
        return
    with db.read() as session:
        items = recurring.suggestions(
            session=session, learning_session_id=view.id, actor=user, perspective=perspective or None
        )
        marks = recurring.marks(session=session, learning_session_id=view.id, actor=user)
    back = sum(1 for m in marks.values() if m.occurrence >= 2)
    summary = f"{len(items)} {'voorstel' if len(items) == 1 else 'voorstellen'} om samen te voegen"
    right.caption(summary + (f" · {back} terugkerend uit eerdere sessies" if back else ""))
    with st.container(key="themes_panel"):
        flash.show("themes")
        st.button("🔄 Voorstellen vernieuwen", key="refresh_themes")
        recurring_ui(view, marks, user)
        if not items:
            st.caption("Nog geen voorstellen: er is (nog) geen inbreng die op elkaar lijkt.")
        for item in items:
            suggestion_ui(view, item, user)


# --- the dashboard and the oogst --------------------------------------------------------------------


def over_time_figure(result: recurring.ThemesOverTime) -> go.Figure:
    """Theme × session date: how often each theme came up in each session (a dot per session, its size
    the number of contributions)."""
    frame = result.frame
    names = [line.name for line in reversed(result.lines)]  # most sessions at the top
    figure = go.Figure(
        go.Scatter(
            x=pd.to_datetime(frame["datum"]),
            y=frame["thema"],
            mode="markers+text",
            text=frame["aantal"],
            textposition="middle right",
            marker={"size": [12 + 6 * min(int(n), 8) for n in frame["aantal"]], "color": "#12355b"},
            customdata=frame[["sessie"]],
            hovertemplate="%{y}<br>%{customdata[0]}<br>%{x|%d-%m-%Y}: %{text} keer<extra></extra>",
        )
    )
    days = pd.to_datetime(frame["datum"])
    pad = max((days.max() - days.min()) / 12, pd.Timedelta(days=7))
    figure.update_layout(
        height=max(260, 70 * len(names) + 120),
        margin={"t": 20, "b": 40, "l": 10, "r": 30},
        font={"size": 16},
        yaxis={"categoryorder": "array", "categoryarray": names, "title": None, "automargin": True},
        xaxis={
            "title": "datum van de leersessie",
            "tickformat": "%d-%m-%Y",
            "range": [days.min() - pad, days.max() + pad],
            "automargin": True,
        },
        showlegend=False,
    )
    return figure


def over_time_ui(result: recurring.ThemesOverTime, *, key: str) -> None:
    """The chart, and per theme where it came up and which actions were made of it."""
    if not result.lines:
        st.info("Nog geen thema's: een aanjager voegt op de projector samen wat hetzelfde zegt.", icon="📭")
        return
    st.plotly_chart(over_time_figure(result), key=f"{key}_chart", config=CHART_CONFIG, theme=None)
    for line in result.lines:
        sessions = line.session_count
        title = f"{line.name} — {sessions} {'sessie' if sessions == 1 else 'sessies'} · {line.kind_label}"
        if line.perspective:
            title += f" · {line.perspective}"
        with st.expander(title):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Datum": dates.short_date(o.session_date),
                            "Leersessie": o.session_title,
                            "Inbreng": o.text,
                            "Groep": o.group_name,
                            "Hoe": o.how,
                            "Keer": recurring.recurring_label(o.occurrence),
                        }
                        for o in line.occurrences
                    ]
                ),
                hide_index=True,
                width="stretch",
                key=f"{key}_theme_{line.id}",
            )
            if line.actions:
                st.markdown("**Vervolgacties die eruit voortkwamen**")
                for action in line.actions:
                    st.text(f"• {action.title} — trekker: {action.owner} — {action.status_label}")
            else:
                st.caption("Er is (nog) geen vervolgactie uit voortgekomen.")
