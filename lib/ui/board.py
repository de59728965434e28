"""Projector markup: the phase banner, the round's perspective and questions, the join code, the live board.

All of it is plain HTML for st.html (sanitised, no scripts) with explicit colours, so it reads the same
in the light and the dark theme, with text of at least 32 px for the back of the room. Every piece of
user text goes through html_escape.
"""

from __future__ import annotations

import streamlit as st

from lib.core import dates
from lib.live.capture import GroupBoard
from lib.live.join import format_code
from lib.live.phases import GroupInfo, LiveView
from lib.models import CONTRIBUTION_KIND_HEADINGS, PHASE_LABELS, ContributionKind, Phase
from lib.ui.text import html_escape as esc

# Text/background pairs, all ≥ 7:1 (WCAG AAA) except the amber-free accents, which are ≥ 4.5:1.
CSS = """
<style>
.ls { font-family: system-ui, sans-serif; color: #1b1b1b; }
.ls-card { background: #ffffff; color: #1b1b1b; border: 2px solid #c7ccd1; border-radius: 14px;
           padding: 16px 22px; margin: 0 0 12px 0; }
.ls-banner { background: #12355b; color: #ffffff; border-radius: 14px; padding: 10px 22px; font-size: 32px;
             font-weight: 700; margin: 0 0 12px 0; }
.ls-title { font-size: 44px; font-weight: 800; margin: 0 0 6px 0; line-height: 1.15; }
.ls-sub { font-size: 32px; margin: 0 0 8px 0; }
.ls-questions { font-size: 32px; line-height: 1.22; margin: 8px 0 0 0; padding-left: 1.2em; }
.ls-code { font-family: ui-monospace, monospace; font-size: 120px; font-weight: 800; letter-spacing: 8px;
           line-height: 1.05; margin: 8px 0; }
.ls-board { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; }
.ls-group h3 { font-size: 36px; margin: 0 0 4px 0; color: #12355b; }
.ls-case { font-size: 32px; margin: 0 0 8px 0; color: #3b4148; }
.ls-kind { font-size: 32px; font-weight: 800; margin: 10px 0 4px 0; }
.ls-kind.obstacle { color: #9b1c1c; }
.ls-kind.helper { color: #14532d; }
.ls-kind.solution { color: #1e3a8a; }
.ls-items { font-size: 32px; line-height: 1.25; margin: 0; padding-left: 1.1em; }
.ls-items li { margin: 0 0 6px 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.ls-empty { font-size: 32px; color: #4a5159; font-style: italic; }
.ls-votes { font-weight: 700; color: #1e3a8a; white-space: nowrap; }
.ls-members { font-size: 32px; color: #3b4148; margin: 0; }
</style>
"""


def phase_text(view: LiveView) -> str:
    if view.phase == Phase.ROUND and view.current:
        return f"Ronde {view.state.current_round + 1} van {len(view.rounds)}: {view.current.get('perspective', '')}"
    return PHASE_LABELS[view.phase]


def banner_html(view: LiveView) -> str:
    """The phase line; role=status makes screen readers announce a change politely."""
    return (
        f'<div class="ls ls-banner" role="status" aria-live="polite">{esc(view.title)} — {esc(phase_text(view))}</div>'
    )


def round_header_html(view: LiveView) -> str:
    plan = view.current or {}
    questions = "".join(f"<li>{esc(str(q))}</li>" for q in plan.get("guiding_questions", []))
    return (
        '<section class="ls ls-card" aria-label="De ronde">'
        f'<h2 class="ls-title">{esc(plan.get("name", ""))}</h2>'
        f'<p class="ls-sub">Perspectief: <strong>{esc(plan.get("perspective", ""))}</strong> · '
        f"{int(plan.get('minutes', 0))} minuten</p>"
        f'<ul class="ls-questions">{questions}</ul></section>'
    )


def opening_html(view: LiveView) -> str:
    when = dates.session_when(view.date, view.start_time, view.end_time)
    code = format_code(view.join_code or "")
    return (
        '<section class="ls ls-card" aria-label="Meedoen">'
        f'<h2 class="ls-title">{esc(view.title)}</h2><p class="ls-sub">{esc(when)}</p>'
        '<p class="ls-sub">Schrijvers: ga op uw telefoon naar de pagina <strong>Deelnemen</strong> '
        "of scan de QR-code, en vul deze code in:</p>"
        f'<p class="ls-code" aria-label="Code {esc(" ".join(code))}">{esc(code)}</p></section>'
    )


def groups_html(groups: tuple[GroupInfo, ...]) -> str:
    if not groups:
        return '<p class="ls ls-card ls-empty">Er zijn nog geen groepen.</p>'
    cards = []
    for group in groups:
        members = ", ".join(group.members) or "nog geen deelnemers ingedeeld"
        cards.append(
            f'<article class="ls-card ls-group"><h3>{esc(group.name)}</h3>'
            f'<p class="ls-case">{esc(group.case_title or "nog geen casus")}</p>'
            f'<p class="ls-members">{esc(members)}</p></article>'
        )
    return f'<div class="ls ls-board">{"".join(cards)}</div>'


def _items_html(items, show_votes: bool) -> str:
    if not items:
        return '<p class="ls-empty">nog niets</p>'
    rows = []
    for item in items:
        votes = f' <span class="ls-votes">● {item.votes}</span>' if show_votes and item.votes else ""
        rows.append(f"<li>{esc(item.text)}{votes}</li>")
    return f'<ul class="ls-items">{"".join(rows)}</ul>'


def board_html(boards: list[GroupBoard], *, yields_solutions: bool) -> str:
    """Per group its obstacles and helpers (and solutions in a solutions round), updated by the fragment."""
    kinds = [ContributionKind.OBSTACLE, ContributionKind.HELPER]
    if yields_solutions or any(b.of_kind(ContributionKind.SOLUTION) for b in boards):
        kinds.append(ContributionKind.SOLUTION)
    cards = []
    for group in boards:
        parts = [f'<article class="ls-card ls-group" aria-label="{esc(group.name)}"><h3>{esc(group.name)}</h3>']
        if group.case_title:
            parts.append(f'<p class="ls-case">{esc(group.case_title)}</p>')
        for kind in kinds:
            parts.append(f'<h4 class="ls-kind {kind}">{CONTRIBUTION_KIND_HEADINGS[kind]}</h4>')
            parts.append(_items_html(group.of_kind(kind), show_votes=kind == ContributionKind.SOLUTION))
        parts.append("</article>")
        cards.append("".join(parts))
    if not cards:
        return '<p class="ls ls-card ls-empty">Er zijn nog geen groepen.</p>'
    return f'<div class="ls ls-board" aria-label="Wat de groepen inbrengen">{"".join(cards)}</div>'


PAGE_CSS = """
<style>
/* The projector needs every pixel: less empty space above the content. */
[data-testid="stMainBlockContainer"] { padding-top: 4.5rem; padding-bottom: 2rem; max-width: 100%; }
</style>
"""


def show(markup: str) -> None:
    """Render projector markup with the shared styles (sanitised: no scripts)."""
    st.html(CSS + markup)
