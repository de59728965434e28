"""The Oogstdag on the projector: the oogst of the series in one screen — what got off the ground, what
did not, and why not, grouped by reason (lib/insight/oogstdag.py builds the data).

Plain HTML for st.html (sanitised, no scripts), explicit colours, text of at least 32 px, every user
text escaped. Long lists are cut to what fits 1920×1080 and say how many more there are; on a screen
of 720 pixels high only the first three of each list show, one line each.
"""

from __future__ import annotations

import streamlit as st

from lib.accounts import CurrentUser
from lib.core import db
from lib.core.errors import DomainError
from lib.insight import oogstdag
from lib.insight.oogst import ActionOutcome
from lib.models import ActionStatus, action_status_label
from lib.ui.text import html_escape as esc

SHOWN_GOT_OFF = 5  # action titles in the left column (two lines each at most)
SHOWN_GROUPS = 4  # reason groups in the right column
SHOWN_PER_GROUP = 1  # action titles under a reason (one line: the first, and how many more)

CSS = """
<style>
.og { font-family: system-ui, sans-serif; color: #1b1b1b; }
.og-head { background: #ffffff; border: 2px solid #c7ccd1; border-radius: 14px; padding: 12px 22px;
           margin: 0 0 12px 0; }
.og-title { font-size: 40px; font-weight: 800; margin: 0; line-height: 1.15; }
.og-figures { font-size: 32px; margin: 4px 0 0 0; }
.og-cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 14px; }
.og-col { min-width: 0; background: #ffffff; border: 2px solid #c7ccd1; border-radius: 14px; padding: 12px 22px; }
.og-col h3 { font-size: 34px; margin: 0 0 6px 0; }
.og-col.got h3 { color: #14532d; }
.og-col.not h3 { color: #9b1c1c; }
.og-list { font-size: 32px; line-height: 1.25; margin: 0; padding: 0; list-style: none; }
.og-list li { margin: 0 0 6px 0; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 2;
               -webkit-box-orient: vertical; overflow: hidden; }
.og-tag { font-weight: 700; }
.og-tag.done { color: #14532d; }
.og-tag.busy { color: #1e3a8a; }
.og-reason { margin: 0 0 10px 0; }
.og-reason p { font-size: 32px; line-height: 1.2; font-weight: 700; margin: 0; overflow-wrap: anywhere;
               display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.og-count { color: #9b1c1c; white-space: nowrap; }
.og-reason ul { font-size: 32px; line-height: 1.2; margin: 0; padding-left: 1.1em; color: #3b4148; }
.og-reason li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.og-more, .og-empty { font-size: 32px; color: #4a5159; font-style: italic; margin: 0; }
/* A small projector (1280×720): the reasons and titles on one line each, the first three of each list. */
@media (max-height: 800px) {
  .og-head { padding: 6px 16px; margin-bottom: 8px; }
  .og-title { font-size: 32px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .og-figures, .og-reason ul, .og-more, .og-word { display: none; }
  .og-cols { grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); }
  .og-col { padding: 8px 16px; }
  .og-col h3 { font-size: 32px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .og-list li, .og-reason p { -webkit-line-clamp: 1; }
  .og-list li:nth-child(n+4), .og-reason:nth-of-type(n+4) { display: none; }
}
</style>
"""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _more(hidden: int) -> str:
    return f'<p class="og-more">en nog {hidden} meer</p>' if hidden > 0 else ""


def _got_off_html(items: tuple[ActionOutcome, ...]) -> str:
    if not items:
        return '<p class="og-empty">Nog geen actie gerealiseerd of in gang gezet.</p>'
    rows = []
    for item in items[:SHOWN_GOT_OFF]:
        done = item.status == ActionStatus.DONE
        kind, mark, word = ("done", "✓", "klaar") if done else ("busy", "●", "bezig")
        tag = f'<span class="og-tag {kind}">{mark}<span class="og-word"> {word}</span></span>'
        rows.append(f"<li>{tag} {esc(item.title)}</li>")
    return f'<ul class="og-list">{"".join(rows)}</ul>{_more(len(items) - SHOWN_GOT_OFF)}'


def _reasons_html(groups: tuple[oogstdag.ReasonGroup, ...], total: int) -> str:
    if not total:
        return '<p class="og-empty">In deze reeks zijn nog geen vervolgacties afgesproken.</p>'
    if not groups:
        return '<p class="og-empty">Alle acties zijn van de grond gekomen of lopen nog op schema.</p>'
    parts = []
    for group in groups[:SHOWN_GROUPS]:
        extra = group.count - SHOWN_PER_GROUP
        more = f" · en nog {extra}" if extra > 0 else ""
        titles = "".join(
            f"<li>{esc(a.title)} <em>({esc(action_status_label(a.status))})</em>{more}</li>"
            for a in group.actions[:SHOWN_PER_GROUP]
        )
        parts.append(
            f'<div class="og-reason"><p><span class="og-count">{group.count}×</span> “{esc(group.reason)}”</p>'
            f"<ul>{titles}</ul></div>"
        )
    hidden = len(groups) - SHOWN_GROUPS
    return "".join(parts) + (f'<p class="og-more">en nog {hidden} andere redenen</p>' if hidden > 0 else "")


def oogst_html(data: oogstdag.OogstdagData) -> str:
    """The whole Oogstdag screen below the banner."""
    figures = " · ".join(
        [
            _plural(data.total, "vervolgactie", "vervolgacties"),
            f"{len(data.realised)} gerealiseerd",
            f"{len(data.in_progress)} bezig",
            f"{len(data.not_off)} niet van de grond",
            f"{data.open_on_track} nog open",
        ]
    )
    return (
        f'<div class="og">{CSS}'
        '<section class="og-head" aria-label="Oogst van de reeks">'
        f'<h2 class="og-title">Oogst van {esc(data.series_name)} — '
        f"{_plural(data.sessions_held, 'leersessie', 'leersessies')}</h2>"
        f'<p class="og-figures">{esc(figures)}</p></section>'
        '<div class="og-cols">'
        f'<section class="og-col got" aria-label="Van de grond gekomen"><h3>Van de grond gekomen '
        f"({len(data.got_off)})</h3>{_got_off_html(data.got_off)}</section>"
        f'<section class="og-col not" aria-label="Niet van de grond, en waarom niet"><h3>Niet van de grond — '
        f"waarom niet? ({len(data.not_off)})</h3>{_reasons_html(data.reasons, data.total)}</section>"
        "</div></div>"
    )


def shows_oogst(learning_session_id: int) -> bool:
    """Whether this session is an Oogstdag (its terugblik is the oogst of the series)."""
    with db.read() as session:
        return oogstdag.is_oogstdag(session=session, learning_session_id=learning_session_id)


def oogstdag_ui(*, learning_session_id: int, user: CurrentUser) -> None:
    """The oogst of the series on the projector; the new actions come from the rounds, as in every session."""
    try:
        with db.read() as session:
            data = oogstdag.oogstdag(session=session, learning_session_id=learning_session_id, actor=user)
    except DomainError as error:
        st.error(str(error))
        return
    st.html(oogst_html(data))
    st.caption(
        "Oogstdag: de nieuwe vervolgacties komen uit de rondes — oplossingen worden acties, net als in elke "
        "leersessie. Hieronder kunt u de open acties nog bijwerken."
    )
