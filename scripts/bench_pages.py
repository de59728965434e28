"""Pages: the median script run of every page for its main role, on one filled database.

Run by scripts/bench.py once per checkout and size, as its own process (the checkout's own lib/):

    DATABASE_URL=sqlite:///m.db python scripts/bench_pages.py --checkout . --users generated

Prints one JSON document: the floor (an empty guarded page: the router plus a guard that refuses a
professional on Gebruikers) and every page's median over warm reruns, in milliseconds, and the best
run (on a machine shared with other work the best run is the steadier figure of what a page costs). AppTest runs
the same script the server runs, without a browser; its own overhead is in the floor too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

# page → its main role (the one who uses it most); the join page is measured by the live part.
MAIN_ROLE = {
    "home": "professional",
    "projector": "aanjager",
    "casus_indienen": "professional",
    "mijn_casussen": "professional",
    "casussen": "aanjager",
    "mijn_sessies": "professional",
    "reeksen": "aanjager",
    "sessie_voorbereiden": "aanjager",
    "werkvormen": "aanjager",
    "opvolging": "aanjager",
    "dashboard": "manager",
    "oogst": "aanjager",
    "terugkoppeling": "manager",
    "rapporten": "manager",
    "gebruikers": "beheerder",
}
# The generated data (scripts/bench_data.py): user 1 is beheerder, 2 a professional, 7 a manager, 41 an aanjager.
GENERATED_IDS = {"beheerder": 1, "professional": 2, "manager": 7, "aanjager": 41}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, required=True)
    parser.add_argument("--users", choices=["demo", "generated"], required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default="")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    sys.path.insert(0, str(checkout))
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    try:
        from lib.core import db
    except ImportError:
        from lib import db
    from lib.models import User

    if args.users == "demo":
        with db.read() as session:
            ids = {role: session.scalar(select(User.id).where(User.username == role)) for role in GENERATED_IDS}
    else:
        ids = GENERATED_IDS

    def log_in(at: AppTest, user_id: int) -> None:
        """As the login form does: a login token in the tab (a checkout from before tokens: the user id)."""
        try:
            from lib.accounts import issue_token
            from lib.ui.login import _TOKEN_KEY
        except ImportError:
            at.session_state["_leersessie_user_id"] = user_id
            return
        with db.transaction() as session:
            token, _expires = issue_token(session=session, user_id=user_id, days=1)
        at.session_state[_TOKEN_KEY] = token

    def median_run(page: str, role: str) -> tuple[float | None, float | None, str]:
        at = AppTest.from_file(str(checkout / "app.py"), default_timeout=300)
        log_in(at, ids[role])
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        if at.exception:
            return None, None, str(at.exception[0].message)[:120]
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            at.run()
            times.append(1000 * (time.perf_counter() - began))
        return statistics.median(times), min(times), ""

    wanted = [p for p in args.pages.split(",") if p] or list(MAIN_ROLE)
    floor, floor_best, _ = median_run("gebruikers", "professional")
    result: dict = {"floor_ms": round(floor or 0, 1), "floor_best_ms": round(floor_best or 0, 1), "pages": {}}
    result.update(best={}, errors={})
    for page in wanted:
        value, best, error = median_run(page, MAIN_ROLE[page])
        result["pages"][page] = round(value, 1) if value is not None else None
        result["best"][page] = round(best, 1) if best is not None else None
        if error:
            result["errors"][page] = error
        print(f"{page}: {value}", file=sys.stderr, flush=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
