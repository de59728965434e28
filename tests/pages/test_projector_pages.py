"""The projector and the join page as their users see them (AppTest on the demo database)."""

from __future__ import annotations

from sqlalchemy import select

from lib.accounts import CurrentUser
from lib.core import db
from lib.live import capture, evaluation, join, phases
from lib.models import Action, Contribution, LearningSession, Phase
from tests.pages.conftest import texts, user_id

PROJECTOR = "pages/projector.py"
JOIN = "pages/deelnemen.py"


def aanjager(engine) -> CurrentUser:
    from lib import accounts

    with db.read(engine) as session:
        return accounts.get_user(session=session, user_id=user_id(engine, "aanjager"))


def open_demo_session(engine, demo_db, steps: int = 0) -> phases.LiveView:
    """The demo's next session opened, `steps` phases on (2 = round 1, 4 = round 3, 5 = afsluiting)."""
    actor = aanjager(engine)
    with db.transaction(engine) as session:
        phases.open_session(session=session, learning_session_id=demo_db["next_session_id"], actor=actor)
    for _ in range(steps):
        with db.transaction(engine) as session:
            meeting = session.get(LearningSession, demo_db["next_session_id"])
            phases.control(
                session=session,
                learning_session_id=meeting.id,
                command="next",
                expected_version=meeting.version,
                actor=actor,
            )
    with db.read(engine) as session:
        return phases.live_view(session=session, learning_session_id=demo_db["next_session_id"])


def html_bodies(node) -> list[str]:
    """The markup of every st.html element under `node` (AppTest's own lookup stays at the top level)."""
    found = [str(node.proto.body)] if type(node).__name__ == "Html" else []
    for child in getattr(node, "children", {}).values():
        found += html_bodies(child)
    return found


def shown(at) -> str:
    """The page's text including the projector's own markup (st.html)."""
    return texts(at) + "\n".join(html_bodies(at.main))


def button(at, key):
    """A button by key; a projector command ("ctl_next") by its name, whatever version it was drawn with."""
    if key.startswith("ctl_"):
        found = [b for b in at.button if b.key and b.key.rsplit("_", 1)[0] == key]
        assert len(found) == 1, [b.key for b in at.button]
        return found[0]
    return at.button(key=key)


def test_aanjager_opens_the_next_session_and_sees_the_join_link(app_as, sqlite_engine, demo_db):
    at = app_as("aanjager", PROJECTOR)
    assert "nog niet geopend" in texts(at)
    button(at, "open_session").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as session:
        meeting = phases.live_view(session=session, learning_session_id=demo_db["next_session_id"])
    assert meeting.join_code and meeting.phase == Phase.OPENING
    assert f"/deelnemen?code={meeting.join_code}" in texts(at)
    assert len(meeting.groups) == 3  # one per selected demo case


def test_next_buttons_walk_through_terugblik_into_the_first_round(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db)
    at = app_as("aanjager", PROJECTOR)
    button(at, "ctl_next").click().run()
    assert "3 open vervolgacties in de terugblik (van 6)" in texts(at)  # the one count (lib terugblik)
    assert "Actie 1 van 6" in shown(at)  # the last agreed action first, at room size
    button(at, "ctl_next").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as session:
        meeting = session.get(LearningSession, demo_db["next_session_id"])
    assert (meeting.phase, meeting.current_round, meeting.round_started_at is not None) == (Phase.ROUND, 0, True)
    assert button(at, "ctl_pause") is not None


def test_pause_on_the_projector_is_stored(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db, steps=2)
    at = app_as("aanjager", PROJECTOR)
    button(at, "ctl_pause").click().run()
    with db.read(sqlite_engine) as session:
        assert session.get(LearningSession, demo_db["next_session_id"]).paused_at is not None
    assert button(at, "ctl_resume") is not None


def test_aanjager_types_a_contribution_for_a_group_and_hides_it(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db, steps=2)
    at = app_as("aanjager", PROJECTOR)
    at.text_area(key="type_text").input("Geen vast aanspreekpunt <b>bij</b> de corporatie")
    next(b for b in at.button if b.label == "Toevoegen").click().run()
    assert "Toegevoegd: het staat op het bord." in texts(at)
    at.run()  # the live part's next refresh (every 2 s in the browser)
    assert "Geen vast aanspreekpunt <b>bij</b> de corporatie" in texts(at)  # inert, in the moderation list
    with db.read(sqlite_engine) as session:
        contribution = session.scalar(select(Contribution).where(Contribution.session_id == demo_db["next_session_id"]))
    button(at, f"hide_{contribution.id}").click().run()
    with db.read(sqlite_engine) as session:
        assert session.get(Contribution, contribution.id).hidden


def test_an_empty_contribution_from_the_projector_gets_a_dutch_message(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db, steps=2)
    at = app_as("aanjager", PROJECTOR)
    next(b for b in at.button if b.label == "Toevoegen").click().run()
    assert "Inbreng is verplicht." in [e.value for e in at.error]


def test_a_solution_becomes_an_action_from_the_projector(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=4)
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
    owner = next(o for o in at.selectbox(key=f"action_owner_{solution}").options if o.startswith("Marco de Bruijn"))
    at.selectbox(key=f"action_owner_{solution}").set_value(owner)
    next(b for b in at.button if b.label == "➕ Maak actie").click().run()
    assert not at.exception, at.exception
    with db.read(sqlite_engine) as session:
        action = session.scalar(select(Action).where(Action.contribution_id == solution))
    assert action.title == "Vast loket voor huurachterstanden"
    assert action.due_date is not None  # the next session of the demo series
    assert "✅ Vervolgactie gemaakt" in texts(at)


def test_afsluiting_shows_the_evaluation_count(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=5)
    with db.transaction(sqlite_engine) as session:
        evaluation.submit_evaluation(
            session=session,
            learning_session_id=meeting.id,
            participant_key="p1",
            length="goed",
            constructive=4,
            to_the_point=5,
            remark="Helder",
        )
    at = app_as("aanjager", PROJECTOR)
    assert "Evaluatie — 1 antwoord" in texts(at)
    assert at.get("plotly_chart")


def test_a_professional_cannot_open_the_projector(app_as):
    at = app_as("professional", PROJECTOR)
    assert "Geen toegang" in texts(at)


# --- the join page ------------------------------------------------------------------------------


def join_page(app_as, code: str | None = None, group: int | None = None):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    at = AppTest.from_file(APP, default_timeout=30)
    if code is not None:
        at.query_params["code"] = code
    if group is not None:
        at.query_params["groep"] = str(group)
    at.run()
    at.switch_page(JOIN).run()
    return at


def test_a_wrong_code_gets_a_clear_dutch_message(app_as, sqlite_engine, demo_db):
    open_demo_session(sqlite_engine, demo_db)
    at = join_page(app_as)
    at.text_input(key="join_code").input("ABCD EFGH")
    at.button[0].click().run()
    assert join.WRONG_CODE in [e.value for e in at.error]


def test_a_scribe_joins_by_link_adds_edits_and_deletes_a_contribution(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = join_page(app_as, meeting.join_code, 2)
    assert not at.exception, at.exception
    shown = texts(at).replace("\\", "")  # as the reader sees the escaped Markdown
    header = " ".join(h.proto.body for h in at.get("html"))  # the round header ticks in the browser
    assert meeting.title in shown and "Ronde 1: het systeem" in header
    assert "Welke regels, procedures of wetten" in shown  # a guiding question
    at.text_area(key="contribution_text_0").input("Indicatie duurt te lang")
    next(b for b in at.button if b.label == "Toevoegen").click().run()
    assert "Toegevoegd: het staat nu op het scherm." in texts(at)
    with db.read(sqlite_engine) as session:
        contribution = session.scalar(select(Contribution).where(Contribution.session_id == meeting.id))
        assert contribution.group_id == meeting.groups[1].id
    button(at, f"edit_{contribution.id}").click().run()
    at.text_area(key=f"edit_text_{contribution.id}").input("Indicatie duurt zes weken")
    next(b for b in at.button if b.label == "Opslaan").click().run()
    assert "belemmert: Indicatie duurt zes weken" in texts(at)
    button(at, f"delete_{contribution.id}").click().run()
    button(at, f"delete_yes_{contribution.id}").click().run()
    with db.read(sqlite_engine) as session:
        assert session.get(Contribution, contribution.id) is None


def test_an_empty_contribution_is_refused_on_the_phone(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = join_page(app_as, meeting.join_code, 1)
    at.text_area(key="contribution_text_0").input("   ")
    next(b for b in at.button if b.label == "Toevoegen").click().run()
    assert "Inbreng is verplicht." in [e.value for e in at.error]


def test_a_participant_votes_and_evaluates_in_the_afsluiting(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=4)
    with db.transaction(sqlite_engine) as session:
        solution = capture.add_contribution(
            session=session,
            learning_session_id=meeting.id,
            group_id=meeting.groups[0].id,
            kind="solution",
            text="Eén loket",
            author_key="iemand",
        ).id
        phases.control(
            session=session,
            learning_session_id=meeting.id,
            command="next",
            expected_version=session.get(LearningSession, meeting.id).version,
            actor=aanjager(sqlite_engine),
        )
    at = join_page(app_as, meeting.join_code)
    button(at, f"vote_{solution}").click().run()
    assert "U heeft 2 van 3 stemmen over." in texts(at)
    next(b for b in at.button if b.label == "Evaluatie versturen").click().run()
    assert "Dank u wel! Uw evaluatie is ontvangen." in texts(at)
    with db.read(sqlite_engine) as session:
        assert evaluation.evaluation_results(session=session, learning_session_id=meeting.id).count == 1


def test_the_link_of_a_closed_session_says_it_is_over(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=5)
    with db.transaction(sqlite_engine) as session:
        phases.control(
            session=session,
            learning_session_id=meeting.id,
            command="next",
            expected_version=session.get(LearningSession, meeting.id).version,
            actor=aanjager(sqlite_engine),
        )
    at = join_page(app_as, meeting.join_code)
    assert join.CLOSED_CODE in [e.value for e in at.info]  # a friendly notice, not an error
    assert at.get("text_area") == []
