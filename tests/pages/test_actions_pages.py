"""The opvolging, terugkoppeling, oogst and home pages per role: what each user sees and can change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from lib.core import db
from lib.models import Action, ActionStatus, Organisation
from tests.pages.conftest import open_tab, texts


def action_of(engine, title_start: str) -> Action:
    with db.read(engine) as session:
        return session.scalar(select(Action).where(Action.title.startswith(title_start)))


def tab_labels(at) -> list[str]:
    return [tab.label for tab in at.tabs]


def test_professional_sees_only_mijn_acties(app_as):
    at = app_as("professional", "pages/opvolging.py")
    assert not at.exception
    assert tab_labels(at) == ["Mijn acties"]
    assert "U bent van geen enkele vervolgactie de trekker." in texts(at)


def test_manager_sees_own_actions_and_all_of_the_own_organisation_by_default(app_as):
    at = app_as("manager", "pages/opvolging.py")
    assert not at.exception, at.exception
    assert tab_labels(at) == ["Mijn acties", "Alle acties"]
    (mine,) = (f.value for f in at.table)  # only the open tab runs
    assert set(mine["Actie"]) == {
        "Spoedprocedure schuldhulp bij een lopende ontruimingsprocedure",
        "Vanaf 17,5 jaar een gezamenlijk gesprek met jeugd- en Wmo-consulent",
    }
    open_tab(at, "opvolging_tab", "Alle acties")
    (everything,) = (f.value for f in at.table)
    assert set(everything["Organisatie"]) == {"Gemeente Oss"}
    # "Alle" organisations still means: the ones the terugkoppeling shows this manager (lib/core/visibility.py).
    at.selectbox(key="all_organisation").set_value(0).run()
    assert set(at.table[0].value["Organisatie"]) == {"Gemeente Oss"}
    at.multiselect(key="all_status").set_value(["vervallen"]).run()
    assert len(at.table[0].value) == 1


def pick(at, prefix: str, action_id: int):
    # AppTest applies the page's format_func to the value: set the raw value, never a shown label.
    at.selectbox(key=f"{prefix}_pick").set_value(action_id).run()
    return at


def organisation_id(engine, name: str) -> int:
    with db.read(engine) as session:
        return session.scalar(select(Organisation.id).where(Organisation.name == name))


def test_manager_marks_an_action_niet_gelukt_only_with_a_reason(app_as, sqlite_engine):
    spoed = action_of(sqlite_engine, "Spoedprocedure")
    at = pick(app_as("manager", "pages/opvolging.py"), "mine", spoed.id)
    assert "Geschiedenis" in texts(at)
    at.selectbox(key=f"mine_new_status_{spoed.id}").set_value(ActionStatus.FAILED).run()
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert [e.value for e in at.error] == ["Waarom niet? Geef een reden op."]
    assert action_of(sqlite_engine, "Spoedprocedure").status == ActionStatus.IN_PROGRESS
    at.text_area(key=f"mine_note_{spoed.id}").input("De corporatie wil geen pilot").run()
    at.button(key=f"mine_save_{spoed.id}").click().run()
    assert not at.exception
    assert "Opgeslagen: de status is nu 'niet gelukt'." in texts(at)
    stored = action_of(sqlite_engine, "Spoedprocedure")
    assert (stored.status, stored.reason) == (ActionStatus.FAILED, "De corporatie wil geen pilot")


def test_manager_cannot_see_or_change_an_action_of_another_organisation(app_as, sqlite_engine):
    handreiking = action_of(sqlite_engine, "Handreiking")
    at = open_tab(app_as("manager", "pages/opvolging.py"), "opvolging_tab", "Alle acties")
    at.selectbox(key="all_organisation").set_value(0).run()  # Alle
    assert handreiking.title not in at.selectbox(key="all_pick").options[0] + "".join(
        at.selectbox(key="all_pick").options
    )


def test_aanjager_walks_through_the_terugblik_and_records_niet_gelukt(app_as, sqlite_engine):
    at = app_as("aanjager", "pages/opvolging.py")
    assert tab_labels(at) == ["Mijn acties", "Alle acties", "Terugblik"]
    shown = texts(open_tab(at, "opvolging_tab", "Terugblik"))
    assert "3 open vervolgacties in de terugblik (van 6)" in shown  # the one count (lib terugblik)
    assert "Actie 1 van 6" in shown
    # The last agreed action comes first, at room size (the projector's markup).
    first_id = int(next(c.key for c in at.segmented_control if c.key.startswith("review_status_")).rsplit("_", 1)[1])
    with db.read(sqlite_engine) as session:
        first = session.get(Action, first_id)
    at.segmented_control(key=f"review_status_{first.id}").set_value(ActionStatus.FAILED).run()
    at.text_input(key=f"review_note_{first.id}").input("Geen budget dit jaar").run()
    at.button(key=f"review_save_{first.id}").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "1 actie besproken: 1 niet gelukt" in shown
    assert "Actie 2 van 6" in shown
    with db.read(sqlite_engine) as session:
        stored = session.get(Action, first.id)
        assert stored.reason == "Geen budget dit jaar"
        assert stored.updates[-1].session_id is not None  # recorded against session 2


def test_aanjager_lists_the_terugblik_and_marks_one_discussed_without_change(app_as, sqlite_engine, demo_db):
    done = action_of(sqlite_engine, "Vast aanspreekpunt")
    at = open_tab(app_as("aanjager", "pages/opvolging.py"), "opvolging_tab", "Terugblik")
    at.segmented_control(key=f"review_mode_{demo_db['next_session_id']}").set_value("Als lijst").run()
    assert len([b for b in at.button if b.key and b.key.startswith("review_save_")]) == 6
    at.button(key=f"review_same_{done.id}").click().run()
    assert "1 actie besproken: 1 gerealiseerd" in texts(at)


def test_manager_terugkoppeling_shows_the_own_organisation(app_as):
    at = app_as("manager", "pages/terugkoppeling.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="feedback_organisation").options == ["Gemeente Oss"]
    frame = at.dataframe[0].value
    assert set(frame["Actie"]) == {
        "Spoedprocedure schuldhulp bij een lopende ontruimingsprocedure",
        "Vanaf 17,5 jaar een gezamenlijk gesprek met jeugd- en Wmo-consulent",
    }
    assert "Wordt opgepakt in het landelijke programma 18-/18+." in set(frame["Waarom niet"])
    assert "2 acties voor deze organisatie: 1 bezig, 1 vervallen" in texts(at)


def test_aanjager_chooses_another_organisation_for_terugkoppeling(app_as, sqlite_engine):
    at = app_as("aanjager", "pages/terugkoppeling.py")
    at.selectbox(key="feedback_organisation").set_value(organisation_id(sqlite_engine, "Wijkteam Ruwaard")).run()
    assert not at.exception
    assert "Geen capaciteit in het wijkteam" in " ".join(at.dataframe[0].value["Waarom niet"])


def test_oogst_shows_counts_reasons_and_a_chart(app_as):
    at = app_as("manager", "pages/oogst.py")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    # The manager's own organisation's actions only (lib/core/visibility.py): not the other one's handreiking.
    assert metrics == {"Leersessies": "1", "Casussen besproken": "3", "Oplossingen": "6", "Vervolgacties": "2"}
    reasons = at.dataframe[0].value
    assert list(reasons["Status"]) == ["vervallen"]
    assert "Geen capaciteit in het wijkteam om de handreiking te schrijven." not in list(reasons["Waarom niet"])
    assert at.get("plotly_chart")


def test_home_shows_my_actions_due_soon_and_a_link_to_opvolging(app_as):
    at = app_as("manager", "pages/home.py")
    shown = texts(at)
    assert "Mijn acties: te laat en binnenkort" in shown
    assert "Spoedprocedure schuldhulp" in shown  # due next Tuesday, within 14 days
    assert "Vanaf 17,5 jaar" not in shown  # vervallen


def test_editing_the_due_date_to_before_creation_is_refused_in_dutch(app_as, sqlite_engine):
    spoed = action_of(sqlite_engine, "Spoedprocedure")
    at = pick(app_as("manager", "pages/opvolging.py"), "mine", spoed.id)
    at.date_input(key=f"mine_edit_due_{spoed.id}").set_value(spoed.created_at.date() - dt.timedelta(days=2))
    at.button(key=f"mine_edit_save_{spoed.id}").click().run()
    assert any("vóór de datum waarop de actie is aangemaakt" in e.value for e in at.error)
    assert action_of(sqlite_engine, "Spoedprocedure").due_date == spoed.due_date


def test_action_text_is_shown_inert(app_as, sqlite_engine):
    spoed = action_of(sqlite_engine, "Spoedprocedure")
    with db.transaction(sqlite_engine) as session:
        session.get(Action, spoed.id).title = "**vet** [klik](http://x.example) <b>html</b>"
    at = pick(app_as("manager", "pages/opvolging.py"), "mine", spoed.id)
    heading = next(m.value for m in at.markdown if "vet" in m.value and m.value.startswith("## "))
    assert heading == r"## \*\*vet\*\* \[klik\]\(http\://x\.example\) \<b\>html\</b\>"


def test_oogst_draws_each_list_of_contributions_as_one_element(app_as):
    """A series holds thousands of contributions: one element per list, not per line."""
    at = app_as("aanjager", "pages/oogst.py")
    assert not at.exception, at.exception
    sessions = [e.key for e in at.expander if (e.key or "").startswith("harvest_session_")]
    assert sessions and not [t for t in at.text if t.value.startswith("• ")]  # closed: nothing sent
    for key in sessions:  # opened, as a click does
        at.session_state[key] = True
    at.run()
    lists = [t.value for t in at.text if t.value.startswith("• ")]
    assert lists and any("\n• " in value for value in lists)
    assert all(line.startswith("• ") for value in lists for line in value.split("\n"))


def test_terugkoppeling_pages_long_tables_and_follows_a_change_at_once(app_as, sqlite_engine):
    """An organisation with hundreds of actions in the period: the table shows a hundred at a time with
    a page number; a change made elsewhere shows on the next run (the report is cached per change)."""
    oss = organisation_id(sqlite_engine, "Gemeente Oss")
    with db.transaction(sqlite_engine) as session:
        shown = session.scalars(select(Action).where(Action.organisation_id == oss)).first()
        for number in range(120):
            session.add(
                Action(
                    session_id=shown.session_id,
                    title=f"Extra actie {number:03d}",
                    owner_name="Trekker",
                    organisation_id=oss,
                    due_date=shown.due_date,
                )
            )
    at = app_as("manager", "pages/terugkoppeling.py")
    assert not at.exception
    assert len(at.dataframe[0].value) == 100
    assert "1–100 van 122 vervolgacties; de download bevat ze allemaal." in [c.value for c in at.caption]
    at.number_input(key="feedback_actions_page").set_value(2).run()
    assert len(at.dataframe[0].value) == 22
    with db.transaction(sqlite_engine) as session:
        from lib.followup import actions
        from tests import factories as f

        target = session.scalars(select(Action).where(Action.title == "Extra actie 119")).one()
        aanjager = f.current(f.user(session, f.Role.AANJAGER))
        actions.change_status(
            session=session,
            action_id=target.id,
            to_status=ActionStatus.DONE,
            note="Klaar.",
            actor=aanjager,
            expected_version=target.version,
        )
    at.run()
    frame = at.dataframe[0].value
    assert frame.set_index("Actie").loc["Extra actie 119", "Status"] == "gerealiseerd"
