"""The whole domain model of DESIGN.md as SQLAlchemy 2.0 typed ORM classes.

Status values are stored as short strings (not native enums) so that PostgreSQL and SQLite share one
schema and a new value needs no type migration. Timestamps are stored as UTC and read back aware.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC on every backend and returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# --- vocabularies -------------------------------------------------------------------------------


class Role(StrEnum):
    PROFESSIONAL = "professional"
    AANJAGER = "aanjager"
    MANAGER = "manager"
    BEHEERDER = "beheerder"


ROLE_LABELS: dict[str, str] = {
    Role.PROFESSIONAL: "professional",
    Role.AANJAGER: "casuïstiekaanjager",
    Role.MANAGER: "manager",
    Role.BEHEERDER: "beheerder",
}
GUEST = "gast"  # an attendee without an account: not a role of the app, but a role at the table


class SessionStatus(StrEnum):
    PLANNED = "gepland"
    PREPARED = "voorbereid"
    RUNNING = "bezig"
    FINISHED = "afgerond"
    CANCELLED = "geannuleerd"


SESSION_STATUS_LABELS: dict[str, str] = {
    SessionStatus.PLANNED: "gepland",
    SessionStatus.PREPARED: "voorbereid",
    SessionStatus.RUNNING: "bezig",
    SessionStatus.FINISHED: "afgerond",
    SessionStatus.CANCELLED: "geannuleerd",
}


class Phase(StrEnum):
    """Where a running session is on the projector."""

    OPENING = "opening"
    REVIEW = "terugblik"
    ROUND = "ronde"
    CLOSING = "afsluiting"
    CLOSED = "gesloten"


PHASE_LABELS: dict[str, str] = {
    Phase.OPENING: "Opening",
    Phase.REVIEW: "Terugblik",
    Phase.ROUND: "Ronde",
    Phase.CLOSING: "Afsluiting",
    Phase.CLOSED: "Gesloten",
}


class CaseStatus(StrEnum):
    SUBMITTED = "ingediend"
    SELECTED = "geselecteerd"
    DISCUSSED = "besproken"
    RETURNED = "teruggelegd"
    WITHDRAWN = "ingetrokken"
    ARCHIVED = "gearchiveerd"


CASE_STATUS_LABELS: dict[str, str] = {
    CaseStatus.SUBMITTED: "ingediend",
    CaseStatus.SELECTED: "geselecteerd",
    CaseStatus.DISCUSSED: "besproken",
    CaseStatus.RETURNED: "teruggelegd",
    CaseStatus.WITHDRAWN: "ingetrokken",
    CaseStatus.ARCHIVED: "gearchiveerd",
}


class ContributionKind(StrEnum):
    OBSTACLE = "obstacle"
    HELPER = "helper"
    SOLUTION = "solution"


CONTRIBUTION_KIND_LABELS: dict[str, str] = {
    ContributionKind.OBSTACLE: "belemmert",
    ContributionKind.HELPER: "helpt",
    ContributionKind.SOLUTION: "oplossing",
}
# Headings above a group's contributions of one kind, on the projector and in reports.
CONTRIBUTION_KIND_HEADINGS: dict[str, str] = {
    ContributionKind.OBSTACLE: "Wat belemmert",
    ContributionKind.HELPER: "Wat helpt",
    ContributionKind.SOLUTION: "Oplossingen",
}


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "bezig"
    DONE = "gerealiseerd"
    FAILED = "niet_gelukt"
    DROPPED = "vervallen"


ACTION_STATUS_LABELS: dict[str, str] = {
    ActionStatus.OPEN: "open",
    ActionStatus.IN_PROGRESS: "bezig",
    ActionStatus.DONE: "gerealiseerd",
    ActionStatus.FAILED: "niet gelukt",
    ActionStatus.DROPPED: "vervallen",
}


def action_status_label(status: str | None) -> str:
    """The Dutch label of an action status ('niet_gelukt' → 'niet gelukt'); unknown values as stored."""
    return "" if status is None else ACTION_STATUS_LABELS.get(status, status)


def role_label(role: str) -> str:
    """The Dutch label of a role, also of an attendee's role ('gast')."""
    return ROLE_LABELS.get(role, role)


def kind_label(kind: str) -> str:
    """The Dutch label of a contribution kind ('obstacle' → 'belemmert')."""
    return CONTRIBUTION_KIND_LABELS.get(kind, kind)


FINISHED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED)
# The others; in SQL "status IN (these)" reads the index on (status, due date), "NOT IN" cannot.
UNFINISHED_ACTION_STATUSES = tuple(s for s in ActionStatus if s not in FINISHED_ACTION_STATUSES)


class EvaluationLength(StrEnum):
    TOO_SHORT = "te_kort"
    GOOD = "goed"
    TOO_LONG = "te_lang"


EVALUATION_LENGTH_LABELS: dict[str, str] = {
    EvaluationLength.TOO_SHORT: "te kort",
    EvaluationLength.GOOD: "goed",
    EvaluationLength.TOO_LONG: "te lang",
}
# The two scores of the evaluation (1–5), by column: the Dutch word everywhere (phone, projector, reports).
EVALUATION_SCORE_LABELS: dict[str, str] = {
    "constructive": "Constructief",
    "to_the_point": "Ter zake",
}


# --- series types, session types and leercirkel enrolment (issue 12) -------------------------------


class SeriesKind(StrEnum):
    """What kind of programme a series is."""

    REEKS = "reeks"  # a leersessie reeks: the aanjager invites and registers (the default)
    LEERCIRKEL = "leercirkel"  # a theme with open enrolment for the whole cycle, up to a maximum
    LEERTRAJECT = "leertraject"  # a programme of varied activities that ends in an Oogstdag


SERIES_KIND_LABELS: dict[str, str] = {
    SeriesKind.REEKS: "leersessie reeks",
    SeriesKind.LEERCIRKEL: "leercirkel",
    SeriesKind.LEERTRAJECT: "leertraject",
}


class SessionKind(StrEnum):
    LEERSESSIE = "leersessie"
    OOGSTDAG = "oogstdag"  # shows the oogst of its series on the projector; its outcome is new actions


SESSION_KIND_LABELS: dict[str, str] = {
    SessionKind.LEERSESSIE: "leersessie",
    SessionKind.OOGSTDAG: "Oogstdag",
}


class EnrolmentStatus(StrEnum):
    ENROLLED = "ingeschreven"
    WAITING = "wachtlijst"


ENROLMENT_STATUS_LABELS: dict[str, str] = {
    EnrolmentStatus.ENROLLED: "ingeschreven",
    EnrolmentStatus.WAITING: "op de wachtlijst",
}


def series_kind_label(kind: str | None) -> str:
    """The Dutch label of a series type ('leercirkel'); unknown values as stored."""
    return SERIES_KIND_LABELS.get(kind or SeriesKind.REEKS, kind or "")


# --- organisations and people -------------------------------------------------------------------


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="overig")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"Organisation({self.id}, {self.name!r})"


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the beheerder chose the password (new account, reset): the owner must change it first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]  # personal data removed (AVG); the row keeps their work attributed

    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"User({self.id}, {self.username!r}, {self.role})"


class AuthToken(Base):
    """One login of one browser: every run of its tabs checks it, so deleting it ends them all.

    Only the SHA-256 of the token (kept in the tab, and in a cookie with "Ingelogd blijven") is stored.
    """

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"AuthToken({self.id}, user={self.user_id})"


class LoginAttempt(Base):
    """Failed logins and join-code guesses, to limit how fast anybody can guess."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # "login" or "join"
    key: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


# --- werkvormen ---------------------------------------------------------------------------------


class Template(Base):
    """A werkvorm: an ordered round plan."""

    __tablename__ = "template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    rounds: Mapped[list[TemplateRound]] = relationship(
        back_populates="template", order_by="TemplateRound.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Template({self.id}, {self.name!r})"


class TemplateRound(Base):
    __tablename__ = "template_round"
    __table_args__ = (
        UniqueConstraint("template_id", "position", name="uq_template_round_position"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    perspective: Mapped[str] = mapped_column(String(60))
    minutes: Mapped[int] = mapped_column(Integer)
    guiding_questions: Mapped[list[Any]] = mapped_column(default=list)
    yields_solutions: Mapped[bool] = mapped_column(Boolean, default=False)
    # The inbrenger (whose casus the group discusses) only listens in this round: their phone says so.
    inbrenger_listens: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    template: Mapped[Template] = relationship(back_populates="rounds")

    def snapshot(self) -> dict[str, Any]:
        """The plain dict a session keeps, so later edits of the werkvorm never change it."""
        return {
            "name": self.name,
            "perspective": self.perspective,
            "minutes": self.minutes,
            "guiding_questions": list(self.guiding_questions or []),
            "yields_solutions": self.yields_solutions,
            "inbrenger_listens": self.inbrenger_listens,
        }


# --- planning -----------------------------------------------------------------------------------


class Series(Base):
    """A reeks / leertraject."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    default_start: Mapped[dt.time] = mapped_column(Time)
    default_end: Mapped[dt.time] = mapped_column(Time)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("template.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # SeriesKind; a leercirkel has a maximum of enrolled professionals (lib/planning/enrolment.py).
    kind: Mapped[str] = mapped_column(String(20), default=SeriesKind.REEKS, server_default=SeriesKind.REEKS.value)
    max_participants: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    template: Mapped[Template | None] = relationship()
    sessions: Mapped[list[LearningSession]] = relationship(
        back_populates="series", order_by="(LearningSession.date, LearningSession.start_time)"
    )

    def __repr__(self) -> str:
        return f"Series({self.id}, {self.name!r})"


class LearningSession(Base):
    """A leersessie: one meeting, with its werkvorm snapshot and the stored facts of its timer."""

    __tablename__ = "learning_session"
    __table_args__ = (CheckConstraint("end_time > start_time", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.PLANNED, index=True)
    kind: Mapped[str] = mapped_column(  # SessionKind: an Oogstdag shows the oogst of its series
        String(20), default=SessionKind.LEERSESSIE, server_default=SessionKind.LEERSESSIE.value
    )
    template_name: Mapped[str] = mapped_column(String(120), default="")
    rounds: Mapped[list[Any]] = mapped_column(default=list)  # snapshot of TemplateRound.snapshot()
    group_count: Mapped[int] = mapped_column(Integer, default=3)
    votes_per_participant: Mapped[int] = mapped_column(Integer, default=3)
    # The live session: phase, round and timer are stored facts, never process memory.
    phase: Mapped[str] = mapped_column(String(20), default=Phase.OPENING)
    current_round: Mapped[int] = mapped_column(Integer, default=0)
    round_started_at: Mapped[dt.datetime | None]
    paused_at: Mapped[dt.datetime | None]
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    added_seconds: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    # Bumped by every write that changes what the phones and the projector show (phases, timer,
    # contributions, votes, groups, evaluations): a waiting screen reads only this number.
    live_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    series: Mapped[Series | None] = relationship(back_populates="sessions")
    groups: Mapped[list[Group]] = relationship(
        back_populates="session", order_by="Group.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"LearningSession({self.id}, {self.date}, {self.status})"


# --- cases --------------------------------------------------------------------------------------


class CaseOrganisation(Base):
    """The organisations involved in a casus."""

    __tablename__ = "case_organisation"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)


class Case(Base):
    """A casus with its leervraag. (Table `case_file`: CASE is an SQL keyword.)"""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    tried: Mapped[str] = mapped_column(Text, default="")
    learning_question: Mapped[str] = mapped_column(String(500))
    submitter_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.SUBMITTED, index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("learning_session.id"), index=True)
    preferred_session_id: Mapped[int | None] = mapped_column(ForeignKey("learning_session.id"))
    return_note: Mapped[str] = mapped_column(Text, default="")
    anonymised_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_anonymised_at: Mapped[dt.datetime | None]  # texts replaced after the retention period
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    organisation: Mapped[Organisation | None] = relationship()
    session: Mapped[LearningSession | None] = relationship(foreign_keys=[session_id])
    involved: Mapped[list[Organisation]] = relationship(secondary="case_organisation")

    def __repr__(self) -> str:
        return f"Case({self.id}, {self.title!r}, {self.status})"


# --- who comes, and in which group ----------------------------------------------------------------


class Attendance(Base):
    """One person at one session: a user, or a guest by name."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_attendance_session_user"),
        CheckConstraint("user_id IS NOT NULL OR guest_name IS NOT NULL", name="user_or_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    guest_name: Mapped[str | None] = mapped_column(String(120))
    guest_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    role: Mapped[str] = mapped_column(String(20))
    present: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    guest_organisation: Mapped[Organisation | None] = relationship()


class Enrolment(Base):
    """A professional enrolled in a leercirkel for its whole cycle, or on its waiting list.

    The waiting list is ordered by `created_at` (then id); `promoted_at` records when somebody moved
    up from it, so the person sees that notice on Mijn sessies.
    """

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("series_id", "user_id", name="uq_enrolment_series_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # EnrolmentStatus
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"Enrolment({self.id}, series={self.series_id}, user={self.user_id}, {self.status})"


class Group(Base):
    """A table in the room: one case, some attendees. (Table `session_group`: GROUP is a keyword.)"""

    __tablename__ = "session_group"
    __table_args__ = (
        UniqueConstraint("session_id", "number", name="uq_session_group_number"),
        UniqueConstraint("session_id", "case_id", name="uq_session_group_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))

    session: Mapped[LearningSession] = relationship(back_populates="groups")
    case: Mapped[Case | None] = relationship()
    members: Mapped[list[GroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan")


class GroupMember(Base):
    __tablename__ = "group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("session_group.id", ondelete="CASCADE"), index=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id", ondelete="CASCADE"), unique=True)

    group: Mapped[Group] = relationship(back_populates="members")
    attendance: Mapped[Attendance] = relationship()


# --- what groups capture ------------------------------------------------------------------------


class Contribution(Base):
    """Inbreng: an obstacle (belemmert), helper (helpt) or solution (oplossing) of a group in a round."""

    __tablename__ = "contribution"
    # A phone's key for one submit: a retried submit finds the stored one instead of storing it twice.
    __table_args__ = (
        Index("ix_contribution_session_kind", "session_id", "kind"),
        Index("uq_contribution_client_key", "session_id", "client_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("session_group.id", ondelete="SET NULL"), index=True)
    round_index: Mapped[int] = mapped_column(Integer)
    perspective: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(String(500))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The scribe's device key scoped to this session (lib/live/join.scoped_key), never the phone's own key.
    author_key: Mapped[str | None] = mapped_column(String(64), index=True)
    client_key: Mapped[str | None] = mapped_column(String(64))  # made on the phone, one per submit
    author_label: Mapped[str] = mapped_column(String(120), default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    feasible: Mapped[bool] = mapped_column(Boolean, default=False)  # management can carry it out
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    group: Mapped[Group | None] = relationship()

    def __repr__(self) -> str:
        return f"Contribution({self.id}, {self.kind}, {self.text[:20]!r})"


class Vote(Base):
    """One dot of a dot-vote on a solution, by a participant's device key."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- follow-up ----------------------------------------------------------------------------------


class Action(Base):
    """A vervolgactie: a solution turned into work with a trekker."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("owner_user_id IS NOT NULL OR owner_name IS NOT NULL", name="has_owner"),
        # An organisation's actions in due-date order: the late and vastgelopen lists read the first few.
        Index("ix_action_organisation_due", "organisation_id", "due_date"),
        # Late actions everywhere (Opvolging's counts, the dashboard, reminders): unfinished and past due.
        Index("ix_action_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("learning_session.id"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(ForeignKey("contribution.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    work_group: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None]

    session: Mapped[LearningSession | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    organisation: Mapped[Organisation | None] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.created_at", cascade="all, delete-orphan"
    )

    @property
    def owner_label(self) -> str:
        return self.owner.display_name if self.owner else (self.owner_name or "")

    def __repr__(self) -> str:
        return f"Action({self.id}, {self.title[:20]!r}, {self.status})"


def owner_label_sql(owner: Any = None) -> ColumnElement[str]:
    """`Action.owner_label` in SQL: the trekker's display name, or the name typed in for someone
    without an account. `owner` is the User (or an alias of it) joined on `Action.owner_user_id`."""
    person = User if owner is None else owner
    return func.coalesce(person.display_name, Action.owner_name, "")


class ActionUpdate(Base):
    """One step in an action's history: who, when, from which status to which, and why."""

    __tablename__ = "action_update"
    # An action's latest note (the terugkoppeling): read backwards from the newest, not over all history.
    __table_args__ = (Index("ix_action_update_action_created", "action_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("learning_session.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    action: Mapped[Action] = relationship(back_populates="updates")
    user: Mapped[User | None] = relationship()


class Evaluation(Base):
    """A participant's short evaluation at the end of a session."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_key", name="uq_evaluation_participant"),
        CheckConstraint("constructive BETWEEN 1 AND 5", name="constructive_range"),
        CheckConstraint("to_the_point BETWEEN 1 AND 5", name="to_the_point_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    participant_key: Mapped[str] = mapped_column(String(64))
    length: Mapped[str] = mapped_column(String(20))
    constructive: Mapped[int] = mapped_column(Integer)
    to_the_point: Mapped[int] = mapped_column(Integer)
    remark: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Append-only: who did what, when. Updates and deletes are refused here and in the database."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives deleted users
    event: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _audit_log_is_append_only(mapper: Any, connection: Any, target: AuditLog) -> None:
    raise PermissionError("het auditlog kan alleen worden aangevuld")


# --- follow-up that does not let go, and the deelnameverklaring -----------------------------------


class ActionEffect(Base):
    """What changed for residents or professionals once an action was realised: one short text per
    action, written by its trekker or the aanjager (lib/followup/actions.record_effect)."""

    __tablename__ = "action_effect"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"ActionEffect({self.action_id}, {self.text[:20]!r})"


class PresenceConfirmation(Base):
    """The aanjager confirmed who was actually there (`Attendance.present` of the session's rows):
    who confirmed, when. Only confirmed presence counts for a deelnameverklaring."""

    __tablename__ = "presence_confirmation"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("learning_session.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py

    confirmed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"PresenceConfirmation({self.session_id}, v{self.version})"


# --- recurring themes (lib/insight/themes.py) ----------------------------------------------------


class Theme(Base):
    """A terugkerend thema: contributions of one perspective and kind that an aanjager confirmed say
    the same thing ("samenvoegen"). Its scope is the series of the session it was confirmed in and,
    when all its first contributions came from cases of one organisation, that organisation."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    perspective: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_session.id", ondelete="SET NULL"), index=True
    )  # where it was first confirmed
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__: Mapping[str, Any] = {"version_id_col": version}  # lib/core/versions.py
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Theme({self.id}, {self.name!r})"


class ThemeMember(Base):
    """A contribution confirmed to belong to a theme; a contribution belongs to at most one theme."""

    __tablename__ = "theme_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ThemeRejection(Base):
    """A suggested group the aanjager rejected: not suggested again in that session."""

    __tablename__ = "theme_rejection"
    __table_args__ = (UniqueConstraint("session_id", "signature", name="uq_theme_rejection_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("learning_session.id", ondelete="CASCADE"), index=True)
    contribution_ids: Mapped[list[Any]] = mapped_column(default=list)
    signature: Mapped[str] = mapped_column(String(64))  # the sorted ids, joined: one row per rejected group
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
