"""The privacy check guards every free text where case details land, on the server: a BSN or IBAN is
never stored, other personal data only after the user confirms. No path bypasses it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lib.cases import privacy, selection
from lib.core import db
from lib.followup import actions
from lib.live import capture, evaluation
from lib.models import Action, CaseStatus, Contribution, ContributionKind, Evaluation, Role
from tests import factories
from tests.lib.live.test_live import open_room

BSN = "Cliënt met BSN 111222333 wacht al maanden."
IBAN = "Huur gaat van NL91 ABNA 0417 1643 00 af."
PHONE = "Bel haar moeder op 06-12345678."


def test_the_guard_blocks_a_bsn_and_an_iban_with_a_short_dutch_message():
    with pytest.raises(privacy.PersonalDataBlocked, match=r"De inbreng bevat een BSN\. Haal dat weg"):
        privacy.check({"De inbreng": BSN})
    with pytest.raises(privacy.PersonalDataBlocked, match="IBAN"):
        privacy.check({"De inbreng": IBAN}, confirmed=True)  # confirming does not help


def test_the_guard_asks_to_confirm_other_personal_data():
    with pytest.raises(privacy.NeedsConfirmation, match=r"persoonsgegevens te bevatten \(telefoonnummer\)") as asked:
        privacy.check({"De titel": "Wachtlijst", "De toelichting": PHONE})
    assert [f.kind for f in asked.value.findings] == ["phone"]
    privacy.check({"De toelichting": PHONE}, confirmed=True)
    privacy.check({"De toelichting": "Wachtlijst schuldhulp", "Leeg": None})


def _count(engine, model):
    with db.read(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_phone_contribution_with_a_bsn_is_not_stored(engine):
    room = open_room(engine)
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[0],
            kind=ContributionKind.OBSTACLE,
            text=BSN,
            author_key="telefoon-1",
        )
    with db.transaction(engine) as session, pytest.raises(privacy.NeedsConfirmation):
        capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[0],
            kind=ContributionKind.OBSTACLE,
            text=PHONE,
            actor=room.aanjager,  # typed on the projector
        )
    assert _count(engine, Contribution) == 0
    with db.transaction(engine) as session:
        contribution = capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[0],
            kind=ContributionKind.OBSTACLE,
            text=PHONE,
            author_key="telefoon-1",
            privacy_confirmed=True,
        )
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        capture.edit_contribution(session=session, contribution_id=contribution.id, text=IBAN, author_key="telefoon-1")


def test_an_evaluation_remark_is_checked(engine):
    room = open_room(engine)
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        evaluation.submit_evaluation(
            session=session,
            learning_session_id=room.session_id,
            participant_key="deelnemer-1",
            length="goed",
            constructive=4,
            to_the_point=4,
            remark=BSN,
        )
    assert _count(engine, Evaluation) == 0


@pytest.fixture
def aanjager_and_action(engine):
    with db.transaction(engine) as session:
        aanjager = factories.user(session, Role.AANJAGER)
        row = factories.action(session, None, aanjager)
        return factories.current(aanjager), row.id


def test_action_titles_notes_and_reasons_are_checked(engine, aanjager_and_action):
    aanjager, action_id = aanjager_and_action
    new = actions.NewAction(title=IBAN, due_date=None, owner_user_id=aanjager.id)
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        actions.create_action(session=session, data=new, actor=aanjager)
    new = actions.NewAction(title="Wachtlijst", description=PHONE, due_date=None, owner_user_id=aanjager.id)
    with db.transaction(engine) as session, pytest.raises(privacy.NeedsConfirmation):
        actions.create_action(session=session, data=new, actor=aanjager)
    assert _count(engine, Action) == 1
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):  # "waarom niet"
        actions.change_status(
            session=session, action_id=action_id, to_status="niet_gelukt", note=BSN, actor=aanjager, expected_version=1
        )
    edit = actions.ActionEdit(title=BSN, due_date=None, owner_user_id=aanjager.id)
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        actions.edit_action(session=session, action_id=action_id, data=edit, actor=aanjager, expected_version=1)


def test_a_note_to_the_submitter_is_checked(engine):
    with db.transaction(engine) as session:
        aanjager = factories.user(session, Role.AANJAGER)
        pro = factories.user(session, Role.PROFESSIONAL)
        case = factories.case(session, pro, status=CaseStatus.SUBMITTED)
        case_id, actor = case.id, factories.current(aanjager)
    with db.transaction(engine) as session, pytest.raises(privacy.PersonalDataBlocked):
        selection.return_case(session=session, case_id=case_id, note=BSN, actor=actor, expected_version=1)


def test_a_confirmed_solution_becomes_an_action_without_asking_again(engine):
    """The scribe confirmed the phone number when the solution was stored: turning it into an action does
    not ask the aanjager again; a new title with personal data does."""
    room = open_room(engine)
    with db.transaction(engine) as session:
        solution = capture.add_contribution(
            session=session,
            learning_session_id=room.session_id,
            group_id=room.groups[0],
            kind=ContributionKind.SOLUTION,
            text="Vast aanspreekpunt, " + PHONE,
            author_key="telefoon-1",
            privacy_confirmed=True,
        ).id
    with db.transaction(engine) as session, pytest.raises(privacy.NeedsConfirmation):
        capture.solution_to_action(
            session=session,
            contribution_id=solution,
            actor=room.aanjager,
            title="Bel 06-87654321 bij spoed",
            owner_user_id=room.manager_id,
        )
    with db.transaction(engine) as session:
        action = capture.solution_to_action(
            session=session, contribution_id=solution, actor=room.aanjager, owner_user_id=room.manager_id
        )
        assert action.title == "Vast aanspreekpunt, " + PHONE
