"""Rapporten: the sessieverslag, the oogst of a series and CSV files, to take into the own organisation."""

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import dates, db
from lib.insight import oogst, reports, stats
from lib.ui import downloads, page

user = page.setup("rapporten")


def _csv(viewer: CurrentUser, filters: stats.Filters, what: str):
    def build() -> bytes:
        with db.read() as session:
            maker = reports.actions_csv if what == "acties" else reports.contributions_csv
            return maker(session=session, viewer=viewer, filters=filters)

    return build


def session_report_ui(choices: list[reports.SessionChoice]) -> None:
    with st.container(border=True):
        st.header("Sessieverslag")
        st.caption(
            "Eén leersessie: deelnemers, casussen, wat elke groep per ronde inbracht, de afgesproken acties, "
            "de terugblik en de evaluatie."
        )
        if not choices:
            st.info("Er zijn nog geen leersessies.", icon="📭")
            return
        labels = {c.id: c.label for c in choices}
        chosen = st.selectbox(
            "Leersessie",
            list(labels),
            format_func=labels.get,
            key="report_session",
            index=reports.latest_held(choices, dates.local_today()),
        )
        downloads.report_buttons(
            "Sessieverslag",
            lambda session: reports.session_report(session=session, viewer=user, learning_session_id=chosen),
            user=user,
            stem="sessieverslag-" + labels[chosen].split(" — ", 1)[-1],
            key="report_session",
        )


def harvest_ui(options: stats.Choices) -> None:
    with st.container(border=True):
        st.header("Oogst van een reeks")
        st.caption(
            "Wat er van de reeks is gekomen: de acties en waarom niet, wat steeds terugkwam, de deelname en "
            "de evaluatie, met grafieken."
        )
        if not options.series:
            st.info("Er zijn nog geen reeksen.", icon="📭")
            return
        series_names = dict(options.series)
        organisation_names = dict(options.organisations)
        left, right = st.columns(2)
        series_id = left.selectbox("Reeks", list(series_names), format_func=series_names.get, key="harvest_series")
        organisation_id = right.selectbox(
            "Voor organisatie",
            [None, *organisation_names],
            key="harvest_organisation",
            format_func=lambda i: "Alle organisaties" if i is None else organisation_names[i],
        )
        for_whom = f"-{organisation_names[organisation_id]}" if organisation_id else ""
        downloads.report_buttons(
            "Oogst",
            lambda session: oogst.document(
                oogst.harvest(session=session, series_id=series_id, actor=user, organisation_id=organisation_id)
            ),
            user=user,
            stem=f"oogst-{series_names[series_id]}{for_whom}",
            key="harvest",
            day=dates.local_today(),
        )


def csv_ui(options: stats.Choices, default: stats.Filters) -> None:
    with st.container(border=True):
        st.header("Gegevens als CSV")
        st.caption("Voor eigen analyses in Excel: puntkomma-gescheiden, met accenten goed, en veilig te openen.")
        series_names = dict(options.series)
        organisation_names = dict(options.organisations)
        organisation_ids = [None, *organisation_names]
        left, right = st.columns(2)
        series_id = left.selectbox(
            "Reeks",
            [None, *series_names],
            key="csv_series",
            format_func=lambda i: "Alle reeksen" if i is None else series_names[i],
        )
        organisation_id = right.selectbox(
            "Organisatie",
            organisation_ids,
            key="csv_organisation",
            index=organisation_ids.index(default.organisation_id) if default.organisation_id in organisation_ids else 0,
            format_func=lambda i: "Alle organisaties" if i is None else organisation_names[i],
        )
        filters = stats.Filters(series_id=series_id, organisation_id=organisation_id)
        today = dates.local_today().isoformat()
        columns = st.columns(2)
        columns[0].download_button(
            "Vervolgacties (CSV)",
            data=downloads.audited(_csv(user, filters, "acties"), user, f"vervolgacties-{today}.csv"),
            on_click="ignore",
            mime="text/csv",
            file_name=f"vervolgacties-{today}.csv",
            key="csv_actions",
            icon="⬇️",
            width="stretch",
        )
        columns[1].download_button(
            "Inbreng van de groepen (CSV)",
            data=downloads.audited(_csv(user, filters, "inbreng"), user, f"inbreng-{today}.csv"),
            on_click="ignore",
            mime="text/csv",
            file_name=f"inbreng-{today}.csv",
            key="csv_contributions",
            icon="⬇️",
            width="stretch",
        )


st.title("Rapporten")
st.write("Download een verslag of de oogst om mee te nemen naar uw eigen organisatie.")
default = stats.default_filters(user)
with db.read() as session:
    options = stats.choices(session=session)
    choices = reports.session_choices(session=session, viewer=user)
session_report_ui(choices)
harvest_ui(options)
csv_ui(options, default)
