"""The projector's presentation mode and the aanjager's controls, as AppTest sees them."""

from __future__ import annotations

from sqlalchemy import select

from lib.core import db
from lib.live import capture
from lib.models import Action, LearningSession, Phase, SessionStatus, User
from tests.pages.conftest import texts
from tests.pages.test_projector_pages import PROJECTOR, button, html_bodies, open_demo_session, shown


def present(app_as):
    at = app_as("aanjager", PROJECTOR)
    at.query_params["presentatie"] = "1"
    return at.run()


def test_presentation_mode_hides_the_menu_and_keeps_the_session_in_the_address(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = present(app_as)
    assert not at.exception, at.exception
    markup = shown(at) + "".join(html_bodies(at._tree))  # styles go to the page's event container
    assert '[data-testid="stSidebar"]' in markup and "display: none" in markup  # no menu, no chrome
    assert not [s for s in at.selectbox if s.key == "projector_session"]  # the address decides
    assert at.query_params["sessie"] == [str(meeting.id)] or at.query_params["sessie"] == str(meeting.id)
    assert "Ronde 1 van 3" in markup and button(at, "ctl_pause") is not None
    button(at, "present_off").click().run()
    assert "presentatie" not in at.query_params
    assert [s for s in at.selectbox if s.key == "projector_session"]


def test_the_session_picker_names_the_date_and_the_title(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    picker = at.selectbox(key="projector_session")
    assert picker.options[0].endswith("Proeftuin Ruwaard — leersessie 2 (bezig)")
    assert picker.options[0].split(",")[0].split(" ")[0] in {
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    }


def test_closing_the_session_asks_first(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=5)
    at = app_as("aanjager", PROJECTOR)
    assert not [b for b in at.button if (b.key or "").startswith("ctl_next_")]  # nothing "next" where it was
    button(at, "ctl_close").click().run()
    assert "Na het sluiten werkt de code niet meer" in texts(at)
    at.button(key="close_cancel").click().run()
    with db.read(sqlite_engine) as session:
        assert session.get(LearningSession, meeting.id).status == SessionStatus.RUNNING
    button(at, "ctl_close").click().run()
    at.button(key="close_confirm").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as session:
        stored = session.get(LearningSession, meeting.id)
    assert (stored.status, stored.phase) == (SessionStatus.FINISHED, Phase.CLOSED)


def test_plus_one_minute_on_a_second_screen_drawn_before_is_refused_with_the_current_state(
    app_as, sqlite_engine, demo_db
):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    first = app_as("aanjager", PROJECTOR)
    second = app_as("aanjager", PROJECTOR)  # both screens show the same version
    button(first, "ctl_add1").click().run()
    button(second, "ctl_add1").click().run()
    assert not second.exception, second.exception
    refused = " ".join(e.value for e in second.error)
    assert "intussen gewijzigd" in refused and "nog 2" in refused  # 21 minutes: the state it is in now
    with db.read(sqlite_engine) as session:
        assert session.get(LearningSession, meeting.id).added_seconds == 60


def test_the_confirmation_of_a_new_action_names_the_trekker(app_as, sqlite_engine, demo_db):
    """(AppTest cannot type a new option into a selectbox; the typed-name rule is tested in
    tests/lib/live/test_projector_rules.py, the page passes the typed text through match_trekker.)"""
    meeting = open_demo_session(sqlite_engine, demo_db, steps=4)  # the solutions round
    with db.transaction(sqlite_engine) as session:
        solution = capture.add_contribution(
            session=session,
            learning_session_id=meeting.id,
            group_id=meeting.groups[0].id,
            kind="solution",
            text="Vast loket voor huurachterstanden",
            author_key="telefoon",
        ).id
    at = app_as("aanjager", PROJECTOR)
    picker = at.selectbox(key=f"action_owner_{solution}")
    picker.set_value(next(o for o in picker.options if o.startswith("Marco de Bruijn")))
    next(b for b in at.button if b.label == "➕ Maak actie").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as session:
        action = session.scalar(select(Action).where(Action.contribution_id == solution))
        marco = session.scalar(select(User).where(User.display_name == "Marco de Bruijn"))
    assert (action.owner_user_id, action.owner_name) == (marco.id, None)
    assert "trekker: **Marco de Bruijn" in texts(at)
