"""Gebruikers (beheerder): accounts and organisations — create, (de)activate, reset a password,
inzage and erasure of a user's personal data (AVG)."""

import pandas as pd
import streamlit as st

from lib import accounts, personal_data
from lib.core import dates, db
from lib.models import ROLE_LABELS, Role
from lib.ui import flash, page, write

user = page.setup("gebruikers")


def users_table_ui(users, organisations) -> None:
    names = {o.id: o.name for o in organisations}
    frame = pd.DataFrame(
        [
            {
                "Gebruikersnaam": u.username,
                "Naam": u.display_name,
                "Rol": ROLE_LABELS[Role(u.role)],
                "Organisatie": names.get(u.organisation_id, ""),
                "Actief": u.active,
                "Laatst ingelogd": dates.moment(u.last_login_at) if u.last_login_at else "",
            }
            for u in users
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def new_user_ui(organisations) -> None:
    st.header("Nieuwe gebruiker")
    with st.form("new_user", clear_on_submit=True):
        username = st.text_input("Gebruikersnaam", max_chars=60, key="new_username")
        display_name = st.text_input("Naam", max_chars=120, key="new_display_name")
        email = st.text_input("E-mailadres (optioneel)", max_chars=254, key="new_email")
        role = st.selectbox("Rol", list(Role), format_func=lambda r: ROLE_LABELS[r], key="new_role")
        organisation = st.selectbox(
            "Organisatie",
            [None, *organisations],
            format_func=lambda o: "—" if o is None else o.name,
            key="new_organisation",
        )
        password = st.text_input("Tijdelijk wachtwoord (minstens 10 tekens)", type="password", key="new_password")
        if st.form_submit_button("Gebruiker aanmaken", type="primary"):
            organisation_id = organisation.id if organisation else None
            data = accounts.NewUser(username, display_name, role, password, organisation_id, email)
            write.change(
                lambda session: accounts.create_user(session=session, data=data, actor=user),
                lambda created: f"Gebruiker '{created.username}' is aangemaakt.",  # [a-z0-9._-] only
            )


def manage_user_ui(users) -> None:
    st.header("Gebruiker beheren")
    chosen = st.selectbox(
        "Gebruiker", users, format_func=lambda u: f"{u.display_name} ({u.username})", key="manage_user"
    )
    if chosen is None:
        return
    left, right = st.columns(2)
    with left:
        label = "Uitschakelen" if chosen.active else "Weer inschakelen"
        if st.button(label, key="toggle_active"):
            write.change(
                lambda session: accounts.set_active(
                    session=session, user_id=chosen.id, active=not chosen.active, actor=user
                ),
                f"Gebruiker '{chosen.username}' is {'uitgeschakeld' if chosen.active else 'weer ingeschakeld'}.",
            )
    with right, st.form("reset_password", clear_on_submit=True):
        password = st.text_input("Nieuw wachtwoord", type="password", key="reset_password_value")
        if st.form_submit_button("Wachtwoord instellen"):
            write.change(
                lambda session: accounts.reset_password(
                    session=session, user_id=chosen.id, password=password, actor=user
                ),
                "Het wachtwoord is gewijzigd; bestaande logins van deze gebruiker zijn beëindigd.",
            )
    personal_data_ui(chosen)


def inzage_file(user_id: int):
    """Built when the beheerder clicks; the inzage is recorded in the audit log."""

    def build() -> bytes:
        with db.transaction() as session:
            return personal_data.personal_data_json(session=session, user_id=user_id, actor=user)

    return build


def personal_data_ui(chosen) -> None:
    st.markdown("**Persoonsgegevens (AVG)**")
    left, right = st.columns(2)
    left.download_button(
        "Inzage: alle gegevens van deze gebruiker (JSON)",
        data=inzage_file(chosen.id),
        on_click="ignore",
        file_name=f"inzage-{chosen.username}.json",
        mime="application/json",
        key=f"user_inzage_{chosen.id}",
        icon="⬇️",
    )
    with right:
        if chosen.erased_at is not None:
            st.caption(f"De persoonsgegevens zijn verwijderd op {dates.moment(chosen.erased_at)}.")
            return
        st.caption(
            "Verwijderen haalt naam, gebruikersnaam, e-mailadres, wachtwoord en logins weg. Casussen, inbreng "
            "en acties blijven, op naam van 'verwijderde gebruiker'. Dit kan niet ongedaan worden gemaakt."
        )
        typed = st.text_input(
            f"Typ '{chosen.username}' om te bevestigen", max_chars=60, key=f"erase_confirm_{chosen.id}"
        )
        if st.button(
            "Persoonsgegevens verwijderen", key=f"erase_user_{chosen.id}", disabled=typed.strip() != chosen.username
        ):
            write.change(
                lambda session: personal_data.erase_user(session=session, user_id=chosen.id, actor=user),
                "De persoonsgegevens zijn verwijderd; het werk van deze gebruiker staat nu op naam van "
                "'verwijderde gebruiker'.",
            )


def organisations_ui(organisations) -> None:
    st.header("Organisaties")
    st.dataframe(
        pd.DataFrame([{"Organisatie": o.name, "Soort": o.kind} for o in organisations]),
        hide_index=True,
        width="stretch",
    )
    with st.form("new_organisation", clear_on_submit=True):
        name = st.text_input("Naam van de organisatie", max_chars=120, key="org_name")
        kind = st.selectbox(
            "Soort", ["gemeente", "wijkteam", "welzijn", "woningcorporatie", "ggz", "overig"], key="org_kind"
        )
        if st.form_submit_button("Organisatie toevoegen"):
            write.change(
                lambda session: accounts.create_organisation(session=session, name=name, kind=kind, actor=user),
                "De organisatie is toegevoegd.",
            )


def found_users() -> list:
    """The accounts the search finds, at most USERS_SHOWN, and a line that says how many there are."""
    search = st.text_input(
        "Zoek op naam, gebruikersnaam of e-mailadres", max_chars=120, key="user_search", placeholder="bijv. Jansen"
    )
    with db.read() as session:
        users, total = accounts.find_users(session=session, search=search)
    found = "gevonden" if search.strip() else "in totaal"
    more = f"; de eerste {len(users)} op naam staan hier, zoek om er een te vinden" if total > len(users) else ""
    st.caption(f"{total} {'gebruiker' if total == 1 else 'gebruikers'} {found}{more}.")
    return users


st.title("Gebruikers en organisaties")
flash.show()
with db.read() as session:
    organisations = accounts.list_organisations(session=session)

users_tab, new_tab, org_tab = st.tabs(["Gebruikers", "Nieuwe gebruiker", "Organisaties"])
with users_tab:
    shown_users = found_users()
    users_table_ui(shown_users, organisations)
    manage_user_ui(shown_users)
with new_tab:
    new_user_ui(organisations)
with org_tab:
    organisations_ui(organisations)
