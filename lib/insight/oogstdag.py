"""The Oogstdag: what the projector shows on the closing day of a series — which actions got off the
ground (gerealiseerd, bezig) and which did not (niet gelukt, vervallen, or still open past their due
date), and why not, with the same reasons grouped together.

The figures come from the oogst of the series (lib/insight/oogst.py), so the Oogstdag and the Oogst
page can never tell different stories; the Oogstdag's own new actions are left out of its oogst.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy.orm import Session

from lib.accounts import CurrentUser
from lib.core import policy
from lib.core.dates import local_today
from lib.core.errors import DomainError, NotFound
from lib.insight import oogst
from lib.insight.oogst import ActionOutcome
from lib.models import ActionStatus, LearningSession, SessionKind

NO_REASON = "Geen reden opgegeven"
STILL_OPEN = "Nog open na de streefdatum"
# Words that say nothing about why (Dutch function words); "niet" and "geen" stay: they carry the reason.
_FUNCTION_WORDS = (
    "de het een en of van te is er op in aan voor met om dat die dit was waren zijn werd werden nog ook door bij "
    "al we wij ze zij hij daar dan want omdat maar naar uit over als tot"
)
STOP_WORDS = frozenset(_FUNCTION_WORDS.split())
SIMILAR_TEXT = 0.82  # difflib ratio of two normalised reasons
SIMILAR_WORDS = 0.6  # overlap of their word stems (Jaccard)
STEM = 6  # a word's first letters: wachtlijst / wachtlijsten, capaciteit / capaciteitstekort


@dataclass(frozen=True)
class ReasonGroup:
    reason: str  # the most common wording in the group
    actions: tuple[ActionOutcome, ...]

    @property
    def count(self) -> int:
        return len(self.actions)


@dataclass(frozen=True)
class OogstdagData:
    session_id: int
    series_id: int
    series_name: str
    sessions_held: int
    realised: tuple[ActionOutcome, ...]
    in_progress: tuple[ActionOutcome, ...]
    failed: tuple[ActionOutcome, ...]  # niet gelukt and vervallen
    stuck: tuple[ActionOutcome, ...]  # open, and past the due date
    open_on_track: int  # open, due date not passed (or none)
    reasons: tuple[ReasonGroup, ...]  # largest group first

    @property
    def got_off(self) -> tuple[ActionOutcome, ...]:
        return self.realised + self.in_progress

    @property
    def not_off(self) -> tuple[ActionOutcome, ...]:
        return self.failed + self.stuck

    @property
    def total(self) -> int:
        return len(self.got_off) + len(self.not_off) + self.open_on_track


# --- grouping the reasons -------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, accents and punctuation off, function words out: 'Geen budget!' -> 'geen budget'."""
    folded = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def _stems(key: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in key.split())


def similar(a: str, b: str) -> bool:
    """Two normalised reasons say the same: nearly the same letters, or mostly the same words."""
    if a == b:
        return True
    if not a or not b:
        return False
    if SequenceMatcher(None, a, b).ratio() >= SIMILAR_TEXT:
        return True
    left, right = _stems(a), _stems(b)
    shared = len(left & right)
    # Mostly the same words, or the shorter reason (two words or more) said again inside the longer one.
    return shared / len(left | right) >= SIMILAR_WORDS or (shared >= 2 and shared / min(len(left), len(right)) >= 0.66)


def group_reasons(items: list[ActionOutcome]) -> list[ReasonGroup]:
    """Actions grouped by their 'waarom niet', similar wordings together; largest group first, then
    in order of first appearance. Actions without a reason come last: the open ones past their due
    date, then those that failed without saying why."""
    groups: list[tuple[str, list[ActionOutcome]]] = []  # (key of the first reason, its actions)
    still_open: list[ActionOutcome] = []
    without: list[ActionOutcome] = []
    for item in items:
        reason = (item.reason or "").strip()
        if not reason:
            (still_open if item.status == ActionStatus.OPEN else without).append(item)
            continue
        key = normalise(reason) or reason.casefold()
        for group_key, members in groups:
            if similar(key, group_key):
                members.append(item)
                break
        else:
            groups.append((key, [item]))
    result = [ReasonGroup(_wording(members), tuple(members)) for _key, members in groups]
    result.sort(key=lambda g: -g.count)  # stable: ties keep the order they came up in
    if still_open:
        result.append(ReasonGroup(STILL_OPEN, tuple(still_open)))
    if without:
        result.append(ReasonGroup(NO_REASON, tuple(without)))
    return result


def _wording(members: list[ActionOutcome]) -> str:
    """The wording most people used; on a tie the shortest (it says the common part), then the first."""
    texts = [m.reason.strip() for m in members]
    counts = Counter(texts)
    return min(counts, key=lambda text: (-counts[text], len(text), texts.index(text)))


# --- the data -------------------------------------------------------------------------------------


def is_oogstdag(*, session: Session, learning_session_id: int) -> bool:
    meeting = session.get(LearningSession, learning_session_id)
    return meeting is not None and meeting.kind == SessionKind.OOGSTDAG


def oogstdag(
    *, session: Session, learning_session_id: int, actor: CurrentUser, today: dt.date | None = None
) -> OogstdagData:
    """The oogst of the Oogstdag's series, for the projector."""
    policy.require(actor, "session.run")
    meeting = session.get(LearningSession, learning_session_id)
    if meeting is None:
        raise NotFound("Deze leersessie bestaat niet.")
    if meeting.kind != SessionKind.OOGSTDAG or meeting.series_id is None:
        raise DomainError("Deze leersessie is geen Oogstdag van een reeks.")
    today = today or local_today()
    report = oogst.harvest(session=session, series_id=meeting.series_id, actor=actor, today=today)
    before = [s for s in report.sessions if s.id != meeting.id]
    outcomes = [a for s in before for a in s.actions]

    def of(*statuses: str) -> tuple[ActionOutcome, ...]:
        return tuple(a for a in outcomes if a.status in statuses)

    opened = of(ActionStatus.OPEN)
    stuck = tuple(a for a in opened if a.due_date is not None and a.due_date < today)
    failed = of(ActionStatus.FAILED, ActionStatus.DROPPED)
    return OogstdagData(
        session_id=meeting.id,
        series_id=meeting.series_id,
        series_name=report.name,
        sessions_held=len(before),
        realised=of(ActionStatus.DONE),
        in_progress=of(ActionStatus.IN_PROGRESS),
        failed=failed,
        stuck=stuck,
        open_on_track=len(opened) - len(stuck),
        reasons=tuple(group_reasons(list(failed + stuck))),
    )
