"""Every page for every role against the policy table, on SQLite and PostgreSQL: a role the table
refuses sees "Geen toegang" and nothing of the page; a role it allows sees the page's own content."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib.core import db, policy
from lib.core.policy import POLICY, Rule
from lib.models import Role, User
from lib.ui.nav import PAGES, pages_for
from tests.pages.conftest import APP, DEMO_ACCOUNTS, load_demo, log_in, texts

# What each page shows of its own once it has rendered for an allowed role (with the demo data).
# A new page without an entry here fails test_every_page_has_its_own_content_to_check.
OWN_CONTENT = {
    "home": "Volgende leersessie",
    "projector": "Sessie openen",
    "deelnemen": "Meedoen met de leersessie",
    "casus_indienen": "Leervraag",
    "mijn_casussen": "Mijn casussen",
    "casussen": "Alle casussen",
    "mijn_sessies": "Proeftuin Ruwaard",
    "reeksen": "Data toevoegen",
    "sessie_voorbereiden": "Sessie voorbereiden",
    "werkvormen": "Werkvormen",
    "opvolging": "Opvolging",
    "dashboard": "Te late acties",
    "oogst": "Oogst van een reeks",
    "terugkoppeling": "Terugkoppeling per organisatie",
    "rapporten": "Sessieverslag",
    "gebruikers": "Nieuwe gebruiker",
    "mijn_gegevens": "Mijn gegevens",
    "gegevensbeheer": "Bewaartermijn van casussen",
    "auditlog": "Auditlog",
    "aanwezigheid": "Deelnameverklaringen van een reeks",
    "deelnameverklaring": "voor uw herregistratie",
}


@pytest.fixture
def open_as(engine, sqlite_template, demo_templates, tmp_path_factory) -> Callable[[Role, str], AppTest]:
    """`open_as(role, path)`: that page as the demo user of `role`, on the backend under test."""
    load_demo(engine, sqlite_template, demo_templates, tmp_path_factory)
    with db.read(engine) as session:
        ids = {name: session.scalar(select(User.id).where(User.username == name)) for name in DEMO_ACCOUNTS.values()}

    def open_page(role: Role, path: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        log_in(at, engine, ids[DEMO_ACCOUNTS[str(role)]])
        at.run()
        return at.switch_page(path).run()

    return open_page


def shows(at: AppTest) -> str:
    """Text, plus the labels of the inputs: a form's own content is mostly its fields."""
    labels = [w.label for kind in ("text_input", "text_area", "selectbox", "button") for w in at.get(kind)]
    return "\n".join([texts(at), *map(str, labels)])


def test_every_page_has_its_own_content_to_check():
    assert set(OWN_CONTENT) == {spec.key for spec in PAGES}


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_page_follows_the_table_for_every_role(open_as, spec, monkeypatch):
    for role in Role:
        at = open_as(role, spec.path)
        assert not at.exception, (role, at.exception)
        shown = shows(at)
        if policy.allows(role, spec.action) or spec.public:
            assert "Geen toegang" not in shown, role
            assert OWN_CONTENT[spec.key] in shown, role
        else:
            assert "Geen toegang" in shown, role
            assert OWN_CONTENT[spec.key] not in shown, role
            assert not at.dataframe and not at.text_input, role  # nothing of the page's content

    if spec.public:
        return  # the join page needs no login and no role
    # The guard reads the table: a rule that lets nobody in shuts out a role it let in before.
    allowed = next(role for role in Role if policy.allows(role, spec.action))
    monkeypatch.setitem(POLICY, spec.action, Rule(frozenset(), POLICY[spec.action].description))
    at = open_as(allowed, spec.path)
    assert "Geen toegang" in texts(at)
    assert OWN_CONTENT[spec.key] not in shows(at)


def test_the_menu_lists_what_the_table_allows(monkeypatch):
    assert [s.key for s in pages_for(Role.MANAGER)] == [
        "home",
        "mijn_gegevens",
        "deelnemen",
        "casus_indienen",
        "mijn_casussen",
        "mijn_sessies",
        "deelnameverklaring",
        "opvolging",
        "dashboard",
        "oogst",
        "terugkoppeling",
        "rapporten",
    ]
    monkeypatch.setitem(POLICY, "page.gebruikers", Rule(frozenset({Role.MANAGER}), "gebruikers beheren"))
    assert "gebruikers" in [s.key for s in pages_for(Role.MANAGER)]
    assert "gebruikers" not in [s.key for s in pages_for(Role.BEHEERDER)]
