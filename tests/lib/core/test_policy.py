"""The policy table against every service in lib/: each role the table refuses is refused, each role it
allows gets through, and a service that does not read the table (or has no entry here) fails the test.

Services are found by introspection (a public function with a keyword-only `actor`, `user`, `viewer`
or `author`); SERVICES says which policy action each one enforces and how to call it for a role.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import lib
from lib import accounts, home, personal_data
from lib.accounts import CurrentUser
from lib.cases import retention, selection, submission
from lib.core import audit, backup, db, policy, visibility
from lib.core.errors import NotAllowed
from lib.core.policy import POLICY, Rule
from lib.followup import actions, stuck
from lib.insight import oogst, oogstdag, recurring, reports, statement, stats, terugkoppeling
from lib.live import capture, phases
from lib.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    ContributionKind,
    Enrolment,
    EnrolmentStatus,
    LearningSession,
    PresenceConfirmation,
    Role,
    SeriesKind,
    SessionKind,
    User,
)
from lib.planning import attendance, enrolment, groups, ical, schedule, werkvormen
from lib.ui.nav import PAGES
from tests import factories as f

ACTOR_PARAMETERS = {"actor", "user", "viewer", "author"}
TODAY = dt.date.today()


def lib_functions(*, private: bool = False) -> dict[str, Callable[..., Any]]:
    """Every public (or also private) function defined in lib/ outside the Streamlit helpers, by
    'package.module.name'."""
    found = {}
    for info in pkgutil.walk_packages(lib.__path__, "lib."):
        if info.name.startswith("lib.ui"):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (private or not name.startswith("_")) and function.__module__ == module.__name__:
                found[f"{module.__name__.removeprefix('lib.')}.{name}"] = function
    return found


def takes_the_user(function: Callable[..., Any], *, as_keyword: bool) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return any((p.kind == p.KEYWORD_ONLY) == as_keyword and p.name in ACTOR_PARAMETERS for p in parameters)


def discovered_services() -> set[str]:
    """Services: functions that take the user as a keyword (`actor=`, `user=`, `viewer=`, `author=`)."""
    return {name for name, function in lib_functions().items() if takes_the_user(function, as_keyword=True)}


# --- a world to call every service in -------------------------------------------------------------


@dataclass
class World:
    actors: dict[Role, CurrentUser]
    other_id: int  # a professional who is none of the actors
    organisation_id: int  # the manager's (and the professional's) organisation
    series_id: int
    template_id: int
    upcoming_id: int  # planned, next week, two groups
    running_id: int  # opened and in its first round, two groups
    running_groups: list[int]


@pytest.fixture
def world(engine) -> World:
    with db.transaction(engine) as s:
        org = f.organisation(s, "Gemeente Oss")
        rows = {role: f.user(s, role, organisation=org if role != Role.AANJAGER else None) for role in Role}
        other = f.user(s, Role.PROFESSIONAL, organisation=org)
        reeks = f.series(s)
        upcoming = f.learning_session(s, series_row=reeks, date=TODAY + dt.timedelta(days=7), group_count=2)
        running = f.learning_session(s, series_row=reeks, date=TODAY)
        f.learning_session(s, series_row=reeks, date=TODAY + dt.timedelta(weeks=4))
        running_groups = [f.group(s, running, n).id for n in (1, 2)]
        aanjager = f.current(rows[Role.AANJAGER])
        phases.open_session(session=s, learning_session_id=running.id, actor=aanjager)
        template_id = reeks.template_id
        ids = (other.id, org.id, reeks.id, upcoming.id, running.id)
    for _ in range(2):  # opening -> terugblik -> round 1
        with db.transaction(engine) as s:
            version = s.get(LearningSession, ids[4]).version
            phases.control(
                session=s, learning_session_id=ids[4], command="next", expected_version=version, actor=aanjager
            )
    return World(
        {role: f.current(row) for role, row in rows.items()}, *ids[:2], ids[2], template_id, *ids[3:], running_groups
    )


def me_row(s: Session, me: CurrentUser) -> User:
    return s.get(User, me.id)


def other(s: Session, w: World) -> User:
    return s.get(User, w.other_id)


def version(s: Session, meeting_id: int) -> int:
    return s.get(LearningSession, meeting_id).version


def case_input() -> submission.CaseInput:
    return submission.CaseInput("Vast tussen twee loketten", "Een inwoner wacht al maanden.", "Wie pakt dit op?")


def solution(s: Session, w: World) -> int:
    meeting = s.get(LearningSession, w.running_id)
    group = s.get(f.Group, w.running_groups[0])
    return f.contribution(s, meeting, group, ContributionKind.SOLUTION, text="Eén loket").id


def two_obstacles(s: Session, w: World) -> list[int]:
    """Two contributions of the running session that say the same thing."""
    meeting = s.get(LearningSession, w.running_id)
    group = s.get(f.Group, w.running_groups[0])
    return [f.contribution(s, meeting, group, text=text).id for text in ("Lange wachtlijst", "Wachtlijsten te lang")]


def a_theme(s: Session, w: World) -> recurring.Theme:
    """A confirmed theme of the running session, with one member."""
    meeting = s.get(LearningSession, w.running_id)
    member = two_obstacles(s, w)[0]
    theme = recurring.Theme(name="Wachtlijst", perspective=meeting.rounds[0]["perspective"], kind="obstacle")
    theme.session_id, theme.series_id = meeting.id, meeting.series_id
    s.add(theme)
    s.flush()
    s.add(recurring.ThemeMember(theme_id=theme.id, contribution_id=member))
    s.flush()
    return theme


def selected_cases(s: Session, w: World) -> int:
    """Two cases selected for the upcoming session and their submitters registered; its id."""
    meeting = s.get(LearningSession, w.upcoming_id)
    for _ in range(2):
        submitter = f.user(s, Role.PROFESSIONAL)
        f.case(s, submitter, status=CaseStatus.SELECTED, session_id=meeting.id)
        f.attendance(s, meeting, submitter)
    return meeting.id


def two_groups(s: Session, w: World) -> tuple[int, int]:
    meeting = s.get(LearningSession, w.upcoming_id)
    return f.group(s, meeting, 1).id, f.group(s, meeting, 2).id


def attended(s: Session, w: World, me: CurrentUser) -> None:
    """`me` was at today's (running) session, and the aanjager confirmed it."""
    meeting = s.get(LearningSession, w.running_id)
    f.attendance(s, meeting, me_row(s, me), present=True)
    s.add(PresenceConfirmation(session_id=meeting.id, confirmed_by_id=w.actors[Role.AANJAGER].id))
    s.flush()


def a_circle(s: Session, w: World) -> int:
    """A leercirkel of two places with a session next week; its id."""
    circle = f.series(s, kind=SeriesKind.LEERCIRKEL, max_participants=2)
    f.learning_session(s, series_row=circle, date=TODAY + dt.timedelta(days=7))
    return circle.id


def an_enrolment(s: Session, w: World) -> int:
    row = Enrolment(series_id=a_circle(s, w), user_id=w.other_id, status=EnrolmentStatus.ENROLLED)
    s.add(row)
    s.flush()
    return row.id


def an_own_enrolment(s: Session, w: World, me: CurrentUser) -> int:
    """A leercirkel `me` is enrolled in (without going through the service); its id."""
    circle_id = a_circle(s, w)
    s.add(Enrolment(series_id=circle_id, user_id=me.id, status=EnrolmentStatus.ENROLLED))
    s.flush()
    return circle_id


def an_oogstdag(s: Session, w: World) -> int:
    s.get(LearningSession, w.running_id).kind = SessionKind.OOGSTDAG
    s.flush()
    return w.running_id


def template() -> werkvormen.TemplateInput:
    return werkvormen.TemplateInput("Eigen werkvorm", [werkvormen.RoundInput("Ronde 1", "systeem", 20)])


def series_input(name: str = "Nieuwe reeks") -> schedule.SeriesInput:
    return schedule.SeriesInput(name, dt.time(9), dt.time(10, 30))


# The trekker, a manager of its organisation, or the aanjager and beheerder may change an own action.
OWN_ACTION = ("action.update_own", "action.change_organisation", "action.change_all")

# service -> (the policy action(s) it enforces, how to call it as `me` in world `w`). Where a row rule
# has alternatives (own password, or a beheerder), a role gets through if any of the actions allows it.
Recipe = Callable[[Session, World, CurrentUser], object]
SERVICES: dict[str, tuple[str | tuple[str, ...], Recipe]] = {
    # the data as a whole (AVG, back-up, audit log)
    "cases.retention.anonymise_expired": (
        "data.retention",
        lambda s, w, me: retention.anonymise_expired(session=s, today=TODAY, months=24, actor=me),
    ),
    "core.audit.entries": (
        "audit.read",
        lambda s, w, me: audit.entries(session=s, actor=me, filters=audit.AuditFilter()),
    ),
    "core.audit.export_csv": (
        "audit.read",
        lambda s, w, me: audit.export_csv(session=s, actor=me, filters=audit.AuditFilter()),
    ),
    "core.audit.filter_options": ("audit.read", lambda s, w, me: audit.filter_options(session=s, actor=me)),
    "core.backup.download": ("data.backup", lambda s, w, me: backup.download(session=s, actor=me)),
    "personal_data.account_summary": (
        "user.inzage_own",
        lambda s, w, me: personal_data.account_summary(session=s, user_id=me.id, actor=me),
    ),
    "personal_data.personal_data_json": (
        "user.inzage_own",
        lambda s, w, me: personal_data.personal_data_json(session=s, user_id=me.id, actor=me),
    ),
    "personal_data.personal_data": (
        "user.inzage_all",
        lambda s, w, me: personal_data.personal_data(session=s, user_id=w.other_id, actor=me),
    ),
    "personal_data.erase_user": (
        "user.erase",
        lambda s, w, me: personal_data.erase_user(session=s, user_id=w.other_id, actor=me),
    ),
    # accounts
    "accounts.create_organisation": (
        "user.manage",
        lambda s, w, me: accounts.create_organisation(session=s, name="Wijkteam Noord", kind="wijkteam", actor=me),
    ),
    "accounts.create_user": (
        "user.manage",
        lambda s, w, me: accounts.create_user(
            session=s,
            data=accounts.NewUser("nieuwe.collega", "Nieuwe Collega", Role.PROFESSIONAL, "een-lang-wachtwoord"),
            actor=me,
        ),
    ),
    "accounts.reset_password": (
        "user.manage",
        lambda s, w, me: accounts.reset_password(
            session=s, user_id=w.other_id, password="een-lang-wachtwoord", actor=me
        ),
    ),
    "accounts.change_own_password": (
        "user.own_password",
        lambda s, w, me: accounts.change_own_password(
            session=s,
            user=me,
            current_password=f.PASSWORD,
            new_password="een-ander-wachtwoord",
            repeated="een-ander-wachtwoord",
            keep_token=None,
        ),
    ),
    "accounts.set_active": (
        "user.manage",
        lambda s, w, me: accounts.set_active(session=s, user_id=w.other_id, active=False, actor=me),
    ),
    # cases
    "cases.submission.submit_case": (
        "case.submit",
        lambda s, w, me: submission.submit_case(session=s, data=case_input(), author=me),
    ),
    "cases.submission.own_cases": ("case.own", lambda s, w, me: submission.own_cases(session=s, actor=me)),
    "cases.submission.edit_case": (
        "case.own",
        lambda s, w, me: submission.edit_case(
            session=s, case_id=f.case(s, me_row(s, me)).id, data=case_input(), actor=me, expected_version=1
        ),
    ),
    "cases.submission.withdraw_case": (
        "case.own",
        lambda s, w, me: submission.withdraw_case(
            session=s, case_id=f.case(s, me_row(s, me)).id, actor=me, expected_version=1
        ),
    ),
    "cases.selection.inbox": ("case.view", lambda s, w, me: selection.inbox(session=s, actor=me)),
    "cases.selection.select_for_session": (
        "case.select",
        lambda s, w, me: selection.select_for_session(
            session=s,
            case_id=f.case(s, other(s, w)).id,
            learning_session_id=w.upcoming_id,
            actor=me,
            expected_version=1,
        ),
    ),
    "cases.selection.unselect_case": (
        "case.select",
        lambda s, w, me: selection.unselect_case(
            session=s,
            case_id=f.case(s, other(s, w), status=CaseStatus.SELECTED, session_id=w.upcoming_id).id,
            actor=me,
            expected_version=1,
        ),
    ),
    "cases.selection.replace_case": (
        "case.select",
        lambda s, w, me: selection.replace_case(
            session=s,
            case_id=f.case(s, other(s, w)).id,
            replaced_case_id=f.case(s, other(s, w), status=CaseStatus.SELECTED, session_id=w.upcoming_id).id,
            actor=me,
            expected_version=1,
            replaced_version=1,
        ),
    ),
    "cases.selection.return_case": (
        "case.select",
        lambda s, w, me: selection.return_case(
            session=s, case_id=f.case(s, other(s, w)).id, note="Graag aanvullen", actor=me, expected_version=1
        ),
    ),
    "cases.selection.archive_case": (
        "case.select",
        lambda s, w, me: selection.archive_case(
            session=s, case_id=f.case(s, other(s, w)).id, actor=me, expected_version=1
        ),
    ),
    # planning
    "planning.schedule.create_series": (
        "series.plan",
        lambda s, w, me: schedule.create_series(session=s, data=series_input(), actor=me),
    ),
    "planning.schedule.update_series": (
        "series.plan",
        lambda s, w, me: schedule.update_series(
            session=s, series_id=w.series_id, data=series_input("Andere naam"), expected_version=1, actor=me
        ),
    ),
    "planning.schedule.add_sessions": (
        "series.plan",
        lambda s, w, me: schedule.add_sessions(
            session=s, series_id=w.series_id, days=[TODAY + dt.timedelta(days=60)], actor=me, today=TODAY
        ),
    ),
    "planning.schedule.move_session": (
        "series.plan",
        lambda s, w, me: schedule.move_session(
            session=s,
            learning_session_id=w.upcoming_id,
            day=TODAY + dt.timedelta(days=8),
            start=dt.time(13),
            end=dt.time(14, 30),
            location="Stadhuis",
            expected_version=version(s, w.upcoming_id),
            actor=me,
            today=TODAY,
        ),
    ),
    "planning.schedule.set_status": (
        "series.plan",
        lambda s, w, me: schedule.set_status(
            session=s,
            learning_session_id=w.upcoming_id,
            to_status="voorbereid",
            expected_version=version(s, w.upcoming_id),
            actor=me,
        ),
    ),
    "planning.schedule.set_kind": (
        "series.plan",
        lambda s, w, me: schedule.set_kind(
            session=s,
            learning_session_id=w.upcoming_id,
            kind=SessionKind.OOGSTDAG,
            expected_version=version(s, w.upcoming_id),
            actor=me,
        ),
    ),
    "planning.enrolment.enrol": (
        "circle.enrol",
        lambda s, w, me: enrolment.enrol(session=s, series_id=a_circle(s, w), actor=me, today=TODAY),
    ),
    "planning.enrolment.withdraw": (
        "circle.enrol",
        lambda s, w, me: enrolment.withdraw(session=s, series_id=an_own_enrolment(s, w, me), actor=me, today=TODAY),
    ),
    "planning.enrolment.my_circles": (
        "circle.enrol",
        lambda s, w, me: enrolment.my_circles(session=s, user=me, today=TODAY),
    ),
    "planning.enrolment.circle": (
        "session.prepare",
        lambda s, w, me: enrolment.circle(session=s, series_id=a_circle(s, w), actor=me),
    ),
    "planning.enrolment.remove_enrolment": (
        "session.prepare",
        lambda s, w, me: enrolment.remove_enrolment(session=s, enrolment_id=an_enrolment(s, w), actor=me, today=TODAY),
    ),
    "planning.attendance.add_users": (
        "session.prepare",
        lambda s, w, me: attendance.add_users(
            session=s, learning_session_id=w.upcoming_id, user_ids=[w.other_id], actor=me
        ),
    ),
    "planning.attendance.add_guest": (
        "session.prepare",
        lambda s, w, me: attendance.add_guest(
            session=s, learning_session_id=w.upcoming_id, name="Els", organisation_id=None, role="gast", actor=me
        ),
    ),
    "planning.attendance.remove": (
        "session.prepare",
        lambda s, w, me: attendance.remove(
            session=s,
            attendance_id=f.attendance(s, s.get(LearningSession, w.upcoming_id), other(s, w)).id,
            actor=me,
        ),
    ),
    "planning.attendance.sign_up": (
        "session.sign_up",
        lambda s, w, me: attendance.sign_up(
            session=s,
            learning_session_id=w.upcoming_id,
            actor=me,
            today=TODAY,
            expected_version=s.get(LearningSession, w.upcoming_id).version,
        ),
    ),
    "planning.attendance.sign_off": (
        "session.sign_up",
        lambda s, w, me: attendance.sign_off(
            session=s,
            learning_session_id=w.upcoming_id,
            actor=me,
            today=TODAY,
            expected_version=s.get(LearningSession, w.upcoming_id).version,
        ),
    ),
    "planning.attendance.my_sessions": (
        "session.sign_up",
        lambda s, w, me: attendance.my_sessions(session=s, user=me, today=TODAY),
    ),
    "planning.attendance.held_sessions": (
        "attendance.confirm",
        lambda s, w, me: attendance.held_sessions(session=s, actor=me, today=TODAY),
    ),
    "planning.attendance.presence_list": (
        "attendance.confirm",
        lambda s, w, me: attendance.presence_list(session=s, learning_session_id=w.running_id, actor=me),
    ),
    "planning.attendance.confirm_presence": (
        "attendance.confirm",
        lambda s, w, me: attendance.confirm_presence(
            session=s,
            learning_session_id=w.running_id,
            present_ids=[],
            shown_ids=[],
            actor=me,
            expected_version=0,
            today=TODAY,
        ),
    ),
    "planning.attendance.add_present": (
        "attendance.confirm",
        lambda s, w, me: attendance.add_present(
            session=s, learning_session_id=w.running_id, actor=me, today=TODAY, guest_name="Els"
        ),
    ),
    "planning.groups.generate": (
        "session.prepare",
        lambda s, w, me: groups.generate(
            session=s,
            learning_session_id=(meeting_id := selected_cases(s, w)),
            group_count=2,
            actor=me,
            expected_version=s.get(LearningSession, meeting_id).version,
        ),
    ),
    "planning.groups.move_person": (
        "session.prepare",
        lambda s, w, me: groups.move_person(
            session=s,
            attendance_id=f.attendance(s, s.get(LearningSession, w.upcoming_id), other(s, w)).id,
            to_group_id=two_groups(s, w)[1],
            actor=me,
            expected_version=s.get(LearningSession, w.upcoming_id).version,
        ),
    ),
    "planning.groups.swap_cases": (
        "session.prepare",
        lambda s, w, me: groups.swap_cases(
            session=s,
            group_a_id=(g := two_groups(s, w))[0],
            group_b_id=g[1],
            actor=me,
            expected_version=s.get(LearningSession, w.upcoming_id).version,
        ),
    ),
    "planning.werkvormen.create_template": (
        "werkvorm.edit",
        lambda s, w, me: werkvormen.create_template(session=s, data=template(), actor=me),
    ),
    "planning.werkvormen.update_template": (
        "werkvorm.edit",
        lambda s, w, me: werkvormen.update_template(
            session=s,
            template_id=w.template_id,
            data=template(),
            expected_version=s.get(werkvormen.Template, w.template_id).version,
            actor=me,
        ),
    ),
    "planning.werkvormen.set_default": (
        "werkvorm.edit",
        lambda s, w, me: werkvormen.set_default(session=s, template_id=w.template_id, actor=me),
    ),
    # in the room
    "live.phases.open_session": (
        "session.run",
        lambda s, w, me: phases.open_session(session=s, learning_session_id=w.upcoming_id, actor=me),
    ),
    "live.phases.control": (
        "session.run",
        lambda s, w, me: phases.control(
            session=s,
            learning_session_id=w.running_id,
            command="pause",
            expected_version=version(s, w.running_id),
            actor=me,
        ),
    ),
    "live.capture.add_contribution": (
        "session.run",
        lambda s, w, me: capture.add_contribution(
            session=s,
            learning_session_id=w.running_id,
            group_id=w.running_groups[0],
            kind=ContributionKind.OBSTACLE,
            text="Regels staan maatwerk in de weg",
            actor=me,
        ),
    ),
    "live.capture.set_hidden": (
        "session.run",
        lambda s, w, me: capture.set_hidden(session=s, contribution_id=solution(s, w), hidden=True, actor=me),
    ),
    "live.capture.vote_tally": (
        "session.run",
        lambda s, w, me: capture.vote_tally(session=s, learning_session_id=w.running_id, actor=me),
    ),
    "live.capture.solution_to_action": (
        "session.run",
        lambda s, w, me: capture.solution_to_action(
            session=s, contribution_id=solution(s, w), actor=me, owner_user_id=w.other_id
        ),
    ),
    # recurring themes, in the room and after
    "insight.recurring.session_themes": (
        "theme.confirm",
        lambda s, w, me: recurring.session_themes(session=s, learning_session_id=w.running_id, actor=me),
    ),
    "insight.recurring.suggestions": (
        "theme.confirm",
        lambda s, w, me: recurring.suggestions(session=s, learning_session_id=w.running_id, actor=me),
    ),
    "insight.recurring.confirm_theme": (
        "theme.confirm",
        lambda s, w, me: recurring.confirm_theme(
            session=s, learning_session_id=w.running_id, contribution_ids=two_obstacles(s, w), name="Wacht", actor=me
        ),
    ),
    "insight.recurring.add_to_theme": (
        "theme.confirm",
        lambda s, w, me: recurring.add_to_theme(
            session=s,
            learning_session_id=w.running_id,
            theme_id=(theme := a_theme(s, w)).id,
            contribution_ids=two_obstacles(s, w)[1:],
            expected_version=theme.version,
            actor=me,
        ),
    ),
    "insight.recurring.reject_suggestion": (
        "theme.confirm",
        lambda s, w, me: recurring.reject_suggestion(
            session=s, learning_session_id=w.running_id, contribution_ids=two_obstacles(s, w), actor=me
        ),
    ),
    "insight.recurring.rename_theme": (
        "theme.confirm",
        lambda s, w, me: recurring.rename_theme(
            session=s, theme_id=(theme := a_theme(s, w)).id, name="Wachttijd", expected_version=theme.version, actor=me
        ),
    ),
    "insight.recurring.marks": (
        "insight.view",
        lambda s, w, me: recurring.marks(session=s, learning_session_id=w.running_id, actor=me),
    ),
    "insight.recurring.over_time": (
        "insight.view",
        lambda s, w, me: recurring.over_time(session=s, filters=stats.Filters(), actor=me),
    ),
    # follow-up
    "followup.actions.create_action": (
        "action.create",
        lambda s, w, me: actions.create_action(
            session=s, data=actions.NewAction("Eén loket inrichten", None, owner_user_id=w.other_id), actor=me
        ),
    ),
    "followup.actions.change_status": (
        OWN_ACTION,
        lambda s, w, me: actions.change_status(
            session=s,
            action_id=f.action(s, None, me_row(s, me)).id,
            to_status=ActionStatus.IN_PROGRESS,
            note="",
            actor=me,
            expected_version=1,
        ),
    ),
    "followup.actions.edit_action": (
        OWN_ACTION,
        lambda s, w, me: actions.edit_action(
            session=s,
            action_id=f.action(s, None, me_row(s, me)).id,
            data=actions.ActionEdit("Andere titel", None, owner_user_id=me.id),
            actor=me,
            expected_version=1,
        ),
    ),
    "followup.actions.record_effect": (
        ("action.update_own", "action.record_effect"),
        lambda s, w, me: actions.record_effect(
            session=s,
            action_id=f.action(s, None, me_row(s, me), status=ActionStatus.DONE).id,
            text="Inwoners wachten korter.",
            actor=me,
            expected_version=1,
        ),
    ),
    "followup.stuck.stuck_actions": (
        "insight.view",
        lambda s, w, me: stuck.stuck_actions(session=s, actor=me, today=TODAY),
    ),
    "followup.stuck.my_stuck_actions": (
        "home.overview",
        lambda s, w, me: stuck.my_stuck_actions(session=s, user=me, today=TODAY),
    ),
    "followup.stuck.dashboard_list": (
        "insight.view",
        lambda s, w, me: stuck.dashboard_list(session=s, actor=me, today=TODAY),
    ),
    "followup.actions.list_actions": (
        "action.list_all",
        lambda s, w, me: actions.list_actions(session=s, actor=me, filters=actions.ActionFilter()),
    ),
    "followup.actions.history": (
        "action.list_all",
        lambda s, w, me: actions.history(session=s, action_id=f.action(s, None, other(s, w)).id, actor=me),
    ),
    # the home page
    "home.overview": ("home.overview", lambda s, w, me: home.overview(session=s, user=me, today=TODAY)),
    "home.next_session": ("home.overview", lambda s, w, me: home.next_session(session=s, user=me, today=TODAY)),
    "home.my_cases": ("home.overview", lambda s, w, me: home.my_cases(session=s, user=me)),
    "home.my_open_actions": ("home.overview", lambda s, w, me: home.my_open_actions(session=s, user=me, today=TODAY)),
    "home.my_other_open_actions": (
        "home.overview",
        lambda s, w, me: home.my_other_open_actions(session=s, user=me, today=TODAY),
    ),
    # insight
    "insight.stats.dashboard": (
        "insight.view",
        lambda s, w, me: stats.dashboard(session=s, viewer=me, filters=stats.Filters(), today=TODAY),
    ),
    "insight.oogst.harvest": (
        "insight.view",
        lambda s, w, me: oogst.harvest(session=s, series_id=w.series_id, actor=me),
    ),
    "insight.oogstdag.oogstdag": (
        "session.run",
        lambda s, w, me: oogstdag.oogstdag(session=s, learning_session_id=an_oogstdag(s, w), actor=me, today=TODAY),
    ),
    "insight.reports.session_choices": ("insight.view", lambda s, w, me: reports.session_choices(session=s, viewer=me)),
    # calendar files: anyone; which leervragen they carry follows lib/core/visibility.py (tests/lib/planning)
    "planning.ical.calendar": (
        "case.view",
        lambda s, w, me: ical.calendar(session=s, meetings=[], name="x", viewer=me),
    ),
    "planning.ical.session_ics": (
        "case.view",
        lambda s, w, me: ical.session_ics(session=s, learning_session_id=w.upcoming_id, viewer=me),
    ),
    "planning.ical.series_ics": (
        "case.view",
        lambda s, w, me: ical.series_ics(session=s, series_id=w.series_id, viewer=me),
    ),
    "insight.reports.session_report": (
        "insight.view",
        lambda s, w, me: reports.session_report(session=s, viewer=me, learning_session_id=w.running_id),
    ),
    "insight.reports.actions_csv": (
        "insight.view",
        lambda s, w, me: reports.actions_csv(session=s, viewer=me, filters=stats.Filters()),
    ),
    "insight.reports.late_actions_file": (
        "insight.view",
        lambda s, w, me: reports.late_actions_file(session=s, viewer=me, filters=stats.Filters(), today=TODAY),
    ),
    "insight.reports.contributions_csv": (
        "insight.view",
        lambda s, w, me: reports.contributions_csv(session=s, viewer=me, filters=stats.Filters()),
    ),
    "insight.statement.own_statement": (
        "statement.own",
        lambda s, w, me: (
            attended(s, w, me),
            statement.own_statement(session=s, user=me, start=TODAY, end=TODAY, today=TODAY),
        ),
    ),
    "insight.statement.unconfirmed_count": (
        "statement.own",
        lambda s, w, me: statement.unconfirmed_count(session=s, user=me, start=TODAY, end=TODAY, today=TODAY),
    ),
    "insight.statement.series_statements": (
        "statement.series",
        lambda s, w, me: (
            attended(s, w, w.actors[Role.PROFESSIONAL]),
            statement.series_statements(session=s, series_id=w.series_id, actor=me, today=TODAY),
        ),
    ),
    "insight.terugkoppeling.organisations_for": (
        "insight.view",
        lambda s, w, me: terugkoppeling.organisations_for(session=s, actor=me),
    ),
    "insight.terugkoppeling.feedback": (
        "insight.view",
        lambda s, w, me: terugkoppeling.feedback(
            session=s,
            organisation_id=w.organisation_id,
            start=TODAY - dt.timedelta(days=90),
            end=TODAY,
            actor=me,
            today=TODAY,
        ),
    ),
}


def _names(names: str | tuple[str, ...]) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else names


class _Undo(Exception):
    """Raised at the end of a call so that its transaction rolls back and the next role starts afresh."""


def outcome(engine, recipe: Recipe, w: World, me: CurrentUser) -> str:
    """'ok', 'refused', or the unexpected error."""
    try:
        with db.transaction(engine) as s:
            recipe(s, w, me)
            raise _Undo
    except _Undo:
        return "ok"
    except NotAllowed:
        return "refused"
    except Exception as error:
        return f"{type(error).__name__}: {error}"


# --- the tests --------------------------------------------------------------------------------------


def test_every_service_has_an_entry_and_every_entry_is_a_service():
    found = discovered_services()
    assert found - set(SERVICES) == set(), "new services: add them to SERVICES with their policy action"
    assert set(SERVICES) - found == set(), "SERVICES names functions that are gone"


def test_every_action_used_is_in_the_table_with_a_dutch_description():
    for names, _ in SERVICES.values():
        assert set(_names(names)) <= set(POLICY)
    assert {spec.action for spec in PAGES} == {action for action in POLICY if action.startswith("page.")}
    for action, rule in POLICY.items():
        assert rule.description and "\n" not in rule.description, action
        assert rule.roles <= frozenset(Role), action


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_follows_the_table_for_every_role(engine, world, service, monkeypatch):
    names, recipe = SERVICES[service]
    got = {role: outcome(engine, recipe, world, me) for role, me in world.actors.items()}
    expected = {role: "ok" if any(policy.allows(role, a) for a in _names(names)) else "refused" for role in Role}
    assert got == expected

    # The service reads the table: rules that let nobody in refuse every role.
    for action in _names(names):
        monkeypatch.setitem(POLICY, action, Rule(frozenset(), POLICY[action].description))
    got = {role: outcome(engine, recipe, world, me) for role, me in world.actors.items()}
    assert got == {role: "refused" for role in Role}


def test_require_refuses_in_dutch_naming_who_may():
    professional = CurrentUser(1, "p", "Priya", Role.PROFESSIONAL, None)
    with pytest.raises(NotAllowed, match=r"^Alleen een casuïstiekaanjager of beheerder mag casussen selecteren"):
        policy.require(professional, "case.select")
    with pytest.raises(NotAllowed, match=r"^Log eerst in"):
        policy.require(None, "case.select")
    policy.require(CurrentUser(2, "a", "Annelies", Role.AANJAGER, None), "case.select")


def test_guests_and_unknown_roles_may_do_nothing_and_unknown_actions_are_a_bug():
    assert not policy.allows("gast", "page.home")
    assert not policy.allows(None, "page.home")
    assert policy.allows("manager", "insight.view")
    with pytest.raises(KeyError):
        policy.allows(Role.BEHEERDER, "case.selct")


# --- the helper named for managers that refused managers ------------------------------------------


def test_no_helper_named_for_a_role_refuses_that_role():
    """Before the table, lib/cases had `_require_manager`, which let in the aanjager and the beheerder
    and refused every manager. A guard is now the table's action name, never a role's name."""
    for name, function in lib_functions(private=True).items():
        if "require" in name or "ensure_may" in name:
            for role in Role:
                if role.value in name.rsplit(".", 1)[1]:
                    function(CurrentUser(1, "x", "X", role, None))  # raises NotAllowed if it refuses its namesake


def test_a_manager_asking_the_casusinbox_is_told_who_manages_it(engine, world):
    """The refusal names the roles the table allows, so a manager knows whom to ask."""
    manager = world.actors[Role.MANAGER]
    with db.transaction(engine) as s, pytest.raises(NotAllowed) as refused:
        case_id = f.case(s, other(s, world)).id
        selection.select_for_session(
            session=s, case_id=case_id, learning_session_id=world.upcoming_id, actor=manager, expected_version=1
        )
    assert str(refused.value) == (
        "Alleen een casuïstiekaanjager of beheerder mag casussen selecteren voor een leersessie, "
        "teruggeven en archiveren."
    )


# --- row rules: the role part comes from the table ------------------------------------------------


def nobody(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(POLICY, name, Rule(frozenset(), POLICY[name].description))


def check_may_change(engine, w: World, monkeypatch) -> None:
    with db.transaction(engine) as s:
        theirs = f.action(s, None, other(s, w))  # of the manager's organisation, owned by somebody else
        manager, aanjager = w.actors[Role.MANAGER], w.actors[Role.AANJAGER]
        assert actions.may_change(manager, theirs) and actions.may_change(aanjager, theirs)
        nobody(monkeypatch, "action.change_organisation", "action.change_all")
        assert not actions.may_change(manager, theirs) and not actions.may_change(aanjager, theirs)


def check_may_view(engine, w: World, monkeypatch) -> None:
    with db.transaction(engine) as s:
        professional = w.actors[Role.PROFESSIONAL]
        own = f.action(s, None, me_row(s, professional))
        assert actions.may_view(professional, own)
        nobody(monkeypatch, "action.update_own")
        assert not actions.may_view(professional, own)


def check_may_list_all(engine, w: World, monkeypatch) -> None:
    assert actions.may_list_all(w.actors[Role.MANAGER])
    nobody(monkeypatch, "action.list_all")
    assert not actions.may_list_all(w.actors[Role.MANAGER])


def check_visible_to(engine, w: World, monkeypatch) -> None:
    manager = w.actors[Role.MANAGER]
    with db.transaction(engine) as s:
        meeting = s.get(LearningSession, w.upcoming_id)
        f.attendance(s, meeting, me_row(s, manager))
        case_id = f.case(s, other(s, w), status=CaseStatus.SELECTED, session_id=meeting.id).id

    def sees() -> bool:
        with db.read(engine) as s:
            return case_id in {c.id for c in selection.inbox(session=s, actor=manager).items}

    assert sees()
    nobody(monkeypatch, "case.view_attended")
    assert not sees()


def check_default_filter(engine, w: World, monkeypatch) -> None:
    manager = w.actors[Role.MANAGER]
    assert actions.default_filter(manager, mine=False).organisation_id == w.organisation_id
    monkeypatch.setitem(POLICY, "insight.all_organisations", Rule(frozenset(Role), "alles"))
    assert actions.default_filter(manager, mine=False).organisation_id is None


def check_default_filters(engine, w: World, monkeypatch) -> None:
    manager = w.actors[Role.MANAGER]
    assert stats.default_filters(manager).organisation_id == w.organisation_id
    monkeypatch.setitem(POLICY, "insight.all_organisations", Rule(frozenset(Role), "alles"))
    assert stats.default_filters(manager).organisation_id is None


def check_may_record_effect(engine, w: World, monkeypatch) -> None:
    with db.transaction(engine) as s:
        professional, aanjager = w.actors[Role.PROFESSIONAL], w.actors[Role.AANJAGER]
        own = f.action(s, None, me_row(s, professional), status=ActionStatus.DONE)
        assert actions.may_record_effect(professional, own) and actions.may_record_effect(aanjager, own)
        assert not actions.may_record_effect(w.actors[Role.MANAGER], own)  # of the organisation, not its trekker
        nobody(monkeypatch, "action.update_own", "action.record_effect")
        assert not actions.may_record_effect(professional, own) and not actions.may_record_effect(aanjager, own)


def check_case_clause(engine, w: World, monkeypatch) -> None:
    manager = w.actors[Role.MANAGER]
    with db.transaction(engine) as s:
        meeting = s.get(LearningSession, w.upcoming_id)
        f.attendance(s, meeting, me_row(s, manager))
        case_id = f.case(s, other(s, w), status=CaseStatus.SELECTED, session_id=meeting.id).id

    def sees() -> bool:
        with db.read(engine) as s:
            return s.scalar(select(Case.id).where(Case.id == case_id, visibility.case_clause(manager))) is not None

    assert sees()
    nobody(monkeypatch, "case.view_attended")
    assert not sees()


def _organisation_action(engine, w: World) -> int:
    with db.transaction(engine) as s:
        return f.action(s, None, other(s, w), organisation_id=w.organisation_id).id


def check_action_clause(engine, w: World, monkeypatch) -> None:
    manager, action_id = w.actors[Role.MANAGER], _organisation_action(engine, w)

    def sees() -> bool:
        with db.read(engine) as s:
            found = s.scalar(select(Action.id).where(Action.id == action_id, visibility.action_clause(manager)))
            return found is not None

    assert sees()
    nobody(monkeypatch, "action.list_all")
    assert not sees()


def check_may_see_action(engine, w: World, monkeypatch) -> None:
    manager, action_id = w.actors[Role.MANAGER], _organisation_action(engine, w)
    with db.read(engine) as s:
        row = s.get(Action, action_id)
    assert visibility.may_see_action(manager, row)
    nobody(monkeypatch, "action.list_all")
    assert not visibility.may_see_action(manager, row)


def check_may_see_all_actions(engine, w: World, monkeypatch) -> None:
    assert visibility.may_see_all_actions(w.actors[Role.AANJAGER])
    nobody(monkeypatch, "insight.all_organisations")
    assert not visibility.may_see_all_actions(w.actors[Role.AANJAGER])


def check_own_organisation_only(engine, w: World, monkeypatch) -> None:
    assert stuck.own_organisation_only(w.actors[Role.MANAGER])
    assert not stuck.own_organisation_only(w.actors[Role.AANJAGER])
    nobody(monkeypatch, "insight.all_organisations")
    assert stuck.own_organisation_only(w.actors[Role.AANJAGER])


ROW_RULES = {
    "core.visibility.case_clause": check_case_clause,
    "core.visibility.action_clause": check_action_clause,
    "core.visibility.may_see_action": check_may_see_action,
    "core.visibility.may_see_all_actions": check_may_see_all_actions,
    "followup.actions.may_change": check_may_change,
    "followup.actions.may_record_effect": check_may_record_effect,
    "followup.actions.may_view": check_may_view,
    "followup.stuck.own_organisation_only": check_own_organisation_only,
    "followup.actions.may_list_all": check_may_list_all,
    "followup.actions.default_filter": check_default_filter,
    "cases.submission.visible_to": check_visible_to,
    "insight.stats.default_filters": check_default_filters,
}


def test_every_row_rule_is_checked():
    """Functions that take the user as a plain argument decide with the row: each has a check here."""
    found = {name for name, function in lib_functions().items() if takes_the_user(function, as_keyword=False)}
    assert found - {"core.policy.require"} == set(ROW_RULES)


@pytest.mark.parametrize("rule", sorted(ROW_RULES))
def test_row_rule_takes_its_role_part_from_the_table(engine, world, rule, monkeypatch):
    ROW_RULES[rule](engine, world, monkeypatch)


def test_who_leads_the_session_sits_at_no_table(engine, world, monkeypatch):
    with db.transaction(engine) as s:
        meeting = s.get(LearningSession, world.upcoming_id)
        f.attendance(s, meeting, me_row(s, world.actors[Role.AANJAGER]))

    def seated() -> set[str]:
        with db.read(engine) as s:
            return {p.role for p in groups.participants(session=s, learning_session_id=world.upcoming_id)}

    assert "aanjager" not in seated()
    nobody(monkeypatch, "session.run")
    assert "aanjager" in seated()
