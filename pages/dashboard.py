"""Dashboard: what was agreed, what is late and where it sticks — charts first, for managers."""

import streamlit as st

from lib.core import dates, db
from lib.followup import stuck
from lib.insight import recurring, reports, stats
from lib.ui import charts, downloads, page
from lib.ui.stuck import stuck_table
from lib.ui.text import md_escape
from lib.ui.themes import over_time_ui  # recurring themes (issue 12)

user = page.setup("dashboard")
NO_DATA = "Nog geen gegevens."
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def filters_ui(options: stats.Choices, default: stats.Filters) -> stats.Filters:
    series_names = dict(options.series)
    organisation_names = dict(options.organisations)
    organisation_ids = [None, *organisation_names]
    left, middle, right = st.columns(3)
    series_id = left.selectbox(
        "Reeks",
        [None, *series_names],
        key="dash_series",
        format_func=lambda i: "Alle reeksen" if i is None else series_names[i],
    )
    organisation_id = middle.selectbox(
        "Organisatie",
        organisation_ids,
        key="dash_organisation",
        index=organisation_ids.index(default.organisation_id) if default.organisation_id in organisation_ids else 0,
        format_func=lambda i: "Alle organisaties" if i is None else organisation_names[i],
    )
    period = right.selectbox("Periode", stats.PERIODS, key="dash_period")
    start, end = stats.period_range(period, dates.local_today())
    return stats.Filters(series_id=series_id, organisation_id=organisation_id, start=start, end=end)


def headline_ui(head: stats.Headline) -> None:
    columns = st.columns(4)
    columns[0].metric("Vervolgacties", head.total)
    columns[1].metric("Open of bezig", head.open)
    columns[2].metric("Te laat", head.late)
    share = "—" if head.on_time_percentage is None else f"{head.on_time_percentage:.0f}%"
    columns[3].metric("Op tijd gerealiseerd", share, help="Van de acties waarvan de streefdatum voorbij is.")


def chart_ui(title: str, explanation: str, frame, build, key: str) -> None:
    """One chart with its title and a one-line explanation, or 'nog geen gegevens'."""
    with st.container(border=True):
        st.header(title)
        st.caption(explanation)
        if frame.empty:
            st.info(NO_DATA, icon="📭")
            return
        # theme=None: our own projector-sized fonts, not Streamlit's smaller chart theme.
        st.plotly_chart(view.figure(build, key, frame), key=key, config=CHART_CONFIG, theme=None)


def late_actions_ui(frame, filters: stats.Filters) -> None:
    with st.container(border=True):
        st.header("Te late acties")
        st.caption(
            "Acties die nog open of bezig zijn terwijl de streefdatum voorbij is. Klik op een kolom om te sorteren."
        )
        if frame.empty:
            st.success("Er zijn geen te late acties.", icon="✅")
            return
        if len(frame) >= stats.LATE_SHOWN:
            st.caption(f"Hier staan de {stats.LATE_SHOWN} langst te late acties; de CSV bevat ze allemaal.")
        st.dataframe(
            frame,
            key="dash_late_table",
            hide_index=True,
            column_config={
                "nr": st.column_config.NumberColumn("Nr", width="small"),
                "actie": st.column_config.TextColumn("Actie", width="large"),
                "trekker": "Trekker",
                "organisatie": "Organisatie",
                "streefdatum": st.column_config.DateColumn("Streefdatum", format="DD-MM-YYYY"),
                "dagen_te_laat": st.column_config.NumberColumn("Dagen te laat"),
                "status": "Status",
            },
        )
        late_file = f"te-late-acties-{dates.local_today().isoformat()}.csv"
        st.download_button(
            "Download als CSV (Excel)",
            key="dash_late_csv",
            icon="⬇️",
            on_click="ignore",
            mime="text/csv",
            data=downloads.audited(lambda: late_file_data(filters), user, late_file),
            file_name=late_file,
        )


def late_file_data(filters: stats.Filters) -> bytes:
    with db.read() as session:
        return reports.late_actions_file(session=session, viewer=user, filters=filters, today=dates.local_today())


def stuck_actions_ui(organisation_id: int | None) -> None:
    """Vastgelopen acties per organisation, each with what its terugblikken said."""
    with st.container(border=True):
        st.subheader("Vastgelopen acties")
        st.caption(
            f"Bij twee terugblikken op rij bezig of niet gelukt, of meer dan {stuck.LATE_DAYS} dagen te laat: "
            "per organisatie, met wat de terugblikken ervan zeiden."
        )
        own_only = stuck.own_organisation_only(user)
        with db.read() as session:
            found, more = stuck.dashboard_list(
                session=session,
                actor=user,
                today=dates.local_today(),
                organisation_id=None if own_only else organisation_id,
            )
        if own_only:
            st.caption("U ziet de vastgelopen acties van uw eigen organisatie.")
        if not found:
            st.success("Er zijn geen vastgelopen acties.", icon="✅")
            return
        if more:
            st.caption(
                f"Hier staan de {stuck.STUCK_SHOWN} die het langst te laat zijn; alle acties staan onder Opvolging."
            )
        for index, (name, items) in enumerate(stuck.by_organisation(found).items()):
            st.markdown(f"**{md_escape(name)}** — {len(items)} vastgelopen")
            st.dataframe(stuck_table(items), hide_index=True, width="stretch", key=f"dash_stuck_{index}")


def recurring_themes_ui(filters: stats.Filters) -> None:
    """Recurring themes (issue 12): the confirmed themes over time, each traceable to its contributions
    and the actions made of them; the same filters as every chart on this page."""
    with st.container(border=True, key="dash_recurring_themes"):
        st.subheader("Thema's die terugkomen, per leersessie")
        st.caption(
            "Wat de aanjager op de projector samenvoegde, en in welke leersessies het opnieuw werd genoemd. "
            "Open een thema om de inbreng en de vervolgacties te zien."
        )
        with db.read() as session:
            result = recurring.over_time(session=session, filters=filters, actor=user)
        over_time_ui(result, key="dash_themes")


st.title("Dashboard")
with db.read() as session:
    options = stats.choices(session=session)
filters = filters_ui(options, stats.default_filters(user))
view = charts.dashboard(viewer=user, filters=filters, today=dates.local_today())
board = view.board

headline_ui(board.headline)
left, right = st.columns(2, gap="medium")
with left:
    chart_ui(
        "Status per organisatie",
        "Hoeveel vervolgacties per organisatie open, bezig, gerealiseerd, niet gelukt of vervallen zijn.",
        board.status_by_organisation,
        charts.status_by_organisation,
        "dash_chart_status_org",
    )
with right:
    chart_ui(
        "Status per sessie",
        "Wat er geworden is van de acties die in elke sessie zijn afgesproken.",
        board.status_by_session,
        charts.status_by_session,
        "dash_chart_status_session",
    )
with left:
    chart_ui(
        "Op tijd gerealiseerd",
        "Per maand van de streefdatum: welk deel van de acties op tijd af was.",
        board.on_time,
        charts.on_time,
        "dash_chart_on_time",
    )
with right:
    median = board.realisation.median_days
    chart_ui(
        "Van afspraak tot realisatie",
        "Hoe lang gerealiseerde acties duurden"
        + (f"; de helft was binnen {median:.0f} dagen klaar." if median is not None else "."),
        board.realisation.buckets,
        charts.realisation,
        "dash_chart_realisation",
    )
late_actions_ui(board.late, filters)
stuck_actions_ui(filters.organisation_id)
left, right = st.columns(2, gap="medium")
with left:
    chart_ui(
        "Belemmert en helpt per perspectief",
        "Per sessie: hoeveel de groepen noemden over het systeem, de professional en het veranderproces.",
        board.perspectives,
        charts.perspectives,
        "dash_chart_persp",
    )
with right:
    chart_ui(
        "Terugkerende thema's",
        "De woorden en woordparen die het vaakst terugkomen in wat belemmert.",
        board.themes,
        charts.themes,
        "dash_chart_themes",
    )
with left:
    chart_ui(
        "Deelname per sessie",
        "Wie er per sessie was: professionals, managers en anderen.",
        board.attendance,
        charts.attendance,
        "dash_chart_attendance",
    )
with right:
    chart_ui(
        "Deelname per organisatie",
        "Hoe vaak mensen van elke organisatie aanwezig waren, naar rol.",
        board.attendance_organisations,
        charts.attendance_organisations,
        "dash_chart_attendance_org",
    )
chart_ui(
    "Evaluatie per sessie",
    "Gemiddelde scores van 1 tot 5: was de sessie constructief, en ter zake? "
    "(Evaluaties zijn anoniem: het filter op organisatie geldt hier niet.)",
    board.evaluations,
    charts.evaluations,
    "dash_chart_evaluations",
)
recurring_themes_ui(filters)  # recurring themes (issue 12)
