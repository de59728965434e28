"""Deelnemen (public, phone-sized): a scribe joins with the session's code or QR link, picks the group,
and types what the group finds; participants vote on solutions and fill in the evaluation.

No account is needed. The phone is known by a random device key in a cookie (stored per session only
as a derived key), so a scribe can change their own contributions after a refresh; the link carries
the code and the group, so a phone back from a dropped connection finds its place again. The session
itself is only reachable while it is open.

The page follows the task: the round's header and the input first, then what the phone typed, then
the group's board and the vote; at the end the evaluation first. One fragment follows the room.
"""

import secrets
import time

import streamlit as st

from lib.core import db
from lib.core.errors import DomainError
from lib.live import capture, evaluation, join, phases, timer
from lib.models import EVALUATION_LENGTH_LABELS, ContributionKind, EvaluationLength, Phase, kind_label
from lib.ui import board, client, flash, live, page, phone, write
from lib.ui import login as session_cookies
from lib.ui import privacy as privacy_ui
from lib.ui.text import md_escape, message_escape

user = page.guard("deelnemen")
DEVICE_COOKIE = "leersessie_device"
JOINED = "_join_session_id"
GROUP = "_join_group_id"
EDITING = "_join_editing"
DELETING = "_join_deleting"
RENDERED = "_join_rendered"
MY_VOTES = "_join_my_votes"
FORM = "_join_form_number"  # a new number gives a fresh, empty contribution form after a save
SAVED_AT = "_join_saved_at"
PRIVACY_ASKED = "_join_privacy_asked"  # per form: the server's question about personal data in the text
STRAY_TAP = 3.0  # seconds after a save in which an empty submit is the double tap's second tap
ADDED = "Toegevoegd: het staat nu op het scherm."
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
        if message == join.CLOSED_CODE:
            st.info(message)
        else:
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


def chosen_group(view: phases.LiveView) -> phases.GroupInfo | None:
    """The group this phone chose: kept in the browser session, and in the link (?groep=2)."""
    by_id = {g.id: g for g in view.groups}
    if st.session_state.get(GROUP) not in by_id:
        wanted = st.query_params.get("groep", "")
        st.session_state[GROUP] = next((g.id for g in view.groups if str(g.number) == wanted), None)
    return by_id.get(st.session_state[GROUP])


def group_choice_ui(view: phases.LiveView, current: phases.GroupInfo | None) -> None:
    if not view.groups:
        st.info("Er zijn nog geen groepen. Wacht even tot de aanjager ze heeft gemaakt.")
        return
    ids = [g.id for g in view.groups]
    chosen = st.selectbox(
        "Uw groep",
        view.groups,
        index=ids.index(current.id) if current else None,
        placeholder="Kies uw groep",
        key="join_group",
        format_func=lambda g: f"{g.name}{' — ' + g.case_title if g.case_title else ''}",
    )
    if chosen is not None and (current is None or chosen.id != current.id):
        st.session_state[GROUP] = chosen.id
        st.query_params["groep"] = str(chosen.number)
        st.rerun()


def is_inbrenger(view: phases.LiveView, group: phases.GroupInfo) -> bool:
    """Whether this phone belongs to the inbrenger of its group's casus: logged in as the submitter, or
    said so on this phone (kept in the link, ?inbrenger=1)."""
    if user is not None:
        with db.read() as session:
            if join.inbrenger_group(session=session, learning_session_id=view.id, user_id=user.id) == group.id:
                return True
    return bool(group.case_title) and st.query_params.get("inbrenger") == "1"


def inbrenger_ui(view: phases.LiveView, group: phases.GroupInfo) -> None:
    notice = join.inbrenger_notice(view.current, is_inbrenger=is_inbrenger(view, group))
    if notice:
        st.info(notice, icon="🎙️")


def inbrenger_choice_ui(group: phases.GroupInfo) -> None:
    if not group.case_title:
        return
    mine = st.checkbox(
        f"Ik ben de inbrenger van de casus van {group.name}",
        value=st.query_params.get("inbrenger") == "1",
        key="join_inbrenger",
    )
    if mine != (st.query_params.get("inbrenger") == "1"):
        if mine:
            st.query_params["inbrenger"] = "1"
        else:
            del st.query_params["inbrenger"]
        st.rerun()


def waiting_ui(view: phases.LiveView) -> None:
    st.markdown(f"**{md_escape(board.phase_text(view))}**")
    if view.phase == Phase.OPENING:
        st.info("De leersessie begint zo. Kies alvast uw groep.")
    elif view.phase == Phase.REVIEW:
        st.info("Terugblik op de acties van vorige keer. De rondes beginnen daarna.")


def rendered_key(view: phases.LiveView) -> tuple:
    """What a full page run draws: the phase, the round, and the clock (a pause, a minute added)."""
    state = view.state
    return (view.phase, state.current_round, timer.ends_at(state), state.paused_at, state.added_seconds)


@st.fragment(run_every=2)
def live_ui(session_id: int, group_id: int | None) -> None:
    """The one part of the phone that follows the room: the group's board and the vote.

    Every 2 s it reads the session's live version; only when that changed is the room re-read (once
    for all phones). Another phase or round, a change of the clock, or a closed session redraws the
    whole page (from this fragment only: nothing else on the page redraws by itself).
    """
    snapshot = live.current(session_id)
    if snapshot is None or not snapshot.view.is_open or rendered_key(snapshot.view) != st.session_state.get(RENDERED):
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


def kind_options(view: phases.LiveView) -> list[ContributionKind]:
    return KIND_OPTIONS if (view.current or {}).get("yields_solutions") else KIND_OPTIONS[:2]


def add_contribution_ui(view: phases.LiveView, group: phases.GroupInfo, stored: list[str]) -> None:
    """The input, right under the round header. The kind stays what the scribe chose (per round; in a
    solutions round it starts at *oplossing*); the form is not cleared by the browser but replaced by
    a fresh one once the server has stored the text, so a second tap re-sends the same submit key."""
    options = kind_options(view)
    number = st.session_state.setdefault(FORM, 0)
    text_key, client_key = f"{phone.TEXT_KEY}_{number}", f"{phone.CLIENT_KEY}_{number}"
    fallback_key = st.session_state.setdefault(f"_join_submit_key_{number}", secrets.token_urlsafe(16))
    phone.keep_drafts(
        scope=f"{view.id}:{group.id}",
        text_key=text_key,
        client_key=client_key,
        stored=stored,
        max_chars=capture.MAX_CONTRIBUTION,
    )
    with st.form("contribution", border=False, enter_to_submit=False):
        kind = st.radio(
            "Soort",
            options,
            index=len(options) - 1 if ContributionKind.SOLUTION in options else 0,
            format_func=kind_label,
            horizontal=True,
            key=f"contribution_kind_{view.id}_{view.state.current_round}",
        )
        text = st.text_area(
            f"Inbreng van {group.name}",
            max_chars=capture.MAX_CONTRIBUTION,
            key=text_key,
            height=90,
            placeholder="Oplossing, of wat belemmert of helpt" if len(options) == 3 else "Wat belemmert, wat helpt?",
        )
        # Personal data other than a BSN or IBAN is stored only once the scribe ticks this (the server asks).
        confirmed = privacy_ui.asked_tick(f"{PRIVACY_ASKED}_{number}", f"{PRIVACY_ASKED}_ok_{number}")
        submit_key = st.text_input("Verzendsleutel", key=client_key, max_chars=capture.CLIENT_KEY_LENGTH)
        # Per form too: a tap that arrives after the fresh form replaced this one submits nothing.
        submitted = st.form_submit_button("Toevoegen", type="primary", key=f"{phone.SUBMIT_KEY}_{number}")
    if submitted and not text.strip() and time.monotonic() - st.session_state.get(SAVED_AT, 0.0) < STRAY_TAP:
        # The second tap of a double tap that reached the fresh form: the first one was stored.
        st.success(ADDED, icon="✅")
        return
    if submitted:
        privacy_ui.ask_before_writing({"De inbreng": text}, f"{PRIVACY_ASKED}_{number}", confirmed=confirmed)
        author = device_key()
        write.change(
            lambda session: capture.add_contribution(
                session=session,
                learning_session_id=view.id,
                group_id=group.id,
                kind=kind,
                text=text,
                author_key=author,
                client_key=submit_key or fallback_key,
                privacy_confirmed=confirmed,
            ),
            ADDED,
            where="contribution",
            after=lambda _: st.session_state.update({FORM: number + 1, SAVED_AT: time.monotonic()}),
        )
    flash.show("contribution")


def own_contributions_ui(view: phases.LiveView, items: list[capture.BoardItem]) -> None:
    if not items:
        return
    st.markdown("**Wat u in deze ronde typte**")
    key = device_key()
    for item in items:
        with st.container(border=True):
            if st.session_state.get(EDITING) == item.id:
                edit_ui(view, item)
                continue
            st.text(f"{kind_label(item.kind)}: {item.text}")
            if item.hidden:
                st.caption("Verborgen door de aanjager: blijft bewaard, maar staat niet op het scherm.")
                continue
            if st.session_state.get(DELETING) == item.id:
                st.warning("Deze inbreng verwijderen?")
                yes, no = st.columns(2)
                if yes.button("Ja, verwijder", key=f"delete_yes_{item.id}", type="primary"):
                    write.change(
                        lambda session, item=item: capture.delete_contribution(
                            session=session, contribution_id=item.id, author_key=key
                        ),
                        "Verwijderd.",
                        where="contribution",
                        after=lambda _: st.session_state.pop(DELETING, None),
                    )
                if no.button("Nee, laat staan", key=f"delete_no_{item.id}"):
                    st.session_state.pop(DELETING, None)
                    st.rerun()
                continue
            left, right = st.columns(2)
            if left.button("✏️ Wijzig", key=f"edit_{item.id}"):
                st.session_state[EDITING] = item.id
                st.rerun()
            if right.button("🗑️ Verwijder", key=f"delete_{item.id}"):
                st.session_state[DELETING] = item.id
                st.rerun()


def edit_ui(view: phases.LiveView, item: capture.BoardItem) -> None:
    options = kind_options(view)
    if item.kind not in options:
        options = [*options, ContributionKind(item.kind)]
    with st.form(f"edit_form_{item.id}", border=False, enter_to_submit=False):
        kind = st.radio(
            "Soort",
            options,
            index=options.index(ContributionKind(item.kind)),
            format_func=kind_label,
            horizontal=True,
            key=f"edit_kind_{item.id}",
        )
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
                session=session, contribution_id=item.id, text=text, kind=kind, author_key=author
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
        to_the_point = st.slider("Hoe ter zake was het? (1–5)", 1, 5, 4, key="eval_point")
        remark = st.text_area("Opmerking (optioneel)", max_chars=evaluation.MAX_REMARK, key="eval_remark")
        confirmed = privacy_ui.asked_tick(f"{PRIVACY_ASKED}_evaluation", f"{PRIVACY_ASKED}_evaluation_ok")
        if st.form_submit_button("Evaluatie versturen", type="primary"):
            privacy_ui.ask_before_writing({"De opmerking": remark}, f"{PRIVACY_ASKED}_evaluation", confirmed=confirmed)
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
                    privacy_confirmed=confirmed,
                ),
                "",
            )


def leave_ui() -> None:
    if st.button("Andere code invullen", key="leave"):
        for name in (JOINED, GROUP, EDITING, DELETING):
            st.session_state.pop(name, None)
        st.query_params.clear()
        st.rerun()


def round_ui(view: phases.LiveView, group: phases.GroupInfo) -> None:
    """A round, in the order of the scribe's task: header, input, own items, then the group's board."""
    phone.round_header(view)
    inbrenger_ui(view, group)
    with db.read() as session:
        own = capture.own_contributions(
            session=session, learning_session_id=view.id, author_key=device_key(), round_index=view.state.current_round
        )
    add_contribution_ui(view, group, [item.client_key for item in own if item.client_key])
    with st.expander("Richtvragen"):
        for question in (view.current or {}).get("guiding_questions", []):
            st.markdown(f"- {md_escape(str(question))}")
    own_contributions_ui(view, own)
    live_ui(view.id, group.id)


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
    st.info(join.CLOSED_CODE)
    st.write("Dank u wel voor het meedoen: wat uw groep inbracht, is bewaard.")
    leave_ui()
else:
    view = snapshot.view
    phone.style()
    st.session_state[RENDERED] = rendered_key(view)
    group = chosen_group(view)
    st.caption(md_escape(f"{view.title} · {group.name}" if group else view.title))
    if group is None:
        group_choice_ui(view, group)
    if view.phase == Phase.ROUND and group is not None:
        round_ui(view, group)
    elif view.phase == Phase.CLOSING:
        st.markdown(f"**{md_escape(board.phase_text(view))}**")
        evaluation_ui(view)
        live_ui(view.id, group.id if group else None)
    else:
        waiting_ui(view)
        live_ui(view.id, group.id if group else None)
    if group is not None:
        with st.expander("Groep of code wijzigen"):
            group_choice_ui(view, group)
            inbrenger_choice_ui(group)
            leave_ui()
    else:
        leave_ui()
