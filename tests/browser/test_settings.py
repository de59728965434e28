"""The running app (`streamlit run`, as `make run` starts it) takes its settings like the command line."""

from __future__ import annotations

from lib.core.config import SECRETS_FILE_VARIABLE
from tests.browser.conftest import StreamlitServer, settle


def test_the_running_app_prefers_the_environment_over_secrets_toml(browser, tmp_path):
    """With the database URL in the environment and in secrets.toml, the app opens the environment's."""
    from_environment, from_file = tmp_path / "environment.db", tmp_path / "file.db"
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    # Where Streamlit looks by default (besides the project's own file, which a test must not write).
    secrets = home / ".streamlit" / "secrets.toml"
    secrets.write_text(f'DATABASE_URL = "sqlite:///{from_file}"\n', encoding="utf-8")
    server = StreamlitServer(
        f"sqlite:///{from_environment}",
        tmp_path / "streamlit.log",
        env={"HOME": str(home), SECRETS_FILE_VARIABLE: str(secrets)},
    )
    server.start()
    page = browser.new_page()
    try:
        page.goto(server.base_url)
        page.get_by_label("Gebruikersnaam").wait_for(timeout=30_000)
        settle(page)
        assert from_environment.exists(), server.log()
        assert not from_file.exists(), "the app opened the database of secrets.toml, not the environment's"
    finally:
        page.close()
        server.stop()
