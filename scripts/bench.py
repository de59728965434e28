"""Benchmark: a municipality's five years of leersessies, and how fast the dashboard and reports are.

Generates ~300 sessions, ~3,000 cases, ~50,000 contributions, ~20,000 actions (with ~40,000 history
rows), attendance and evaluations into a temporary SQLite database (bulk inserts, a few seconds),
then prints timings. No assertions: it prints figures.

    python scripts/bench.py                      # temporary SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://... python scripts/bench.py   # an EMPTY PostgreSQL database
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from lib import home
from lib.accounts import CurrentUser
from lib.core import db
from lib.exports.files import FORMATS, render
from lib.followup import terugblik
from lib.insight import oogst, reports, stats
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
from lib.planning import werkvormen

SEED = 20160905
YEARS = 5
SERIES_PER_YEAR = 4
SESSIONS_PER_SERIES = 15
GROUPS = 3
CONTRIBUTIONS_PER_ROUND = 18
ACTIONS_PER_SESSION = 66
CASES = 3000
TODAY = dt.date(2026, 6, 1)

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


def generate(engine: Any) -> dict[str, int]:
    """Fill an empty database; returns the counts per table."""
    rng = random.Random(SEED)
    start_day = TODAY - dt.timedelta(days=365 * YEARS)
    with db.transaction(engine) as session:
        template = werkvormen.default_template(session=session)
        assert template is not None, "the migrations add the shipped werkvormen"
        rounds = werkvormen.snapshot(template)
        password_hash = "$argon2id$v=19$m=65536,t=3,p=4$bench$bench"
        organisations = [{"id": i, "name": f"Organisatie {i}", "kind": "gemeente"} for i in range(1, 13)]
        session.execute(insert(Organisation), organisations)
        users = []
        for i in range(1, 401):
            role = Role.MANAGER if i % 7 == 0 else Role.AANJAGER if i % 41 == 0 else Role.PROFESSIONAL
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
        for s in range(YEARS * SERIES_PER_YEAR):
            series_rows.append(
                {
                    "id": s + 1,
                    "name": f"Reeks {s + 1}",
                    "default_start": dt.time(9),
                    "default_end": dt.time(10, 30),
                    "template_id": template.id,
                }
            )
            first = start_day + dt.timedelta(days=91 * s)
            for n in range(SESSIONS_PER_SERIES):
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
        while case_id < CASES:  # cases waiting in the inbox or archived
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


def timed(label: str, run: Callable[[], Any], repeat: int = 3) -> Any:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - began)
    print(f"  {label:58} {1000 * statistics.median(times):8.1f} ms")
    return result


def measure(engine: Any) -> None:
    viewer = CurrentUser(1, "bench", "Bench", Role.AANJAGER, None)
    manager = CurrentUser(7, "user7", "Manager", Role.MANAGER, 8)
    everything = stats.Filters()
    one_org = stats.default_filters(manager)
    one_series = stats.Filters(series_id=10)
    with db.read(engine) as session:
        busy = session.scalar(
            select(LearningSession.id)
            .where(LearningSession.status == SessionStatus.FINISHED)
            .order_by(LearningSession.date.desc())
            .limit(1)
        )
        print("dashboard (lib/stats.py), all data:")
        for name in [
            "headline",
            "action_status_by_organisation",
            "action_status_by_session",
            "on_time_share",
            "realisation",
            "late_actions",
            "contributions_per_perspective",
            "recurring_themes",
            "attendance_by_role",
            "attendance_by_organisation",
            "evaluation_scores",
        ]:
            function = getattr(stats, name)
            kwargs = {"today": TODAY} if name in ("headline", "on_time_share", "late_actions") else {}
            timed(name, lambda f=function, k=kwargs: f(session=session, filters=everything, **k))
        timed(
            "whole dashboard, all organisations",
            lambda: stats.dashboard(session=session, viewer=viewer, filters=everything, today=TODAY),
        )
        timed(
            "whole dashboard, a manager's own organisation",
            lambda: stats.dashboard(session=session, viewer=manager, filters=one_org, today=TODAY),
        )
        timed(
            "whole dashboard, one series",
            lambda: stats.dashboard(session=session, viewer=viewer, filters=one_series, today=TODAY),
        )
        print("reports (lib/insight/reports.py, oogst.py; rendered by lib/exports):")
        verslag = timed(
            "sessieverslag: build",
            lambda: reports.session_report(session=session, viewer=viewer, learning_session_id=busy),
        )
        for kind in FORMATS:
            timed(f"sessieverslag: render {kind}", lambda k=kind: render(verslag, k))
        harvest = timed(
            "oogst of a series: build",
            lambda: oogst.document(oogst.harvest(session=session, actor=viewer, series_id=10, today=TODAY)),
            repeat=1,
        )
        for kind in FORMATS:
            timed(f"oogst: render {kind} (pdf and xlsx draw the charts)", lambda k=kind: render(harvest, k), repeat=1)
        size = len(
            timed(
                "CSV of all actions",
                lambda: reports.actions_csv(session=session, viewer=viewer, filters=everything),
                repeat=1,
            )
        )
        print(f"  {'(size of that CSV)':58} {size / 1e6:8.1f} MB")
        timed(
            "CSV of all contributions",
            lambda: reports.contributions_csv(session=session, viewer=viewer, filters=everything),
            repeat=1,
        )
        print("lists:")
        timed("home overview of a manager", lambda: home.overview(session=session, user=manager, today=TODAY))
        timed("terugblik of a session", lambda: terugblik.actions_for_review(session=session, learning_session_id=busy))
        timed("report picker (latest 300 sessions)", lambda: reports.session_choices(session=session, viewer=viewer))


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = None
    if not url:
        folder = tempfile.TemporaryDirectory(prefix="leersessie-bench-")
        url = f"sqlite:///{folder.name}/bench.db"
    engine = db.engine_for(url)
    db.upgrade(engine)
    with db.read(engine) as session:
        if session.scalar(select(func.count()).select_from(User)):
            print("BENCH_DATABASE_URL must point to an empty database.", file=sys.stderr)
            return 2
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    began = time.perf_counter()
    counts = generate(engine)
    print(f"generated in {time.perf_counter() - began:.1f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    measure(engine)
    db.dispose_all()
    if folder is not None:
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
