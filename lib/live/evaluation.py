"""The closing evaluation of a session: one answer per participant, and its summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.cases import privacy
from lib.core.errors import DomainError, NotAllowed
from lib.core.validation import clean_text
from lib.live.join import scoped_key
from lib.live.phases import open_meeting, touch
from lib.models import (
    EVALUATION_SCORE_LABELS,
    Evaluation,
    EvaluationLength,
)

MAX_REMARK = 1000


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    length: dict[str, int]
    constructive: dict[int, int]
    to_the_point: dict[int, int]
    remarks: list[str] = field(default_factory=list)


# --- evaluation ---------------------------------------------------------------------------------


def submit_evaluation(
    *,
    session: Session,
    learning_session_id: int,
    participant_key: str,
    length: EvaluationLength | str,
    constructive: int,
    to_the_point: int,
    remark: str = "",
    privacy_confirmed: bool = False,
) -> Evaluation:
    """One evaluation per participant (per phone): answering again replaces the earlier answer.

    The session row is locked first, so a double tap (two submits at once, on PostgreSQL too) stores
    one evaluation instead of running into the unique constraint.
    """
    if not participant_key:
        raise NotAllowed("Evalueren kan alleen via de code van de leersessie.")
    try:
        length = EvaluationLength(length)
    except ValueError:
        raise DomainError("Lengte: kies te kort, goed of te lang.") from None
    for value, label in ((constructive, "Constructief"), (to_the_point, EVALUATION_SCORE_LABELS["to_the_point"])):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(f"{label}: kies een cijfer van 1 tot en met 5.")
    remark = clean_text(remark, field="Opmerking", max_length=MAX_REMARK, required=False)
    privacy.check({"De opmerking": remark}, confirmed=privacy_confirmed)
    meeting = open_meeting(session, learning_session_id, lock=True)
    scoped = scoped_key(participant_key, meeting.id)
    evaluation = session.scalar(
        select(Evaluation).where(Evaluation.session_id == meeting.id, Evaluation.participant_key == scoped)
    )
    if evaluation is None:
        evaluation = Evaluation(session_id=meeting.id, participant_key=scoped)
        session.add(evaluation)
    evaluation.length = length
    evaluation.constructive = constructive
    evaluation.to_the_point = to_the_point
    evaluation.remark = remark
    session.flush()
    touch(session, meeting.id)
    return evaluation


def has_evaluated(*, session: Session, learning_session_id: int, participant_key: str) -> bool:
    return (
        session.scalar(
            select(Evaluation.id).where(
                Evaluation.session_id == learning_session_id,
                Evaluation.participant_key == scoped_key(participant_key, learning_session_id),
            )
        )
        is not None
    )


def evaluation_results(*, session: Session, learning_session_id: int) -> EvaluationSummary:
    """Counts per answer, aggregated in SQL; remarks newest first."""

    def counts(column) -> dict:
        return dict(
            session.execute(
                select(column, func.count()).where(Evaluation.session_id == learning_session_id).group_by(column)
            ).all()
        )

    length = counts(Evaluation.length)
    constructive = counts(Evaluation.constructive)
    to_the_point = counts(Evaluation.to_the_point)
    remarks = list(
        session.scalars(
            select(Evaluation.remark)
            .where(Evaluation.session_id == learning_session_id, Evaluation.remark != "")
            .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
            .limit(50)
        )
    )
    return EvaluationSummary(
        count=sum(length.values()),
        length={str(k): length.get(str(k), 0) for k in EvaluationLength},
        constructive={n: constructive.get(n, 0) for n in range(1, 6)},
        to_the_point={n: to_the_point.get(n, 0) for n in range(1, 6)},
        remarks=remarks,
    )
