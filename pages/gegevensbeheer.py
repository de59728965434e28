"""Back-up en bewaartermijn (beheerder): download a backup, how to restore, and the retention run
with a preview of exactly which cases will be anonymised."""

import pandas as pd
import streamlit as st

from lib.cases import retention
from lib.core import backup, dates, db
from lib.core.config import get_settings
from lib.ui import flash, page, write

user = page.setup("gegevensbeheer")


def backup_file():
    """Built when the beheerder clicks; the download is recorded in the audit log."""

    def build() -> bytes:
        with db.transaction() as session:
            return backup.download(session=session, actor=user)

    return build


def backup_ui() -> None:
    st.header("Back-up")
    st.write(
        "Eén JSON-bestand met de hele database: alle tabellen, met de databaseversie erin. Het bevat "
        "persoonsgegevens en casusteksten: bewaar het net zo veilig als de database zelf."
    )
    st.download_button(
        "Back-up downloaden (JSON)",
        data=backup_file(),
        on_click="ignore",
        file_name=f"leersessie-backup-{dates.local_today().isoformat()}.json",
        mime="application/json",
        key="backup_download",
        icon="⬇️",
        type="primary",
    )


def restore_ui(rows: dict[str, int]) -> None:
    st.header("Terugzetten")
    # A logged-in beheerder means the database holds at least their account, so restoring here would
    # always be refused: restoring is a step on the server, into a new, empty database.
    st.info(
        f"Deze database is in gebruik ({sum(rows.values())} rijen in {len(rows)} tabellen). Een back-up "
        "terugzetten kan alleen in een lege database, en dat gebeurt op de server:\n\n"
        "1. maak een nieuwe, lege database aan (of kies een nieuw SQLite-bestand);\n"
        "2. laat `DATABASE_URL` daarheen wijzen;\n"
        "3. voer uit: `python -m lib.cli restore leersessie-backup.json`.\n\n"
        "Het terugzetten weigert een database die niet leeg is en een back-up van een andere databaseversie.",
        icon="ℹ️",
    )


def retention_ui(plan: retention.Preview) -> None:
    st.header("Bewaartermijn van casussen")
    st.write(
        f"Casusteksten worden {plan.months} maanden na de leersessie waarin de casus is besproken geanonimiseerd "
        "(of na het indienen, als de casus nooit is besproken). De tekst en wat de groepen erover inbrachten "
        "worden vervangen en de titel wordt algemeen; aantallen, soorten inbreng, acties en hun status blijven."
    )
    if not plan.total:
        st.success(
            f"Er zijn geen casussen van vóór {dates.long_date(plan.cutoff)} die nog geanonimiseerd moeten worden."
        )
        return
    st.warning(
        f"{plan.total} casus(sen) van vóór {dates.long_date(plan.cutoff)} worden geanonimiseerd, "
        f"met {plan.contributions} stuks inbreng.",
        icon="🗂️",
    )
    frame = pd.DataFrame(
        [
            {
                "Nr": case.id,
                "Titel": case.title,
                "Organisatie": case.organisation,
                "Besproken of ingediend": ("besproken " if case.discussed else "ingediend ")
                + dates.short_date(case.reference_date),
                "Inbreng": case.contributions,
            }
            for case in plan.cases
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    if plan.total > len(plan.cases):
        st.caption(f"De oudste {len(plan.cases)} van {plan.total} staan hierboven.")
    checked = st.checkbox("Ik heb gezien wat er geanonimiseerd wordt", key="retention_checked")
    if st.button("Nu anonimiseren", key="retention_run", type="primary", disabled=not checked):
        write.change(
            lambda session: retention.anonymise_expired(
                session=session, today=dates.local_today(), months=plan.months, actor=user
            ),
            f"{plan.total} casus(sen) zijn geanonimiseerd.",
        )


st.title("Back-up en bewaartermijn")
flash.show()
with db.read() as session:
    rows = backup.row_counts(session.connection())
    plan = retention.preview(session=session, today=dates.local_today(), months=get_settings().retention_months)
backup_ui()
restore_ui(rows)
retention_ui(plan)
st.caption("Een dagelijkse cronjob doet hetzelfde op de server: `python -m lib.cli retention`.")
