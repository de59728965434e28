"""Generated data for the benchmark: a municipality's years of leersessies at size M × scale.

Written against the models both this checkout and the one before the lib/ reorganisation share, so
`make bench BASELINE=…` can fill one database and measure both on it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import func, insert, select

from lib.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    Evaluation,
    Group,
    LearningSession,
    Organisation,
    Role,
    Series,
    SessionStatus,
    User,
)


def checkout_modules() -> tuple[Any, Any]:
    """(db, werkvormen) of the checkout on sys.path: this layout, or the flat one before it."""
    try:
        from lib.core import db
        from lib.planning import werkvormen
    except ImportError:
        from lib import db, werkvormen
    return db, werkvormen


SEED = 20160905
YEARS = 5
SESSIONS_PER_SERIES = 15
WEEKS_AHEAD = 8
GROUPS = 3
# Size M per unit of scale: 250 sessions, 3,000 cases, ~30,000 contributions, 10,000 actions, 400 users.
SESSIONS = 250
CONTRIBUTIONS_PER_ROUND = 15
ACTIONS_PER_SESSION = 40
CASES = 3000
USERS = 400
TODAY = dt.date.today()

SUBJECTS = [
    "wachtlijst schuldhulp",
    "privacyregels",
    "indicatie Wmo",
    "huurachterstand",
    "regie bij het gezin",
    "overdracht 18-/18+",
    "bereikbaarheid GGZ",
    "budget maatwerk",
    "brieven van de gemeente",
    "dagbesteding",
    "woningtoewijzing",
    "casusregie",
    "mantelzorg",
    "vroegsignalering",
    "taalbarrière",
]
VERBS = ["belemmert", "vertraagt", "ontbreekt bij", "helpt bij", "versnelt", "schuurt met"]
PERSPECTIVES = ["systeem", "professional", "veranderproces"]


def generate(engine: Any, scale: int = 1) -> dict[str, int]:
    """Fill an empty database with `scale` × size M; returns the counts per table."""
    db, werkvormen = checkout_modules()
    rng = random.Random(SEED)
    # The planning reaches WEEKS_AHEAD weeks past today at every size (the last series ends then), so
    # there are sessions to sign up for and to prepare, as in an organisation that keeps going.
    series_count = -(-SESSIONS * scale // SESSIONS_PER_SERIES)
    last_series_start = (365 * YEARS) * (series_count - 1) // series_count
    start_day = TODAY + dt.timedelta(days=7 * (WEEKS_AHEAD - SESSIONS_PER_SERIES + 1) - last_series_start)
    with db.transaction(engine) as session:
        if hasattr(werkvormen, "ensure_builtin"):  # a checkout from before the werkvormen migration
            werkvormen.ensure_builtin(session=session)
        template = werkvormen.default_template(session=session)
        assert template is not None, "the migrations add the shipped werkvormen"
        rounds = werkvormen.snapshot(template)
        password_hash = "$argon2id$v=19$m=65536,t=3,p=4$bench$bench"
        organisations = [{"id": i, "name": f"Organisatie {i}", "kind": "gemeente"} for i in range(1, 13)]
        session.execute(insert(Organisation), organisations)
        users = []
        for i in range(1, USERS * scale + 1):
            role = (
                Role.BEHEERDER
                if i == 1
                else Role.MANAGER
                if i % 7 == 0
                else Role.AANJAGER
                if i % 41 == 0
                else Role.PROFESSIONAL
            )
            users.append(
                {
                    "id": i,
                    "username": f"user{i}",
                    "display_name": f"Mëdewerker {i}",
                    "role": role,
                    "organisation_id": 1 + i % 12,
                    "password_hash": password_hash,
                }
            )
        session.execute(insert(User), users)
        managers = [u["id"] for u in users if u["role"] == Role.MANAGER]
        professionals = [u["id"] for u in users if u["role"] == Role.PROFESSIONAL]
        org_of = {u["id"]: u["organisation_id"] for u in users}

        series_rows, session_rows = [], []
        session_id = 0
        for s in range(series_count):
            series_rows.append(
                {
                    "id": s + 1,
                    "name": f"Reeks {s + 1}",
                    "default_start": dt.time(9),
                    "default_end": dt.time(10, 30),
                    "template_id": template.id,
                }
            )
            first = start_day + dt.timedelta(days=(365 * YEARS) * s // series_count)
            for n in range(min(SESSIONS_PER_SERIES, SESSIONS * scale - SESSIONS_PER_SERIES * s)):
                session_id += 1
                day = first + dt.timedelta(days=7 * n)
                held = day < TODAY
                session_rows.append(
                    {
                        "id": session_id,
                        "series_id": s + 1,
                        "title": f"Reeks {s + 1} — sessie {n + 1}",
                        "date": day,
                        "start_time": dt.time(9),
                        "end_time": dt.time(10, 30),
                        "template_name": template.name,
                        "rounds": rounds,
                        "status": SessionStatus.FINISHED if held else SessionStatus.PLANNED,
                    }
                )
        session.execute(insert(Series), series_rows)
        session.execute(insert(LearningSession), session_rows)

        case_rows, group_rows, contribution_rows, attendance_rows, evaluation_rows = [], [], [], [], []
        action_rows, update_rows = [], []
        case_id = group_id = contribution_id = action_id = 0
        for meeting in session_rows:
            moment = dt.datetime.combine(meeting["date"], dt.time(8), dt.UTC)
            held = meeting["status"] == SessionStatus.FINISHED
            for person in rng.sample(professionals, 22) + rng.sample(managers, 6):
                attendance_rows.append(
                    {
                        "session_id": meeting["id"],
                        "user_id": person,
                        "role": Role.MANAGER if person in managers else Role.PROFESSIONAL,
                        "present": True if held else None,
                    }
                )
            for g in range(GROUPS):
                case_id += 1
                submitter = rng.choice(professionals)
                case_rows.append(
                    {
                        "id": case_id,
                        "title": f"Casus {case_id}",
                        "description": "Een inwoner loopt vast.",
                        "learning_question": "Hoe voorkomen we dit?",
                        "submitter_id": submitter,
                        "organisation_id": org_of[submitter],
                        "session_id": meeting["id"],
                        "status": CaseStatus.DISCUSSED if held else CaseStatus.SELECTED,
                        "created_at": moment - dt.timedelta(days=14),
                    }
                )
                if not held:
                    continue
                group_id += 1
                group_rows.append(
                    {
                        "id": group_id,
                        "session_id": meeting["id"],
                        "number": g + 1,
                        "name": f"Groep {g + 1}",
                        "case_id": case_id,
                    }
                )
                for round_index, perspective in enumerate(PERSPECTIVES):
                    for _ in range(CONTRIBUTIONS_PER_ROUND):
                        contribution_id += 1
                        kind = (
                            ContributionKind.SOLUTION
                            if round_index == 2 and rng.random() < 0.5
                            else rng.choice([ContributionKind.OBSTACLE, ContributionKind.HELPER])
                        )
                        contribution_rows.append(
                            {
                                "id": contribution_id,
                                "session_id": meeting["id"],
                                "group_id": group_id,
                                "round_index": round_index,
                                "perspective": perspective,
                                "kind": kind,
                                "text": f"De {rng.choice(SUBJECTS)} {rng.choice(VERBS)} de {rng.choice(SUBJECTS)}",
                                "created_at": moment + dt.timedelta(minutes=20 * round_index + rng.randint(0, 19)),
                            }
                        )
            if not held:
                continue
            for index in range(20):
                evaluation_rows.append(
                    {
                        "session_id": meeting["id"],
                        "participant_key": f"p{index}",
                        "length": rng.choice(["te_kort", "goed", "goed", "te_lang"]),
                        "constructive": rng.randint(2, 5),
                        "to_the_point": rng.randint(2, 5),
                    }
                )
            for _ in range(ACTIONS_PER_SESSION):
                action_id += 1
                owner = rng.choice(managers)
                due = meeting["date"] + dt.timedelta(days=rng.choice([28, 28, 56, 91]))
                status = rng.choices(list(ActionStatus), weights=[3, 2, 6, 1, 1])[0]
                created = moment + dt.timedelta(hours=2)
                finished = None
                if status in (ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED):
                    finished = created + dt.timedelta(days=rng.randint(1, 120))
                    if finished.date() > TODAY:
                        finished = dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
                action_rows.append(
                    {
                        "id": action_id,
                        "session_id": meeting["id"],
                        "title": f"Actie {action_id}: {rng.choice(SUBJECTS)}",
                        "owner_user_id": owner,
                        "organisation_id": org_of[owner],
                        "due_date": due,
                        "status": status,
                        "reason": "Geen capaciteit" if status == ActionStatus.FAILED else "",
                        "created_at": created,
                        "finished_at": finished,
                    }
                )
                update_rows.append(
                    {"action_id": action_id, "session_id": meeting["id"], "to_status": "open", "created_at": created}
                )
                if status != ActionStatus.OPEN:
                    update_rows.append(
                        {
                            "action_id": action_id,
                            "from_status": "open",
                            "to_status": status,
                            "created_at": finished or created + dt.timedelta(days=10),
                        }
                    )
        while case_id < CASES * scale:  # cases waiting in the inbox or archived
            case_id += 1
            submitter = rng.choice(professionals)
            case_rows.append(
                {
                    "id": case_id,
                    "title": f"Casus {case_id}",
                    "description": "Nog niet besproken.",
                    "learning_question": "Wat kunnen we leren?",
                    "submitter_id": submitter,
                    "organisation_id": org_of[submitter],
                    "status": rng.choice([CaseStatus.SUBMITTED, CaseStatus.ARCHIVED]),
                }
            )
        for model, rows in [
            (Case, case_rows),
            (Group, group_rows),
            (Contribution, contribution_rows),
            (Attendance, attendance_rows),
            (Evaluation, evaluation_rows),
            (Action, action_rows),
            (ActionUpdate, update_rows),
        ]:
            for chunk in range(0, len(rows), 5000):
                session.execute(insert(model), rows[chunk : chunk + 5000])
    with db.read(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (LearningSession, Case, Contribution, Action, ActionUpdate, Attendance, Evaluation)
        }
