"""Who may see what, row by row: the one rule for case titles and learning questions, and for which
actions a user may list. Every read, export and calendar filters with these clauses (the role part comes
from lib/core/policy.py), so a calendar file or a report cannot show more than the screens do.

- A case (its title and leervraag): everything for the roles with `case.view_all` (aanjager, beheerder);
  otherwise the viewer's own cases, and for `case.view_attended` (manager) the cases of sessions they
  are signed up for. Nobody else, not even in a calendar file of a session they attend.
- An action: every action for `action.list_all` together with `insight.all_organisations` (aanjager,
  beheerder); a manager (`action.list_all` alone) the actions of their own organisation — the same
  organisations the terugkoppeling shows them; and (`action.update_own`) the actions of which they are
  the trekker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false, or_, select, true

from lib.core import policy
from lib.models import Action, Attendance, Case

if TYPE_CHECKING:
    from lib.accounts import CurrentUser

HIDDEN_CASE = "(afgeschermd)"  # in place of a case title the viewer may not see


def case_clause(viewer: CurrentUser | None) -> ColumnElement[bool]:
    """A condition on Case: the cases whose title and leervraag `viewer` may see (None: nobody's)."""
    if viewer is None or not policy.allows(viewer.role, "case.view"):
        return false()
    if policy.allows(viewer.role, "case.view_all"):
        return true()
    visible: list[ColumnElement[bool]] = [Case.submitter_id == viewer.id]
    if policy.allows(viewer.role, "case.view_attended"):
        attended = select(Attendance.session_id).where(Attendance.user_id == viewer.id)
        visible.append(Case.session_id.in_(attended))
    return or_(*visible)


def may_see_all_actions(viewer: CurrentUser) -> bool:
    return policy.allows(viewer.role, "action.list_all") and policy.allows(viewer.role, "insight.all_organisations")


def action_clause(viewer: CurrentUser | None) -> ColumnElement[bool]:
    """A condition on Action: the actions `viewer` may list, read and export."""
    if viewer is None:
        return false()
    if may_see_all_actions(viewer):
        return true()
    visible: list[ColumnElement[bool]] = []
    if policy.allows(viewer.role, "action.update_own"):
        visible.append(Action.owner_user_id == viewer.id)
    if policy.allows(viewer.role, "action.list_all") and viewer.organisation_id is not None:
        visible.append(Action.organisation_id == viewer.organisation_id)
    return or_(*visible) if visible else false()


def may_see_action(viewer: CurrentUser, action: Action) -> bool:
    """The same rule as action_clause, for one loaded action."""
    if may_see_all_actions(viewer):
        return True
    if action.owner_user_id == viewer.id and policy.allows(viewer.role, "action.update_own"):
        return True
    return (
        policy.allows(viewer.role, "action.list_all")
        and viewer.organisation_id is not None
        and action.organisation_id == viewer.organisation_id
    )
