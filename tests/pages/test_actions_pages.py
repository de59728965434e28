"""The opvolging, terugkoppeling and oogst pages per role: what each user sees and can change."""

from __future__ import annotations

from sqlalchemy import select

from lib import db
from lib.models import Action


def action_id(engine, title_start: str) -> int:
    with db.read(engine) as session:
        return session.scalar(select(Action.id).where(Action.title.startswith(title_start)))


def test_manager_sees_own_actions_and_all_of_the_organisation(app_as):
    at = app_as("manager", "pages/opvolging.py")
    assert not at.exception, at.exception
    frames = [f.value for f in at.dataframe]
    mine, everything = frames[0], frames[1]
    assert "Spoedprocedure schuldhulp bij een lopende ontruimingsprocedure" in list(mine["Actie"])
    # Alle acties: the manager's own organisation (Gemeente Oss) by default.
    assert set(everything["Organisatie"]) == {"Gemeente Oss"}
    assert at.selectbox(key="all_organisation").value is not None
