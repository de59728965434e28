"""The shipped werkvormen come with the database (a migration), so looking at a page never writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib.core import db
from lib.models import Base, Role, Template
from lib.ui.nav import pages_for
from tests import factories
from tests.pages.conftest import APP, log_in

PAGES = [spec.path for spec in pages_for(Role.BEHEERDER)]


def _everything(engine) -> dict[str, list[tuple]]:
    with db.read(engine) as session:
        return {
            t.name: sorted(map(tuple, session.execute(select(t)).all()), key=repr) for t in Base.metadata.sorted_tables
        }


@pytest.fixture
def fresh_beheerder(sqlite_engine) -> int:
    """A freshly migrated database with only a beheerder: what an organisation has on day one."""
    with db.transaction(sqlite_engine) as session:
        return factories.user(session, Role.BEHEERDER).id


def test_a_fresh_database_offers_the_shipped_werkvormen(sqlite_engine, fresh_beheerder):
    at = AppTest.from_file(APP, default_timeout=30)
    log_in(at, sqlite_engine, fresh_beheerder)
    at.run()
    at.switch_page("pages/werkvormen.py").run()
    assert not at.exception
    shown = list(at.dataframe[0].value.iloc[:, 0])
    assert "Drie perspectieven" in shown


@pytest.mark.parametrize("page", PAGES)
def test_viewing_a_page_writes_nothing(sqlite_engine, fresh_beheerder, page):
    with db.transaction(sqlite_engine) as session:
        # Even with every werkvorm gone, no page puts the shipped ones back: only the migration adds them.
        for template in session.scalars(select(Template)):
            session.delete(template)
    at = AppTest.from_file(APP, default_timeout=30)
    log_in(at, sqlite_engine, fresh_beheerder)
    before = _everything(sqlite_engine)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert _everything(sqlite_engine) == before
