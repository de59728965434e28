"""Who may do what: one table of actions and the roles allowed to do them.

The menu, each page's guard and every service in lib/ read this table; nothing else names a set of
roles. Rules that also depend on the row (an own case, an own action as trekker, the own organisation
of a manager) are small functions next to their service, and take their role part from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.core.errors import NotAllowed
from lib.models import ROLE_LABELS, Role

if TYPE_CHECKING:  # lib.accounts imports lib.core: a runtime import would be a cycle
    from lib.accounts import CurrentUser


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    description: str  # Dutch, one line: what this allows (used in refusal messages and the docs)


_EVERYONE = frozenset(Role)
_LEADERS = frozenset({Role.AANJAGER, Role.BEHEERDER})  # plan and run the sessions
_INSIGHT = frozenset({Role.MANAGER, Role.AANJAGER, Role.BEHEERDER})  # follow what came of them
_CONTRIBUTORS = frozenset({Role.PROFESSIONAL, Role.MANAGER, Role.AANJAGER})  # bring cases, come to sessions
_ADMIN = frozenset({Role.BEHEERDER})
_MANAGER = frozenset({Role.MANAGER})


POLICY: dict[str, Rule] = {
    # --- pages (the menu and each page's guard) ---------------------------------------------------
    "page.home": Rule(_EVERYONE, "de startpagina openen"),
    "page.projector": Rule(_LEADERS, "de projector openen"),
    "page.deelnemen": Rule(_EVERYONE, "meedoen aan een leersessie met de code"),
    "page.casus_indienen": Rule(_CONTRIBUTORS, "de pagina Casus indienen openen"),
    "page.mijn_casussen": Rule(_CONTRIBUTORS, "de pagina Mijn casussen openen"),
    "page.casussen": Rule(_LEADERS, "de casusinbox openen"),
    "page.mijn_sessies": Rule(_CONTRIBUTORS, "de pagina Mijn sessies openen"),
    "page.reeksen": Rule(_LEADERS, "de pagina Reeksen openen"),
    "page.sessie_voorbereiden": Rule(_LEADERS, "de pagina Sessie voorbereiden openen"),
    "page.werkvormen": Rule(_LEADERS, "de werkvormen bekijken"),
    "page.opvolging": Rule(_EVERYONE, "de pagina Opvolging openen"),
    "page.dashboard": Rule(_INSIGHT, "het dashboard openen"),
    "page.oogst": Rule(_INSIGHT, "de oogst openen"),
    "page.terugkoppeling": Rule(_INSIGHT, "de terugkoppeling openen"),
    "page.rapporten": Rule(_INSIGHT, "de rapporten openen"),
    "page.gebruikers": Rule(_ADMIN, "gebruikers en organisaties beheren"),
    "page.gegevensbeheer": Rule(_ADMIN, "de pagina Back-up en bewaartermijn openen"),
    "page.auditlog": Rule(_ADMIN, "het auditlog openen"),
    "page.aanwezigheid": Rule(_LEADERS, "de pagina Aanwezigheid openen"),
    "page.deelnameverklaring": Rule(_CONTRIBUTORS, "de pagina Deelnameverklaring openen"),
    "page.mijn_gegevens": Rule(_EVERYONE, "de pagina Mijn gegevens openen"),
    # --- your own things --------------------------------------------------------------------------
    "home.overview": Rule(_EVERYONE, "uw eigen overzicht zien: volgende sessie, eigen casussen en acties"),
    "home.todo": Rule(_LEADERS, "de takenlijst van de aanjager op de startpagina zien"),
    # --- cases ------------------------------------------------------------------------------------
    "case.submit": Rule(_CONTRIBUTORS, "een casus indienen"),
    "case.own": Rule(_CONTRIBUTORS, "uw eigen casussen bekijken, wijzigen en intrekken"),
    "case.view": Rule(_EVERYONE, "de casussen inzien die voor u zichtbaar zijn"),
    "case.view_all": Rule(_LEADERS, "alle casussen inzien"),
    "case.view_attended": Rule(_MANAGER, "de casussen inzien van leersessies waar u bij bent"),
    "case.select": Rule(_LEADERS, "casussen selecteren voor een leersessie, teruggeven en archiveren"),
    # --- planning ---------------------------------------------------------------------------------
    "series.plan": Rule(_LEADERS, "reeksen en leersessies plannen, verzetten en annuleren"),
    "session.prepare": Rule(_LEADERS, "deelnemers registreren en groepen maken"),
    "session.sign_up": Rule(_CONTRIBUTORS, "uzelf aan- of afmelden voor een leersessie"),
    "circle.enrol": Rule(_CONTRIBUTORS, "uzelf in- of uitschrijven voor een leercirkel (of de wachtlijst)"),
    "werkvorm.edit": Rule(_ADMIN, "werkvormen maken en wijzigen"),
    # --- in the room ------------------------------------------------------------------------------
    "session.run": Rule(_LEADERS, "een leersessie openen en leiden op de projector"),
    "theme.confirm": Rule(_LEADERS, "voorgestelde thema's samenvoegen, afwijzen en een naam geven"),
    # --- follow-up --------------------------------------------------------------------------------
    "action.create": Rule(_INSIGHT, "vervolgacties aanmaken"),
    "action.update_own": Rule(_EVERYONE, "de vervolgacties waarvan u trekker bent bijwerken"),
    "action.change_organisation": Rule(_MANAGER, "de vervolgacties van uw eigen organisatie wijzigen"),
    "action.change_all": Rule(_LEADERS, "elke vervolgactie wijzigen"),
    "action.list_all": Rule(_INSIGHT, "alle vervolgacties bekijken, niet alleen de eigen"),
    "action.review": Rule(_LEADERS, "de terugblik op open vervolgacties leiden"),
    "action.record_effect": Rule(_LEADERS, "het effect van elke gerealiseerde vervolgactie vastleggen"),
    # --- presence and the deelnameverklaring ------------------------------------------------------
    "attendance.confirm": Rule(_LEADERS, "na een leersessie bevestigen wie er echt was"),
    "statement.own": Rule(_CONTRIBUTORS, "uw eigen deelnameverklaring downloaden"),
    "statement.series": Rule(_LEADERS, "de deelnameverklaringen van alle deelnemers van een reeks downloaden"),
    # --- insight ----------------------------------------------------------------------------------
    "insight.view": Rule(_INSIGHT, "de cijfers, de oogst, de terugkoppeling en de rapporten zien"),
    "insight.all_organisations": Rule(_LEADERS, "de terugkoppeling van elke organisatie zien"),
    # --- accounts ---------------------------------------------------------------------------------
    "user.manage": Rule(_ADMIN, "gebruikers en organisaties aanmaken, (de)activeren en wachtwoorden herstellen"),
    "user.erase": Rule(_ADMIN, "de persoonsgegevens van een gebruiker verwijderen (AVG)"),
    "user.inzage_all": Rule(_ADMIN, "de gegevens van elke gebruiker inzien en downloaden (inzage)"),
    "user.inzage_own": Rule(_EVERYONE, "de gegevens die de app over u bewaart downloaden (inzage)"),
    # --- the data as a whole ----------------------------------------------------------------------
    "data.backup": Rule(_ADMIN, "een back-up van de hele database downloaden"),
    "data.retention": Rule(_ADMIN, "de bewaartermijn toepassen: verlopen casussen anonimiseren"),
    "audit.read": Rule(_ADMIN, "het auditlog lezen en exporteren"),
    "user.own_password": Rule(_EVERYONE, "uw eigen wachtwoord wijzigen"),
}


def allows(role: Role | str | None, action: str) -> bool:
    """Whether `role` may do `action`; an unknown role (a guest, None) may do nothing.

    An action missing from the table is a programming error, not a refusal.
    """
    rule = POLICY[action]
    try:
        return role is not None and Role(role) in rule.roles
    except ValueError:
        return False


def _who(action: str) -> str:
    """'een casuïstiekaanjager of beheerder': the roles allowed `action`, in Dutch."""
    labels = [ROLE_LABELS[role] for role in Role if role in POLICY[action].roles]
    if not labels:
        return "niemand"
    if len(labels) == 1:
        return f"een {labels[0]}"
    return f"een {', '.join(labels[:-1])} of {labels[-1]}"


def require(actor: CurrentUser | None, action: str) -> None:
    """Raise NotAllowed, with a Dutch message saying who may, unless `actor` may do `action`."""
    if actor is not None and allows(actor.role, action):
        return
    rule = POLICY[action]
    if actor is None:
        raise NotAllowed(f"Log eerst in om {rule.description}.")
    raise NotAllowed(f"Alleen {_who(action)} mag {rule.description}.")
