"""Mijn gegevens: what the app holds about me, the inzage download (AVG) as JSON, and my password."""

import streamlit as st

from lib import personal_data
from lib.core import dates, db
from lib.models import ROLE_LABELS
from lib.ui import flash, login, page
from lib.ui.text import md_escape

user = page.setup("mijn_gegevens")


def inzage_file():
    """Built when the user clicks; the inzage is recorded in the audit log."""

    def build() -> bytes:
        with db.transaction() as session:
            return personal_data.personal_data_json(session=session, user_id=user.id, actor=user)

    return build


st.title("Mijn gegevens")
flash.show()
with db.read() as session:
    account = personal_data.account_summary(session=session, user_id=user.id, actor=user)
shown = {
    "Naam": account["naam"],
    "Gebruikersnaam": account["gebruikersnaam"],
    "E-mailadres": account["e-mailadres"] or "—",
    "Rol": ROLE_LABELS[user.role],
    "Organisatie": account["organisatie"] or "—",
}
st.markdown("  \n".join(f"**{label}:** {md_escape(value)}" for label, value in shown.items()))
st.write(
    "Leersessie bewaart uw account, de casussen die u indiende, uw aanmeldingen en aanwezigheid, uw inbreng, "
    "de acties waarvan u trekker bent, en een logboek van wat u in de app deed. Download alles als één bestand."
)
st.download_button(
    "Download mijn gegevens (JSON)",
    data=inzage_file(),
    on_click="ignore",
    file_name=f"mijn-gegevens-leersessie-{dates.local_today().isoformat()}.json",
    mime="application/json",
    key="inzage_download",
    icon="⬇️",
    type="primary",
)
st.caption(
    "Casusteksten worden na de bewaartermijn geanonimiseerd. Wilt u dat uw gegevens worden verwijderd of "
    "verbeterd? Vraag het de beheerder van Leersessie in uw organisatie."
)

st.header("Wachtwoord wijzigen")
st.caption("Na het wijzigen blijft u hier ingelogd; op andere apparaten en in andere browsers wordt u uitgelogd.")
login.password_form(user, key="own_password")
