"""The three case pages per role: submitting with the privacy check, Mijn casussen, the inbox."""

from __future__ import annotations

from sqlalchemy import select

from lib.cases import selection
from lib.core import db
from lib.models import Case, CaseStatus, LearningSession, User
from lib.ui.text import md_escape
from tests.corpus import blns
from tests.pages.conftest import texts


def html_of(at) -> str:
    return "".join(element.proto.body for element in at.get("html"))


def button(at, key):
    return next(b for b in at.button if b.key == key)


def stored_case(engine, title) -> Case | None:
    with db.read(engine) as session:
        return session.scalar(select(Case).where(Case.title == title))


# --- Casus indienen -------------------------------------------------------------------------------


def test_a_bsn_is_highlighted_and_blocks_saving(app_as, sqlite_engine):
    at = app_as("professional", "pages/casus_indienen.py")
    at.text_input(key="nieuw_title").input("Huurachterstand")
    at.text_area(key="nieuw_description").input("Moeder <b>Jansen</b>, BSN 111.222.333, zit vast.")
    at.text_area(key="nieuw_question").input("Hoe voorkomen we een uitzetting?").run()
    assert "Verwijder dat eerst" in texts(at)
    shown = html_of(at)
    assert '<mark class="blocking" data-kind="bsn" title="BSN">111.222.333</mark>' in shown
    assert "&lt;b&gt;Jansen&lt;/b&gt;" in shown and "<b>Jansen" not in shown  # shown inert
    assert button(at, "casus_indienen_save").disabled
    at.checkbox(key="nieuw_confirmed").check().run()
    assert button(at, "casus_indienen_save").disabled  # confirming does not release a BSN
    assert stored_case(sqlite_engine, "Huurachterstand") is None


def test_other_personal_data_needs_the_confirmation_then_the_case_is_saved(app_as, sqlite_engine):
    at = app_as("professional", "pages/casus_indienen.py")
    at.text_input(key="nieuw_title").input("Overbelaste mantelzorger")
    at.text_area(key="nieuw_description").input("Zij woont op de Kruisstraat 12 en is moe.")
    at.text_area(key="nieuw_question").input("Hoe bespreken we respijtzorg?").run()
    assert 'data-kind="address"' in html_of(at)
    assert button(at, "casus_indienen_save").disabled
    at.checkbox(key="nieuw_confirmed").check().run()
    button(at, "casus_indienen_save").click().run()
    assert not at.exception
    assert "Uw casus 'Overbelaste mantelzorger' is ingediend." in texts(at)
    assert at.text_input(key="nieuw_title").value == ""  # a fresh form for the next case
    case = stored_case(sqlite_engine, "Overbelaste mantelzorger")
    assert case.status == CaseStatus.SUBMITTED and case.anonymised_confirmed


def test_clean_text_saves_without_confirmation_and_empty_fields_get_a_message(app_as, sqlite_engine):
    at = app_as("manager", "pages/casus_indienen.py")
    at.text_input(key="nieuw_title").input("Regie bij veel hulpverleners").run()
    button(at, "casus_indienen_save").click().run()
    assert "Beschrijving van de situatie is verplicht." in [e.value for e in at.error]
    at.text_area(key="nieuw_description").input("Zeven hulpverleners bij één gezin.")
    at.text_area(key="nieuw_question").input("Wie neemt de regie?").run()
    assert "geen persoonsgegevens gevonden" in texts(at)
    button(at, "casus_indienen_save").click().run()
    assert stored_case(sqlite_engine, "Regie bij veel hulpverleners") is not None


# --- Mijn casussen --------------------------------------------------------------------------------


def test_professional_sees_only_own_cases_with_their_status(app_as):
    at = app_as("professional", "pages/mijn_casussen.py")
    shown = texts(at)
    assert "Schulden en een dreigende huisuitzetting" in shown and "besproken op" in shown
    assert "Terugval na ontslag uit de kliniek" in shown and "ingediend" in shown
    assert "Zorgmijder met vervuilde woning" not in shown  # joost's case


def test_professional_edits_a_case_and_the_check_runs_on_the_edit(app_as, sqlite_engine):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = app_as("professional", "pages/mijn_casussen.py")
    button(at, f"edit_{case.id}_open").click().run()
    assert at.text_input(key=f"edit_{case.id}_title").value == case.title
    at.text_area(key=f"edit_{case.id}_description").input("Rekening NL91ABNA0417164300 is leeg.").run()
    assert button(at, f"edit_{case.id}_save").disabled
    at.text_area(key=f"edit_{case.id}_description").input("De huur is niet betaald.")
    at.text_input(key=f"edit_{case.id}_title").input("Terugval na de kliniek").run()
    button(at, f"edit_{case.id}_save").click().run()
    assert "De wijzigingen zijn opgeslagen." in texts(at)
    assert "Terugval na de kliniek" in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(Case, case.id).description == "De huur is niet betaald."


def test_professional_withdraws_after_confirming(app_as, sqlite_engine):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = app_as("professional", "pages/mijn_casussen.py")
    button(at, f"withdraw_{case.id}").click().run()
    assert "Weet u zeker" in texts(at)
    button(at, f"withdraw_yes_{case.id}").click().run()
    assert "De casus is ingetrokken." in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(Case, case.id).status == CaseStatus.WITHDRAWN


def test_a_manager_without_cases_is_told_so(app_as):
    at = app_as("manager", "pages/mijn_casussen.py")
    assert "U heeft nog geen casussen ingediend." in texts(at)


# --- Casusinbox -----------------------------------------------------------------------------------


def opened(at, *case_ids: int):
    """Open these cases' expanders, as a click does (a closed case runs none of its content)."""
    for case_id in case_ids:
        at.session_state[f"inbox_case_{case_id}"] = True
    return at.run()


def test_a_closed_case_sends_nothing_of_its_text_and_opening_shows_it(app_as, sqlite_engine):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = app_as("aanjager", "pages/casussen.py")
    assert any("kliniek" in e.label for e in at.expander)
    assert case.learning_question not in texts(at) and not at.get("selectbox")[2:]
    opened(at, case.id)
    assert case.learning_question in texts(at)
    assert at.selectbox(key=f"inbox_session_{case.id}")


def test_inbox_shows_upcoming_sessions_with_cases_and_learning_questions(app_as):
    at = app_as("aanjager", "pages/casussen.py")
    assert not at.exception
    shown = texts(at)
    assert "Proeftuin Ruwaard — leersessie 2" in shown
    assert "3 van 3 casussen gekozen (vol)" in shown
    assert "Hoe bespreken we respijtzorg zo dat een mantelzorger het kan aannemen?" in shown


def test_inbox_search_and_select_for_a_session_says_when_full(app_as, sqlite_engine, demo_db):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = app_as("aanjager", "pages/casussen.py")
    at.text_input(key="inbox_search").input("kliniek").run()
    assert len(at.expander) == 1
    opened(at, case.id)
    at.selectbox(key=f"inbox_session_{case.id}").select(demo_db["next_session_id"]).run()
    # A full session offers a swap instead of a button that can only be refused.
    assert not [b for b in at.button if b.key == f"inbox_select_{case.id}"]
    assert [b for b in at.button if b.key.startswith(f"inbox_replace_{case.id}_")]
    later = demo_db["session_ids"][2]
    at.selectbox(key=f"inbox_session_{case.id}").select(later).run()
    button(at, f"inbox_select_{case.id}").click().run()
    assert "is geselecteerd" in texts(at)
    with db.read(sqlite_engine) as session:
        stored = session.get(Case, case.id)
        assert (stored.status, stored.session_id) == (CaseStatus.SELECTED, later)


def test_inbox_session_picker_says_full_first(app_as, sqlite_engine, demo_db):
    """The picker's labels start with how full a session is, so a narrow box never cuts 'vol' off."""
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = opened(app_as("aanjager", "pages/casussen.py"), case.id)
    picker = at.selectbox(key=f"inbox_session_{case.id}")
    labels = picker.options  # AppTest gives the labels as drawn
    assert labels[0].startswith("3 van 3 — vol · ")
    assert "Proeftuin Ruwaard — leersessie 2" in labels[0]


def test_a_full_sessions_casus_is_replaced_in_one_click(app_as, sqlite_engine, demo_db):
    """On a full session one click swaps the casus in for a chosen one, which goes back to the inbox."""
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = opened(app_as("aanjager", "pages/casussen.py"), case.id)
    at.selectbox(key=f"inbox_session_{case.id}").select(demo_db["next_session_id"]).run()
    swap = next(b for b in at.button if b.key.startswith(f"inbox_replace_{case.id}_"))
    replaced_id = int(swap.key.rsplit("_", 1)[1])
    swap.click().run()
    assert not at.exception
    assert "vervangt" in texts(at)
    with db.read(sqlite_engine) as session:
        assert session.get(Case, case.id).status == CaseStatus.SELECTED
        assert session.get(Case, case.id).session_id == demo_db["next_session_id"]
        assert session.get(Case, replaced_id).status == CaseStatus.SUBMITTED


def test_inbox_returns_a_case_with_a_note_the_submitter_then_sees(app_as, sqlite_engine):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    at = opened(app_as("aanjager", "pages/casussen.py"), case.id)
    at.text_input(key=f"inbox_note_{case.id}").input("Maak de leervraag concreter.").run()
    button(at, f"inbox_return_{case.id}").click().run()
    assert "teruggelegd" in texts(at)
    mine = app_as("professional", "pages/mijn_casussen.py")
    assert "Teruggelegd door de aanjager: Maak de leervraag concreter" in texts(mine)


def test_inbox_filters_by_status_and_pages(app_as, sqlite_engine):
    with db.transaction(sqlite_engine) as session:
        author = session.scalar(select(User).where(User.username == "joost"))
        for number in range(25):
            session.add(
                Case(title=f"Extra casus {number}", description="d", learning_question="v", submitter_id=author.id)
            )
    at = app_as("aanjager", "pages/casussen.py")
    assert "Pagina 1 van 2" in texts(at)
    button(at, "inbox_next").click().run()
    assert "Pagina 2 van 2" in texts(at)
    at.multiselect(key="inbox_status").set_value([CaseStatus.DISCUSSED]).run()
    assert len(at.expander) == 3 and "Pagina" not in texts(at)


def test_naughty_strings_are_shown_inert_in_the_inbox_and_my_cases(app_as, sqlite_engine):
    naughty = list(dict.fromkeys(s for s in blns() if "<" in s and s.strip()))[:40]
    with db.transaction(sqlite_engine) as session:
        author = session.scalar(select(User).where(User.username == "professional"))
        for text in naughty:
            session.add(Case(title=text[:120], description=text, learning_question=text[:500], submitter_id=author.id))
    for role, path in (("aanjager", "pages/casussen.py"), ("professional", "pages/mijn_casussen.py")):
        at = app_as(role, path)
        if role == "aanjager":
            at.multiselect(key="inbox_status").set_value(list(CaseStatus)).run()
            with db.read(sqlite_engine) as session:
                naughty_ids = session.scalars(select(Case.id).where(Case.description.in_(naughty))).all()
            opened(at, *naughty_ids)
        assert not at.exception
        shown_as_typed = {t.value for t in at.text} & set(naughty)
        assert len(shown_as_typed) == (20 if role == "aanjager" else len(naughty))  # a page of 20 vs. all own
        assert "<script" not in html_of(at)
        if role == "professional":  # titles go through Markdown: escaped, so "<" is never a tag
            headings = {m.value for m in at.markdown}
            assert all(f"## {md_escape(text[:120].strip())}" in headings for text in naughty)


def test_selection_is_visible_as_new_status_for_the_professional(app_as, sqlite_engine, demo_db):
    case = stored_case(sqlite_engine, "Terugval na ontslag uit de kliniek")
    later = demo_db["session_ids"][2]
    with db.transaction(sqlite_engine) as session:
        aanjager = session.scalar(select(User).where(User.username == "aanjager"))
        from lib.accounts import CurrentUser

        selection.select_for_session(
            session=session,
            case_id=case.id,
            learning_session_id=later,
            actor=CurrentUser.of(aanjager),
            expected_version=case.version,
        )
        title = session.get(LearningSession, later).title
    at = app_as("professional", "pages/mijn_casussen.py")
    assert f"geselecteerd voor {title}" in texts(at)


def test_inbox_proposes_the_submitters_preferred_session(app_as, sqlite_engine, demo_db):
    case = stored_case(sqlite_engine, "Eén gezin, zeven hulpverleners")
    at = opened(app_as("aanjager", "pages/casussen.py"), case.id)
    assert at.selectbox(key=f"inbox_session_{case.id}").value == demo_db["next_session_id"]
    assert "Voorkeur van de indiener: Proeftuin Ruwaard — leersessie 2" in texts(at)
