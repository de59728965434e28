"""Every screen of the app and where it sits in the menu; who may open it is the policy table.

Read by app.py (to build st.navigation and the menu) and by each page's guard (to refuse a role
server-side). Add a screen here, and its "page.<key>" rule in lib/core/policy.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.core import policy
from lib.models import Role


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str  # relative to the repository root
    title: str
    icon: str  # an emoji: a :material/...: icon would load a font from the internet
    section: str
    default: bool = False
    public: bool = False  # reachable without logging in (the scribes' join page)
    in_menu: bool = True

    @property
    def action(self) -> str:
        """The policy action for opening this page."""
        return f"page.{self.key}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "pages/home.py", "Start", "🏠", "Algemeen", default=True),
    PageSpec("mijn_gegevens", "pages/mijn_gegevens.py", "Mijn gegevens", "🪪", "Algemeen"),
    PageSpec("projector", "pages/projector.py", "Projector", "📽️", "Leersessie"),
    PageSpec("deelnemen", "pages/deelnemen.py", "Deelnemen", "📱", "Leersessie", public=True),
    PageSpec("casus_indienen", "pages/casus_indienen.py", "Casus indienen", "✍️", "Casussen"),
    PageSpec("mijn_casussen", "pages/mijn_casussen.py", "Mijn casussen", "📂", "Casussen"),
    PageSpec("casussen", "pages/casussen.py", "Casusinbox", "📥", "Casussen"),
    PageSpec("mijn_sessies", "pages/mijn_sessies.py", "Mijn sessies", "🗓️", "Planning"),
    PageSpec("reeksen", "pages/reeksen.py", "Reeksen", "📅", "Planning"),
    PageSpec("sessie_voorbereiden", "pages/sessie_voorbereiden.py", "Sessie voorbereiden", "🧩", "Planning"),
    PageSpec("werkvormen", "pages/werkvormen.py", "Werkvormen", "🔁", "Planning"),
    PageSpec("aanwezigheid", "pages/aanwezigheid.py", "Aanwezigheid", "☑️", "Planning"),
    PageSpec("deelnameverklaring", "pages/deelnameverklaring.py", "Deelnameverklaring", "🎓", "Planning"),
    PageSpec("opvolging", "pages/opvolging.py", "Opvolging", "📋", "Opvolging"),
    PageSpec("dashboard", "pages/dashboard.py", "Dashboard", "📊", "Opvolging"),
    PageSpec("oogst", "pages/oogst.py", "Oogst", "🌾", "Opvolging"),
    PageSpec("terugkoppeling", "pages/terugkoppeling.py", "Terugkoppeling", "📨", "Opvolging"),
    PageSpec("rapporten", "pages/rapporten.py", "Rapporten", "📄", "Opvolging"),
    PageSpec("gebruikers", "pages/gebruikers.py", "Gebruikers", "👥", "Beheer"),
    PageSpec("gegevensbeheer", "pages/gegevensbeheer.py", "Back-up en bewaartermijn", "💾", "Beheer"),
    PageSpec("auditlog", "pages/auditlog.py", "Auditlog", "🧾", "Beheer"),
)

BY_KEY = {spec.key: spec for spec in PAGES}


def pages_for(role: Role | None) -> list[PageSpec]:
    """The screens in the menu of `role` (None: not logged in)."""
    if role is None:
        return [spec for spec in PAGES if spec.public]
    return [spec for spec in PAGES if spec.in_menu and policy.allows(role, spec.action)]
