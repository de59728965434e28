"""In the room on one laptop: the server serves the room's network and the projector's QR code carries
the laptop's network address, not 127.0.0.1; the QR image reads as Dutch to a screen reader.

All traffic of the test still goes to this machine (127.0.0.1 and this machine's own address)."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lib import accounts
from lib.core import db
from lib.live import address, phases
from lib.models import LearningSession, User
from tests.browser.conftest import PROJECTOR, StreamlitServer, demo_database, login
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[StreamlitServer]:
    """The app as `make run HOST=0.0.0.0` starts it: listening on every interface."""
    if address.lan_address() is None:
        pytest.skip("this machine has no network address besides loopback")
    folder = tmp_path_factory.mktemp("room")
    url = f"sqlite:///{folder / 'leersessie.db'}"
    demo_database(url)
    server = StreamlitServer(url, folder / "streamlit.log", args=["--server.address", "0.0.0.0"])
    server.start()
    failed_before = request.session.testsfailed
    yield server
    server.stop()
    if request.session.testsfailed > failed_before:
        print(f"\n----- streamlit log (room) -----\n{server.log()[-8000:]}")


def opened_session(server: StreamlitServer) -> int:
    """The next demo session, opened (the projector shows its join code and QR code)."""
    engine = db.engine_for(server.database_url)
    with db.read(engine) as session:
        session_id = session.scalars(select(LearningSession.id).order_by(LearningSession.date)).all()[1]
        actor = accounts.CurrentUser.of(session.scalar(select(User).where(User.username == "aanjager")))
    with db.transaction(engine) as session:
        phases.open_session(session=session, learning_session_id=session_id, actor=actor)
    return session_id


def is_own_address(host: str) -> bool:
    """Only an address of this machine can be bound to."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((host, 0))
        except OSError:
            return False
    return True


def test_the_qr_link_shows_the_laptops_network_address_when_serving_the_room(browser, room_server):
    """Opened on 127.0.0.1, the projector's join link and QR code show the laptop's address on the room's
    network; phones reach the app there; the image has a Dutch alt text and no loopback warning shows."""
    session_id = opened_session(room_server)
    context = browser.new_context(viewport=PROJECTOR, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        login(page, room_server.base_url, "aanjager")
        page.goto(f"{room_server.base_url}/projector?sessie={session_id}")
        image = page.locator('img[alt^="QR-code om mee te doen"]')
        image.wait_for()
        link = page.get_by_text("/deelnemen?code=").first.inner_text().strip()
        parts = urlsplit(link)
        assert parts.hostname and not address.is_loopback(parts.hostname), link
        assert is_own_address(parts.hostname), link
        assert parts.port == room_server.port
        assert link in (image.get_attribute("alt") or "")
        # The address answers: this machine's own interface, no traffic leaves it.
        with urllib.request.urlopen(f"http://{parts.netloc}/_stcore/health", timeout=5) as response:
            assert response.read() == b"ok"
        assert page.get_by_text("Telefoons kunnen deze link niet openen").count() == 0
        problems = [v for v in serious_violations(page, "projector-opening") if v[0] == "image-alt"]
        assert problems == []
    finally:
        context.close()
