"""Werkvormen: the shipped set, and a beheerder editing one (validation, order, snapshots untouched)."""

from __future__ import annotations

import pytest

from lib.core import db
from lib.core.errors import Conflict, DomainError, NotAllowed
from lib.models import Role, Template
from lib.planning import werkvormen
from lib.planning.werkvormen import RoundInput, TemplateInput
from tests import factories as f


def test_a_freshly_migrated_database_has_the_shipped_werkvormen_with_the_default_first(engine):
    with db.read(engine) as session:
        shown = werkvormen.list_templates(session=session)
    names = [t.name for t in shown]
    assert names[0] == "Drie perspectieven"
    assert {"Intervisie (incidentmethode)", "Oploskoffie", "Waarderend onderzoeken"} <= set(names)
    drie = shown[0]
    assert [r.perspective for r in drie.rounds] == ["systeem", "professional", "veranderproces"]
    assert [r.minutes for r in drie.rounds] == [20, 20, 20]
    assert [r.yields_solutions for r in drie.rounds] == [False, False, True]
    assert all(len(r.guiding_questions) >= 2 for t in shown for r in t.rounds)


@pytest.fixture
def beheerder(engine):
    with db.transaction(engine) as session:
        return f.current(f.user(session, Role.BEHEERDER))


def _create(engine, beheerder, rounds, name="Vijf waaroms"):
    with db.transaction(engine) as session:
        return werkvormen.create_template(
            session=session, actor=beheerder, data=TemplateInput(name, rounds, "Doorvragen")
        )


def test_beheerder_creates_and_reorders_rounds(engine, beheerder):
    first = RoundInput("Vraag", "professional", 10, ["Wat is de vraag?", "  "], False)
    second = RoundInput("Oplossen", "veranderproces", 25, ["Wat gaan we doen?"], True)
    template = _create(engine, beheerder, [first, second])
    with db.transaction(engine) as session:
        werkvormen.update_template(
            session=session,
            template_id=template.id,
            expected_version=1,
            actor=beheerder,
            data=TemplateInput("Vijf waaroms", [second, first]),
        )
    with db.read(engine) as session:
        stored = session.get(Template, template.id)
        assert [r.name for r in stored.rounds] == ["Oplossen", "Vraag"]
        assert stored.rounds[1].guiding_questions == ["Wat is de vraag?"]
        assert stored.version == 2
        assert werkvormen.total_minutes(stored.rounds) == 35


@pytest.mark.parametrize(
    ("rounds", "message"),
    [
        ([], "minstens één ronde"),
        ([RoundInput("Ronde", "systeem", 0)], "Ronde 1: het aantal minuten moet groter dan 0"),
        ([RoundInput("Ronde", "systeem", 20), RoundInput("Ronde", "systeem", -5)], "Ronde 2: het aantal minuten"),
        ([RoundInput("x" * 121, "systeem", 20)], "Ronde 1: naam mag hoogstens 120 tekens"),
        ([RoundInput("Ronde", "", 20)], "Ronde 1: perspectief is verplicht"),
    ],
)
def test_bad_werkvorm_is_refused_and_nothing_stored(engine, beheerder, rounds, message):
    with pytest.raises(DomainError, match=message):
        _create(engine, beheerder, rounds)
    with db.read(engine) as session:
        assert session.query(Template).filter(Template.name == "Vijf waaroms").count() == 0


def test_failed_edit_keeps_the_old_rounds(engine, beheerder):
    template = _create(engine, beheerder, [RoundInput("Ronde", "systeem", 20)])
    with pytest.raises(DomainError), db.transaction(engine) as session:
        werkvormen.update_template(
            session=session,
            template_id=template.id,
            expected_version=1,
            actor=beheerder,
            data=TemplateInput("Vijf waaroms", [RoundInput("Nieuw", "systeem", 0)]),
        )
    with db.read(engine) as session:
        assert [r.name for r in session.get(Template, template.id).rounds] == ["Ronde"]


def test_stale_edit_is_a_conflict(engine, beheerder):
    template = _create(engine, beheerder, [RoundInput("Ronde", "systeem", 20)])
    data = TemplateInput("Vijf waaroms", [RoundInput("Ronde", "systeem", 30)])
    with db.transaction(engine) as session:
        werkvormen.update_template(
            session=session, template_id=template.id, data=data, expected_version=1, actor=beheerder
        )
    with pytest.raises(Conflict), db.transaction(engine) as session:
        werkvormen.update_template(
            session=session, template_id=template.id, data=data, expected_version=1, actor=beheerder
        )


def test_an_aanjager_may_not_edit_werkvormen(engine):
    with db.transaction(engine) as session:
        aanjager = f.current(f.user(session, Role.AANJAGER))
    with pytest.raises(NotAllowed):
        _create(engine, aanjager, [RoundInput("Ronde", "systeem", 20)])


def test_questions_from_text_drops_empty_lines():
    assert werkvormen.questions_from_text("Wat helpt?\n\n  Wat belemmert?  \n") == ["Wat helpt?", "Wat belemmert?"]


def test_adding_the_shipped_werkvormen_again_changes_nothing(engine):
    """A database that got them the old way (on first view) keeps its werkvormen as they are."""
    with engine.begin() as connection:
        assert werkvormen.add_builtin(connection) == []
    with db.read(engine) as session:
        assert sum(t.is_default for t in werkvormen.list_templates(session=session)) == 1
