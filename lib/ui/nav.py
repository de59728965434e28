"""Every screen of the app, who may open it, and where it sits in the menu.

One table, read by app.py (to build st.navigation and the menu) and by each page's guard (to refuse
a role server-side). Add a screen here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.models import Role

ALL_ROLES = frozenset(Role)
AANJAGER = frozenset({Role.AANJAGER, Role.BEHEERDER})
MANAGERS = frozenset({Role.MANAGER, Role.AANJAGER, Role.BEHEERDER})
SUBMITTERS = frozenset({Role.PROFESSIONAL, Role.AANJAGER, Role.MANAGER})
BEHEER = frozenset({Role.BEHEERDER})


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str  # relative to the repository root
    title: str
    icon: str  # an emoji: a :material/...: icon would load a font from the internet
    roles: frozenset[Role]
    section: str
    default: bool = False
    public: bool = False  # reachable without logging in (the scribes' join page)
    in_menu: bool = True


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "pages/home.py", "Start", "🏠", ALL_ROLES, "Algemeen", default=True),
    PageSpec("mijn_gegevens", "pages/mijn_gegevens.py", "Mijn gegevens", "🪪", ALL_ROLES, "Algemeen"),
    PageSpec("projector", "pages/projector.py", "Projector", "📽️", AANJAGER, "Leersessie"),
    PageSpec("deelnemen", "pages/deelnemen.py", "Deelnemen", "📱", ALL_ROLES, "Leersessie", public=True),
    PageSpec("casus_indienen", "pages/casus_indienen.py", "Casus indienen", "✍️", SUBMITTERS, "Casussen"),
    PageSpec("mijn_casussen", "pages/mijn_casussen.py", "Mijn casussen", "📂", SUBMITTERS, "Casussen"),
    PageSpec("casussen", "pages/casussen.py", "Casusinbox", "📥", AANJAGER, "Casussen"),
    PageSpec(
        "mijn_sessies",
        "pages/mijn_sessies.py",
        "Mijn sessies",
        "🗓️",
        frozenset({Role.PROFESSIONAL, Role.MANAGER, Role.AANJAGER}),
        "Planning",
    ),
    PageSpec("reeksen", "pages/reeksen.py", "Reeksen", "📅", AANJAGER, "Planning"),
    PageSpec("sessie_voorbereiden", "pages/sessie_voorbereiden.py", "Sessie voorbereiden", "🧩", AANJAGER, "Planning"),
    PageSpec("werkvormen", "pages/werkvormen.py", "Werkvormen", "🔁", AANJAGER, "Planning"),
    PageSpec("opvolging", "pages/opvolging.py", "Opvolging", "📋", ALL_ROLES, "Opvolging"),
    PageSpec("dashboard", "pages/dashboard.py", "Dashboard", "📊", MANAGERS, "Opvolging"),
    PageSpec("oogst", "pages/oogst.py", "Oogst", "🌾", MANAGERS, "Opvolging"),
    PageSpec("terugkoppeling", "pages/terugkoppeling.py", "Terugkoppeling", "📨", MANAGERS, "Opvolging"),
    PageSpec("rapporten", "pages/rapporten.py", "Rapporten", "📄", MANAGERS, "Opvolging"),
    PageSpec("gebruikers", "pages/gebruikers.py", "Gebruikers", "👥", BEHEER, "Beheer"),
    PageSpec("gegevensbeheer", "pages/gegevensbeheer.py", "Back-up en bewaartermijn", "💾", BEHEER, "Beheer"),
    PageSpec("auditlog", "pages/auditlog.py", "Auditlog", "🧾", BEHEER, "Beheer"),
)

BY_KEY = {spec.key: spec for spec in PAGES}


def pages_for(role: Role | None) -> list[PageSpec]:
    """The screens in the menu of `role` (None: not logged in)."""
    if role is None:
        return [spec for spec in PAGES if spec.public]
    return [spec for spec in PAGES if role in spec.roles and spec.in_menu]
