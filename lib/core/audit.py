"""The append-only audit log: every service that changes something important records it here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lib.models import AuditLog


def record(
    *,
    session: Session,
    event: str,
    user_id: int | None,
    entity: str = "",
    entity_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(AuditLog(event=event, user_id=user_id, entity=entity, entity_id=entity_id, detail=detail))
