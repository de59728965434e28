"""The one settings loader for the app, the command line and Alembic.

Each setting comes from the environment first, then from `.streamlit/secrets.toml` (root-level keys),
then from a safe default for the embedded (SQLite) mode. Streamlit itself is told not to read that
file (`secrets.files = []` in `.streamlit/config.toml`): it would copy the file's root-level keys into
the environment at start and so make the file beat the environment in the app only.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'leersessie.db'}"
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
# Points the loader at another secrets file (tests; a deployment that keeps it elsewhere).
SECRETS_FILE_VARIABLE = "LEERSESSIE_SECRETS_FILE"
DEFAULT_RETENTION_MONTHS = 24


@dataclass(frozen=True)
class Settings:
    database_url: str
    login_days: int
    smtp_host: str | None
    smtp_port: int
    smtp_sender: str | None
    public_url: str = ""  # the address in the scribes' QR code; empty: the address the projector was opened on
    retention_months: int = (
        DEFAULT_RETENTION_MONTHS  # case texts are anonymised this long after discussion (or submission)
    )
    # LEERSESSIE_DEMO: `make run` may load the demo into an empty database that is not the default.
    demo: bool = False
    # Single sign-on (st.login): whether the username/password form stays, and what happens to a
    # signed-in e-mail address without an account ("refuse" or "professional": create one).
    local_login: bool = True
    sso_new_users: str = "refuse"
    # LEERSESSIE_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For is believed (lib/core/network.py).
    trusted_proxies: str = ""
    # Reminder e-mail: login and STARTTLS (LEERSESSIE_SMTP_STARTTLS=on) for the SMTP server.
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False

    @property
    def demo_allowed(self) -> bool:
        """Whether `make run` loads the demo into an empty database: only into the embedded default,
        unless asked (the demo accounts share a public password)."""
        return self.demo or self.database_url == DEFAULT_DATABASE_URL


def secrets_file() -> Path:
    return Path(os.environ.get(SECRETS_FILE_VARIABLE) or SECRETS_FILE)


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, _modified_ns: int) -> dict[str, Any]:
    """The whole secrets file, parsed once per version of the file (not on every rerun)."""
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML: {error}") from error


def _secrets_data() -> dict[str, Any]:
    path = secrets_file()
    try:
        modified_ns = path.stat().st_mtime_ns
    except OSError:  # no secrets file: the environment and the defaults apply
        return {}
    return _parsed(path, modified_ns)


def _secrets() -> dict[str, str]:
    """The root-level settings of the secrets file."""
    return {
        name: str(value)
        for name, value in _secrets_data().items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def secrets_section(name: str) -> dict[str, Any] | None:
    """A [section] of the secrets file (e.g. [auth] for single sign-on), or None."""
    section = _secrets_data().get(name)
    return section if isinstance(section, dict) else None


def get_settings() -> Settings:
    """Read settings now (not at import time), so tests and the CLI can set the environment first."""
    file = _secrets()

    def value(name: str, default: str = "") -> str:
        return os.environ.get(name) or file.get(name) or default

    return Settings(
        database_url=value("DATABASE_URL", DEFAULT_DATABASE_URL),
        login_days=int(value("LEERSESSIE_LOGIN_DAYS", "14")),
        smtp_host=value("LEERSESSIE_SMTP_HOST") or None,
        smtp_port=int(value("LEERSESSIE_SMTP_PORT", "25")),
        smtp_sender=value("LEERSESSIE_SMTP_SENDER") or None,
        public_url=value("LEERSESSIE_PUBLIC_URL").rstrip("/"),
        retention_months=_positive_int(
            "LEERSESSIE_RETENTION_MONTHS", value("LEERSESSIE_RETENTION_MONTHS"), DEFAULT_RETENTION_MONTHS
        ),
        demo=_flag(value("LEERSESSIE_DEMO", "off")),
        local_login=_flag(value("LEERSESSIE_LOCAL_LOGIN", "on")),
        sso_new_users=(value("LEERSESSIE_SSO_NEW_USERS") or "refuse").strip().lower(),
        trusted_proxies=value("LEERSESSIE_TRUSTED_PROXIES"),
        smtp_user=value("LEERSESSIE_SMTP_USER") or None,
        smtp_password=value("LEERSESSIE_SMTP_PASSWORD") or None,
        smtp_starttls=_flag(value("LEERSESSIE_SMTP_STARTTLS", "off")),
    )


def _positive_int(name: str, raw: str, default: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} moet een geheel getal zijn, niet {raw!r}.") from None
    if value < 1:
        raise ValueError(f"{name} moet minstens 1 zijn, niet {value}.")
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() not in {"0", "off", "false", "no", "nee", "uit"}
