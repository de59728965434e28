"""What groups capture in the room: contributions (belemmert / helpt / oplossing), moderation,
dot-votes, and solutions that become follow-up actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lib.accounts import CurrentUser
from lib.cases import privacy
from lib.core import audit, policy
from lib.core.errors import Conflict, DomainError, NotAllowed, NotFound
from lib.core.validation import clean_text
from lib.followup import actions
from lib.live.join import scoped_key
from lib.live.phases import open_meeting, touch
from lib.models import (
    Action,
    Attendance,
    Case,
    Contribution,
    ContributionKind,
    Group,
    LearningSession,
    Organisation,
    Phase,
    Role,
    User,
    Vote,
    utcnow,
)

MAX_CONTRIBUTION = 500
CLIENT_KEY_LENGTH = 64  # Contribution.client_key: the phone's key for one submit
# Contributions per minute: a scribe types one every few seconds at most; a group has a few phones.
RATE_WINDOW = dt.timedelta(minutes=1)
MAX_PER_DEVICE = 20
MAX_PER_GROUP = 120
TOO_FAST = "U voegt heel snel inbreng toe. Wacht een minuut en probeer het dan opnieuw."
TOO_FAST_GROUP = "Uw groep voegt heel snel inbreng toe. Wacht een minuut en probeer het dan opnieuw."
# Dots a session takes in all: people present × dots per person; without an attendance list, a big room.
ROOM_WITHOUT_LIST = 60
ROOM_FULL = (
    "Alle stemmen van de zaal zijn al uitgebracht (aanwezigen × stemmen per persoon). "
    "Vraag de aanjager om de aanwezigen bij te werken."
)
HIDDEN_STAYS = "De aanjager heeft deze inbreng verborgen; hij blijft bewaard en kan niet meer worden gewijzigd."


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
    client_key: str | None = None  # own contributions only: the phone's submit key


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
    client_key: str | None = None,
    actor: CurrentUser | None = None,
    now: dt.datetime | None = None,
    privacy_confirmed: bool = False,
) -> Contribution:
    """What a group captures in the current round: by a scribe's device (`author_key`, the phone's
    device key) or typed on the projector by the aanjager (`actor`).

    `client_key` is made on the phone for one submit: sent again (a double tap, a retry after a dropped
    connection) it stores nothing new and returns the contribution stored the first time, silently.
    The database holds it unique per session, so two processes cannot both store it.
    """
    if actor is not None:
        policy.require(actor, "session.run")
    elif not author_key:
        raise NotAllowed("Meedoen kan alleen via de code van de leersessie.")
    scoped = None if actor else scoped_key(author_key or "", learning_session_id)
    client_key = (client_key or "").strip()[:CLIENT_KEY_LENGTH] or None
    if client_key is not None:
        stored = _stored_submit(session, learning_session_id, client_key)
        if stored is not None:
            return stored
    kind = _kind(kind)
    text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    privacy.check({"De inbreng": text}, confirmed=privacy_confirmed)
    # The row lock serialises the rate count and the insert (touch() below would lock it anyway).
    meeting = open_meeting(session, learning_session_id, lock=True)
    if meeting.phase != Phase.ROUND:
        raise DomainError("Inbreng kan alleen tijdens een ronde worden toegevoegd.")
    group = session.get(Group, group_id)
    if group is None or group.session_id != meeting.id:
        raise DomainError("Kies een groep van deze leersessie.")
    now = now or utcnow()
    if scoped:
        _refuse_when_too_fast(session, meeting.id, group.id, scoped, now)
    round_plan = (meeting.rounds or [{}])[meeting.current_round]
    contribution = Contribution(
        session_id=meeting.id,
        group_id=group.id,
        round_index=meeting.current_round,
        perspective=round_plan.get("perspective", ""),
        kind=kind,
        text=text,
        author_key=scoped,
        author_user_id=actor.id if actor else None,
        author_label="aanjager" if actor else group.name,
        client_key=client_key,
        created_at=now,
    )
    try:
        with session.begin_nested():  # a twin submit in another process may have stored the key first
            session.add(contribution)
            session.flush()
    except IntegrityError:
        stored = _stored_submit(session, meeting.id, client_key) if client_key else None
        if stored is None:
            raise
        return stored
    touch(session, meeting.id)
    return contribution


def _stored_submit(session: Session, learning_session_id: int, client_key: str) -> Contribution | None:
    return session.scalar(
        select(Contribution).where(
            Contribution.session_id == learning_session_id, Contribution.client_key == client_key
        )
    )


def _refuse_when_too_fast(
    session: Session, learning_session_id: int, group_id: int, scoped: str, now: dt.datetime
) -> None:
    """At most MAX_PER_DEVICE contributions a minute from one phone, MAX_PER_GROUP from one group."""
    since = now - RATE_WINDOW
    recent = (
        select(func.count())
        .select_from(Contribution)
        .where(Contribution.session_id == learning_session_id, Contribution.created_at > since)
    )
    if (session.scalar(recent.where(Contribution.author_key == scoped)) or 0) >= MAX_PER_DEVICE:
        raise DomainError(TOO_FAST)
    if (session.scalar(recent.where(Contribution.group_id == group_id)) or 0) >= MAX_PER_GROUP:
        raise DomainError(TOO_FAST_GROUP)


def _own_in_current_round(session: Session, contribution_id: int, author_key: str) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound("Deze inbreng bestaat niet (meer).")
    if not author_key or contribution.author_key != scoped_key(author_key, contribution.session_id):
        raise NotAllowed("U kunt alleen uw eigen inbreng wijzigen.")
    meeting = open_meeting(session, contribution.session_id)
    if meeting.phase != Phase.ROUND or meeting.current_round != contribution.round_index:
        raise DomainError("Deze ronde is voorbij: de inbreng kan niet meer worden gewijzigd.")
    if contribution.hidden:
        raise NotAllowed(HIDDEN_STAYS)
    return contribution


def edit_contribution(
    *,
    session: Session,
    contribution_id: int,
    text: str,
    author_key: str,
    kind: ContributionKind | str | None = None,
    privacy_confirmed: bool = False,
) -> Contribution:
    """A scribe corrects their own contribution during its round: the text, and the kind if given."""
    contribution = _own_in_current_round(session, contribution_id, author_key)
    contribution.text = clean_text(text, field="Inbreng", max_length=MAX_CONTRIBUTION)
    privacy.check({"De inbreng": contribution.text}, confirmed=privacy_confirmed)
    if kind is not None:
        contribution.kind = _kind(kind)
    touch(session, contribution.session_id)
    return contribution


def delete_contribution(*, session: Session, contribution_id: int, author_key: str) -> None:
    """A scribe takes back their own contribution during its round; one the aanjager hid stays on record."""
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
            Contribution.author_key == scoped_key(author_key, learning_session_id),
            Contribution.round_index == round_index,
        )
        .order_by(Contribution.created_at, Contribution.id)
    ).all()
    return [
        BoardItem(c.id, c.kind, c.text, c.hidden, c.author_key, feasible=c.feasible, client_key=c.client_key)
        for c in rows
    ]


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
    scoped = scoped_key(voter_key, learning_session_id)
    return set(
        session.scalars(
            select(Vote.contribution_id).where(Vote.session_id == learning_session_id, Vote.voter_key == scoped)
        )
    )


@dataclass(frozen=True)
class VoteTally:
    """How the room voted, against the people present: what the projector warns about."""

    votes: int  # dots given
    voters: int  # phones that gave at least one
    present: int | None  # people on the attendance list not marked absent; None when nobody is listed
    cap: int  # the most dots the session accepts in all

    @property
    def exceeds_room(self) -> bool:
        """More phones voted than people are present (a fresh browser gives a new device key)."""
        return self.present is not None and self.voters > self.present


def _people_present(session: Session, learning_session_id: int) -> int | None:
    present, listed = session.execute(
        select(
            func.count().filter(Attendance.present.is_(True)),
            func.count().filter(or_(Attendance.present.is_(None), Attendance.present.is_(True))),
        ).where(Attendance.session_id == learning_session_id)
    ).one()
    if present:  # the aanjager ticked who came: that is the room
        return present
    return listed or None


def _vote_cap(session: Session, meeting: LearningSession) -> tuple[int | None, int]:
    present = _people_present(session, meeting.id)
    return present, (present or ROOM_WITHOUT_LIST) * meeting.votes_per_participant


def vote_tally(*, session: Session, learning_session_id: int, actor: CurrentUser) -> VoteTally:
    """The votes of a session against the people present, for the projector (one query each)."""
    policy.require(actor, "session.run")
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    votes, voters = session.execute(
        select(func.count(), func.count(func.distinct(Vote.voter_key))).where(Vote.session_id == meeting.id)
    ).one()
    present, cap = _vote_cap(session, meeting)
    return VoteTally(votes=votes, voters=voters, present=present, cap=cap)


def toggle_vote(*, session: Session, contribution_id: int, voter_key: str) -> bool:
    """Give a dot to a solution, or take it back; True when the dot is now there.

    Each participant has `votes_per_participant` dots in a session, at most one per solution; and the
    session as a whole takes at most (people present × dots per person), so a fresh browser (a new
    device key) cannot add dots beyond the room. The session row is locked first, so two taps at once
    cannot exceed either limit.
    """
    if not voter_key:
        raise NotAllowed("Stemmen kan alleen via de code van de leersessie.")
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.kind != ContributionKind.SOLUTION or contribution.hidden:
        raise NotFound("Deze oplossing bestaat niet (meer).")
    meeting = open_meeting(session, contribution.session_id, lock=True)
    scoped = scoped_key(voter_key, meeting.id)
    existing = session.scalar(select(Vote).where(Vote.contribution_id == contribution.id, Vote.voter_key == scoped))
    if existing is not None:
        session.delete(existing)
        touch(session, meeting.id)
        return False
    counted = select(func.count()).select_from(Vote).where(Vote.session_id == meeting.id)
    if (session.scalar(counted.where(Vote.voter_key == scoped)) or 0) >= meeting.votes_per_participant:
        raise DomainError(
            f"U heeft al uw {meeting.votes_per_participant} stemmen gebruikt. Trek er een in om opnieuw te stemmen."
        )
    _present, cap = _vote_cap(session, meeting)
    if (session.scalar(counted) or 0) >= cap:
        raise DomainError(ROOM_FULL)
    session.add(Vote(session_id=meeting.id, contribution_id=contribution.id, voter_key=scoped))
    session.flush()
    touch(session, meeting.id)
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
            # The solution's own text was checked when it was stored (and confirmed then if it had to be):
            # a BSN or IBAN is still refused, other personal data is not asked about a second time.
            privacy_confirmed=title is None or title == contribution.text,
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
