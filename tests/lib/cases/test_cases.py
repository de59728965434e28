"""Case services: limits, statuses, who may see and change what, the selection race, the BLNS corpus."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from lib.cases import selection, submission
from lib.cases.selection import CaseFilter
from lib.cases.submission import CaseInput
from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.models import Attendance, AuditLog, Case, CaseStatus, Group, LearningSession, Role, SessionStatus
from tests import factories as f
from tests.corpus import blns

GOOD = CaseInput(
    title="Huurachterstand en schuldhulp",
    description="Een moeder met twee kinderen heeft vier maanden huurachterstand.",
    learning_question="Hoe voorkomen we een huisuitzetting tijdens de wachttijd?",
)


@pytest.fixture
def world(engine):
    """Two professionals, a manager, an aanjager, two upcoming sessions of two groups each."""
    with db.transaction(engine) as session:
        org = f.organisation(session, "Wijkteam Ruwaard")
        other_org = f.organisation(session, "BrabantWonen", kind="woningcorporatie")
        people = {
            "pro": f.user(session, Role.PROFESSIONAL, organisation=org),
            "pro2": f.user(session, Role.PROFESSIONAL, organisation=org),
            "manager": f.user(session, Role.MANAGER, organisation=org),
            "aanjager": f.user(session, Role.AANJAGER),
            "aanjager2": f.user(session, Role.AANJAGER),
            "beheerder": f.user(session, Role.BEHEERDER),
        }
        series = f.series(session)
        first = f.learning_session(
            session, series_row=series, group_count=2, date=dt.date.today() + dt.timedelta(days=7)
        )
        second = f.learning_session(
            session, series_row=series, group_count=2, date=dt.date.today() + dt.timedelta(days=35)
        )
        users = {name: f.current(row) for name, row in people.items()}
        return {
            "engine": engine,
            "org": org.id,
            "other_org": other_org.id,
            "series": series.id,
            "first": first.id,
            "second": second.id,
            **users,
        }


def submit(w, data: CaseInput = GOOD, who: str = "pro") -> Case:
    with db.transaction(w["engine"]) as session:
        return submission.submit_case(session=session, data=data, author=w[who])


def load(w, case_id: int) -> Case:
    with db.read(w["engine"]) as session:
        case = session.get(Case, case_id)
        case.involved  # noqa: B018 - load before the session closes
        return case


def select_case(w, case: Case, session_key: str = "first", who: str = "aanjager", version: int | None = None) -> Case:
    with db.transaction(w["engine"]) as session:
        return selection.select_for_session(
            session=session,
            case_id=case.id,
            learning_session_id=w[session_key],
            actor=w[who],
            expected_version=case.version if version is None else version,
        )


# --- submitting -----------------------------------------------------------------------------------


def test_a_submitted_case_is_stored_with_its_organisations_and_audited(world):
    data = CaseInput(
        **{
            **GOOD.__dict__,
            "involved_ids": (world["org"], world["other_org"]),
            "tried": "Betalingsregeling voorgesteld.",
            "preferred_session_id": world["first"],
        }
    )
    case = submit(world, data)
    stored = load(world, case.id)
    assert stored.status == CaseStatus.SUBMITTED
    assert stored.title == GOOD.title and stored.tried == "Betalingsregeling voorgesteld."
    assert {o.id for o in stored.involved} == {world["org"], world["other_org"]}
    assert stored.preferred_session_id == world["first"]
    with db.read(world["engine"]) as session:
        assert session.scalar(select(AuditLog.event).where(AuditLog.entity_id == case.id)) == "case_submitted"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Titel is verplicht."),
        ({"title": "x" * 121}, "Titel mag hoogstens 120 tekens lang zijn (nu 121)."),
        ({"description": ""}, "Beschrijving van de situatie is verplicht."),
        ({"description": "x" * 5001}, "Beschrijving van de situatie mag hoogstens 5000 tekens"),
        ({"learning_question": "\n\t "}, "Leervraag is verplicht."),
        ({"learning_question": "x" * 501}, "Leervraag mag hoogstens 500 tekens"),
        ({"tried": "x" * 5001}, "Wat is al geprobeerd mag hoogstens 5000 tekens"),
        ({"involved_ids": (99999,)}, "Betrokken organisaties"),
        ({"preferred_session_id": 99999}, "Voorkeurssessie"),
    ],
)
def test_limits_are_enforced_with_a_dutch_message_naming_the_field(world, changes, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        submit(world, CaseInput(**{**GOOD.__dict__, **changes}))
    with db.read(world["engine"]) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_exactly_at_the_limits_is_accepted(world):
    case = submit(world, CaseInput(title="t" * 120, description="d" * 5000, learning_question="v" * 500))
    assert len(load(world, case.id).description) == 5000


@pytest.mark.parametrize("field", ["title", "description", "tried", "learning_question"])
def test_a_bsn_or_iban_in_any_field_refuses_the_case_even_when_confirmed(world, field):
    for personal in ("BSN 111222333", "rekening NL91 ABNA 0417 1643 00", "IBAN NL 02 ABNA 0123 4567 89"):
        data = CaseInput(**{**GOOD.__dict__, field: f"Iets met {personal}", "anonymised_confirmed": True})
        with pytest.raises(DomainError, match="Verwijder dit eerst"):
            submit(world, data)
    with db.read(world["engine"]) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_other_personal_data_needs_the_anonymisation_confirmation(world):
    data = CaseInput(**{**GOOD.__dict__, "description": "Zij woont op Kruisstraat 12 en belt vanaf 06-12345678."})
    with pytest.raises(DomainError, match="ik heb de casus geanonimiseerd"):
        submit(world, data)
    case = submit(world, CaseInput(**{**data.__dict__, "anonymised_confirmed": True}))
    assert load(world, case.id).anonymised_confirmed


def test_a_nine_digit_dossier_number_is_not_a_bsn(world):
    case = submit(world, CaseInput(**{**GOOD.__dict__, "description": "Dossiernummer 123456789."}))
    assert load(world, case.id).description == "Dossiernummer 123456789."


def test_a_beheerder_does_not_submit_cases(world):
    with pytest.raises(NotAllowed):
        submit(world, who="beheerder")


# --- the submitter's changes ------------------------------------------------------------------------


def test_the_submitter_edits_and_the_privacy_check_runs_again(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="BSN"):
        submission.edit_case(
            session=session,
            case_id=case.id,
            actor=world["pro"],
            expected_version=1,
            data=CaseInput(**{**GOOD.__dict__, "description": "BSN 111.222.333"}),
        )
    with db.transaction(world["engine"]) as session:
        submission.edit_case(
            session=session,
            case_id=case.id,
            actor=world["pro"],
            expected_version=1,
            data=CaseInput(**{**GOOD.__dict__, "title": "Nieuwe titel"}),
        )
    stored = load(world, case.id)
    assert (stored.title, stored.version) == ("Nieuwe titel", 2)


def test_a_stale_edit_is_refused(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session:
        submission.edit_case(session=session, case_id=case.id, data=GOOD, actor=world["pro"], expected_version=1)
    with db.transaction(world["engine"]) as session, pytest.raises(Conflict, match="intussen gewijzigd"):
        submission.edit_case(session=session, case_id=case.id, data=GOOD, actor=world["pro"], expected_version=1)


def test_only_the_submitter_changes_or_withdraws_a_case(world):
    case = submit(world)
    for who in ("pro2", "manager", "aanjager"):
        with db.transaction(world["engine"]) as session, pytest.raises(NotAllowed):
            submission.edit_case(session=session, case_id=case.id, data=GOOD, actor=world[who], expected_version=1)
        with db.transaction(world["engine"]) as session, pytest.raises(NotAllowed):
            submission.withdraw_case(session=session, case_id=case.id, actor=world[who], expected_version=1)
    assert load(world, case.id).status == CaseStatus.SUBMITTED


def test_withdrawing_a_selected_case_frees_its_place_and_group(world):
    case = select_case(world, submit(world))
    with db.transaction(world["engine"]) as session:
        group = f.group(session, session.get(LearningSession, world["first"]), 1, session.get(Case, case.id))
        group_id = group.id
    with db.transaction(world["engine"]) as session:
        submission.withdraw_case(session=session, case_id=case.id, actor=world["pro"], expected_version=case.version)
    stored = load(world, case.id)
    assert (stored.status, stored.session_id) == (CaseStatus.WITHDRAWN, None)
    with db.read(world["engine"]) as session:
        assert session.get(Group, group_id).case_id is None


def test_a_discussed_case_can_no_longer_be_changed(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session:
        session.get(Case, case.id).status = CaseStatus.DISCUSSED
    seen = load(world, case.id).version
    with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="niet meer"):
        submission.edit_case(session=session, case_id=case.id, data=GOOD, actor=world["pro"], expected_version=seen)
    with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="niet meer"):
        submission.withdraw_case(session=session, case_id=case.id, actor=world["pro"], expected_version=seen)


def test_a_returned_case_is_submitted_again_after_an_edit(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session:
        returned = selection.return_case(
            session=session,
            case_id=case.id,
            note="Maak de leervraag concreter.",
            actor=world["aanjager"],
            expected_version=1,
        )
    assert (returned.status, returned.return_note) == (CaseStatus.RETURNED, "Maak de leervraag concreter.")
    with db.transaction(world["engine"]) as session:
        submission.edit_case(session=session, case_id=case.id, data=GOOD, actor=world["pro"], expected_version=2)
    assert load(world, case.id).status == CaseStatus.SUBMITTED


def test_returning_needs_a_note(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="Toelichting voor de indiener"):
        selection.return_case(session=session, case_id=case.id, note="  ", actor=world["aanjager"], expected_version=1)


# --- selecting ------------------------------------------------------------------------------------


def test_select_moves_and_unselect_a_case(world):
    case = select_case(world, submit(world))
    assert (case.status, case.session_id) == (CaseStatus.SELECTED, world["first"])
    moved = select_case(world, case, "second")
    assert moved.session_id == world["second"]
    with db.transaction(world["engine"]) as session:
        back = selection.unselect_case(
            session=session, case_id=case.id, actor=world["aanjager"], expected_version=moved.version
        )
    assert (back.status, back.session_id) == (CaseStatus.SUBMITTED, None)


def test_a_full_session_says_so(world):
    for _ in range(2):
        select_case(world, submit(world))
    with pytest.raises(DomainError, match="is vol: er zijn al 2 casussen gekozen voor 2 groepen"):
        select_case(world, submit(world))


def test_only_aanjager_and_beheerder_select_return_or_archive(world):
    case = submit(world)
    for who in ("pro", "manager"):
        with pytest.raises(NotAllowed):
            select_case(world, case, who=who)
        with db.transaction(world["engine"]) as session, pytest.raises(NotAllowed):
            selection.return_case(session=session, case_id=case.id, note="x", actor=world[who], expected_version=1)
        with db.transaction(world["engine"]) as session, pytest.raises(NotAllowed):
            selection.archive_case(session=session, case_id=case.id, actor=world[who], expected_version=1)
    assert select_case(world, case, who="beheerder").status == CaseStatus.SELECTED


def test_a_past_or_running_session_cannot_get_cases(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session:
        meeting = f.learning_session(session, date=dt.date.today() - dt.timedelta(days=1))
        running = f.learning_session(session, status=SessionStatus.RUNNING)
        ids = (meeting.id, running.id)
    for session_id in ids:
        with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="sessie die nog komt"):
            selection.select_for_session(
                session=session,
                case_id=case.id,
                learning_session_id=session_id,
                actor=world["aanjager"],
                expected_version=1,
            )


def test_withdrawn_and_returned_cases_cannot_be_selected(world):
    case = submit(world)
    with db.transaction(world["engine"]) as session:
        submission.withdraw_case(session=session, case_id=case.id, actor=world["pro"], expected_version=1)
    with pytest.raises(DomainError, match="ingetrokken"):
        select_case(world, case, version=2)


def test_archive_takes_a_selected_case_out_of_its_session(world):
    case = select_case(world, submit(world))
    with db.transaction(world["engine"]) as session:
        selection.archive_case(session=session, case_id=case.id, actor=world["aanjager"], expected_version=case.version)
    stored = load(world, case.id)
    assert (stored.status, stored.session_id) == (CaseStatus.ARCHIVED, None)


def _race(world, jobs):
    """Run `jobs` at the same moment, each in its own transaction; returns results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            with db.transaction(world["engine"]) as session:
                results[index] = job(session)
        except DomainError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def selector(world, case_id, session_key, who):
    """A job for _race: select the case (at version 1) for that session; returns the session id."""

    def job(session):
        return selection.select_for_session(
            session=session,
            case_id=case_id,
            learning_session_id=world[session_key],
            actor=world[who],
            expected_version=1,
        ).session_id

    return job


def test_two_aanjagers_selecting_the_same_case_at_once_never_put_it_in_two_sessions(world):
    for _ in range(5):
        case = submit(world)

        results = _race(
            world, [selector(world, case.id, "first", "aanjager"), selector(world, case.id, "second", "aanjager2")]
        )
        winners = [r for r in results if isinstance(r, int)]
        losers = [r for r in results if isinstance(r, Conflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "intussen gewijzigd" in str(losers[0])
        stored = load(world, case.id)
        assert (stored.session_id, stored.version) == (winners[0], 2)
        with db.transaction(world["engine"]) as session:  # make room for the next round
            selection.unselect_case(session=session, case_id=case.id, actor=world["aanjager"], expected_version=2)


def test_many_cases_racing_for_the_last_places_never_overfill_a_session(world):
    submitted = [submit(world) for _ in range(6)]
    results = _race(world, [selector(world, case.id, "first", "aanjager") for case in submitted])
    assert results.count(world["first"]) == 2
    assert all("is vol" in str(r) for r in results if not isinstance(r, int))
    with db.read(world["engine"]) as session:
        assert session.scalar(select(func.count()).select_from(Case).where(Case.session_id == world["first"])) == 2


# --- who sees what --------------------------------------------------------------------------------


def test_visibility_per_role(world):
    own = submit(world, who="pro")
    other = submit(world, who="pro2")
    select_case(world, other)

    def visible(who):
        with db.read(world["engine"]) as session:
            return {c.id for c in selection.inbox(session=session, actor=world[who]).items}

    assert visible("pro") == {own.id}
    assert visible("pro2") == {other.id}
    assert visible("manager") == set()
    with db.transaction(world["engine"]) as session:
        session.add(Attendance(session_id=world["first"], user_id=world["manager"].id, role="manager"))
    assert visible("manager") == {other.id}
    assert visible("aanjager") == visible("beheerder") == {own.id, other.id}
    with db.read(world["engine"]) as session:
        assert [c.id for c in submission.own_cases(session=session, actor=world["pro"])] == [own.id]


def test_inbox_filters_search_and_pages(world):
    first = submit(world, CaseInput(**{**GOOD.__dict__, "title": "Zorgmijder", "involved_ids": (world["other_org"],)}))
    submit(world, CaseInput(**{**GOOD.__dict__, "title": "Mantelzorg 100% overbelast"}))
    for number in range(23):
        submit(world, CaseInput(**{**GOOD.__dict__, "title": f"Casus {number}"}))
    select_case(world, first)

    def find(page=0, **filters):
        with db.read(world["engine"]) as session:
            result = selection.inbox(session=session, actor=world["aanjager"], filters=CaseFilter(**filters), page=page)
            return result, [c.title for c in result.items]

    result, titles = find()
    assert (result.total, result.pages, len(titles)) == (25, 2, 20)
    result, titles = find(page=1)
    assert len(titles) == 5
    assert find(page=99)[0].page == 1
    assert find(statuses=(CaseStatus.SELECTED,))[1] == ["Zorgmijder"]
    assert find(organisation_id=world["other_org"])[1] == ["Zorgmijder"]
    assert find(series_id=world["series"])[1] == ["Zorgmijder"]
    assert find(search="ZORGMIJ")[1] == ["Zorgmijder"]
    assert find(search="100%")[1] == ["Mantelzorg 100% overbelast"]
    assert find(search="_")[0].total == 0
    assert find(search="huisuitzetting")[0].total == 25  # the leervraag is searched too


def test_upcoming_sessions_show_their_cases_and_capacity(world):
    case = select_case(world, submit(world))
    with db.read(world["engine"]) as session:
        slots = selection.upcoming_sessions(session=session)
    assert [s.id for s in slots] == [world["first"], world["second"]]
    assert [c.learning_question for c in slots[0].cases] == [GOOD.learning_question]
    assert "1 van 2 gekozen" in slots[0].label and not slots[0].full
    assert case.id in [c.id for c in slots[0].cases]


def test_status_text_names_the_session(world):
    case = select_case(world, submit(world))
    with db.read(world["engine"]) as session:
        text = submission.status_text(session.get(Case, case.id))
    assert text.startswith("geselecteerd voor Leersessie")


# --- the Big List of Naughty Strings ----------------------------------------------------------------


def test_every_naughty_string_is_stored_exactly_or_refused_clearly(world):
    stored = refused = 0
    for text in blns():
        data = CaseInput(
            title=text[:120] if text.strip() else text,
            description=text,
            learning_question=text[:500],
            anonymised_confirmed=True,
        )
        try:
            case = submit(world, data)
        except DomainError as error:
            assert str(error) and ("Titel" in str(error) or "Beschrijving" in str(error) or "Leervraag" in str(error))
            refused += 1
            continue
        again = load(world, case.id)
        assert again.description == text.strip()
        assert again.title == data.title.strip()
        assert again.learning_question == data.learning_question.strip()
        stored += 1
    assert stored > 450 and stored + refused == 515


def test_a_case_of_a_running_session_stays_there(world):
    case = select_case(world, submit(world))
    with db.transaction(world["engine"]) as session:
        session.get(LearningSession, world["first"]).status = SessionStatus.RUNNING
    with db.transaction(world["engine"]) as session, pytest.raises(DomainError, match="al begonnen"):
        submission.withdraw_case(session=session, case_id=case.id, actor=world["pro"], expected_version=case.version)
    with pytest.raises(DomainError, match="al begonnen"):
        select_case(world, case, "second")
    assert load(world, case.id).session_id == world["first"]
