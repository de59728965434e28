"""Write the per-page WCAG table of ACCESSIBILITY.md from the axe results the browser tests leave behind.

Run the accessibility browser tests first (they write test-artifacts/axe/<page>.json), then
`.venv/bin/python scripts/accessibility_table.py`. Only the part between the axe markers changes; a page
without a result in this run keeps its row from the statement (so one test module can be re-run alone).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.ui.nav import BY_KEY  # noqa: E402

RESULTS = ROOT / "test-artifacts" / "axe"
STATEMENT = ROOT / "ACCESSIBILITY.md"
BEGIN, END = "<!-- axe:begin -->", "<!-- axe:end -->"
EXTRA_TITLES = {
    "inloggen": "Inloggen (gebruikersnaam en wachtwoord)",
    "inloggen-sso": "Inloggen (met organisatie-account)",
    "deelnemen": "Deelnemen (telefoon, code invullen)",
    "projector-light": "Projector: scherm met inbreng (licht thema)",
    "projector-dark": "Projector: scherm met inbreng (donker thema)",
    "projector-timer-light": "Projector: timer (licht thema)",
    "projector-timer-dark": "Projector: timer (donker thema)",
    "projector-opening": "Projector: opening met QR-code",
}


def title(name: str) -> str:
    if name in EXTRA_TITLES:
        return EXTRA_TITLES[name]
    spec = BY_KEY.get(name)
    return spec.title if spec else name


def status(result: dict) -> str:
    impacts = {v["impact"] for v in result["violations"]}
    if impacts & {"serious", "critical"}:
        return "voldoet niet"
    if impacts or result["incomplete"]:
        return "voldoet grotendeels"
    return "voldoet (geautomatiseerd)"


def findings(result: dict) -> str:
    parts = [f"{v['id']} ({v['impact']}, {v['nodes']}×)" for v in result["violations"]]
    parts += [f"{v['id']} (handmatig na te gaan, {v['nodes']}×)" for v in result["incomplete"]]
    return "; ".join(parts) or "geen"


HEADER = ["| pagina | status | bevindingen van axe-core | regels geslaagd |", "|---|---|---|---|"]


def table(results: list[dict], earlier: dict[str, str] | None = None) -> str:
    """The table of this run's results, with the rows of `earlier` (title → row) not measured again."""
    rows = dict(earlier or {})
    for result in results:
        rows[title(result["page"])] = (
            f"| {title(result['page'])} | {status(result)} | {findings(result)} | {result['passes']} |"
        )
    return "\n".join(HEADER + [rows[name] for name in sorted(rows, key=str.lower)])


def earlier_rows(block: str) -> dict[str, str]:
    """The rows of the table now in the statement, by page title."""
    return {
        line.split("|")[1].strip(): line
        for line in block.splitlines()
        if line.startswith("| ") and line not in HEADER and not line.startswith("| pagina ")
    }


def main() -> int:
    results = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))]
    if not results:
        print(f"no axe results in {RESULTS}: run the accessibility browser tests first", file=sys.stderr)
        return 1
    text = STATEMENT.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    STATEMENT.write_text(text[:start] + "\n" + table(results, earlier_rows(text[start:end])) + "\n" + text[end:])
    print(f"{STATEMENT.name}: {len(results)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
