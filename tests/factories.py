"""Factory helpers: build domain rows with sensible defaults, overriding only what a test is about.

Each takes the SQLAlchemy session first and flushes, so ids are there for the next call.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from lib import accounts
from lib.accounts import CurrentUser
from lib.models import (
    Action,
    Attendance,
    Case,
    Contribution,
    ContributionKind,
    Group,
    LearningSession,
    Organisation,
    Role,
    Series,
    Template,
    User,
)
from lib.planning import werkvormen

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)
# Hashing with argon2 costs ~50 ms; tests share one hash of PASSWORD.
_password_hash: str | None = None


def _hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = accounts.hash_password(PASSWORD)
    return _password_hash


def organisation(session: Session, name: str | None = None, kind: str = "gemeente") -> Organisation:
    org = Organisation(name=name or f"Organisatie {next(_numbers)}", kind=kind)
    session.add(org)
    session.flush()
    return org


def user(
    session: Session,
    role: Role = Role.PROFESSIONAL,
    *,
    username: str | None = None,
    organisation: Organisation | None = None,
    **fields: Any,
) -> User:
    number = next(_numbers)
    if organisation is None and role == Role.MANAGER:
        organisation = globals()["organisation"](session)
    row = User(
        username=username or f"{role}{number}",
        display_name=fields.pop("display_name", f"{str(role).title()} {number}"),
        role=str(role),
        organisation_id=organisation.id if organisation else None,
        password_hash=_hash(),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def default_template(session: Session) -> Template:
    """The default werkvorm, which every migrated database has (the migrations add the shipped ones)."""
    template = werkvormen.default_template(session=session)
    assert template is not None
    return template


def current(user_row: User) -> CurrentUser:
    return CurrentUser.of(user_row)


def series(session: Session, **fields: Any) -> Series:
    template = default_template(session)
    row = Series(
        name=fields.pop("name", f"Reeks {next(_numbers)}"),
        location=fields.pop("location", "Gemeentehuis Oss"),
        default_start=fields.pop("default_start", dt.time(9, 0)),
        default_end=fields.pop("default_end", dt.time(10, 30)),
        template_id=template.id,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def learning_session(
    session: Session, *, series_row: Series | None = None, date: dt.date | None = None, **fields: Any
) -> LearningSession:
    template = default_template(session)
    row = LearningSession(
        series_id=series_row.id if series_row else None,
        title=fields.pop("title", f"Leersessie {next(_numbers)}"),
        date=date or dt.date.today() + dt.timedelta(days=7),
        start_time=fields.pop("start_time", dt.time(9, 0)),
        end_time=fields.pop("end_time", dt.time(10, 30)),
        location=fields.pop("location", "Gemeentehuis Oss"),
        template_name=template.name,
        rounds=fields.pop("rounds", werkvormen.snapshot(template)),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def case(session: Session, submitter: User, **fields: Any) -> Case:
    row = Case(
        title=fields.pop("title", f"Casus {next(_numbers)}"),
        description=fields.pop("description", "Een inwoner loopt vast tussen twee loketten."),
        learning_question=fields.pop("learning_question", "Hoe voorkomen we dat dit nog eens gebeurt?"),
        submitter_id=submitter.id,
        organisation_id=submitter.organisation_id,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def attendance(session: Session, meeting: LearningSession, person: User, **fields: Any) -> Attendance:
    row = Attendance(session_id=meeting.id, user_id=person.id, role=fields.pop("role", person.role), **fields)
    session.add(row)
    session.flush()
    return row


def group(session: Session, meeting: LearningSession, number: int = 1, case_row: Case | None = None) -> Group:
    row = Group(session_id=meeting.id, number=number, name=f"Groep {number}", case_id=case_row.id if case_row else None)
    session.add(row)
    session.flush()
    return row


def contribution(
    session: Session,
    meeting: LearningSession,
    group_row: Group | None,
    kind: ContributionKind = ContributionKind.OBSTACLE,
    round_index: int = 0,
    text: str = "Regels staan maatwerk in de weg",
    **fields: Any,
) -> Contribution:
    row = Contribution(
        session_id=meeting.id,
        group_id=group_row.id if group_row else None,
        round_index=round_index,
        perspective=meeting.rounds[round_index]["perspective"] if meeting.rounds else "",
        kind=kind,
        text=text,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def action(session: Session, meeting: LearningSession | None, owner: User | None, **fields: Any) -> Action:
    row = Action(
        session_id=meeting.id if meeting else None,
        title=fields.pop("title", f"Actie {next(_numbers)}"),
        owner_user_id=owner.id if owner else None,
        owner_name=fields.pop("owner_name", None if owner else "Externe trekker"),
        organisation_id=fields.pop("organisation_id", owner.organisation_id if owner else None),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def evaluation(session: Session, meeting: LearningSession, **fields: Any) -> Any:
    from lib.models import Evaluation

    row = Evaluation(
        session_id=meeting.id,
        participant_key=fields.pop("participant_key", f"deelnemer-{next(_numbers)}"),
        length=fields.pop("length", "goed"),
        constructive=fields.pop("constructive", 4),
        to_the_point=fields.pop("to_the_point", 4),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def action_update(session: Session, action_row: Action, to_status: str, **fields: Any) -> Any:
    from lib.models import ActionUpdate

    row = ActionUpdate(
        action_id=action_row.id, from_status=fields.pop("from_status", action_row.status), to_status=to_status, **fields
    )
    session.add(row)
    session.flush()
    return row
