"""Werkvormen (round plans): the built-in set shipped in data/werkvormen.json, and reading them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lib.config import ROOT
from lib.models import Template, TemplateRound

BUILTIN_FILE = ROOT / "data" / "werkvormen.json"


def builtin_definitions() -> list[dict[str, Any]]:
    return json.loads(BUILTIN_FILE.read_text(encoding="utf-8"))


def ensure_builtin(*, session: Session) -> list[Template]:
    """Add each shipped werkvorm that is not in the database yet (by name); never overwrite edits."""
    existing = {t.name: t for t in session.scalars(select(Template))}
    result = []
    for definition in builtin_definitions():
        template = existing.get(definition["name"])
        if template is None:
            template = Template(
                name=definition["name"],
                description=definition["description"],
                is_default=definition.get("default", False) and not any(t.is_default for t in existing.values()),
                rounds=[
                    TemplateRound(
                        position=position,
                        name=r["name"],
                        perspective=r["perspective"],
                        minutes=r["minutes"],
                        guiding_questions=r["guiding_questions"],
                        yields_solutions=r["yields_solutions"],
                    )
                    for position, r in enumerate(definition["rounds"])
                ],
            )
            session.add(template)
        result.append(template)
    session.flush()
    return result


def default_template(*, session: Session) -> Template | None:
    query = select(Template).options(selectinload(Template.rounds)).where(Template.active.is_(True))
    return session.scalar(query.order_by(Template.is_default.desc(), Template.id))


def snapshot(template: Template) -> list[dict[str, Any]]:
    """The round plan a session keeps, independent of later edits to the werkvorm."""
    return [r.snapshot() for r in template.rounds]
