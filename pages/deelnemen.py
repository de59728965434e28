"""Deelnemen (public, phone-sized): a scribe joins with the session's code or QR link, picks the group,
and types what the group finds; participants vote on solutions and fill in the evaluation.

No account is needed. The phone is known by a random device key in a cookie, so a scribe can change
their own contributions after a refresh; the session itself is only reachable while it is open.
"""

import secrets

import streamlit as st

from lib.core import db
from lib.core.errors import DomainError
from lib.live import capture, evaluation, join, phases
from lib.models import EVALUATION_LENGTH_LABELS, ContributionKind, EvaluationLength, Phase, kind_label
from lib.ui import board, client, flash, live, page, write
from lib.ui import login as session_cookies
from lib.ui.text import md_escape, message_escape

page.guard("deelnemen")
DEVICE_COOKIE = "leersessie_device"
JOINED = "_join_session_id"
GROUP = "_join_group_id"
EDITING = "_join_editing"
RENDERED = "_join_rendered"
MY_VOTES = "_join_my_votes"
KIND_OPTIONS = [ContributionKind.OBSTACLE, ContributionKind.HELPER, ContributionKind.SOLUTION]


def device_key() -> str:
    """This phone's random key: from its cookie, or new (and then stored in the cookie)."""
    key = st.session_state.get("_device_key")
    if key:
        return key
    key = session_cookies.read_cookie(DEVICE_COOKIE)
    if key is None or not 16 <= len(key) <= 64 or not key.replace("-", "").replace("_", "").isalnum():
        key = secrets.token_urlsafe(24)
        st.html(session_cookies.cookie_script(DEVICE_COOKIE, key, 60 * 60 * 24 * 30), unsafe_allow_javascript=True)
    st.session_state["_device_key"] = key
    return key


def network_key() -> str:
    return client.address()


def try_join(code: str) -> None:
    message = None
    with db.transaction() as session:
        try:
            session_id = join.join(session=session, code=code, attempt_key=device_key(), network_key=network_key())
        except DomainError as error:  # caught inside the transaction: the failed attempt is kept
            message = str(error)
    if message:
        st.error(message_escape(message))
        return
    st.session_state[JOINED] = session_id
    st.query_params["code"] = join.normalise_code(code)


def join_form_ui() -> None:
    st.header("Meedoen met de leersessie")
    st.write("Vul de code in die op het scherm in de zaal staat.")
    with st.form("join"):
        code = st.text_input("Code", max_chars=20, key="join_code", placeholder="bijv. K7QM 4XPA")
        if st.form_submit_button("Meedoen", type="primary"):
            try_join(code)
            if st.session_state.get(JOINED):
                st.rerun()


def group_choice_ui(view: phases.LiveView) -> phases.GroupInfo | None:
    if not view.groups:
        st.info("Er zijn nog geen groepen. Wacht even tot de aanjager ze heeft gemaakt.")
        return None
    ids = [g.id for g in view.groups]
    wanted = st.query_params.get("groep", "")
    by_number = {str(g.number): g.id for g in view.groups}
    if st.session_state.get(GROUP) not in ids and wanted in by_number:
        st.session_state[GROUP] = by_number[wanted]
    index = ids.index(st.session_state[GROUP]) if st.session_state.get(GROUP) in ids else None
    chosen = st.selectbox(
        "Uw groep",
        view.groups,
        index=index,
        placeholder="Kies uw groep",
        key="join_group",
        format_func=lambda g: f"{g.name}{' — ' + g.case_title if g.case_title else ''}",
    )
    if chosen is not None:
        st.session_state[GROUP] = chosen.id
        st.query_params["groep"] = str(chosen.number)
    return chosen


def phase_ui(view: phases.LiveView) -> None:
    """The phase and round; drawn by the page run, which a new phase or round triggers."""
    st.markdown(f"**{md_escape(board.phase_text(view))}**")
    if view.phase == Phase.OPENING:
        st.info("De leersessie begint zo. Kies alvast uw groep.")
    elif view.phase == Phase.REVIEW:
        st.info("Terugblik op de acties van vorige keer. De rondes beginnen daarna.")
    elif view.phase == Phase.ROUND and view.current:
        st.markdown(f"#### {md_escape(view.current.get('name', ''))}")
        st.markdown(f"Perspectief: **{md_escape(view.current.get('perspective', ''))}**")
        with st.expander("Richtvragen"):
            for question in view.current.get("guiding_questions", []):
                st.markdown(f"- {md_escape(str(question))}")


@st.fragment(run_every=2)
def live_ui(session_id: int, group_id: int | None) -> None:
    """The one part of the phone that follows the room: the group's board and the vote.

    Every 2 s it reads the session's live version; only when that changed is the room re-read (once
    for all phones). Another phase or round, or a closed session, redraws the whole page.
    """
    snapshot = live.current(session_id)
    if snapshot is None or not snapshot.view.is_open or snapshot.rendered != st.session_state.get(RENDERED):
        st.rerun()
    if snapshot.view.phase == Phase.ROUND and group_id is not None:
        group_board_ui(snapshot, group_id)
    if snapshot.voting:
        votes_ui(snapshot)


def group_board_ui(snapshot: live.Snapshot, group_id: int) -> None:
    """What the whole group has captured in this round so far (from every phone and the projector)."""
    mine = next((b for b in snapshot.boards if b.group_id == group_id), None)
    if mine is None:
        return
    st.markdown(f"**Wat {md_escape(mine.name)} in deze ronde heeft ingebracht ({len(mine.items)})**")
    for item in mine.items:
        st.text(f"• {kind_label(item.kind)}: {item.text}")


def my_votes(snapshot: live.Snapshot, key: str) -> set[int]:
    """This phone's dots, re-read only when the room changed (a vote changes the live version)."""
    held = st.session_state.get(MY_VOTES)
    if held is None or held[0] != (snapshot.view.id, snapshot.stamp):
        with db.read() as session:
            mine = capture.my_votes(session=session, learning_session_id=snapshot.view.id, voter_key=key)
        held = ((snapshot.view.id, snapshot.stamp), mine)
        st.session_state[MY_VOTES] = held
    return held[1]


def votes_ui(snapshot: live.Snapshot) -> None:
    view, items = snapshot.view, snapshot.solutions
    if not items:
        return
    key = device_key()
    mine = my_votes(snapshot, key)
    st.subheader("Stemmen op oplossingen")
    st.caption(f"U heeft {view.votes_per_participant - len(mine)} van {view.votes_per_participant} stemmen over.")
    for item in items:
        left, right = st.columns([4, 2], vertical_alignment="center")
        left.text(f"{item.text} ({item.votes})")
        label = "✖ Intrekken" if item.id in mine else "● Stem"
        if right.button(label, key=f"vote_{item.id}"):
            write.change(
                lambda session, item=item: capture.toggle_vote(session=session, contribution_id=item.id, voter_key=key),
                "",
            )


def add_contribution_ui(view: phases.LiveView, group: phases.GroupInfo) -> None:
    solutions_round = bool((view.current or {}).get("yields_solutions"))
    options = KIND_OPTIONS if solutions_round else KIND_OPTIONS[:2]
    with st.form("contribution", clear_on_submit=True):
        kind = st.radio("Soort", options, format_func=kind_label, horizontal=True, key="contribution_kind")
        text = st.text_area(
            f"Inbreng van {group.name}",
            max_chars=capture.MAX_CONTRIBUTION,
            key="contribution_text",
            placeholder="Wat belemmert, wat helpt?",
        )
        if st.form_submit_button("Toevoegen", type="primary"):
            author = device_key()
            write.change(
                lambda session: capture.add_contribution(
                    session=session,
                    learning_session_id=view.id,
                    group_id=group.id,
                    kind=kind,
                    text=text,
                    author_key=author,
                ),
                "Toegevoegd: het staat nu op het scherm.",
                where="contribution",
            )
    flash.show("contribution")


def own_contributions_ui(view: phases.LiveView) -> None:
    key = device_key()
    with db.read() as session:
        items = capture.own_contributions(
            session=session, learning_session_id=view.id, author_key=key, round_index=view.state.current_round
        )
    if not items:
        return
    st.subheader("Wat u in deze ronde typte")
    for item in items:
        with st.container(border=True):
            if st.session_state.get(EDITING) == item.id:
                edit_ui(item)
                continue
            st.text(f"{kind_label(item.kind)}: {item.text}")
            left, right = st.columns(2)
            if left.button("✏️ Wijzig", key=f"edit_{item.id}"):
                st.session_state[EDITING] = item.id
                st.rerun()
            if right.button("🗑️ Verwijder", key=f"delete_{item.id}"):
                write.change(
                    lambda session, item=item: capture.delete_contribution(
                        session=session, contribution_id=item.id, author_key=key
                    ),
                    "",
                )


def edit_ui(item: capture.BoardItem) -> None:
    with st.form(f"edit_form_{item.id}"):
        text = st.text_area("Inbreng", value=item.text, max_chars=capture.MAX_CONTRIBUTION, key=f"edit_text_{item.id}")
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Opslaan", type="primary")
        cancelled = cancel.form_submit_button("Annuleren")
    if cancelled:
        st.session_state.pop(EDITING, None)
        st.rerun()
    if saved:
        author = device_key()
        write.change(
            lambda session: capture.edit_contribution(
                session=session, contribution_id=item.id, text=text, author_key=author
            ),
            "",
            after=lambda _: st.session_state.pop(EDITING, None),
        )


def evaluation_ui(view: phases.LiveView) -> None:
    st.subheader("Korte evaluatie")
    with db.read() as session:
        done = evaluation.has_evaluated(session=session, learning_session_id=view.id, participant_key=device_key())
    if done:
        st.success("Dank u wel! Uw evaluatie is ontvangen. U kunt haar hieronder nog aanpassen.")
    with st.form("evaluation"):
        length = st.radio(
            "De lengte van de sessie was",
            list(EvaluationLength),
            horizontal=True,
            key="eval_length",
            format_func=lambda v: EVALUATION_LENGTH_LABELS[v],
            index=1,
        )
        constructive = st.slider("Hoe constructief was het? (1–5)", 1, 5, 4, key="eval_constructive")
        to_the_point = st.slider("Hoe to the point was het? (1–5)", 1, 5, 4, key="eval_point")
        remark = st.text_area("Opmerking (optioneel)", max_chars=evaluation.MAX_REMARK, key="eval_remark")
        if st.form_submit_button("Evaluatie versturen", type="primary"):
            participant = device_key()
            write.change(  # after the rerun the page thanks the participant (has_evaluated)
                lambda session: evaluation.submit_evaluation(
                    session=session,
                    learning_session_id=view.id,
                    participant_key=participant,
                    length=length,
                    constructive=constructive,
                    to_the_point=to_the_point,
                    remark=remark,
                ),
                "",
            )


def leave_ui() -> None:
    if st.button("Andere code invullen", key="leave"):
        for name in (JOINED, GROUP, EDITING):
            st.session_state.pop(name, None)
        st.query_params.clear()
        st.rerun()


device_key()
if not st.session_state.get(JOINED) and st.query_params.get("code"):
    try_join(st.query_params["code"])

session_id = st.session_state.get(JOINED)
snapshot = live.current(session_id) if session_id else None
if not session_id:
    join_form_ui()
elif snapshot is None or not snapshot.view.is_open:
    st.session_state.pop(JOINED, None)
    st.title("Meedoen met de leersessie")
    st.error(join.CLOSED_CODE)
    leave_ui()
else:
    view = snapshot.view
    st.subheader(md_escape(view.title))
    group = group_choice_ui(view)
    st.session_state[RENDERED] = snapshot.rendered
    phase_ui(view)
    if view.phase == Phase.ROUND and group is not None:
        add_contribution_ui(view, group)
        own_contributions_ui(view)
        live_ui(view.id, group.id)
    else:
        live_ui(view.id, group.id if group else None)
        if view.phase == Phase.CLOSING:
            evaluation_ui(view)
    leave_ui()
