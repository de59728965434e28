"""What groups capture in the room: contributions (belemmert / helpt / oplossing), moderation,
dot-votes, and solutions that become follow-up actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.cases import privacy
from lib.core import audit, policy
from lib.core.errors import Conflict, DomainError, NotAllowed, NotFound
from lib.core.validation import clean_text
from lib.followup import actions
from lib.live.phases import open_meeting, touch
from lib.models import (
    Action,
    Attendance,
    Case,
    Contribution,
    ContributionKind,
    Group,
    Organisation,
    Phase,
    Role,
    User,
    Vote,
)

MAX_CONTRIBUTION = 500


@dataclass(frozen=True)
class BoardItem:
    id: int
    kind: str
    text: str
    hidden: bool
    author_key: str | None
    votes: int = 0
    feasible: bool = False
    action_id: int | None = None


@dataclass(frozen=True)
class GroupBoard:
    group_id: int
    number: int
    name: str
    case_title: str
    items: tuple[BoardItem, ...]

    def of_kind(self, kind: ContributionKind | str) -> list[BoardItem]:
        return [item for item in self.items if item.kind == kind]


@dataclass(frozen=True)
class Solution:
    id: int
    text: str
    group_name: str
    round_index: int
    votes: int
    feasible: bool
    hidden: bool
    action_id: int | None


# --- contributions ------------------------------------------------------------------------------


def _kind(kind: ContributionKind | str) -> ContributionKind:
    try:
        return ContributionKind(kind)
    except ValueError:
        raise DomainError("Kies: belemmert, helpt of oplossing.") from None


def add_contribution(
    *,
    session: Session,
    learning_session_id: int,
    group_id: int,
    kind: ContributionKind | str,
    text: str,
    author_key: str | None = None,
    actor: CurrentUser | None = None,
    privacy_confirmed: bool = False,
) -> Contribution:
    """What a group captures in the current round: by a scribe's device (`author_key`) or typed on the
    projector by the aanjager (`actor`)."""
    if actor is not None:
        policy.require(actor, "session.run")
    elif not author_key:
        raise NotAllowed("Meedoen kan alleen via de code van de leersessie.")
    kind = _kind(kind)
    text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    privacy.check({"De inbreng": text}, confirmed=privacy_confirmed)
    meeting = open_meeting(session, learning_session_id)
    if meeting.phase != Phase.ROUND:
        raise DomainError("Inbreng kan alleen tijdens een ronde worden toegevoegd.")
    group = session.get(Group, group_id)
    if group is None or group.session_id != meeting.id:
        raise DomainError("Kies een groep van deze leersessie.")
    if actor is None and not author_key:
        raise DomainError("Dit apparaat is niet herkend. Ververs de pagina en probeer het opnieuw.")
    round_plan = (meeting.rounds or [{}])[meeting.current_round]
    contribution = Contribution(
        session_id=meeting.id,
        group_id=group.id,
        round_index=meeting.current_round,
        perspective=round_plan.get("perspective", ""),
        kind=kind,
        text=text,
        author_key=None if actor else (author_key or "")[:64],
        author_user_id=actor.id if actor else None,
        author_label="aanjager" if actor else group.name,
    )
    session.add(contribution)
    session.flush()
    touch(session, meeting.id)
    return contribution


def _own_in_current_round(session: Session, contribution_id: int, author_key: str) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("Deze inbreng bestaat niet (meer).")
    if not author_key or contribution.author_key != author_key:
        raise NotAllowed("U kunt alleen uw eigen inbreng wijzigen.")
    meeting = open_meeting(session, contribution.session_id)
    if meeting.phase != Phase.ROUND or meeting.current_round != contribution.round_index:
        raise DomainError("Deze ronde is voorbij: de inbreng kan niet meer worden gewijzigd.")
    return contribution


def edit_contribution(
    *, session: Session, contribution_id: int, text: str, author_key: str, privacy_confirmed: bool = False
) -> Contribution:
    contribution = _own_in_current_round(session, contribution_id, author_key)
    contribution.text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    privacy.check({"De inbreng": contribution.text}, confirmed=privacy_confirmed)
    touch(session, contribution.session_id)
    return contribution


def delete_contribution(*, session: Session, contribution_id: int, author_key: str) -> None:
    contribution = _own_in_current_round(session, contribution_id, author_key)
    session.delete(contribution)
    touch(session, contribution.session_id)


def set_hidden(*, session: Session, contribution_id: int, hidden: bool, actor: CurrentUser) -> None:
    """Moderation: a hidden contribution leaves the board and the vote, but stays on record."""
    policy.require(actor, "session.run")
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("Deze inbreng bestaat niet (meer).")
    contribution.hidden = hidden
    touch(session, contribution.session_id)
    audit.record(
        session=session,
        event="contribution_hidden" if hidden else "contribution_shown",
        user_id=actor.id,
        entity="contribution",
        entity_id=contribution.id,
    )


def _vote_counts(session: Session, learning_session_id: int) -> dict[int, int]:
    return dict(
        session.execute(
            select(Vote.contribution_id, func.count())
            .where(Vote.session_id == learning_session_id)
            .group_by(Vote.contribution_id)
        ).all()
    )


def board(
    *, session: Session, learning_session_id: int, round_index: int, include_hidden: bool = False
) -> list[GroupBoard]:
    """Per group, what it captured in one round, oldest first (hidden items only for moderation)."""
    groups = session.execute(
        select(Group.id, Group.number, Group.name, Case.title)
        .outerjoin(Case, Case.id == Group.case_id)
        .where(Group.session_id == learning_session_id)
        .order_by(Group.number)
    ).all()
    query = (
        select(Contribution, Action.id)
        .outerjoin(Action, Action.contribution_id == Contribution.id)
        .where(Contribution.session_id == learning_session_id, Contribution.round_index == round_index)
        .order_by(Contribution.created_at, Contribution.id)
    )
    if not include_hidden:
        query = query.where(Contribution.hidden.is_(False))
    votes = _vote_counts(session, learning_session_id)
    by_group: dict[int | None, list[BoardItem]] = {}
    for contribution, action_id in session.execute(query).all():
        by_group.setdefault(contribution.group_id, []).append(
            BoardItem(
                contribution.id,
                contribution.kind,
                contribution.text,
                contribution.hidden,
                contribution.author_key,
                votes.get(contribution.id, 0),
                contribution.feasible,
                action_id,
            )
        )
    return [
        GroupBoard(group_id, number, name, case_title or "", tuple(by_group.get(group_id, [])))
        for group_id, number, name, case_title in groups
    ]


def own_contributions(
    *, session: Session, learning_session_id: int, author_key: str, round_index: int
) -> list[BoardItem]:
    rows = session.scalars(
        select(Contribution)
        .where(
            Contribution.session_id == learning_session_id,
            Contribution.author_key == author_key,
            Contribution.round_index == round_index,
        )
        .order_by(Contribution.created_at, Contribution.id)
    ).all()
    return [BoardItem(c.id, c.kind, c.text, c.hidden, c.author_key, feasible=c.feasible) for c in rows]


# --- solutions, votes, actions ------------------------------------------------------------------


def solutions(*, session: Session, learning_session_id: int, include_hidden: bool = False) -> list[Solution]:
    """All groups' solutions of the session, most votes first."""
    votes = _vote_counts(session, learning_session_id)
    query = (
        select(Contribution, Group.name, Action.id)
        .outerjoin(Group, Group.id == Contribution.group_id)
        .outerjoin(Action, Action.contribution_id == Contribution.id)
        .where(Contribution.session_id == learning_session_id, Contribution.kind == ContributionKind.SOLUTION)
        .order_by(Contribution.created_at, Contribution.id)
    )
    if not include_hidden:
        query = query.where(Contribution.hidden.is_(False))
    items = [
        Solution(c.id, c.text, group_name or "", c.round_index, votes.get(c.id, 0), c.feasible, c.hidden, action_id)
        for c, group_name, action_id in session.execute(query).all()
    ]
    return sorted(items, key=lambda s: -s.votes)


def my_votes(*, session: Session, learning_session_id: int, voter_key: str) -> set[int]:
    return set(
        session.scalars(
            select(Vote.contribution_id).where(Vote.session_id == learning_session_id, Vote.voter_key == voter_key)
        )
    )


def toggle_vote(*, session: Session, contribution_id: int, voter_key: str) -> bool:
    """Give a dot to a solution, or take it back; True when the dot is now there.

    Each participant has `votes_per_participant` dots in a session, at most one per solution. The session
    row is locked first, so two taps at once cannot exceed the limit.
    """
    if not voter_key:
        raise NotAllowed("Stemmen kan alleen via de code van de leersessie.")
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.kind != ContributionKind.SOLUTION or contribution.hidden:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    meeting = open_meeting(session, contribution.session_id, lock=True)
    existing = session.scalar(select(Vote).where(Vote.contribution_id == contribution.id, Vote.voter_key == voter_key))
    touch(session, meeting.id)
    if existing is not None:
        session.delete(existing)
        return False
    used = session.execute(
        select(func.count()).select_from(Vote).where(Vote.session_id == meeting.id, Vote.voter_key == voter_key)
    ).scalar_one()
    if used >= meeting.votes_per_participant:
        raise DomainError(
            f"U heeft al uw {meeting.votes_per_participant} stemmen gebruikt. Trek er een in om opnieuw te stemmen."
        )
    session.add(Vote(session_id=meeting.id, contribution_id=contribution.id, voter_key=voter_key[:64]))
    session.flush()
    return True


def solution_to_action(
    *,
    session: Session,
    contribution_id: int,
    actor: CurrentUser,
    title: str | None = None,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    organisation_id: int | None = None,
    work_group: str = "",
    due_date: dt.date | None = None,
    use_default_due_date: bool = True,
) -> Action:
    """Turn a solution into a vervolgactie (and mark it feasible). One action per solution: a second
    click on the same solution is refused, not doubled."""
    policy.require(actor, "session.run")
    contribution = session.scalar(select(Contribution).where(Contribution.id == contribution_id).with_for_update())
    if contribution is None or contribution.kind != ContributionKind.SOLUTION:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    if session.scalar(select(Action.id).where(Action.contribution_id == contribution.id)) is not None:
        raise Conflict("Van deze oplossing is al een vervolgactie gemaakt.")
    if due_date is None and use_default_due_date:
        due_date = actions.default_due_date(session=session, learning_session_id=contribution.session_id)
    if organisation_id is None and owner_user_id is not None:
        owner = session.get(User, owner_user_id)
        organisation_id = owner.organisation_id if owner else None
    action = actions.create_action(
        session=session,
        actor=actor,
        data=actions.NewAction(
            title=title if title is not None else contribution.text,
            due_date=due_date,
            owner_user_id=owner_user_id,
            owner_name=owner_name,
            organisation_id=organisation_id,
            work_group=work_group,
            session_id=contribution.session_id,
            contribution_id=contribution.id,
        ),
    )
    contribution.feasible = True
    touch(session, contribution.session_id)
    return action


def trekker_choices(*, session: Session, learning_session_id: int) -> dict[str, int]:
    """Who can take a solution on, as 'name (organisation)' → user id: the active managers and whoever
    is on this session's attendance list, managers first. One query; others can be typed as a name."""
    attending = select(Attendance.user_id).where(
        Attendance.session_id == learning_session_id, Attendance.user_id.is_not(None)
    )
    rows = session.execute(
        select(User.id, User.display_name, User.role, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.active.is_(True), or_(User.role == Role.MANAGER, User.id.in_(attending)))
        .order_by(User.role != Role.MANAGER, User.display_name)
    ).all()
    return {f"{name} ({organisation or 'geen organisatie'})": user_id for user_id, name, _role, organisation in rows}


def session_actions(*, session: Session, learning_session_id: int) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .options(selectinload(Action.owner), selectinload(Action.organisation))
            .where(Action.session_id == learning_session_id)
            .order_by(Action.id)
        )
    )
