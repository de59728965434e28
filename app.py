"""Leersessie: the router. Page config, database check, login, and the pages the user's role may see."""

import streamlit as st

from lib.models import ROLE_LABELS
from lib.ui import login, page
from lib.ui.nav import PAGES, pages_for
from lib.ui.text import md_escape

st.set_page_config(page_title="Leersessie", page_icon="🗣️", layout="wide")
page.ensure_database()
page.style()
login.flush_cookie()

user = login.current_user()
if user is None:
    public = [st.Page(spec.path, title=spec.title, icon=spec.icon) for spec in pages_for(None)]
    st.navigation([st.Page(login.login_page, title="Inloggen", icon="🔑", default=True), *public]).run()
    st.stop()

# Every page is registered, so a URL of a forbidden page reaches that page's own guard ("Geen toegang")
# instead of silently showing another page; the menu lists only what this role may open.
registered = {spec.key: st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default) for spec in PAGES}
if user.must_change_password:
    # A password the beheerder chose: every page, by the menu or by its address, shows the form to choose
    # one's own first (the page guard), with nothing else in the menu.
    current = st.navigation(list(registered.values()), position="hidden")
    with st.sidebar:
        if st.button("Uitloggen", key="logout", icon="🚪"):
            login.log_out()
            st.rerun()
    current.run()
    st.stop()
current = st.navigation(list(registered.values()), position="hidden")

with st.sidebar:
    st.markdown(f"**{md_escape(user.display_name)}**  \n{ROLE_LABELS[user.role]}")
    section = None
    for spec in pages_for(user.role):
        if spec.section != section:
            section = spec.section
            st.caption(section)
        st.page_link(registered[spec.key], label=spec.title, icon=spec.icon)
    st.divider()
    if st.button("Uitloggen", key="logout", icon="🚪"):
        login.log_out()
        st.rerun()

current.run()
