"""Werkvormen (round plans): the built-in set shipped in data/werkvormen.json (added to the database by
a migration), reading and editing them.

Editing replaces a werkvorm's rounds; sessions keep the snapshot taken when they were planned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.core import audit, policy, versions
from lib.core.config import ROOT
from lib.core.errors import DomainError, NotFound
from lib.core.validation import clean_text
from lib.models import Template, TemplateRound, UTCDateTime, utcnow

BUILTIN_FILE = ROOT / "data" / "werkvormen.json"


def builtin_definitions() -> list[dict[str, Any]]:
    return json.loads(BUILTIN_FILE.read_text(encoding="utf-8"))


# The columns the shipped werkvormen fill, as plain tables: migrations call `add_builtin`, and a migration
# must not depend on the ORM models of a later revision.
_template = sa.table(
    "template",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("is_default", sa.Boolean),
    sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
_template_round = sa.table(
    "template_round",
    sa.column("template_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("name", sa.String),
    sa.column("perspective", sa.String),
    sa.column("minutes", sa.Integer),
    sa.column("guiding_questions", sa.JSON),
    sa.column("yields_solutions", sa.Boolean),
)


def add_builtin(connection: Connection) -> list[str]:
    """Add each shipped werkvorm that is not in the database yet (by name); never overwrite edits.

    Run by the Alembic data migration, not when a page is viewed. Returns the names added.
    """
    existing = set(connection.scalars(sa.select(_template.c.name)))
    has_default = (
        connection.execute(sa.select(sa.func.count()).where(_template.c.is_default.is_(True))).scalar_one() > 0
    )
    now = utcnow()
    added = []
    for definition in builtin_definitions():
        if definition["name"] in existing:
            continue
        is_default = bool(definition.get("default")) and not has_default
        has_default = has_default or is_default
        connection.execute(
            sa.insert(_template).values(
                name=definition["name"],
                description=definition["description"],
                is_default=is_default,
                active=True,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        template_id = connection.scalar(sa.select(_template.c.id).where(_template.c.name == definition["name"]))
        connection.execute(
            sa.insert(_template_round),
            [
                {
                    "template_id": template_id,
                    "position": position,
                    "name": r["name"],
                    "perspective": r["perspective"],
                    "minutes": r["minutes"],
                    "guiding_questions": r["guiding_questions"],
                    "yields_solutions": r["yields_solutions"],
                }
                for position, r in enumerate(definition["rounds"])
            ],
        )
        added.append(definition["name"])
    return added


def default_template(*, session: Session) -> Template | None:
    query = select(Template).options(selectinload(Template.rounds)).where(Template.active.is_(True))
    return session.scalar(query.order_by(Template.is_default.desc(), Template.id))


def snapshot(template: Template) -> list[dict[str, Any]]:
    """The round plan a session keeps, independent of later edits to the werkvorm."""
    return [r.snapshot() for r in template.rounds]


# --- editing (beheerder) ------------------------------------------------------------------------

MAX_ROUND_MINUTES = 240
MAX_QUESTIONS = 12


@dataclass(frozen=True)
class RoundInput:
    name: str
    perspective: str
    minutes: int
    guiding_questions: list[str] = field(default_factory=list)
    yields_solutions: bool = False
    inbrenger_listens: bool = False  # the inbrenger only listens in this round (intervisie, oploskoffie)


@dataclass(frozen=True)
class TemplateInput:
    name: str
    rounds: list[RoundInput]
    description: str = ""


def questions_from_text(text: str) -> list[str]:
    """Guiding questions typed one per line (empty lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _validated_round(number: int, data: RoundInput) -> RoundInput:
    where = f"Ronde {number}"
    name = clean_text(data.name, field=f"{where}: naam", max_length=120)
    perspective = clean_text(data.perspective, field=f"{where}: perspectief", max_length=60)
    try:
        minutes = int(data.minutes)
    except (TypeError, ValueError):
        raise DomainError(f"{where}: vul het aantal minuten in als een heel getal.") from None
    if minutes <= 0:
        raise DomainError(f"{where}: het aantal minuten moet groter dan 0 zijn.")
    if minutes > MAX_ROUND_MINUTES:
        raise DomainError(f"{where}: een ronde duurt hoogstens {MAX_ROUND_MINUTES} minuten.")
    questions = [
        clean_text(q, field=f"{where}: richtvraag", max_length=500) for q in data.guiding_questions if (q or "").strip()
    ]
    if len(questions) > MAX_QUESTIONS:
        raise DomainError(f"{where}: geef hoogstens {MAX_QUESTIONS} richtvragen.")
    return RoundInput(name, perspective, minutes, questions, bool(data.yields_solutions), bool(data.inbrenger_listens))


def _validated(session: Session, data: TemplateInput, template_id: int | None) -> TemplateInput:
    name = clean_text(data.name, field="Naam van de werkvorm", max_length=120)
    description = clean_text(data.description, field="Beschrijving", max_length=2000, required=False)
    if not data.rounds:
        raise DomainError("Een werkvorm heeft minstens één ronde.")
    if len(data.rounds) > 12:
        raise DomainError("Een werkvorm heeft hoogstens 12 rondes.")
    rounds = [_validated_round(number, r) for number, r in enumerate(data.rounds, start=1)]
    clash = select(Template.id).where(func.lower(Template.name) == name.lower())
    if template_id is not None:
        clash = clash.where(Template.id != template_id)
    if session.scalar(clash) is not None:
        raise DomainError("Er bestaat al een werkvorm met deze naam. Kies een andere naam.")
    return TemplateInput(name, rounds, description)


def _round_rows(rounds: list[RoundInput]) -> list[TemplateRound]:
    return [
        TemplateRound(
            position=position,
            name=r.name,
            perspective=r.perspective,
            minutes=r.minutes,
            guiding_questions=list(r.guiding_questions),
            yields_solutions=r.yields_solutions,
            inbrenger_listens=r.inbrenger_listens,
        )
        for position, r in enumerate(rounds)
    ]


def create_template(*, session: Session, data: TemplateInput, actor: CurrentUser) -> Template:
    policy.require(actor, "werkvorm.edit")
    data = _validated(session, data, None)
    template = Template(name=data.name, description=data.description, rounds=_round_rows(data.rounds))
    session.add(template)
    session.flush()
    audit.record(session=session, event="template_created", user_id=actor.id, entity="template", entity_id=template.id)
    return template


def update_template(
    *, session: Session, template_id: int, data: TemplateInput, expected_version: int, actor: CurrentUser
) -> Template:
    """Replace name, description and rounds. Sessions keep their own snapshot, so none of them changes."""
    policy.require(actor, "werkvorm.edit")
    template = session.get(Template, template_id, with_for_update=True)
    if template is None:
        raise NotFound("Deze werkvorm bestaat niet.")
    data = _validated(session, data, template_id)
    versions.check(template, expected_version)
    template.name, template.description, template.updated_at = data.name, data.description, utcnow()
    template.rounds.clear()
    session.flush()  # the old positions must be gone before the new rounds take them
    template.rounds.extend(_round_rows(data.rounds))
    session.flush()
    audit.record(session=session, event="template_updated", user_id=actor.id, entity="template", entity_id=template.id)
    return template


def set_default(*, session: Session, template_id: int, actor: CurrentUser) -> None:
    """Make this werkvorm the one new series get."""
    policy.require(actor, "werkvorm.edit")
    chosen = session.get(Template, template_id)
    if chosen is None:
        raise NotFound("Deze werkvorm bestaat niet.")
    # Not an edit of the werkvormen (no new versions): somebody editing one of them can still save.
    session.execute(
        update(Template).values(is_default=Template.id == template_id).execution_options(synchronize_session=False)
    )


def list_templates(*, session: Session, include_inactive: bool = False) -> list[Template]:
    query = select(Template).options(selectinload(Template.rounds)).order_by(Template.is_default.desc(), Template.name)
    if not include_inactive:
        query = query.where(Template.active.is_(True))
    return list(session.scalars(query))


def total_minutes(rounds: list[dict[str, Any]] | list[TemplateRound]) -> int:
    return sum(r["minutes"] if isinstance(r, dict) else r.minutes for r in rounds)
