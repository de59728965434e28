"""Typed settings read from the environment, with safe defaults for the embedded (SQLite) mode."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'leersessie.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    login_days: int
    smtp_host: str | None
    smtp_port: int
    smtp_sender: str | None
    # Single sign-on (st.login): whether the username/password form stays, and what happens to a
    # signed-in e-mail address without an account ("refuse" or "professional": create one).
    local_login: bool = True
    sso_new_users: str = "refuse"

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
        local_login=_flag(os.environ.get("LEERSESSIE_LOCAL_LOGIN", "on")),
        sso_new_users=(os.environ.get("LEERSESSIE_SSO_NEW_USERS") or "refuse").strip().lower(),
    )


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "off", "false", "no", "nee", "uit"}
