"""Gebruikers (beheerder): accounts and organisations — create, (de)activate, reset a password."""

import pandas as pd
import streamlit as st

from lib import accounts
from lib.core import dates, db
from lib.core.errors import DomainError
from lib.models import ROLE_LABELS, Role
from lib.ui import flash, page

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
    st.subheader("Nieuwe gebruiker")
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
            try:
                with db.transaction() as session:
                    created = accounts.create_user(session=session, data=data, actor=user)
            except DomainError as error:
                st.error(str(error))
            else:
                flash.after_rerun(f"Gebruiker '{created.username}' is aangemaakt.")


def manage_user_ui(users) -> None:
    st.subheader("Gebruiker beheren")
    chosen = st.selectbox(
        "Gebruiker", users, format_func=lambda u: f"{u.display_name} ({u.username})", key="manage_user"
    )
    if chosen is None:
        return
    left, right = st.columns(2)
    with left:
        label = "Uitschakelen" if chosen.active else "Weer inschakelen"
        if st.button(label, key="toggle_active"):
            done = "uitgeschakeld" if chosen.active else "weer ingeschakeld"
            flash.save(
                lambda s: accounts.set_active(session=s, user_id=chosen.id, active=not chosen.active, actor=user),
                f"Gebruiker '{chosen.username}' is {done}.",
            )
    with right, st.form("reset_password", clear_on_submit=True):
        password = st.text_input("Nieuw wachtwoord", type="password", key="reset_password_value")
        if st.form_submit_button("Wachtwoord instellen"):
            flash.save(
                lambda s: accounts.reset_password(session=s, user_id=chosen.id, password=password, actor=user),
                "Het wachtwoord is gewijzigd; bestaande logins van deze gebruiker zijn beëindigd.",
            )


def organisations_ui(organisations) -> None:
    st.subheader("Organisaties")
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
            flash.save(
                lambda s: accounts.create_organisation(session=s, name=name, kind=kind, actor=user),
                "De organisatie is toegevoegd.",
            )


st.title("Gebruikers en organisaties")
flash.show()
with db.read() as session:
    all_users = accounts.list_users(session=session)
    organisations = accounts.list_organisations(session=session)

users_tab, new_tab, org_tab = st.tabs(["Gebruikers", "Nieuwe gebruiker", "Organisaties"])
with users_tab:
    users_table_ui(all_users, organisations)
    manage_user_ui(all_users)
with new_tab:
    new_user_ui(organisations)
with org_tab:
    organisations_ui(organisations)
