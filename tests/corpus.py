"""Test corpora from ../shared/data (beside the repository in CI and on developers' machines)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from lib.core.config import ROOT

_CANDIDATES = [ROOT.parent / "shared" / "data", Path("/work/shared/data")]


@cache
def blns() -> list[str]:
    """The 515 strings of the Big List of Naughty Strings."""
    for folder in _CANDIDATES:
        path = folder / "blns.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError("blns.json not found in ../shared/data")
