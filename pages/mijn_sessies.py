"""Mijn sessies: the coming leersessies, signing up or off, and each date for the own calendar (.ics)."""

import streamlit as st

from lib.core import dates, db
from lib.models import SessionStatus
from lib.planning import attendance, ical
from lib.ui import downloads, flash, page, write
from lib.ui.text import md_escape

user = page.setup("mijn_sessies")

SHOWN = 20


def session_card_ui(item: attendance.MySession, calendar_file: bytes) -> None:
    with st.container(border=True):
        st.subheader(md_escape(item.title))
        st.markdown(f"**{item.when}**")
        if item.location:
            st.text(item.location)
        if item.status == SessionStatus.CANCELLED:
            st.warning("Deze leersessie gaat niet door.", icon="🚫")
        elif item.signed_up:
            st.success("U bent aangemeld.", icon="✅")
        else:
            st.caption("U bent (nog) niet aangemeld.")
        left, right = st.columns(2)
        if item.open_for_sign_up:
            label = "Afmelden" if item.signed_up else "Aanmelden"
            if left.button(label, key=f"sign_{item.id}", type="secondary" if item.signed_up else "primary"):
                change_ui(item)
        right.download_button(
            "📆 In mijn agenda (.ics)",
            downloads.audited(calendar_file, user, ical.filename(item.title)),
            file_name=ical.filename(item.title),
            mime="text/calendar",
            key=f"ics_{item.id}",
        )


def change_ui(item: attendance.MySession) -> None:
    change = attendance.sign_off if item.signed_up else attendance.sign_up
    write.change(
        lambda session: change(session=session, learning_session_id=item.id, actor=user, today=dates.local_today()),
        f"U bent {'afgemeld' if item.signed_up else 'aangemeld'} voor {item.when}.",
    )


st.title("Mijn sessies")
flash.show()
with db.read() as session:
    items = attendance.my_sessions(session=session, user=user, today=dates.local_today())[:SHOWN]
    files = {item.id: ical.session_ics(session=session, learning_session_id=item.id, viewer=user) for item in items}
if not items:
    st.info("Er zijn geen komende leersessies gepland.")
for item in items:
    session_card_ui(item, files[item.id])
