"""Projector (aanjager): runs the live leersessie — opening with the join code, terugblik, the timed
rounds with the live board, solutions to actions, and the afsluiting with the evaluation.

Everything shown comes from the database and is re-read every second, so a second screen, a refresh or a
restarted server shows the same phase and time. `?presentatie=1` (kept in the address, so a refresh or a
bookmark returns to it) shows the room's view alone: no menu, no Streamlit chrome, one compact control
bar that can be hidden, every phase within the screen at 1920×1080 and 1280×720.

Every command button carries the version of the session this screen showed when it was drawn (in its key
and its callback's arguments): a double click, a replayed click or a second screen that moved the session
meanwhile is refused with the current state, never applied twice. The keyboard (space, ←, →, +) clicks
the same buttons.
"""

import base64
import datetime as dt
import html
import io

import plotly.graph_objects as go
import segno
import streamlit as st

from lib import accounts
from lib.core import dates, db
from lib.core.config import get_settings
from lib.followup import actions, terugblik
from lib.live import address, capture, evaluation, join, phases
from lib.live.trekker import match_trekker
from lib.models import (
    EVALUATION_LENGTH_LABELS,
    EVALUATION_SCORE_LABELS,
    ContributionKind,
    Phase,
    SessionStatus,
    kind_label,
    utcnow,
)
from lib.planning import groups
from lib.ui import board, flash, live, page, write
from lib.ui import oogstdag as oogstdag_view  # series helper: the Oogstdag's projector view
from lib.ui import privacy as privacy_ui
from lib.ui.review import review_ui
from lib.ui.text import md_escape
from lib.ui.themes import themes_ui  # recurring themes (issue 12)
from lib.ui.timer import timer_ui

user = page.setup("projector")
RENDERED = "_projector_rendered"
PENDING = "_projector_command"
CLOSE_ASKED = "_projector_close_asked"
HIDE_CONTROLS = "_projector_hide_controls"
PRESENTATION = "presentatie"
KIND_OPTIONS = [ContributionKind.OBSTACLE, ContributionKind.HELPER, ContributionKind.SOLUTION]
KEYS_LEGEND = "Toetsen: spatie = pauze/hervat · → volgende fase · ← vorige fase · + = 1 minuut erbij"

# "+" is not a key Streamlit's button shortcuts accept (punctuation), so this small listener clicks the
# "+1 min" button for it, never while the aanjager types in a field. It is registered once per browser tab.
PLUS_KEY = """<script id="ls-keys">
(function () {
  if (window.__leersessiePlusKey) { return; }
  window.__leersessiePlusKey = true;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "+" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var button = document.querySelector('[class*="st-key-ctl_add1_"] button');
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.click();
  });
})();
</script>"""
PLUS_KEY_CSS = '<style>[data-testid="stElementContainer"]:has(#ls-keys) { display: none; }</style>'


def presenting() -> bool:
    return st.query_params.get(PRESENTATION) == "1"


def join_url(code: str, group_number: int | None = None) -> str:
    """The scribes' link: LEERSESSIE_PUBLIC_URL, else the laptop's network address when this screen was
    opened on localhost of a server that serves the room (lib/live/address.py), else this screen's address."""
    try:
        page_url = st.context.url or ""
    except Exception:  # AppTest has no context
        page_url = ""
    base = address.join_base(
        public_url=get_settings().public_url,
        page_url=page_url,
        server_address=st.get_option("server.address"),
        lan_ip=address.lan_address(),
    )
    return address.join_link(base, code, group_number)


def session_choice_ui() -> phases.SessionChoice | None:
    """Which session this screen shows: ?sessie=<id> (kept in the address), else the first running or
    planned one. In presentation mode the picker is not shown; the address decides."""
    with db.read() as session:
        choices = phases.sessions_for_projector(session=session, today=dates.local_today())
    if not choices:
        st.info("Er is geen leersessie gepland of bezig. Plan eerst een leersessie.")
        return None
    ids = [c.id for c in choices]
    wanted = st.query_params.get("sessie", "")
    index = ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in ids else 0
    if presenting():
        chosen = choices[index]
    else:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(
            "Leersessie", choices, index=index, key="projector_session", format_func=lambda c: c.label
        )
        if right.button("🖥️ Presentatiemodus", key="present_on", help="Alleen het scherm voor de zaal, zonder menu"):
            st.query_params[PRESENTATION] = "1"
            st.query_params["sessie"] = str(chosen.id)
            st.rerun()
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


# --- commands -----------------------------------------------------------------------------------


def queue_command(command: str, seen: int, minutes: int = 0) -> None:
    """A command button's callback: keep the command with the version the button was drawn with."""
    st.session_state[PENDING] = (command, seen, minutes)


def run_pending(session_id: int) -> None:
    """Apply a clicked command on the state its screen showed (`seen`): a double click or a second
    screen that moved the session meanwhile is refused with the current state, never applied twice."""
    pending = st.session_state.pop(PENDING, None)
    if pending is None:
        return
    command, seen, minutes = pending
    write.change(
        lambda session: phases.control(
            session=session,
            learning_session_id=session_id,
            command=command,
            expected_version=seen,
            actor=user,
            minutes=minutes,
        ),
        "",
    )


def command_button(
    label: str,
    command: str,
    view: phases.LiveView,
    *,
    name: str | None = None,
    minutes: int = 0,
    shortcut: str | None = None,
    primary: bool = False,
    disabled: bool = False,
    help: str | None = None,
) -> None:
    """A button for one command, keyed by the version it was drawn with (so a click on a stale screen can
    never be taken for a click on the current one)."""
    st.button(
        label,
        key=f"ctl_{name or command}_{view.version}",
        on_click=queue_command,
        args=(command, view.version, minutes),
        shortcut=shortcut,
        type="primary" if primary else "secondary",
        disabled=disabled,
        help=help,
    )


def next_label(view: phases.LiveView) -> str:
    if view.phase == Phase.OPENING:
        return "Naar de terugblik ▶"
    if view.phase == Phase.REVIEW:
        return "Start ronde 1 ▶"
    return "Naar de afsluiting ▶" if view.state.is_last_round else "Volgende ronde ▶"


def ask_close(seen: int) -> None:
    st.session_state[CLOSE_ASKED] = seen


@st.dialog("Sessie sluiten?")
def close_dialog(session_id: int, seen: int) -> None:
    st.write(
        "Na het sluiten werkt de code niet meer: telefoons kunnen niets meer toevoegen of evalueren, en de "
        "casussen staan als besproken. Dit kan niet ongedaan worden gemaakt."
    )
    yes, no = st.columns(2)
    if yes.button("🔒 Ja, sluit de sessie", key="close_confirm", type="primary"):
        st.session_state.pop(CLOSE_ASKED, None)
        queue_command("next", seen)
        run_pending(session_id)
    if no.button("Annuleren", key="close_cancel"):
        st.session_state.pop(CLOSE_ASKED, None)
        st.rerun()


def controls_ui(view: phases.LiveView, snapshot: live.Snapshot) -> None:
    """The aanjager's bar: the commands (with their keys), the tools, and the legend; hidden on request
    (the buttons stay, so the keyboard keeps working)."""
    with st.container(key="ls_controls", horizontal=True, vertical_alignment="center", gap="small"):
        command_button(
            "◀ Vorige", "back", view, shortcut="Left", disabled=view.phase == Phase.OPENING, help="Vorige fase (←)"
        )
        if view.phase == Phase.ROUND:
            if view.state.paused:
                command_button("▶ Hervat", "resume", view, shortcut="Space", primary=True, help="Hervat (spatie)")
            else:
                command_button("Pauze", "pause", view, shortcut="Space", help="Pauze (spatie)")
            command_button("+1 min (+)", "add", view, name="add1", minutes=1, help="Een minuut erbij (toets +)")
            command_button("+5 min", "add", view, name="add5", minutes=5)
            command_button("−1 min", "add", view, name="sub1", minutes=-1)
        if view.phase == Phase.CLOSING:
            st.button("🔒 Sessie sluiten…", key=f"ctl_close_{view.version}", on_click=ask_close, args=(view.version,))
        else:
            command_button(next_label(view), "next", view, shortcut="Right", primary=True, help="Volgende fase (→)")
        tools_ui(view, snapshot)
        if presenting():
            st.button(
                "✕",
                key="hide_controls",
                help="Bediening verbergen (de toetsen blijven werken)",
                on_click=_set_hidden,
                args=(True,),
            )
    st.html(PLUS_KEY_CSS + PLUS_KEY, unsafe_allow_javascript=True)
    if presenting() and st.session_state.get(HIDE_CONTROLS):
        st.html(board.HIDE_CONTROLS_CSS)
        with st.container(key="ls_show_controls"):
            st.button("⚙️", key="show_controls", help="Bediening tonen", on_click=_set_hidden, args=(False,))
        st.html(
            "<style>.st-key-ls_show_controls { position: fixed; right: 6px; bottom: 6px; z-index: 1000;"
            " width: auto; opacity: 0.6; }</style>"
        )
    if st.session_state.get(CLOSE_ASKED) == view.version and view.phase == Phase.CLOSING:
        close_dialog(view.id, view.version)


def _set_hidden(hidden: bool) -> None:
    st.session_state[HIDE_CONTROLS] = hidden


def tools_ui(view: phases.LiveView, snapshot: live.Snapshot) -> None:
    """Everything the aanjager uses now and then, in popovers that lie over the room's view."""
    in_round = view.phase == Phase.ROUND
    solutions_round = in_round and bool((view.current or {}).get("yields_solutions"))
    if in_round and view.state.current_round > 0:
        with st.popover("Eerdere rondes", help="Het bord van de eerdere rondes"):
            earlier_rounds_ui(view)
    if solutions_round:
        with st.popover("Acties maken", help="Oplossingen → vervolgacties"):
            solutions_ui(view)
    if presenting() and view.phase in (Phase.ROUND, Phase.CLOSING):
        with st.popover("🧩 Thema's", help="Inbreng die hetzelfde zegt samenvoegen"):
            themes_ui(view, user)  # over the board, not under it: the room's view keeps fitting the screen
    with st.popover("☰ Meer"):
        st.caption(KEYS_LEGEND)
        if in_round:
            type_for_group_ui(view)
            moderation_ui(view)
        st.toggle("Geluid als de tijd om is", key="timer_sound")
        if presenting() and st.button("Presentatiemodus uit", key="present_off"):
            del st.query_params[PRESENTATION]
            st.rerun()


# --- what the room sees -------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    """The QR code of a join link; cached, since the live part of the page redraws every second."""
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=10, border=2)
    return image.getvalue()


def qr_ui(code: str) -> None:
    link = join_url(code)
    # st.image has no alt text: an <img> with a Dutch alt (axe: image-alt) and the PNG as a data URI.
    encoded = base64.b64encode(qr_png(link)).decode("ascii")
    st.html(
        f'<img src="data:image/png;base64,{encoded}" width="320" height="320" style="max-width:100%;height:auto" '
        f'alt="QR-code om mee te doen met code {html.escape(join.format_code(code))}: {html.escape(link)}">'
        '<p style="margin:0.2rem 0 0">Scan om mee te doen</p>'
    )
    st.text(link)
    warning = address.unreachable_warning(link)
    if warning:
        st.warning(warning, icon="⚠️")


def earlier_rounds_ui(view: phases.LiveView) -> None:
    with db.read() as session:
        for index in range(view.state.current_round):
            boards = capture.board(session=session, learning_session_id=view.id, round_index=index)
            plan = view.rounds[index] if index < len(view.rounds) else {}
            st.markdown(f"**Ronde {index + 1}: {md_escape(str(plan.get('perspective', '')))}**")
            board.show(
                board.board_html(
                    boards,
                    yields_solutions=False,
                    groups=view.groups,
                    area=board.Area(width=60, height=40),
                    label=f"Ronde {index + 1}",
                )
            )


def moderation_ui(view: phases.LiveView) -> None:
    st.markdown("**🛡️ Moderatie: inbreng verbergen of weer tonen**")
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


def evaluation_chart_ui(result: evaluation.EvaluationSummary, *, height: int = 320) -> None:
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
                name=EVALUATION_SCORE_LABELS["to_the_point"],
                x=scores,
                y=[result.to_the_point[n] for n in range(1, 6)],
                marker_color="#b35c00",
            ),
        ]
    )
    # Ticks, legend and titles at room size: Plotly's tick and legend fonts do not follow layout.font.
    room_font = {"size": 24, "color": "#1b1b1b"}
    figure.update_layout(
        barmode="group",
        height=height,
        margin={"t": 10, "b": 10, "l": 10, "r": 10},
        font=room_font,
        legend={"orientation": "h", "font": room_font, "y": 1.12},
        xaxis={"title": {"text": "score (1–5)", "font": room_font}, "tickfont": room_font},
        yaxis={"title": {"text": "aantal", "font": room_font}, "tickfont": room_font, "dtick": 1},
    )
    left, right = st.columns([2, 1])
    left.plotly_chart(figure, key="evaluation_chart", config={"displayModeBar": False})
    lengths = {EVALUATION_LENGTH_LABELS[k]: result.length[str(k)] for k in EVALUATION_LENGTH_LABELS}
    length_figure = go.Figure([go.Bar(x=list(lengths), y=list(lengths.values()), marker_color="#14532d")])
    length_figure.update_layout(
        height=height,
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        font=room_font,
        title={"text": "Lengte", "font": room_font},
        xaxis={"tickfont": room_font},
        yaxis={"tickfont": room_font, "dtick": 1},
    )
    right.plotly_chart(length_figure, key="evaluation_length_chart", config={"displayModeBar": False})
    for remark in result.remarks[:3]:
        st.text(f"“{remark}”")


def drawn(snapshot: live.Snapshot) -> tuple:
    """What the page was drawn for: another phase, round or command (pause, +1) redraws the whole page,
    so every button carries the version the screen shows."""
    return (*snapshot.rendered, snapshot.view.version)


@st.fragment(run_every=1)
def live_ui(session_id: int) -> None:
    """The part of the projector that follows the database on its own, every second: one query per poll
    while nothing changed; the board markup is built once per change (lib/ui/live.py)."""
    snapshot = live.current(session_id)
    if snapshot is None or drawn(snapshot) != st.session_state.get(RENDERED):
        st.rerun()  # another screen moved the session: redraw the whole page for the new state
    view = snapshot.view
    link = join_url(view.join_code or "")
    if view.phase == Phase.OPENING:
        left, right = st.columns([0.64, 0.36])
        with left:
            board.show(board.banner_html(view))
            board.show(board.opening_html(view))
            board.show(board.groups_html(view.groups))
        with right:
            qr_ui(view.join_code or "")
    elif view.phase == Phase.REVIEW:
        left, right = st.columns([0.64, 0.36])
        with left:
            board.show(board.banner_html(view))
        with right:
            board.show(board.join_html(view, link))
    elif view.phase == Phase.ROUND:
        left, right = st.columns([0.35, 0.65], gap="small")
        with left:
            timer_ui(view, server_now=utcnow(), sound=st.session_state.get("timer_sound", False))
            board.show(board.round_header_html(view, status=True))
            board.show(board.join_html(view, link))
        with right:
            board.show(snapshot.board_html)
    elif view.phase == Phase.CLOSING:
        board.show(board.banner_html(view))
        board.show(
            f'<p class="ls ls-card ls-room">Evalueren op uw telefoon: <span class="ls-link">{board.esc(link)}</span>'
            f" · code <strong>{board.esc(join.format_code(view.join_code or ''))}</strong></p>"
        )
        board.show(board.actions_html(snapshot.actions, limit=5))
        if snapshot.evaluation is not None:
            evaluation_chart_ui(snapshot.evaluation, height=260)
    elif view.phase == Phase.CLOSED:
        st.success("De leersessie is gesloten. De code werkt niet meer. Dank voor het meedoen!")
        board.show(board.actions_html(snapshot.actions))
        if snapshot.evaluation is not None:
            evaluation_chart_ui(snapshot.evaluation)


def type_for_group_ui(view: phases.LiveView) -> None:
    st.markdown("**⌨️ Inbreng typen voor een groep (zonder telefoon)**")
    with st.form("projector_contribution"):
        group = st.selectbox("Groep", view.groups, format_func=lambda g: g.name, key="type_group")
        kind = st.radio("Soort", KIND_OPTIONS, format_func=kind_label, horizontal=True, key="type_kind")
        text = st.text_area("Inbreng", max_chars=capture.MAX_CONTRIBUTION, key="type_text")
        # Personal data other than a BSN or IBAN goes on the board only once the aanjager ticks this.
        confirmed = privacy_ui.confirm_ui("type_privacy_ok")
        if st.form_submit_button("Toevoegen", type="primary"):
            write.change(
                lambda session: capture.add_contribution(
                    session=session,
                    learning_session_id=view.id,
                    group_id=group.id,
                    kind=kind,
                    text=text,
                    actor=user,
                    privacy_confirmed=confirmed,
                ),
                "Toegevoegd: het staat op het bord.",
            )


def solutions_ui(view: phases.LiveView) -> None:
    """Solutions → actions. The list follows the phones by itself (a fragment on the live snapshot)."""
    st.subheader("Oplossingen → vervolgacties")
    st.caption(
        "Kies een trekker (of typ een naam: een gebruiker die past wordt gekozen) en klik op Maak actie. "
        "De streefdatum is de volgende sessie van de reeks."
    )
    with db.read() as session:
        organisations = accounts.list_organisations(session=session)
        due = actions.default_due_date(session=session, learning_session_id=view.id)
        trekkers = capture.trekker_choices(session=session, learning_session_id=view.id)
    solutions_list_ui(view.id, organisations, due, trekkers)


@st.fragment(run_every=2)
def solutions_list_ui(session_id: int, organisations: list, due: dt.date | None, trekkers: dict[str, int]) -> None:
    snapshot = live.current(session_id)
    items = snapshot.solutions if snapshot is not None else ()
    if not items:
        st.caption("Nog geen oplossingen ingebracht.")
        return
    live.vote_warning(session_id, user)  # phone helper: more voters than people present (capture.vote_tally)
    for item in items:
        with st.container(border=True):
            st.text(f"{item.text}  — {item.group_name}, {item.votes} stem(men)")
            if item.action_id:
                st.caption("✅ Vervolgactie gemaakt")
                continue
            with st.form(f"action_form_{item.id}", border=False):
                # The trekker and the button side by side (choose, pick, click: three clicks); the rest
                # has sensible defaults on the row below.
                cols = [*st.columns([3, 1.4], vertical_alignment="bottom"), *st.columns(3)]
                owner = cols[0].selectbox(
                    "Trekker",
                    list(trekkers),
                    index=None,
                    accept_new_options=True,
                    placeholder="Kies of typ een naam",
                    key=f"action_owner_{item.id}",
                )
                organisation = cols[2].selectbox(
                    "Organisatie",
                    [None, *organisations],
                    index=0,
                    key=f"action_org_{item.id}",
                    placeholder="die van de trekker",
                    format_func=lambda o: "die van de trekker" if o is None else o.name,
                )
                work_group = cols[3].text_input("Werkgroep (optioneel)", max_chars=120, key=f"action_wg_{item.id}")
                due_date = cols[4].date_input(
                    "Streefdatum", value=due, format="DD-MM-YYYY", key=f"action_due_{item.id}"
                )
                if cols[1].form_submit_button("➕ Maak actie", type="primary"):
                    create_action(item, owner, trekkers, organisation, work_group, due_date)


def create_action(item, owner, trekkers, organisation, work_group, due_date) -> None:
    """A typed name that fits exactly one user picks that user (lib/live/trekker.py); the confirmation
    names the trekker."""
    label = match_trekker(owner, trekkers)
    owner_user_id = trekkers[label] if label else None
    owner_name = None if label else owner
    shown = label or (owner or "").strip() or "nog niemand"
    write.change(
        lambda session: capture.solution_to_action(
            session=session,
            contribution_id=item.id,
            actor=user,
            owner_user_id=owner_user_id,
            owner_name=owner_name,
            organisation_id=organisation.id if organisation else None,
            work_group=work_group,
            due_date=due_date if isinstance(due_date, dt.date) else None,
        ),
        f"Vervolgactie gemaakt — trekker: **{md_escape(shown)}**.",
    )


def show_flash() -> None:
    """A confirmation, or why a click was refused; in presentation mode as a toast over the room's view."""
    if not presenting():
        flash.show()
        return
    remembered = flash.take()
    if remembered is not None and remembered[0]:  # a command's success has no message: the screen shows it
        message, error = remembered
        st.toast(message, icon="🔄" if error else "✅", duration="long")


if presenting():
    st.html(board.PRESENTATION_CSS)
else:
    st.html(board.PAGE_CSS)
choice = session_choice_ui()
show_flash()
if choice is not None:
    if choice.status not in (SessionStatus.RUNNING, SessionStatus.FINISHED):
        open_session_ui(choice)
    else:
        run_pending(choice.id)
        snapshot = live.current(choice.id)
        if snapshot is None:  # deleted since the list was read
            st.rerun()
        current = snapshot.view
        st.session_state[RENDERED] = drawn(snapshot)
        if current.phase != Phase.CLOSED:
            controls_ui(current, snapshot)
        if current.phase == Phase.CLOSING:
            left, right = st.columns([0.55, 0.45])
            with left:
                live_ui(choice.id)
            with right, st.container(key="ls_solutions"):
                solutions_ui(current)
        else:
            live_ui(choice.id)
        if current.phase == Phase.OPENING:  # say which table lacks a casus (lib/planning/groups.py)
            with db.read() as session:
                gaps = groups.seating_warning(groups.seating_gaps(session=session, learning_session_id=current.id))
            if gaps:
                st.warning(md_escape(gaps), icon="🗂️")
        # Oogstdag (series helper): its terugblik opens with the oogst of the series (lib/ui/oogstdag.py).
        if current.phase == Phase.REVIEW and oogstdag_view.shows_oogst(current.id):
            oogstdag_view.oogstdag_ui(learning_session_id=current.id, user=user)
        if current.phase == Phase.REVIEW:
            with db.read() as session:
                count = terugblik.review_count(session=session, learning_session_id=current.id)
            review_ui(learning_session_id=current.id, user=user, count=count, presenting=presenting())
        # --- recurring themes (issue 12): suggestions to samenvoegen, and what comes back -------------
        if current.phase in (Phase.ROUND, Phase.CLOSING) and not presenting():  # presenting: in the bar
            themes_ui(current, user)
