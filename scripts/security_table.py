"""Write the roles table of SECURITY.md from the policy table (lib/core/policy.py), so it cannot drift.

Usage: python scripts/security_table.py  (rewrites the part between the markers in SECURITY.md).
tests/lib/core/test_policy_docs.py fails when SECURITY.md and the table disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.core.policy import POLICY
from lib.models import ROLE_LABELS, Role

ROOT = Path(__file__).resolve().parent.parent
SECURITY = ROOT / "SECURITY.md"
BEGIN, END = "<!-- policy:begin -->", "<!-- policy:end -->"


def table() -> str:
    """Markdown: one row per action of the policy table, a column per role."""
    roles = list(Role)
    lines = [
        "| wat | " + " | ".join(ROLE_LABELS[r] for r in roles) + " | regel |",
        "|---|" + "---|" * len(roles) + "---|",
    ]
    for action, rule in POLICY.items():
        marks = " | ".join("✔" if role in rule.roles else "" for role in roles)
        lines.append(f"| {rule.description} | {marks} | `{action}` |")
    return "\n".join(lines)


def rendered(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + table() + "\n" + text[end:]


if __name__ == "__main__":
    SECURITY.write_text(rendered(SECURITY.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{SECURITY.name}: {len(POLICY)} rules written")
