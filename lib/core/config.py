"""Typed settings read from the environment, with safe defaults for the embedded (SQLite) mode."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'leersessie.db'}"
DEFAULT_RETENTION_MONTHS = 24


@dataclass(frozen=True)
class Settings:
    database_url: str
    login_days: int
    smtp_host: str | None
    smtp_port: int
    smtp_sender: str | None
    retention_months: int = (
        DEFAULT_RETENTION_MONTHS  # case texts are anonymised this long after discussion (or submission)
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    """Read settings now (not at import time), so tests and the CLI can set the environment first."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        login_days=int(os.environ.get("LEERSESSIE_LOGIN_DAYS", "14")),
        smtp_host=os.environ.get("LEERSESSIE_SMTP_HOST") or None,
        smtp_port=int(os.environ.get("LEERSESSIE_SMTP_PORT", "25")),
        smtp_sender=os.environ.get("LEERSESSIE_SMTP_SENDER") or None,
        retention_months=_positive_int("LEERSESSIE_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS),
    )


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} moet een geheel getal zijn, niet {raw!r}.") from None
    if value < 1:
        raise ValueError(f"{name} moet minstens 1 zijn, niet {value}.")
    return value
