"""The privacy check on screen: findings highlighted in the typed text (escaped, inert) and what to do."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.cases import privacy
from lib.ui.text import html_escape

_CSS = """
<style>
.privacy-field { border-left: 4px solid #b45309; padding: 0.25rem 0.75rem; margin: 0.25rem 0 0.75rem 0; }
.privacy-field.blocking { border-left-color: #b91c1c; }
.privacy-field h4 { font-size: 1rem; margin: 0 0 0.25rem 0; }
.privacy-text { white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; margin: 0 0 0.5rem 0; }
.privacy-text mark { background: #fde68a; color: #111827; padding: 0 2px; border-radius: 3px;
  outline: 2px solid #b45309; }
.privacy-text mark.blocking { background: #fecaca; outline-color: #b91c1c; }
.privacy-field ul { margin: 0; padding-left: 1.25rem; }
</style>
"""


@dataclass(frozen=True)
class CheckResult:
    blocked: bool  # a BSN or IBAN: cannot be saved until removed
    sensitive: bool  # other personal data: needs the anonymisation confirmation


def highlighted_html(field: str, text: str, findings: list[privacy.Finding]) -> str:
    """The text with every finding wrapped in <mark>, everything escaped, and advice per kind."""
    parts, position = [], 0
    for finding in findings:
        parts.append(html_escape(text[position : finding.start]))
        label = privacy.KIND_LABELS[finding.kind]
        css = "blocking" if finding.blocking else ""
        parts.append(
            f'<mark class="{css}" data-kind="{finding.kind}" title="{html_escape(label)}">'
            f"{html_escape(finding.text)}</mark>"
        )
        position = finding.end
    parts.append(html_escape(text[position:]))
    advice = "".join(
        f"<li><strong>{html_escape(privacy.KIND_LABELS[kind])}</strong>: {html_escape(privacy.ADVICE[kind])}</li>"
        for kind in dict.fromkeys(f.kind for f in findings)
    )
    blocking = " blocking" if any(f.blocking for f in findings) else ""
    return (
        f'<div class="privacy-field{blocking}" role="region" aria-label="Privacycheck {html_escape(field)}">'
        f"<h4>{html_escape(field)}</h4>"
        f'<p class="privacy-text">{"".join(parts)}</p><ul>{advice}</ul></div>'
    )


def privacy_check_ui(fields: dict[str, str]) -> CheckResult:
    """Scan each field and show what was found; returns whether saving is blocked or needs confirmation."""
    found = {name: privacy.scan(text) for name, text in fields.items()}
    found = {name: findings for name, findings in found.items() if findings}
    if not found:
        st.caption("✅ Privacycheck: geen persoonsgegevens gevonden.")
        return CheckResult(blocked=False, sensitive=False)
    blocked = any(f.blocking for findings in found.values() for f in findings)
    if blocked:
        st.error(
            "De casus bevat een BSN of rekeningnummer (rood gemarkeerd). Verwijder dat eerst: "
            "zo kan de casus niet worden opgeslagen.",
            icon="🛑",
        )
    else:
        st.warning(
            "De casus lijkt persoonsgegevens te bevatten (geel gemarkeerd). Haal ze weg, of bevestig "
            "hieronder dat de casus geanonimiseerd is.",
            icon="⚠️",
        )
    st.html(_CSS + "".join(highlighted_html(name, fields[name], findings) for name, findings in found.items()))
    return CheckResult(blocked=blocked, sensitive=True)


CONFIRM_LABEL = "Wat ik typ is niet naar een inwoner te herleiden (geen naam, adres, telefoon of geboortedatum)"


def confirm_ui(key: str) -> bool:
    """The tick a service's `privacy_confirmed` takes. The server asks for it only when it finds personal
    data (lib/cases/privacy.NeedsConfirmation); the typed text stays in its field meanwhile."""
    return st.checkbox(CONFIRM_LABEL, key=key)


def asked_tick(asked_key: str, tick_key: str) -> bool:
    """Inside a form: once the server asked about personal data (ask_before_writing), its question and
    the tick that answers it; False until then, so a form without personal data shows nothing extra."""
    asked = st.session_state.get(asked_key)
    if not asked:
        return False
    st.warning(asked, icon="⚠️")
    return confirm_ui(tick_key)


def ask_before_writing(texts: dict[str, str | None], asked_key: str, *, confirmed: bool) -> None:
    """Before a write: the service's own check (lib/cases/privacy.check). When it needs the tick, the
    question is kept under `asked_key` and the page reruns with the typed text still in its field; a BSN
    or IBAN is left to the service, which refuses it with its message."""
    try:
        privacy.check(texts, confirmed=confirmed)
    except privacy.NeedsConfirmation as error:
        st.session_state[asked_key] = str(error)
        st.rerun()
    except privacy.PersonalDataBlocked:
        pass
