"""Every user text is shown inert on every page: a series, session, user, organisation, case, group or
werkvorm named with an image link, a link, HTML or a bare URL loads nothing and links nowhere.

Streamlit renders st.markdown, titles, captions, alerts, expander and tab labels as Markdown; the test
reads the raw Markdown each element is given and checks that the hostile name only appears escaped
(an escaped "evil\\.example" cannot become a link or an image)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from lib.core import db, policy
from lib.models import Action, Case, Group, LearningSession, Organisation, Series, Template, User
from lib.ui.nav import PAGES
from tests.pages.conftest import APP, DEMO_ACCOUNTS, log_in

# One name per column (unique columns get a number): an image (tracking pixel), a link, raw HTML, a
# bare URL (autolinked by GitHub-flavoured Markdown), and emphasis.
HOSTILE = (
    "![p](https://evil.example/p.png) [klik](https://evil.example) <img src=https://evil.example/x> "
    "www.evil.example **vet**"
)
UNESCAPED = re.compile(r"(?<!\\)evil\.example|(?<!\\)<img|(?<!\\)\]\(|(?<!\\)\*\*vet")


def _hostile(engine) -> None:
    with db.transaction(engine) as session:
        for model, column in (
            (Series, Series.name),
            (Organisation, Organisation.name),
            (Template, Template.name),
            (User, User.display_name),
            (LearningSession, LearningSession.title),
            (Case, Case.title),
            (Case, Case.learning_question),
            (Group, Group.name),
            (Action, Action.title),
        ):
            ids = session.scalars(select(model.id)).all()
            for number, row_id in enumerate(ids):
                session.execute(update(model).where(model.id == row_id).values({column.key: f"{HOSTILE} {number}"}))
        session.execute(update(LearningSession).values(template_name=HOSTILE))


def _markdown_texts(at: AppTest) -> list[str]:
    """The raw Markdown of every element Streamlit renders as Markdown, labels included."""
    parts: list[str] = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "error", "warning", "info", "success", "toast"):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in (
        "expander",
        "tab",
        "button",
        "checkbox",
        "text_input",
        "text_area",
        "selectbox",
        "radio",
        "multiselect",
        "number_input",
        "date_input",
        "toggle",
        "download_button",
        "metric",
    ):
        parts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    parts += [str(option) for e in at.get("radio") for option in e.options]  # radio options are Markdown too
    return parts


@pytest.fixture
def hostile_app(sqlite_engine, demo_db):
    _hostile(sqlite_engine)
    with db.read(sqlite_engine) as session:
        ids = {name: session.scalar(select(User.id).where(User.username == name)) for name in DEMO_ACCOUNTS.values()}
    return ids


CASES = [(role, spec.path) for spec in PAGES for role in DEMO_ACCOUNTS if policy.allows(role, f"page.{spec.key}")]


@pytest.mark.parametrize(("role", "path"), CASES)
def test_no_page_renders_user_text_as_markdown(hostile_app, role, path):
    at = AppTest.from_file(APP, default_timeout=30)
    log_in(at, db.get_engine(), hostile_app[DEMO_ACCOUNTS[role]])
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    leaks = [text for text in _markdown_texts(at) if UNESCAPED.search(text)]
    assert not leaks, [leak[:160] for leak in leaks[:3]]
