"""Werkvormen: the round plans. The beheerder edits them; the aanjager reads them to pick one for a series."""

import pandas as pd
import streamlit as st

from lib.core import db, policy
from lib.planning import werkvormen
from lib.planning.werkvormen import RoundInput, TemplateInput
from lib.ui import flash, page, write
from lib.ui.text import md_escape

user = page.setup("werkvormen")

NEW = 0


def template_ui(template) -> None:
    """One werkvorm, read-only: its rounds in order with minutes and guiding questions."""
    default = " (standaard)" if template.is_default else ""
    with st.expander(f"{md_escape(template.name)}{default} — {werkvormen.total_minutes(template.rounds)} minuten"):
        if template.description:
            st.text(template.description)
        for number, r in enumerate(template.rounds, start=1):
            outcome = " · levert oplossingen op" if r.yields_solutions else ""
            outcome += " · de inbrenger luistert" if r.inbrenger_listens else ""
            st.markdown(f"**{number}.** ")
            st.text(f"{r.name} — perspectief {r.perspective}, {r.minutes} minuten{outcome}")
            for question in r.guiding_questions:
                st.text(f"   • {question}")


def overview_ui(templates) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Werkvorm": t.name,
                    "Rondes": len(t.rounds),
                    "Minuten": werkvormen.total_minutes(t.rounds),
                    "Standaard": t.is_default,
                }
                for t in templates
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for template in templates:
        template_ui(template)


def editor_ui(templates) -> None:
    st.header("Werkvorm bewerken")
    names = {t.id: t.name for t in templates}
    if st.session_state.get("wv_choice") not in [NEW, *names]:
        st.session_state["wv_choice"] = templates[0].id if templates else NEW
    choice = st.selectbox(
        "Werkvorm", [NEW, *names], format_func=lambda i: "➕ Nieuwe werkvorm" if i == NEW else names[i], key="wv_choice"
    )
    template = next((t for t in templates if t.id == choice), None)
    rounds = list(template.rounds) if template else []
    # The fields start from the stored werkvorm and keep what was typed: so does the version.
    seen = write.seen_version(f"wv_{choice}", template.version if template else 0, inputs=f"wv_name_{choice}")
    count = st.number_input(
        "Aantal rondes", min_value=1, max_value=12, value=max(1, len(rounds)), key=f"wv_count_{choice}"
    )
    with st.form(f"wv_form_{choice}"):
        name = st.text_input("Naam", value=template.name if template else "", max_chars=120, key=f"wv_name_{choice}")
        description = st.text_area(
            "Beschrijving",
            value=template.description if template else "",
            max_chars=2000,
            key=f"wv_description_{choice}",
        )
        inputs = [
            round_fields_ui(choice, index, rounds[index] if index < len(rounds) else None)
            for index in range(int(count))
        ]
        submitted = st.form_submit_button("Werkvorm opslaan", type="primary")
    if submitted:
        ordered = [r for _, r in sorted(inputs, key=lambda pair: pair[0])]
        data = TemplateInput(name, ordered, description)

        def save(session):
            if template is None:
                return werkvormen.create_template(session=session, data=data, actor=user)
            return werkvormen.update_template(
                session=session, template_id=template.id, data=data, expected_version=seen, actor=user
            )

        write.change(
            save,
            f"De werkvorm '{md_escape(name.strip())}' is opgeslagen. Geplande sessies houden hun eigen rondes.",
        )
    if (
        template is not None
        and not template.is_default
        and st.button("Maak dit de standaardwerkvorm", key="wv_default")
    ):
        write.change(
            lambda session: werkvormen.set_default(session=session, template_id=template.id, actor=user),
            f"'{md_escape(template.name)}' is nu de standaardwerkvorm.",
        )


def round_fields_ui(choice: int, index: int, current) -> tuple[tuple[int, int], RoundInput]:
    st.markdown(f"**Ronde {index + 1}**")
    key = f"wv_{choice}_{index}"
    left, middle, right = st.columns([3, 2, 1])
    name = left.text_input("Naam van de ronde", value=current.name if current else "", max_chars=120, key=f"{key}_name")
    perspective = middle.text_input(
        "Perspectief", value=current.perspective if current else "", max_chars=60, key=f"{key}_perspective"
    )
    minutes = right.number_input(
        "Minuten",
        min_value=0,
        max_value=werkvormen.MAX_ROUND_MINUTES,
        value=current.minutes if current else 20,
        key=f"{key}_minutes",
    )
    questions = st.text_area(
        "Richtvragen (één per regel)",
        value="\n".join(current.guiding_questions) if current else "",
        key=f"{key}_questions",
    )
    left, right = st.columns([3, 1])
    solutions = left.checkbox(
        "Deze ronde levert oplossingen op", value=current.yields_solutions if current else False, key=f"{key}_solutions"
    )
    listens = left.checkbox(
        "De inbrenger luistert in deze ronde alleen (de telefoon zegt het)",
        value=current.inbrenger_listens if current else False,
        key=f"{key}_listens",
    )
    position = right.number_input("Volgorde", min_value=1, max_value=12, value=index + 1, key=f"{key}_position")
    data = RoundInput(name, perspective, int(minutes), werkvormen.questions_from_text(questions), solutions, listens)
    return (int(position), index), data


st.title("Werkvormen")
flash.show()
with db.read() as session:
    templates = werkvormen.list_templates(session=session)
if policy.allows(user.role, "werkvorm.edit"):
    overview_tab, edit_tab = st.tabs(["Overzicht", "Bewerken"], key="wv_tab", on_change="rerun")
    with overview_tab:
        overview_ui(templates)
    with edit_tab:
        editor_ui(templates)
else:
    st.caption("Een werkvorm kiest u bij een reeks. Alleen een beheerder kan werkvormen wijzigen.")
    overview_ui(templates)
