"""The terugblik on the projector: actions of earlier sessions, one by one or as a list, each with its
origin and a quick status update recorded against this session, and the running summary.

Called by the projector page in its terugblik phase, and by the opvolging page's Terugblik tab:
`review_ui(learning_session_id=..., user=...)`.
"""

from __future__ import annotations

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import dates, db
from lib.followup import actions, terugblik
from lib.models import ActionStatus
from lib.ui import flash, write
from lib.ui.text import md_escape

QUICK_STATUSES = [
    ActionStatus.DONE,
    ActionStatus.IN_PROGRESS,
    ActionStatus.FAILED,
    ActionStatus.DROPPED,
    ActionStatus.OPEN,
]
ONE_BY_ONE, AS_LIST = "Eén voor één", "Als lijst"
STATUS_ICONS: dict[str, str] = {
    ActionStatus.DONE: "✅",
    ActionStatus.IN_PROGRESS: "⏳",
    ActionStatus.OPEN: "⚪",
    ActionStatus.FAILED: "❌",
    ActionStatus.DROPPED: "➖",
}


def _flash_place(learning_session_id: int) -> str:
    return f"review_{learning_session_id}"


def _index_key(learning_session_id: int) -> str:
    return f"review_index_{learning_session_id}"


def review_ui(*, learning_session_id: int, user: CurrentUser) -> None:
    today = dates.local_today()
    with db.read() as session:
        items = terugblik.review_items(session=session, learning_session_id=learning_session_id, today=today)
    flash.show(_flash_place(learning_session_id))
    if not items:
        st.info("Er staan geen vervolgacties uit eerdere sessies open.")
        return
    summary_ui(items)
    mode = (
        st.segmented_control(
            "Weergave", [ONE_BY_ONE, AS_LIST], default=ONE_BY_ONE, key=f"review_mode_{learning_session_id}"
        )
        or ONE_BY_ONE
    )
    if mode == ONE_BY_ONE:
        one_by_one_ui(items, learning_session_id, user, today)
    else:
        for item in items:
            action_card_ui(item, learning_session_id, user, today)


def summary_ui(items: list[terugblik.ReviewItem]) -> None:
    counts: dict[str, int] = {}
    for item in items:
        if item.discussed:
            counts[item.status] = counts.get(item.status, 0) + 1
    remaining = sum(1 for item in items if not item.discussed)
    line = terugblik.summary_text(counts)
    if remaining:
        line += f" — nog {remaining} te bespreken"
    st.markdown(f"#### {line}")  # counts and status labels only: no user text


def one_by_one_ui(items: list[terugblik.ReviewItem], learning_session_id: int, user: CurrentUser, today) -> None:
    key = _index_key(learning_session_id)
    index = min(max(st.session_state.get(key, 0), 0), len(items) - 1)
    left, middle, right = st.columns([1, 2, 1], vertical_alignment="center")
    with left:
        if st.button("◀ Vorige", key="review_prev", disabled=index == 0, width="stretch"):
            st.session_state[key] = index - 1
            st.rerun()
    with middle:
        st.markdown(f"**Actie {index + 1} van {len(items)}**")
    with right:
        if st.button("Volgende ▶", key="review_next", disabled=index >= len(items) - 1, width="stretch"):
            st.session_state[key] = index + 1
            st.rerun()
    action_card_ui(items[index], learning_session_id, user, today, advance_to=index + 1)


def origin_ui(item: terugblik.ReviewItem) -> None:
    when = f" op {dates.long_date(item.from_date)}" if item.from_date else ""
    st.caption(f"Afgesproken in {md_escape(item.from_session)}{when}")
    if item.origin is None:
        return
    parts = []
    if item.origin.case_title:
        parts.append(f"Casus: {item.origin.case_title}")
    if item.origin.round_name:
        parts.append(f"{item.origin.round_name} ({item.origin.perspective})")
    if parts:
        st.text(" · ".join(parts))
    st.text(f"Oplossing: {item.origin.solution}")


def action_card_ui(
    item: terugblik.ReviewItem, learning_session_id: int, user: CurrentUser, today, advance_to: int | None = None
) -> None:
    with st.container(border=True, key=f"review_card_{item.id}"):
        st.markdown(f"### {STATUS_ICONS.get(item.status, '')} {md_escape(item.title)}")
        due = f" · streefdatum {dates.long_date(item.due_date)}" if item.due_date else ""
        late = " · **te laat**" if item.late else ""
        organisation = f" ({md_escape(item.organisation)})" if item.organisation else ""
        st.markdown(
            f"Trekker: **{md_escape(item.owner)}**{organisation} · status: "
            f"**{md_escape(item.status_label)}**{due}{late}"
        )
        if item.reason:
            st.markdown(f"Waarom niet: {md_escape(item.reason)}")
        if item.discussed:
            st.caption("✔ Besproken in deze sessie.")
        origin_ui(item)
        quick_update_ui(item, learning_session_id, user, advance_to)


def quick_update_ui(
    item: terugblik.ReviewItem, learning_session_id: int, user: CurrentUser, advance_to: int | None
) -> None:
    seen = write.seen_version(f"review_{item.id}", item.version)
    choice = st.segmented_control(
        "Hoe staat het ervoor?",
        QUICK_STATUSES,
        format_func=actions.status_label,
        key=f"review_status_{item.id}",
    )
    note = st.text_input(
        "Toelichting (bij niet gelukt of vervallen: waarom niet?)", max_chars=2000, key=f"review_note_{item.id}"
    )
    save, same = st.columns(2)
    target: str | None = None
    text = note
    with save:
        if st.button("Opslaan", key=f"review_save_{item.id}", disabled=choice is None, type="primary"):
            target = choice
    with same:
        if st.button("Besproken, geen wijziging", key=f"review_same_{item.id}"):
            target, text = item.status, note or "Besproken in de terugblik; geen wijziging."
    if target is None:
        return

    def move_on(_action: object) -> None:
        if advance_to is not None:
            st.session_state[_index_key(learning_session_id)] = advance_to

    write.change(
        lambda session: actions.change_status(
            session=session,
            action_id=item.id,
            to_status=target,
            note=text,
            actor=user,
            expected_version=seen,
            in_session_id=learning_session_id,
        ),
        f"Opgeslagen: '{md_escape(item.title)}' is {actions.status_label(target)}.",
        after=move_on,
        where=_flash_place(learning_session_id),
    )
