"""Projector (aanjager): runs the live leersessie — opening with the join code, terugblik, the timed
rounds with the live board, solutions to actions, and the afsluiting with the evaluation.

Everything shown comes from the database and is re-read every 2 s, so a second screen, a refresh or a
restarted server shows the same phase and time.
"""

import datetime as dt
import io
from urllib.parse import urlsplit

import plotly.graph_objects as go
import segno
import streamlit as st

from lib import accounts
from lib.core import dates, db
from lib.core.config import get_settings
from lib.followup import actions
from lib.live import capture, evaluation, join, phases
from lib.models import EVALUATION_LENGTH_LABELS, ContributionKind, Phase, SessionStatus, kind_label, utcnow
from lib.ui import board, flash, live, page, write
from lib.ui.review import review_ui
from lib.ui.text import md_escape
from lib.ui.timer import timer_ui

user = page.setup("projector")
RENDERED = "_projector_rendered"
KIND_OPTIONS = [ContributionKind.OBSTACLE, ContributionKind.HELPER, ContributionKind.SOLUTION]


def join_url(code: str, group_number: int | None = None) -> str:
    """The scribes' link; LEERSESSIE_PUBLIC_URL overrides the address this screen was opened on."""
    base = get_settings().public_url
    if not base:
        try:
            parts = urlsplit(st.context.url or "")
            base = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        except Exception:  # AppTest has no context
            base = ""
    link = f"{base}/deelnemen?code={code}"
    return link + (f"&groep={group_number}" if group_number else "")


def session_choice_ui() -> phases.SessionChoice | None:
    with db.read() as session:
        choices = phases.sessions_for_projector(session=session, today=dates.local_today())
    if not choices:
        st.info("Er is geen leersessie gepland of bezig. Plan eerst een leersessie.")
        return None
    ids = [c.id for c in choices]
    wanted = st.query_params.get("sessie", "")
    index = ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in ids else 0
    with st.sidebar:
        chosen = st.selectbox(
            "Leersessie",
            choices,
            index=index,
            key="projector_session",
            format_func=lambda c: f"{c.title} ({dates.short_date(c.date)}{', bezig' if c.status == 'bezig' else ''})",
        )
        st.toggle("Geluid als de tijd om is", key="timer_sound")
    st.query_params["sessie"] = str(chosen.id)
    return chosen


def open_session_ui(choice: phases.SessionChoice) -> None:
    st.title(md_escape(choice.title))
    st.write(f"{dates.long_date(choice.date)} — deze leersessie is nog niet geopend.")
    if st.button("▶️ Sessie openen", key="open_session", type="primary"):
        write.change(
            lambda session: phases.open_session(session=session, learning_session_id=choice.id, actor=user),
            "De leersessie is geopend.",
        )


def run_command(view: phases.LiveView, seen: int, command: str, minutes: int = 0) -> None:
    """One projector command on the state this screen showed (`seen`): a double click or a second
    screen that moved the session meanwhile is refused with the current state, never applied twice."""
    write.change(
        lambda session: phases.control(
            session=session,
            learning_session_id=view.id,
            command=command,
            expected_version=seen,
            actor=user,
            minutes=minutes,
        ),
        "",
    )


def next_label(view: phases.LiveView) -> str:
    if view.phase == Phase.OPENING:
        return "Naar de terugblik ▶️"
    if view.phase == Phase.REVIEW:
        return "Start ronde 1 ▶️"
    if view.phase == Phase.ROUND:
        return "Naar de afsluiting ▶️" if view.state.is_last_round else "Volgende ronde ▶️"
    return "Sessie sluiten 🔒"


def controls_ui(view: phases.LiveView) -> None:
    seen = write.seen_version(f"projector_{view.id}", view.version)
    cols = st.columns([1.2, 1, 0.8, 0.8, 0.8, 1.6])
    if cols[0].button("◀️ Vorige fase", key="ctl_back", disabled=view.phase == Phase.OPENING):
        run_command(view, seen, "back")
    if view.phase == Phase.ROUND:
        if view.state.paused:
            if cols[1].button("▶️ Hervat", key="ctl_resume", type="primary"):
                run_command(view, seen, "resume")
        elif cols[1].button("⏸️ Pauze", key="ctl_pause"):
            run_command(view, seen, "pause")
        if cols[2].button("+1 min", key="ctl_add1"):
            run_command(view, seen, "add", 1)
        if cols[3].button("+5 min", key="ctl_add5"):
            run_command(view, seen, "add", 5)
        if cols[4].button("−1 min", key="ctl_sub1"):
            run_command(view, seen, "add", -1)
    if cols[5].button(next_label(view), key="ctl_next", type="primary"):
        run_command(view, seen, "next")


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    """The QR code of a join link; cached, since the live part of the page redraws every 2 s."""
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=2)
    return image.getvalue()


def qr_ui(code: str) -> None:
    link = join_url(code)
    st.image(qr_png(link), width=320, caption="Scan om mee te doen")
    st.text(link)


def moderation_ui(view: phases.LiveView) -> None:
    """Outside the 2-second part: the list is read when the page runs (or on Vernieuwen), not every poll."""
    with st.expander("🛡️ Moderatie: inbreng verbergen of weer tonen"):
        st.button("🔄 Vernieuwen", key="refresh_moderation")
        with db.read() as session:
            boards = capture.board(
                session=session, learning_session_id=view.id, round_index=view.state.current_round, include_hidden=True
            )
        items = [(group.name, item) for group in boards for item in group.items]
        if not items:
            st.caption("Nog geen inbreng in deze ronde.")
        for group_name, item in items:
            left, right = st.columns([5, 1])
            left.text(f"{group_name} · {kind_label(item.kind)}{' (verborgen)' if item.hidden else ''}: {item.text}")
            if right.button("Tonen" if item.hidden else "Verbergen", key=f"hide_{item.id}"):
                with db.transaction() as session:
                    capture.set_hidden(session=session, contribution_id=item.id, hidden=not item.hidden, actor=user)
                st.rerun()


def evaluation_chart_ui(result: evaluation.EvaluationSummary) -> None:
    st.subheader(f"Evaluatie — {result.count} {'antwoord' if result.count == 1 else 'antwoorden'}")
    if not result.count:
        st.caption("Nog geen evaluaties. Deelnemers vullen ze in op hun telefoon.")
        return
    scores = [str(n) for n in range(1, 6)]
    figure = go.Figure(
        [
            go.Bar(
                name="Constructief", x=scores, y=[result.constructive[n] for n in range(1, 6)], marker_color="#12355b"
            ),
            go.Bar(
                name="To the point", x=scores, y=[result.to_the_point[n] for n in range(1, 6)], marker_color="#b35c00"
            ),
        ]
    )
    figure.update_layout(
        barmode="group",
        height=320,
        margin={"t": 30, "b": 30},
        font={"size": 20},
        xaxis_title="score (1–5)",
        yaxis_title="aantal",
        legend={"orientation": "h"},
    )
    left, right = st.columns([2, 1])
    left.plotly_chart(figure, key="evaluation_chart")
    lengths = {EVALUATION_LENGTH_LABELS[k]: result.length[str(k)] for k in EVALUATION_LENGTH_LABELS}
    length_figure = go.Figure([go.Bar(x=list(lengths), y=list(lengths.values()), marker_color="#14532d")])
    length_figure.update_layout(height=320, margin={"t": 30, "b": 30}, font={"size": 20}, title="Lengte")
    right.plotly_chart(length_figure, key="evaluation_length_chart")
    for remark in result.remarks[:5]:
        st.text(f"“{remark}”")


def actions_list_ui(rows: tuple[live.ActionLine, ...]) -> None:
    st.subheader(f"Afgesproken vervolgacties ({len(rows)})")
    if not rows:
        st.caption("Nog geen vervolgacties afgesproken.")
    for title, owner, organisation, due in rows:
        due_text = f" — uiterlijk {dates.long_date(due)}" if due else ""
        st.text(f"• {title} — trekker: {owner}{f' ({organisation})' if organisation else ''}{due_text}")


@st.fragment(run_every=1)
def live_ui(session_id: int) -> None:
    """The part of the projector that follows the database on its own, every second: one query per poll
    while nothing changed; the board markup is built once per change (lib/ui/live.py)."""
    snapshot = live.current(session_id)
    if snapshot is None or snapshot.rendered != st.session_state.get(RENDERED):
        st.rerun()  # another screen moved the session: redraw the whole page for the new phase
    view = snapshot.view
    board.show(board.banner_html(view))
    if view.phase != Phase.CLOSED:
        controls_ui(view)
    if view.phase == Phase.OPENING:
        left, right = st.columns([3, 1])
        with left:
            board.show(board.opening_html(view))
        with right:
            qr_ui(view.join_code or "")
        board.show(board.groups_html(view.groups))
    elif view.phase == Phase.ROUND:
        left, right = st.columns([1, 2])
        with left:
            timer_ui(view, server_now=utcnow(), sound=st.session_state.get("timer_sound", False))
            board.show(board.round_header_html(view))
            st.caption(f"Code om mee te doen: {join.format_code(view.join_code or '')}")
        with right:
            board.show(snapshot.board_html)
    elif view.phase == Phase.CLOSING:
        board.show(
            f'<p class="ls ls-card ls-sub">Evalueren op uw telefoon: pagina <strong>Deelnemen</strong>, code '
            f"<strong>{board.esc(join.format_code(view.join_code or ''))}</strong></p>"
        )
        actions_list_ui(snapshot.actions)
        if snapshot.evaluation is not None:
            evaluation_chart_ui(snapshot.evaluation)
    elif view.phase == Phase.CLOSED:
        st.success("De leersessie is gesloten. De code werkt niet meer. Dank voor het meedoen!")
        actions_list_ui(snapshot.actions)
        if snapshot.evaluation is not None:
            evaluation_chart_ui(snapshot.evaluation)


def type_for_group_ui(view: phases.LiveView) -> None:
    with st.expander("⌨️ Inbreng typen voor een groep (zonder telefoon)"), st.form("projector_contribution"):
        group = st.selectbox("Groep", view.groups, format_func=lambda g: g.name, key="type_group")
        kind = st.radio("Soort", KIND_OPTIONS, format_func=kind_label, horizontal=True, key="type_kind")
        text = st.text_area("Inbreng", max_chars=capture.MAX_CONTRIBUTION, key="type_text")
        if st.form_submit_button("Toevoegen", type="primary"):
            write.change(
                lambda session: capture.add_contribution(
                    session=session, learning_session_id=view.id, group_id=group.id, kind=kind, text=text, actor=user
                ),
                "Toegevoegd: het staat op het bord.",
            )


def solutions_ui(view: phases.LiveView) -> None:
    st.subheader("Oplossingen → vervolgacties")
    st.caption(
        "Kies een trekker (een manager of een deelnemer, of typ een naam) en klik op Maak actie. "
        "De streefdatum is de volgende sessie van de reeks."
    )
    st.button("🔄 Oplossingen vernieuwen", key="refresh_solutions")
    with db.read() as session:
        items = capture.solutions(session=session, learning_session_id=view.id)
        organisations = accounts.list_organisations(session=session)
        due = actions.default_due_date(session=session, learning_session_id=view.id)
        trekkers = capture.trekker_choices(session=session, learning_session_id=view.id)
    if not items:
        st.caption("Nog geen oplossingen ingebracht.")
        return
    for item in items:
        with st.container(border=True):
            st.text(f"{item.text}  — {item.group_name}, {item.votes} stem(men)")
            if item.action_id:
                st.caption("✅ Vervolgactie gemaakt")
                continue
            with st.form(f"action_form_{item.id}", border=False):
                cols = st.columns([3, 2, 2, 2, 1.3])
                owner = cols[0].selectbox(
                    "Trekker",
                    list(trekkers),
                    index=None,
                    accept_new_options=True,
                    placeholder="Kies of typ een naam",
                    key=f"action_owner_{item.id}",
                )
                organisation = cols[1].selectbox(
                    "Organisatie",
                    [None, *organisations],
                    key=f"action_org_{item.id}",
                    format_func=lambda o: "die van de trekker" if o is None else o.name,
                )
                work_group = cols[2].text_input("Werkgroep (optioneel)", max_chars=120, key=f"action_wg_{item.id}")
                due_date = cols[3].date_input(
                    "Streefdatum", value=due, format="DD-MM-YYYY", key=f"action_due_{item.id}"
                )
                if cols[4].form_submit_button("➕ Maak actie", type="primary"):
                    create_action(view, item, owner, trekkers, organisation, work_group, due_date)


def create_action(view, item, owner, trekkers, organisation, work_group, due_date) -> None:
    write.change(
        lambda session: capture.solution_to_action(
            session=session,
            contribution_id=item.id,
            actor=user,
            owner_user_id=trekkers.get(owner),
            owner_name=None if owner in trekkers else owner,
            organisation_id=organisation.id if organisation else None,
            work_group=work_group,
            due_date=due_date if isinstance(due_date, dt.date) else None,
        ),
        "",
    )


st.html(board.PAGE_CSS)
choice = session_choice_ui()
flash.show()  # a confirmation, or why a click was refused (another screen moved the session first)
if choice is not None:
    if choice.status not in (SessionStatus.RUNNING, SessionStatus.FINISHED):
        open_session_ui(choice)
    else:
        snapshot = live.current(choice.id)
        if snapshot is None:  # deleted since the list was read
            st.rerun()
        current = snapshot.view
        st.session_state[RENDERED] = snapshot.rendered
        live_ui(choice.id)
        if current.phase == Phase.REVIEW:
            st.subheader("Terugblik op de vervolgacties")
            review_ui(learning_session_id=current.id, user=user)
        elif current.phase == Phase.ROUND:
            type_for_group_ui(current)
            moderation_ui(current)
            if (current.current or {}).get("yields_solutions"):
                solutions_ui(current)
        elif current.phase == Phase.CLOSING:
            solutions_ui(current)
