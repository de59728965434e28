"""`make bench`: how fast the app is at the sizes a municipality reaches, in one table.

Parts (`make bench PART=gen,pages,live,reports`, default all):
- gen: generating the demo, M (250 sessions, 3,000 cases, 30,000 contributions, 10,000 actions) and
  L (10× M) databases;
- pages: every page × its main role at demo, M and L size (AppTest script runs, median), against the
  floor (an empty guarded page: a role that may not open it) — scripts/bench_pages.py;
- live: one `streamlit run` with a Chromium projector and 5, 15, 30, 60 phones — scripts/bench_live.py;
- reports: the reports and the dashboard's queries at M size.
With BASELINE=/path/to/an/older/checkout every part also runs against that checkout and the table
shows before → after. With BENCH_DATABASE_URL=postgresql+psycopg://user@host/db (a server where that
user may create databases) it runs on PostgreSQL instead of temporary SQLite files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
SIZES = {"demo": 0, "M": 1, "L": 10}
PHONES = "5,15,30,60"


# --- workers: run in their own process with one checkout's lib/ on sys.path --------------------------


def _worker_imports(checkout: Path) -> None:
    sys.path.insert(0, str(checkout))
    sys.path.insert(1, str(SCRIPTS))


def worker_generate(checkout: Path, size: str) -> dict:
    _worker_imports(checkout)
    import bench_data

    from lib import demo

    db, _ = bench_data.checkout_modules()
    engine = db.get_engine()
    db.upgrade(engine)
    began = time.perf_counter()
    if SIZES[size] == 0:
        with db.transaction(engine) as session:
            demo.load(session=session, today=dt.date.today())
        counts: dict[str, int] = {}
    else:
        counts = bench_data.generate(engine, scale=SIZES[size])
    return {"seconds": round(time.perf_counter() - began, 1), "counts": counts}


def timed(run: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - began)
    return round(1000 * statistics.median(times), 1), result


def worker_reports(checkout: Path) -> dict:
    """The reports and the dashboard's data at one size (lib/ calls, no Streamlit)."""
    _worker_imports(checkout)
    from sqlalchemy import select

    try:
        from lib.accounts import CurrentUser
        from lib.core import db
        from lib.followup.terugblik import actions_for_review
        from lib.insight import reports, stats
    except ImportError:
        from lib.actions import actions_for_review
        from lib.auth import CurrentUser

        from lib import db, reports, stats
    from lib import home
    from lib.models import LearningSession, Role, SessionStatus

    today = dt.date.today()
    viewer = CurrentUser(41, "user41", "Aanjager", Role.AANJAGER, None)
    manager = CurrentUser(7, "user7", "Manager", Role.MANAGER, 8)
    out: dict[str, float] = {}
    with db.read() as session:
        held = session.scalar(
            select(LearningSession.id)
            .where(LearningSession.status == SessionStatus.FINISHED)
            .order_by(LearningSession.date.desc())
            .limit(1)
        )
        series_id = session.scalar(select(LearningSession.series_id).where(LearningSession.id == held))
        out["dashboard data, all organisations"], _ = timed(
            lambda: stats.dashboard(session=session, viewer=viewer, filters=stats.Filters(), today=today)
        )
        out["dashboard data, a manager's own organisation"], _ = timed(
            lambda: stats.dashboard(
                session=session, viewer=manager, filters=stats.default_filters(manager), today=today
            )
        )
        out["sessieverslag PDF (build + render)"], _ = timed(
            lambda: reports.render(
                reports.session_report(session=session, viewer=viewer, learning_session_id=held), "pdf"
            )
        )
        harvest = getattr(reports, "harvest_report", None) or reports.oogst_report
        out["oogst PDF of a series, with charts (build + render)"], _ = timed(
            lambda: reports.render(harvest(session=session, viewer=viewer, series_id=series_id, today=today), "pdf"),
            repeat=1,
        )
        out["CSV of all actions"], _ = timed(
            lambda: reports.actions_csv(session=session, viewer=viewer, filters=stats.Filters()), repeat=1
        )
        out["terugblik of a session"], _ = timed(lambda: actions_for_review(session=session, learning_session_id=held))
        out["home overview of a manager"], _ = timed(lambda: home.overview(session=session, user=manager, today=today))
    return out


# --- databases: temporary SQLite files, or databases on BENCH_DATABASE_URL's server --------------------


class Databases:
    def __init__(self) -> None:
        self.server = os.environ.get("BENCH_DATABASE_URL", "")
        self.folder = tempfile.TemporaryDirectory(prefix="leersessie-bench-")
        self.created: list[str] = []

    @property
    def kind(self) -> str:
        return "PostgreSQL" if self.server else "SQLite"

    def _admin(self) -> Any:
        from sqlalchemy import create_engine

        return create_engine(self.server, isolation_level="AUTOCOMMIT")

    def new(self, name: str, template: str | None = None) -> str:
        """An empty database (or a copy of `template`, a URL this object made) and its URL."""
        if not self.server:
            path = Path(self.folder.name) / f"{name}.db"
            if template:
                shutil.copy(template.removeprefix("sqlite:///"), path)
            return f"sqlite:///{path}"
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        database = f"bench_{name}".lower()
        admin = self._admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            source = f' TEMPLATE "{make_url(template).database}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{database}"{source}'))
        admin.dispose()
        self.created.append(database)
        return make_url(self.server).set(database=database).render_as_string(hide_password=False)

    def close(self) -> None:
        if self.server:
            from sqlalchemy import text

            admin = self._admin()
            with admin.connect() as conn:
                for database in self.created:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
        self.folder.cleanup()


def run_worker(args: list[str], database_url: str | None = None, script: str = "bench.py") -> Any:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table ----------------------------------------------------------------------------------------


def pair(before: Any, after: Any, unit: str = "") -> str:
    def show(value: Any) -> str:
        return "—" if value is None else f"{value:g}{unit}" if isinstance(value, float | int) else str(value)

    return f"{show(before)} → {show(after)}"


def cells(values: list[Any], unit: str = "") -> str:
    """One checkout's figure, or before → after."""
    return pair(*values, unit=unit) if len(values) == 2 else pair(None, values[0], unit=unit).split(" → ")[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", default=os.environ.get("PART", "") or "gen,pages,live,reports")
    parser.add_argument(
        "--baseline", type=Path, default=Path(os.environ["BASELINE"]) if os.environ.get("BASELINE") else None
    )
    parser.add_argument("--phones", default=os.environ.get("PHONES", PHONES))
    parser.add_argument("--sizes", default=os.environ.get("SIZES", "demo,M,L"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--worker", choices=["generate", "reports"])
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--size", default="M")
    args = parser.parse_args()
    if args.worker == "generate":
        print(json.dumps(worker_generate(args.checkout, args.size)))
        return 0
    if args.worker == "reports":
        print(json.dumps(worker_reports(args.checkout)))
        return 0

    parts = set(args.part.split(","))
    checkouts = {"after": ROOT}
    if args.baseline:
        checkouts = {"before": args.baseline.resolve(), **checkouts}
    sizes = [s for s in args.sizes.split(",") if s]
    databases = Databases()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    figures: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {memory_gb:.0f} GB, Python {platform.python_version()}",
        "database": databases.kind,
        "checkouts": {k: str(v) for k, v in checkouts.items()},
    }
    print(f"# make bench — {figures['date']}, {figures['machine']}, {databases.kind}")
    print("(the machine may be shared: absolute figures are noisy; compare before and after of one run)")
    try:
        filled: dict[str, str] = {}
        if parts & {"gen", "pages", "reports"}:
            generator = args.baseline.resolve() if args.baseline else ROOT  # its schema both checkouts know
            print("\n## Generated data")
            for size in sizes if parts & {"gen", "pages"} else ["M"]:
                url = databases.new(f"{size}_source")
                result = run_worker(["--worker", "generate", "--checkout", str(generator), "--size", size], url)
                filled[size] = url
                counts = ", ".join(f"{n:,} {t}" for t, n in (result or {}).get("counts", {}).items())
                print(f"- {size}: {result and result['seconds']} s {counts}")
                figures.setdefault("generated", {})[size] = result
        if "pages" in parts:
            print_pages(figures, databases, filled, checkouts, sizes)
        if "reports" in parts and "M" in filled:
            print("\n## Reports and dashboard data at M (ms, median of 3; the oogst once)")
            results = {
                label: run_worker(
                    ["--worker", "reports", "--checkout", str(path)], databases.new(f"M_rep_{label}", filled["M"])
                )
                for label, path in checkouts.items()
            }
            figures["reports"] = results
            names = next((list(r) for r in results.values() if r), [])
            print("| | " + " | ".join(checkouts) + " |\n|---|" + "---|" * len(checkouts))
            for name in names:
                print(f"| {name} | " + " | ".join(str((results[c] or {}).get(name, "—")) for c in checkouts) + " |")
        if "live" in parts:
            print_live(figures, databases, checkouts, args.phones)
    finally:
        databases.close()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


def print_pages(figures: dict, databases: Databases, filled: dict, checkouts: dict, sizes: list[str]) -> None:
    results: dict[str, dict[str, Any]] = {}
    for size in sizes:
        for label, path in checkouts.items():
            url = databases.new(f"{size}_pages_{label}", filled[size])
            users = "demo" if SIZES[size] == 0 else "generated"
            results.setdefault(size, {})[label] = run_worker(
                ["--checkout", str(path), "--users", users], url, script="bench_pages.py"
            ) or {"floor_best_ms": None, "best": {}, "pages": {}}
    figures["pages"] = results
    print(
        "\n## Pages: best of 5 warm script runs (ms; medians in --json) of each page for its main role;"
        " the floor is an empty guarded page"
    )
    from bench_pages import MAIN_ROLE

    labels = list(checkouts)
    head = " | ".join(f"{size}" for size in sizes)
    print(f"| page (role) | {head} | × floor at M | L / M |\n|---|" + "---|" * (len(sizes) + 2))
    rows = [("floor", "")] + [(page, role) for page, role in MAIN_ROLE.items()]
    for page, role in rows:
        row = []
        for size in sizes:
            values = [
                results[size][label].get("floor_best_ms") if page == "floor" else results[size][label]["best"].get(page)
                for label in labels
            ]
            row.append(cells(values))
        ratios = []
        for ratio in ("floor", "growth"):
            values = []
            for label in labels:
                m = results.get("M", {}).get(label, {})
                big = results.get("L", {}).get(label, {})
                value_m = m.get("floor_best_ms") if page == "floor" else (m.get("best") or {}).get(page)
                value_l = big.get("floor_best_ms") if page == "floor" else (big.get("best") or {}).get(page)
                base = m.get("floor_best_ms") if ratio == "floor" else value_m
                top = value_m if ratio == "floor" else value_l
                values.append(round(top / base, 1) if top and base else None)
            ratios.append(cells(values, unit="×"))
        print(f"| {page}{f' ({role})' if role else ''} | " + " | ".join(row) + " | " + " | ".join(ratios) + " |")
    for size in sizes:
        for label in labels:
            for page, error in (results[size][label].get("errors") or {}).items():
                print(f"- error: {page} at {size} ({label}): {error}")


def print_live(figures: dict, databases: Databases, checkouts: dict, phones: str) -> None:
    print(f"\n## Live: a Chromium projector and {phones} phones in round 1 ({databases.kind})")
    results = {}
    for label, path in checkouts.items():
        args = ["--checkout", str(path), "--phones", phones]
        if databases.server:
            args += ["--database-url", databases.new(f"live_{label}")]
        results[label] = run_worker(args, script="bench_live.py")
    figures["live"] = results
    print(
        "| phones | loaded | slowest load (s) | server CPU | CPU per phone run (ms) | RSS (MB) "
        "| submit → projector median / p90 / worst (s) | missed |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    levels = sorted({level["phones"] for r in results.values() if r for level in r["levels"]})
    for phones_count in levels:
        row = {
            label: next((lv for lv in (r or {}).get("levels", []) if lv["phones"] == phones_count), {})
            for label, r in results.items()
        }

        def cell(key: str, unit: str = "", rows: dict = row) -> str:
            return cells([rows[label].get(key) for label in checkouts], unit=unit)

        latency = " ; ".join(
            f"{row[label].get('latency_median_s', '—')} / {row[label].get('latency_p90_s', '—')} / "
            f"{row[label].get('latency_worst_s', '—')}"
            for label in checkouts
        )
        missed = cell("projector_missed") + " (projector), " + cell("phone_deliveries_missed") + " (phones)"
        print(
            f"| {phones_count} | {cell('loaded')} | {cell('load_worst_s')} | {cell('cpu_pct', '%')} | "
            f"{cell('cpu_ms_per_run')} | "
            f"{cell('rss_mb')} | {latency} | {missed} |"
        )
    for label, result in results.items():
        if result and result.get("saturated_at"):
            print(f"- {label}: saturated at {result['saturated_at']} phones (fewer than 80 % loaded within 60 s)")


if __name__ == "__main__":
    sys.exit(main())
