"""The phone page (Deelnemen) as a scribe uses it: in task order, a double tap stored once, the kind
remembered, Verwijder asks, hidden stays, the inbrenger told, a closed session a calm notice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.live import capture, join, phases
from lib.models import Case, Contribution, Group, LearningSession, LoginAttempt
from tests.pages.conftest import APP, log_in, texts
from tests.pages.test_projector_pages import JOIN, aanjager, open_demo_session

ADDED = "Toegevoegd: het staat nu op het scherm."


def phone_page(code: str, group: int | None = None, *, user_id: int | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["code"] = code
    if group is not None:
        at.query_params["groep"] = str(group)
    for name, value in params.items():
        at.query_params[name] = value
    if user_id is not None:
        log_in(at, db.get_engine(), user_id)
    at.run()
    at.switch_page(JOIN).run()
    assert not at.exception, at.exception
    return at


def toevoegen(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Toevoegen").click().run()


def contributions(engine, session_id: int) -> list[Contribution]:
    with db.read(engine) as session:
        return list(
            session.scalars(select(Contribution).where(Contribution.session_id == session_id).order_by(Contribution.id))
        )


def in_order(node) -> list[str]:
    """The page's elements top to bottom, each as its type and its text (what a scroll shows)."""
    found = []
    for child in getattr(node, "children", {}).values():
        text = getattr(child, "value", None) or getattr(child, "label", None) or ""
        if child.type == "html":
            text = child.proto.body
        found.append(f"{child.type}: {text}")
        found.extend(in_order(child))
    return found


def test_the_input_comes_right_after_the_round_header_and_before_the_board(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    page = in_order(at.main)
    header = next(i for i, line in enumerate(page) if "Ronde 1: het systeem" in line)
    form = next(i for i, line in enumerate(page) if "Inbreng van Groep 1" in line)
    group_board = next(i for i, line in enumerate(page) if "in deze ronde heeft ingebracht" in line)
    assert header < form < group_board
    assert sum("Ronde 1: het systeem" in line for line in page) == 1  # the round is named once


def test_the_evaluation_comes_before_the_vote_at_the_end(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=4)
    with db.transaction(sqlite_engine) as session:
        capture.add_contribution(
            session=session,
            learning_session_id=meeting.id,
            group_id=meeting.groups[0].id,
            kind="solution",
            text="Eén loket",
            author_key="iemand",
        )
    at = phone_page(meeting.join_code, 1)
    page = in_order(at.main)
    assert next(i for i, line in enumerate(page) if "Inbreng van Groep 1" in line) < next(
        i for i, line in enumerate(page) if "Stemmen op oplossingen" in line
    )
    with db.transaction(sqlite_engine) as session:
        phases.control(
            session=session,
            learning_session_id=meeting.id,
            command="next",
            expected_version=session.get(LearningSession, meeting.id).version,
            actor=aanjager(sqlite_engine),
        )
    at = phone_page(meeting.join_code, 1)
    page = in_order(at.main)
    assert next(i for i, line in enumerate(page) if "Korte evaluatie" in line) < next(
        i for i, line in enumerate(page) if "Stemmen op oplossingen" in line
    )


def test_a_double_tap_stores_one_and_the_second_tap_says_nothing_wrong(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    at.text_area(key="contribution_text_0").input("Indicatie duurt te lang")
    toevoegen(at)
    assert ADDED in texts(at)
    toevoegen(at)  # the second tap lands on the fresh, empty form
    assert "Inbreng is verplicht." not in texts(at)
    assert ADDED in texts(at)
    assert [c.text for c in contributions(sqlite_engine, meeting.id)] == ["Indicatie duurt te lang"]


def test_the_same_submit_key_sent_twice_stores_one_contribution(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    for _ in range(2):  # two browser sessions of one phone: the second after a reconnect, same draft
        at = phone_page(meeting.join_code, 1)
        at.text_area(key="contribution_text_0").input("Regie ontbreekt")
        at.text_input(key="ls_client_key_0").input("sleutel-van-de-telefoon")
        toevoegen(at)
        assert ADDED in texts(at)
    assert len(contributions(sqlite_engine, meeting.id)) == 1


def test_the_kind_is_remembered_between_submits(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    kind_key = f"contribution_kind_{meeting.id}_0"
    assert at.radio(key=kind_key).value == "obstacle"
    at.radio(key=kind_key).set_value("helper")
    at.text_area(key="contribution_text_0").input("Korte lijnen")
    toevoegen(at)
    assert at.radio(key=kind_key).value == "helper"
    at.text_area(key="contribution_text_1").input("Vaste contactpersoon")
    toevoegen(at)
    assert [c.kind for c in contributions(sqlite_engine, meeting.id)] == ["helper", "helper"]


def test_the_solutions_round_starts_at_oplossing(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=4)
    at = phone_page(meeting.join_code, 1)
    assert at.radio(key=f"contribution_kind_{meeting.id}_2").value == "solution"


def test_wijzig_changes_the_kind_and_verwijder_asks_first(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    at.text_area(key="contribution_text_0").input("Korte lijnen")
    toevoegen(at)
    item = contributions(sqlite_engine, meeting.id)[0]
    at.button(key=f"edit_{item.id}").click().run()
    at.radio(key=f"edit_kind_{item.id}").set_value("helper")
    next(b for b in at.button if b.label == "Opslaan").click().run()
    assert contributions(sqlite_engine, meeting.id)[0].kind == "helper"
    at.button(key=f"delete_{item.id}").click().run()
    assert "Deze inbreng verwijderen?" in texts(at)
    assert len(contributions(sqlite_engine, meeting.id)) == 1  # not yet
    at.button(key=f"delete_no_{item.id}").click().run()
    assert len(contributions(sqlite_engine, meeting.id)) == 1
    at.button(key=f"delete_{item.id}").click().run()
    at.button(key=f"delete_yes_{item.id}").click().run()
    assert contributions(sqlite_engine, meeting.id) == []


def test_a_hidden_contribution_is_marked_and_has_no_delete_button(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    at.text_area(key="contribution_text_0").input("Iets ongepasts")
    toevoegen(at)
    item = contributions(sqlite_engine, meeting.id)[0]
    with db.transaction(sqlite_engine) as session:
        capture.set_hidden(session=session, contribution_id=item.id, hidden=True, actor=aanjager(sqlite_engine))
    at.run()
    assert "Verborgen door de aanjager" in texts(at)
    assert not [b for b in at.button if b.key == f"delete_{item.id}"]


def test_too_fast_a_phone_gets_a_dutch_message(app_as, sqlite_engine, demo_db, monkeypatch):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    monkeypatch.setattr(capture, "MAX_PER_DEVICE", 1)
    at = phone_page(meeting.join_code, 1)
    at.text_area(key="contribution_text_0").input("een")
    toevoegen(at)
    at.text_area(key="contribution_text_1").input("twee")
    toevoegen(at)
    assert capture.TOO_FAST in [e.value for e in at.error]
    assert at.text_area(key="contribution_text_1").value == "twee"  # what was typed stays


def submitter_of_group(engine, session_id: int, number: int) -> int:
    with db.read(engine) as session:
        return session.scalar(
            select(Case.submitter_id)
            .join(Group, Group.case_id == Case.id)
            .where(Group.session_id == session_id, Group.number == number)
        )


def test_the_inbrenger_is_told_it_is_their_casus_and_when_they_only_listen(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    inbrenger = submitter_of_group(sqlite_engine, meeting.id, 1)
    at = phone_page(meeting.join_code, 1, user_id=inbrenger)
    assert join.YOUR_CASE in [e.value for e in at.info]
    other = phone_page(meeting.join_code, 2, user_id=inbrenger)  # another table's casus: nothing said
    assert join.YOUR_CASE not in [e.value for e in other.info]
    with db.transaction(sqlite_engine) as session:  # a werkvorm in which the inbrenger listens in round 1
        row = session.get(LearningSession, meeting.id)
        row.rounds = [dict(r, inbrenger_listens=(i == 0)) for i, r in enumerate(row.rounds)]
        flag_modified(row, "rounds")
        row.live_version += 1
    at = phone_page(meeting.join_code, 1, user_id=inbrenger)
    assert join.YOU_LISTEN in [e.value for e in at.info]
    anonymous = phone_page(meeting.join_code, 1, inbrenger="1")  # said so on a phone without an account
    assert join.YOU_LISTEN in [e.value for e in anonymous.info]


def test_a_phone_back_after_a_reconnect_finds_its_session_and_group_from_the_link(app_as, sqlite_engine, demo_db):
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 2)  # a new browser session, only the link
    assert at.text_area(key="contribution_text_0").label == "Inbreng van Groep 2"
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_the_phone_page_has_exactly_one_fragment():
    """Two fragments once blanked a phone at a round change ('Bad delta path'): one follows the room."""
    from lib.core.config import ROOT

    source = (ROOT / "pages" / "deelnemen.py").read_text()
    assert source.count("@st.fragment") == 1


def test_personal_data_on_a_phone_asks_first_and_a_bsn_is_refused_keeping_the_text(app_as, sqlite_engine, demo_db):
    """The server's privacy check on a phone: a phone number needs the tick, a BSN never goes in, and
    nothing the scribe typed is lost while they fix it."""
    meeting = open_demo_session(sqlite_engine, demo_db, steps=2)
    at = phone_page(meeting.join_code, 1)
    typed = "Mevrouw belde met 06-12345678 over de wachtlijst"
    at.text_area(key="contribution_text_0").input(typed)
    toevoegen(at)
    assert contributions(sqlite_engine, meeting.id) == []
    assert any("telefoonnummer" in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    assert at.text_area(key="contribution_text_0").value == typed
    at.checkbox(key="_join_privacy_asked_ok_0").check()
    toevoegen(at)
    assert [c.text for c in contributions(sqlite_engine, meeting.id)] == [typed]

    at = phone_page(meeting.join_code, 1)
    bsn = "Cliënt met BSN 111222333 wacht al maanden"
    at.text_area(key="contribution_text_0").input(bsn)
    toevoegen(at)
    assert any("BSN" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key="contribution_text_0").value == bsn
    assert len(contributions(sqlite_engine, meeting.id)) == 1


def test_personal_data_in_the_evaluation_remark_asks_first_and_keeps_the_remark(app_as, sqlite_engine, demo_db):
    from lib.models import Evaluation

    meeting = open_demo_session(sqlite_engine, demo_db, steps=5)  # the afsluiting
    at = phone_page(meeting.join_code, 1)
    remark = "Bel mij gerust op 06-12345678 voor de volgende keer"
    at.text_area(key="eval_remark").input(remark)
    next(b for b in at.button if b.label == "Evaluatie versturen").click().run()
    assert any("telefoonnummer" in w.value.lower() for w in at.warning), [w.value for w in at.warning]
    assert at.text_area(key="eval_remark").value == remark
    at.checkbox(key="_join_privacy_asked_evaluation_ok").check()
    next(b for b in at.button if b.label == "Evaluatie versturen").click().run()
    with db.read(sqlite_engine) as session:
        assert session.scalar(select(Evaluation.remark).where(Evaluation.session_id == meeting.id)) == remark
