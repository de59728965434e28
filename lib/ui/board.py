"""Projector markup: the phase banner, the round's perspective and questions, the join code, the live board,
the terugblik card and the agreed actions.

All of it is plain HTML for st.html (sanitised, no scripts) with explicit colours, so it reads the same
in the light and the dark theme. Every piece of user text goes through html_escape.

Sizes are relative to the screen (vw/vh) so one layout fits a beamer at 1920×1080 and at 1280×720 (both
16:9): the board's text size is computed from what it holds (`fit_board`) and never drops below 20 px
at 1280×720 (30 px at 1920×1080); the longest lists show their newest items with a count of the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import streamlit as st

from lib.core import dates
from lib.live.capture import BoardItem, GroupBoard
from lib.live.join import format_code
from lib.live.phases import GroupInfo, LiveView
from lib.models import CONTRIBUTION_KIND_HEADINGS, PHASE_LABELS, ContributionKind, Phase
from lib.ui.text import html_escape as esc

# The smallest text of the room: 20 px on a 1280 px wide beamer is 1.5625vw; 24 px at 1920 is 1.25vw.
MIN_VW = 1.5625
MIN_VW_LARGE = 1.25
# 16:9 → 1vw = 1.7778vh; on a squarer screen the height decides, so the text never outgrows it.
VH_PER_VW = 16 / 9


def size(vw: float, floor_px: int = 20) -> str:
    """A CSS size of `vw` on a 16:9 screen, bounded by the height on squarer ones, never below `floor_px`."""
    return f"max({floor_px}px, min({vw:.3f}vw, {vw * VH_PER_VW:.3f}vh))"


# Text/background pairs, all ≥ 7:1 (WCAG AAA) except the accents, which are ≥ 4.5:1.
CSS = f"""
<style>
.ls {{ font-family: system-ui, sans-serif; color: #1b1b1b; }}
/* Streamlit gives p and li a fixed size; here they follow the card's computed size. */
.ls p, .ls li, .ls ul {{ font-size: inherit; }}
.ls-card {{ background: #ffffff; color: #1b1b1b; border: 2px solid #c7ccd1; border-radius: 12px;
           padding: 0.4em 0.7em; margin: 0 0 0.4em 0; }}
.ls-banner {{ background: #12355b; color: #ffffff; border-radius: 12px; padding: 0.2em 0.6em; font-size: {size(1.875)};
             font-weight: 700; margin: 0; line-height: 1.2; }}
.ls-title {{ font-size: 1.25em; font-weight: 800; margin: 0 0 0.15em 0; line-height: 1.15; }}
.ls-sub {{ font-size: 1em; margin: 0 0 0.2em 0; line-height: 1.25; }}
.ls-questions {{ margin: 0.2em 0 0 0; padding-left: 1.1em; line-height: 1.22; }}
.ls-questions li {{ margin: 0 0 0.15em 0; }}
.ls-code {{ font-family: ui-monospace, monospace; font-weight: 800; letter-spacing: 0.06em; line-height: 1.05;
           margin: 0.1em 0; white-space: nowrap; }}
.ls-link {{ font-family: ui-monospace, monospace; overflow-wrap: anywhere; }}
.ls-board {{ display: grid; gap: 0.8vw; }}
/* Two fits of the same board: one for beamers from 1600 px wide (text from 1.25vw = 24 px at 1920), one for
   smaller ones (from 1.5625vw = 20 px at 1280); items that only one of them has room for are marked. */
.ls-board.ls-fitted {{ font-size: var(--fs-large); grid-auto-rows: var(--row-large); }}
.ls-small-only {{ display: none !important; }}
@media (max-width: 1599.98px) {{
  .ls-board.ls-fitted {{ font-size: var(--fs-small); grid-auto-rows: var(--row-small); }}
  .ls-large-only {{ display: none !important; }}
  .ls-small-only {{ display: revert !important; }}
}}
.ls-group {{ overflow: hidden; margin: 0; display: flex; flex-direction: column; }}
.ls-group > * {{ flex-shrink: 0; }}
.ls-group h3 {{ font-size: 1.1em; margin: 0; line-height: 1.2; color: #12355b; display: flex; gap: 0.5em;
               justify-content: space-between; white-space: nowrap; }}
.ls-phones {{ font-weight: 600; color: #3b4148; font-size: 0.9em; }}
.ls-case, .ls-inbrenger {{ margin: 0; line-height: 1.2; color: #3b4148; white-space: nowrap; overflow: hidden;
                         text-overflow: ellipsis; }}
.ls-inbrenger {{ font-weight: 600; }}
.ls-kind {{ font-size: 0.9em; font-weight: 800; margin: 0.25em 0 0 0; line-height: 1.15; }}
.ls-kind.obstacle {{ color: #9b1c1c; }}
.ls-kind.helper {{ color: #14532d; }}
.ls-kind.solution {{ color: #1e3a8a; }}
.ls-items {{ line-height: 1.2; margin: 0; padding-left: 1.1em; }}
.ls-items li {{ margin: 0 0 0.1em 0; overflow-wrap: anywhere; }}
.ls-more, .ls-empty {{ color: #4a5159; font-style: italic; margin: 0; line-height: 1.2; }}
.ls-votes {{ font-weight: 700; color: #1e3a8a; white-space: nowrap; }}
.ls-members {{ margin: 0; color: #3b4148; line-height: 1.2; display: -webkit-box; -webkit-line-clamp: 2;
              -webkit-box-orient: vertical; overflow: hidden; }}
.ls-room {{ font-size: {size(MIN_VW)}; }}
.ls-actions {{ margin: 0; padding-left: 1.1em; line-height: 1.25; }}
.ls-actions li {{ margin: 0 0 0.25em 0; overflow-wrap: anywhere; }}
.ls-status {{ font-weight: 700; }}
</style>
"""

# The projector in a normal window: less empty space above the content.
PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4.5rem; padding-bottom: 2rem; max-width: 100%; }
</style>
"""

# Presentation mode: no app menu, no Streamlit header or toolbar, every pixel for the room. Only injected
# on the projector page while ?presentatie=1.
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 8px 16px 4px 16px !important; max-width: 100% !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 8px; }
.st-key-ls_controls { background: #eef1f4; border-radius: 10px; padding: 4px 8px; }
.st-key-ls_controls button { min-height: 36px; padding-top: 2px; padding-bottom: 2px; }
.st-key-ls_controls p { font-size: 16px; }
.st-key-ls_solutions { max-height: 82vh; overflow-y: auto; }
</style>
"""

HIDE_CONTROLS_CSS = "<style>.st-key-ls_controls { display: none !important; }</style>"


def phase_text(view: LiveView) -> str:
    if view.phase == Phase.ROUND and view.current:
        return f"Ronde {view.state.current_round + 1} van {len(view.rounds)}: {view.current.get('perspective', '')}"
    return PHASE_LABELS[view.phase]


def banner_html(view: LiveView) -> str:
    """The phase line; role=status makes screen readers announce a change politely."""
    return (
        f'<div class="ls ls-banner" role="status" aria-live="polite">{esc(view.title)} — {esc(phase_text(view))}</div>'
    )


def _question_size(plan: dict) -> float:
    """The round card's text size (vw): 1.5625 (20 px at 1280) for a short card, smaller for a long one so
    that four long questions still fit beside the board (never below 16 px at 1280, 24 px at 1920)."""
    chars = len(str(plan.get("name", ""))) + sum(len(str(q)) + 12 for q in plan.get("guiding_questions", []))
    return max(1.25, min(MIN_VW, MIN_VW * math.sqrt(250 / max(chars, 1))))


def round_header_html(view: LiveView, *, status: bool = False) -> str:
    """The round's perspective and guiding questions; with `status`, its first line is also the phase
    announcement for screen readers (presentation mode has no banner)."""
    plan = view.current or {}
    questions = "".join(f"<li>{esc(str(q))}</li>" for q in plan.get("guiding_questions", []))
    phase = esc(phase_text(view))
    heading = f'<span role="status" aria-live="polite">{phase}</span>' if status else phase
    return (
        f'<section class="ls ls-card" aria-label="De ronde" style="font-size: {size(_question_size(plan), 16)}">'
        f'<h2 class="ls-title">{heading}</h2>'
        f'<p class="ls-sub">{esc(plan.get("name", ""))} · {int(plan.get("minutes", 0))} min</p>'
        f'<ul class="ls-questions">{questions}</ul></section>'
    )


def join_html(view: LiveView, link: str) -> str:
    """The join address and code, readable from the back of the room in every phase, and the phones in."""
    code = format_code(view.join_code or "")
    phones = sum(g.phones for g in view.groups)
    address = link.split("?", 1)[0].split("://", 1)[-1]  # the code stands below it, in large type
    return (
        f'<section class="ls ls-card" aria-label="Meedoen" style="font-size: {size(MIN_VW)}">'
        f'<p class="ls-sub" style="font-size: 0.9em">Meedoen: {esc(address)}</p>'
        f'<p class="ls-code" style="font-size: {size(2.6, 32)}" aria-label="Code {esc(" ".join(code))}">'
        f"{esc(code)}</p>"
        f'<p class="ls-sub">{phones} {"telefoon schrijft" if phones == 1 else "telefoons schrijven"} mee</p>'
        "</section>"
    )


def opening_html(view: LiveView) -> str:
    when = dates.session_when(view.date, view.start_time, view.end_time)
    code = format_code(view.join_code or "")
    return (
        f'<section class="ls ls-card" aria-label="Meedoen" style="font-size: {size(1.875)}">'
        f'<h2 class="ls-title">{esc(view.title)}</h2><p class="ls-sub">{esc(when)}</p>'
        '<p class="ls-sub">Schrijvers: ga op uw telefoon naar de pagina <strong>Deelnemen</strong> '
        "of scan de QR-code, en vul deze code in:</p>"
        f'<p class="ls-code" style="font-size: {size(6.0, 48)}" aria-label="Code {esc(" ".join(code))}">'
        f"{esc(code)}</p></section>"
    )


def _grid(count: int) -> tuple[int, int]:
    """Columns and rows for `count` group cards: one row up to three, then two rows."""
    if count <= 3:
        return max(count, 1), 1
    if count == 4:
        return 2, 2
    columns = math.ceil(count / 2)
    return columns, 2


def _group_head(name: str, info: GroupInfo | None) -> str:
    phones = f'<span class="ls-phones">{info.phones} tel.</span>' if info is not None else ""
    return f"<h3><span>{esc(name)}</span>{phones}</h3>"


def _inbrenger(info: GroupInfo | None) -> str:
    if info is None or not info.inbrenger:
        return ""
    return f'<p class="ls-inbrenger">inbrenger: {esc(info.inbrenger)}</p>'


def groups_html(groups: tuple[GroupInfo, ...]) -> str:
    if not groups:
        return '<p class="ls ls-card ls-empty">Er zijn nog geen groepen.</p>'
    columns, _rows = _grid(len(groups))
    cards = []
    for group in groups:
        members = ", ".join(group.members) or "nog geen deelnemers ingedeeld"
        cards.append(
            f'<article class="ls-card ls-group" aria-label="{esc(group.name)}">{_group_head(group.name, group)}'
            f'<p class="ls-case">{esc(group.case_title or "nog geen casus")}</p>{_inbrenger(group)}'
            f'<p class="ls-members">{esc(members)}</p></article>'
        )
    return (
        f'<div class="ls ls-board" style="font-size: {size(MIN_VW)}; '
        f'grid-template-columns: repeat({columns}, minmax(0, 1fr))">{"".join(cards)}</div>'
    )


# --- the live board: what fits ------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The board's box in vw (of a 16:9 screen): the projector's right-hand column below the control bar
    (about 60 px, which is 4.7vw at 1280 and 3.1vw at 1920)."""

    width: float = 62.0
    height: float = 48.5
    height_large: float = 50.5


@dataclass(frozen=True)
class KindFit:
    kind: str
    shown: tuple[BoardItem, ...]  # newest first
    earlier: int  # older items left out ("+ 7 eerdere")


@dataclass(frozen=True)
class BoardFit:
    columns: int
    rows: int
    font_vw: float
    groups: tuple[tuple[GroupBoard, tuple[KindFit, ...]], ...]


# Heights in em of the card's text size (see CSS): padding and border, name, casus and inbrenger; a kind's
# heading; a line of an item (and the gap after an item); an average character's width (a little generous).
HEADER_EM = 4.8
KIND_EM = 1.3
LINE_EM = 1.2
ITEM_GAP_EM = 0.1
CHAR_EM = 0.6


def _item_text(item: BoardItem, show_votes: bool) -> str:
    return item.text + (f" ● {item.votes}" if show_votes and item.votes else "")


def _lines(text: str, chars_per_line: float) -> int:
    return max(1, math.ceil(len(text) * 1.15 / max(chars_per_line, 1)))  # words wrap early


def _fit_group(
    group: GroupBoard, kinds: Sequence[str], budget: float, chars_per_line: float
) -> tuple[tuple[KindFit, ...], bool]:
    """Newest items first, taken in turn from each kind while the card has room (`budget`, in em) left;
    returns the kinds and whether everything fitted."""
    lists = {kind: list(reversed(group.of_kind(kind))) for kind in kinds}
    costs = {
        kind: [
            _lines(_item_text(i, kind == ContributionKind.SOLUTION), chars_per_line) * LINE_EM + ITEM_GAP_EM
            for i in items
        ]
        for kind, items in lists.items()
    }
    left = budget - sum(KIND_EM + (0 if items else LINE_EM) for items in lists.values())
    if sum(sum(c) for c in costs.values()) <= left:
        return tuple(KindFit(k, tuple(lists[k]), 0) for k in kinds), True
    left -= sum(LINE_EM for items in lists.values() if items)  # a "+ n eerdere" line for each kind
    taken = dict.fromkeys(kinds, 0)
    stopped: set[str] = set()
    while len(stopped) < len(kinds):
        for kind in kinds:
            if kind in stopped:
                continue
            index = taken[kind]
            if index >= len(lists[kind]) or costs[kind][index] > left:
                stopped.add(kind)
                continue
            left -= costs[kind][index]
            taken[kind] += 1
    fits = tuple(KindFit(k, tuple(lists[k][: taken[k]]), len(lists[k]) - taken[k]) for k in kinds)
    return fits, False


def fit_board(
    boards: Sequence[GroupBoard], kinds: Sequence[str], area: Area = Area(), *, large: bool = False
) -> BoardFit:
    """The largest text size (from 2.2vw down to the room's minimum) at which every group's items fit in
    its card; at the smallest size, each card shows its newest items and counts the rest."""
    columns, rows = _grid(len(boards))
    gap = 0.8
    minimum = MIN_VW_LARGE if large else MIN_VW
    card_width = (area.width - gap * (columns - 1)) / columns
    card_height = ((area.height_large if large else area.height) - gap * (rows - 1)) / rows
    font = 2.2
    while True:
        budget = card_height / font - HEADER_EM  # in em of the card's text
        chars = (card_width - font * 2.6) / (font * CHAR_EM)  # padding, border and the list's indent
        fitted = [(group, *_fit_group(group, kinds, budget, chars)) for group in boards]
        if all(ok for _g, _f, ok in fitted) or font <= minimum:
            return BoardFit(columns, rows, font, tuple((g, f) for g, f, _ok in fitted))
        font = max(minimum, round(font - 0.05, 4))


def _only(index: int, large: int, small: int) -> str:
    """The class of the index-th newest item: shown on both fits, or on one only."""
    if index < large and index < small:
        return ""
    return ' class="ls-large-only"' if index < large else ' class="ls-small-only"'


def _items_html(large: KindFit, small: KindFit) -> str:
    show_votes = large.kind == ContributionKind.SOLUTION
    if not large.shown and not large.earlier:
        return '<p class="ls-empty">nog niets</p>'
    longest = large.shown if len(large.shown) >= len(small.shown) else small.shown
    rows = []
    for index, item in enumerate(longest):
        votes = f' <span class="ls-votes">● {item.votes}</span>' if show_votes and item.votes else ""
        rows.append(f"<li{_only(index, len(large.shown), len(small.shown))}>{esc(item.text)}{votes}</li>")
    more = ""
    if large.earlier == small.earlier:
        more = f'<p class="ls-more">+ {large.earlier} eerdere</p>' if large.earlier else ""
    else:
        for count, variant in ((large.earlier, "ls-large-only"), (small.earlier, "ls-small-only")):
            if count:
                more += f'<p class="ls-more {variant}">+ {count} eerdere</p>'
    return (f'<ul class="ls-items">{"".join(rows)}</ul>' if rows else "") + more


def board_kinds(boards: Iterable[GroupBoard], *, yields_solutions: bool) -> list[str]:
    """Obstacles and helpers, and solutions once there are any; in a solutions round the solutions, with
    obstacles and helpers only where a group still wrote them (the room needs the space)."""
    boards = list(boards)
    if yields_solutions:
        written = [k for k in (ContributionKind.OBSTACLE, ContributionKind.HELPER) if any(b.of_kind(k) for b in boards)]
        return [*written, ContributionKind.SOLUTION]
    kinds: list[str] = [ContributionKind.OBSTACLE, ContributionKind.HELPER]
    if any(b.of_kind(ContributionKind.SOLUTION) for b in boards):
        kinds.append(ContributionKind.SOLUTION)
    return kinds


def board_html(
    boards: list[GroupBoard],
    *,
    yields_solutions: bool,
    groups: tuple[GroupInfo, ...] = (),
    area: Area = Area(),
    label: str = "Wat de groepen inbrengen",
) -> str:
    """Per group its obstacles and helpers (and solutions in a solutions round), newest first, sized to fit:
    fitted for large beamers and for small ones at once (see CSS: the screen's width picks)."""
    if not boards:
        return '<p class="ls ls-card ls-empty">Er zijn nog geen groepen.</p>'
    kinds = board_kinds(boards, yields_solutions=yields_solutions)
    info = {g.id: g for g in groups}
    large = fit_board(boards, kinds, area, large=True)
    small = fit_board(boards, kinds, area, large=False)
    cards = []
    for (group, large_kinds), (_same, small_kinds) in zip(large.groups, small.groups, strict=True):
        details = info.get(group.group_id)
        parts = [f'<article class="ls-card ls-group" aria-label="{esc(group.name)}">']
        parts.append(_group_head(group.name, details))
        parts.append(f'<p class="ls-case">{esc(group.case_title or "nog geen casus")}</p>')
        parts.append(_inbrenger(details))
        for large_fit, small_fit in zip(large_kinds, small_kinds, strict=True):
            parts.append(f'<h4 class="ls-kind {large_fit.kind}">{CONTRIBUTION_KIND_HEADINGS[large_fit.kind]}</h4>')
            parts.append(_items_html(large_fit, small_fit))
        parts.append("</article>")
        cards.append("".join(parts))

    def row(height: float) -> str:
        card = (height - 0.8 * (large.rows - 1)) / large.rows
        return f"min({card:.2f}vw, {card * VH_PER_VW:.2f}vh)"

    style = (
        f"--fs-large: {size(large.font_vw, 24)}; --fs-small: {size(small.font_vw, 20)}; "
        f"--row-large: {row(area.height_large)}; --row-small: {row(area.height)}; "
        f"grid-template-columns: repeat({large.columns}, minmax(0, 1fr))"
    )
    return f'<div class="ls ls-board ls-fitted" style="{style}" aria-label="{esc(label)}">{"".join(cards)}</div>'


# --- terugblik and afsluiting at room size --------------------------------------------------------


def review_card_html(item, index: int, total: int) -> str:
    """One action of the terugblik at room size: what, who, status, and where it came from."""
    due = f" · streefdatum {esc(dates.long_date(item.due_date))}" if item.due_date else ""
    late = " · <strong>te laat</strong>" if item.late else ""
    organisation = f" ({esc(item.organisation)})" if item.organisation else ""
    parts = [
        f'<section class="ls ls-card" aria-label="Vervolgactie" style="font-size: {size(MIN_VW)}">',
        f'<p class="ls-sub">Actie {index + 1} van {total}</p>',
        f'<h2 class="ls-title">{esc(item.title)}</h2>',
        f'<p class="ls-sub">Trekker: <strong>{esc(item.owner)}</strong>{organisation} · status: '
        f'<span class="ls-status">{esc(item.status_label)}</span>{due}{late}</p>',
    ]
    if item.reason:
        parts.append(f'<p class="ls-sub">Waarom niet: {esc(item.reason)}</p>')
    when = f" op {esc(dates.long_date(item.from_date))}" if item.from_date else ""
    parts.append(f'<p class="ls-sub">Afgesproken in {esc(item.from_session)}{when}</p>')
    origin = item.origin
    if origin is not None:
        bits = [f"casus {esc(origin.case_title)}"] if origin.case_title else []
        if origin.round_name:
            bits.append(f"{esc(origin.round_name)} ({esc(origin.perspective)})")
        if bits:
            parts.append(f'<p class="ls-sub">{" · ".join(bits)}</p>')
        parts.append(f'<p class="ls-sub">Oplossing: {esc(origin.solution)}</p>')
    if item.discussed:
        parts.append('<p class="ls-sub">✔ Besproken in deze sessie.</p>')
    parts.append("</section>")
    return "".join(parts)


def actions_html(rows: Sequence, *, limit: int = 8) -> str:
    """The actions agreed in this session at room size, the last agreed first; the oldest counted."""
    heading = f'<h2 class="ls-title">Afgesproken vervolgacties ({len(rows)})</h2>'
    if not rows:
        body = '<p class="ls-empty">Nog geen vervolgacties afgesproken.</p>'
    else:
        items = []
        for title, owner, organisation, due in list(reversed(rows))[:limit]:
            where = f" ({esc(organisation)})" if organisation else ""
            when = f" — uiterlijk {esc(dates.long_date(due))}" if due else ""
            items.append(f"<li>{esc(title)} — trekker: <strong>{esc(owner)}</strong>{where}{when}</li>")
        more = f'<p class="ls-more">+ {len(rows) - limit} eerdere</p>' if len(rows) > limit else ""
        body = f'<ul class="ls-actions">{"".join(items)}</ul>{more}'
    return f'<section class="ls ls-card ls-room" aria-label="Vervolgacties">{heading}{body}</section>'


def show(markup: str) -> None:
    """Render projector markup with the shared styles (sanitised: no scripts)."""
    st.html(CSS + markup)
