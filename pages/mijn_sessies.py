"""Mijn sessies: the leercirkels to enrol in (or the place on their waiting list), the coming leersessies,
signing up or off, and each date for the own calendar (.ics)."""

import streamlit as st

from lib.core import dates, db
from lib.models import EnrolmentStatus, SessionStatus
from lib.planning import attendance, enrolment, ical
from lib.ui import downloads, flash, page, write
from lib.ui.text import md_escape

user = page.setup("mijn_sessies")

SHOWN = 10  # session cards per page


def calendar_file(learning_session_id: int) -> bytes:
    """Built when the button is clicked, not on every run of the page."""
    with db.read() as session:
        return ical.session_ics(session=session, learning_session_id=learning_session_id, viewer=user)


def session_card_ui(item: attendance.MySession) -> None:
    with st.container(border=True):
        st.header(md_escape(item.title))
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
        seen = write.seen_version(f"my_session_{item.id}", item.version)
        if item.open_for_sign_up:
            label = "Afmelden" if item.signed_up else "Aanmelden"
            if left.button(label, key=f"sign_{item.id}", type="secondary" if item.signed_up else "primary"):
                change_ui(item, seen)
        right.download_button(
            "📆 In mijn agenda (.ics)",
            downloads.audited(lambda: calendar_file(item.id), user, ical.filename(item.title)),
            file_name=ical.filename(item.title),
            mime="text/calendar",
            key=f"ics_{item.id}",
        )


def change_ui(item: attendance.MySession, seen: int) -> None:
    """Sign up or off for the session as this card showed it (refused if it was moved or cancelled since)."""
    change = attendance.sign_off if item.signed_up else attendance.sign_up
    write.change(
        lambda session: change(
            session=session, learning_session_id=item.id, actor=user, today=dates.local_today(), expected_version=seen
        ),
        f"U bent {'afgemeld' if item.signed_up else 'aangemeld'} voor {item.when}.",
    )


def circle_card_ui(item: enrolment.MyCircle) -> None:
    with st.container(border=True):
        st.subheader(f"🔄 {md_escape(item.name)}")
        when = ", ".join(dates.short_date(day) for day in item.session_dates)
        st.markdown(
            f"**Leercirkel** · {len(item.session_dates)} bijeenkomsten"
            + (f": {md_escape(when)}" if when else "")
            + (f" · {md_escape(item.location)}" if item.location else "")
        )
        if item.description:
            st.text(item.description)
        waiting = f", {item.waiting} op de wachtlijst" if item.waiting else ""
        st.caption(f"{item.enrolled} van {item.places} plaatsen bezet{waiting}.")
        status = enrolment.describe_status(item)
        if item.status == EnrolmentStatus.ENROLLED:
            st.success(status, icon="✅")
        elif item.status == EnrolmentStatus.WAITING:
            st.info(status, icon="⏳")
        if item.status is not None:
            label = "Uitschrijven" if item.status == EnrolmentStatus.ENROLLED else "Van de wachtlijst af"
            if st.button(label, key=f"circle_{item.series_id}"):
                withdraw_ui(item)
        elif item.open:
            label = "Op de wachtlijst" if item.full else "Inschrijven voor de hele cyclus"
            if st.button(label, key=f"circle_{item.series_id}", type="primary"):
                enrol_ui(item)


def enrol_ui(item: enrolment.MyCircle) -> None:
    write.change(
        lambda session: enrolment.enrol(
            session=session, series_id=item.series_id, actor=user, today=dates.local_today()
        ),
        lambda change: (
            f"U bent ingeschreven voor {md_escape(item.name)} en aangemeld voor alle komende bijeenkomsten."
            if change.status == EnrolmentStatus.ENROLLED
            else f"{md_escape(item.name)} is vol: u staat op de wachtlijst. Komt er een plaats vrij, dan schuift "
            "u vanzelf door en ziet u dat hier."
        ),
    )


def withdraw_ui(item: enrolment.MyCircle) -> None:
    write.change(
        lambda session: enrolment.withdraw(
            session=session, series_id=item.series_id, actor=user, today=dates.local_today()
        ),
        f"U bent uitgeschreven voor {md_escape(item.name)}.",
    )


st.title("Mijn sessies")
flash.show()
with db.read() as session:
    circles = enrolment.my_circles(session=session, user=user, today=dates.local_today())
if circles:
    st.header("Leercirkels")
    st.caption("Schrijf u in voor de hele cyclus van een leercirkel; is ze vol, dan komt u op de wachtlijst.")
    for circle in circles:
        circle_card_ui(circle)
    st.header("Komende leersessies")
shown = st.session_state.get("my_sessions_shown", SHOWN)
with db.read() as session:
    items = attendance.my_sessions(session=session, user=user, today=dates.local_today(), limit=shown + 1)
if not items:
    st.info("Er zijn geen komende leersessies gepland.")
for item in items[:shown]:
    session_card_ui(item)
if len(items) > shown:  # a page of cards at a time: how far ahead to look is the user's choice
    st.button(
        f"Meer sessies tonen (de volgende {SHOWN})",
        key="my_sessions_more",
        on_click=lambda: st.session_state.update(my_sessions_shown=shown + SHOWN),
    )
