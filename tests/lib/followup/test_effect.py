"""Effect: once an action is realised, its trekker or the aanjager records what changed for residents or
professionals; the edit carries the version seen, and the oogst and the terugkoppeling show it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib.core import db
from lib.core.dates import local_today
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.exports.markdown import render_markdown
from lib.followup import actions
from lib.insight import oogst, terugkoppeling
from lib.models import Action, ActionEffect, ActionStatus, AuditLog, Role
from tests import factories as f

TODAY = local_today()
EFFECT = "Wachttijd voor schuldhulp van zes naar twee weken; twee huisuitzettingen voorkomen."


@pytest.fixture
def world(engine):
    with db.transaction(engine) as s:
        org = f.organisation(s, "Wijkteam Ruwaard")
        people = {
            "aanjager": f.user(s, Role.AANJAGER),
            "owner": f.user(s, Role.PROFESSIONAL, organisation=org),
            "colleague": f.user(s, Role.PROFESSIONAL, organisation=org),
            "manager": f.user(s, Role.MANAGER, organisation=org),
        }
        reeks = f.series(s, name="Proeftuin Ruwaard")
        meeting = f.learning_session(s, series_row=reeks, date=TODAY - dt.timedelta(days=20))
        done = f.action(s, meeting, people["owner"], title="Snelle intake schuldhulp", status=ActionStatus.DONE)
        busy = f.action(s, meeting, people["owner"], title="Nog bezig", status=ActionStatus.IN_PROGRESS)
        return {
            "done": done.id,
            "busy": busy.id,
            "series": reeks.id,
            "org": org.id,
            **{k: f.current(v) for k, v in people.items()},
        }


def record(engine, w, who: str, text: str = EFFECT, action: str = "done", version: int | None = None):
    with db.transaction(engine) as s:
        seen = s.get(Action, w[action]).version if version is None else version
        return actions.record_effect(
            session=s, action_id=w[action], text=text, actor=w[who], expected_version=seen
        ).text


def test_the_trekker_records_the_effect_as_a_line_in_the_history(engine, world):
    with db.read(engine) as s:
        before = s.get(Action, world["done"]).version
    assert record(engine, world, "owner") == EFFECT
    with db.read(engine) as s:
        assert s.get(Action, world["done"]).version == before + 1
        assert s.get(ActionEffect, world["done"]).text == EFFECT
        history = actions.history(session=s, action_id=world["done"], actor=world["owner"])
        assert history[-1].note == "Effect vastgelegd." and history[-1].change == "gerealiseerd (ongewijzigd)"
        assert s.scalar(select(AuditLog.event).where(AuditLog.entity_id == world["done"])) == "action_effect"
        assert actions.effects_of(session=s, action_ids=[world["done"], world["busy"]]) == {world["done"]: EFFECT}


def test_the_aanjager_may_change_it_and_the_same_text_changes_nothing(engine, world):
    record(engine, world, "owner")
    assert record(engine, world, "aanjager", "Wachttijd nu één week.") == "Wachttijd nu één week."
    with pytest.raises(DomainError, match="niets gewijzigd"):
        record(engine, world, "aanjager", "Wachttijd nu één week.")
    with db.read(engine) as s:
        notes = [e.note for e in actions.history(session=s, action_id=world["done"], actor=world["aanjager"])]
    assert notes[-2:] == ["Effect vastgelegd.", "Effect gewijzigd."]


@pytest.mark.parametrize("who", ["colleague", "manager"])
def test_only_the_trekker_or_the_aanjager_records_it(engine, world, who):
    with pytest.raises(NotAllowed, match="trekker of de aanjager"):
        record(engine, world, who)


def test_only_a_realised_action_has_an_effect(engine, world):
    with pytest.raises(DomainError, match="gerealiseerd is; deze actie is nu 'bezig'"):
        record(engine, world, "owner", action="busy")


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Effect is verplicht"), ("x" * 501, "hoogstens 500 tekens"), ("a\x00b", "ongeldig teken")],
)
def test_the_text_is_checked(engine, world, text, message):
    with pytest.raises(DomainError, match=message):
        record(engine, world, "owner", text)
    assert record(engine, world, "owner", "é" * 500) == "é" * 500


def test_an_edit_on_a_stale_screen_is_refused(engine, world):
    with db.read(engine) as s:
        seen = s.get(Action, world["done"]).version
    record(engine, world, "aanjager", "Eerst dit.")
    with pytest.raises(Conflict, match="intussen gewijzigd"):
        record(engine, world, "owner", version=seen)
    with db.read(engine) as s:
        assert s.get(ActionEffect, world["done"]).text == "Eerst dit."


def test_the_oogst_and_the_terugkoppeling_show_the_effect(engine, world):
    record(engine, world, "owner")
    with db.read(engine) as s:
        harvest = oogst.harvest(session=s, series_id=world["series"], actor=world["aanjager"])
        feedback = terugkoppeling.feedback(
            session=s,
            organisation_id=world["org"],
            start=TODAY - dt.timedelta(days=60),
            end=TODAY,
            actor=world["manager"],
        )
    assert [(e.title, e.effect) for e in harvest.effects] == [("Snelle intake schuldhulp", EFFECT)]
    for doc in (oogst.document(harvest), terugkoppeling.document(feedback)):
        text = render_markdown(doc)
        assert "Wat veranderde er? Het effect van gerealiseerde acties" in text
        assert "Snelle intake schuldhulp" in text and EFFECT in text.replace("\\", "")
    assert feedback.effects == {world["done"]: EFFECT}


def test_without_effects_the_documents_say_so(engine, world):
    with db.read(engine) as s:
        harvest = oogst.harvest(session=s, series_id=world["series"], actor=world["aanjager"])
    assert oogst.NO_EFFECTS in render_markdown(oogst.document(harvest))
