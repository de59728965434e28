"""E-mail reminders of late and due actions, against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import socket
import ssl

import pytest
from aiosmtpd.controller import Controller

from lib.core import db
from lib.core.config import Settings
from lib.followup import reminders
from lib.models import ActionStatus, Role
from tests import factories
from tests.certificates import self_signed_certificate

TODAY = dt.date.today()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls this hook by name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def settings(port: int | None, engine) -> Settings:
    return Settings(
        database_url=str(engine.url),
        login_days=14,
        smtp_host="127.0.0.1" if port else None,
        smtp_port=port or 25,
        smtp_sender="leersessie@example.org" if port else None,
    )


@pytest.fixture
def owners(engine):
    with db.transaction(engine) as session:
        meeting = factories.learning_session(session, date=TODAY - dt.timedelta(days=30))
        olga = factories.user(session, Role.PROFESSIONAL, display_name="Olga", email="olga@example.org")
        piet = factories.user(session, Role.MANAGER, display_name="Piet", email="piet@example.org")
        no_mail = factories.user(session, Role.PROFESSIONAL)
        for owner, title, days, status in [
            (olga, "Te late actie", -3, ActionStatus.OPEN),
            (olga, "Binnenkort", 10, ActionStatus.IN_PROGRESS),
            (olga, "Later", 30, ActionStatus.OPEN),
            (olga, "Al klaar", -3, ActionStatus.DONE),
            (piet, "Pas volgend kwartaal", 60, ActionStatus.OPEN),
            (no_mail, "Zonder e-mail", -1, ActionStatus.OPEN),
        ]:
            factories.action(
                session, meeting, owner, title=title, due_date=TODAY + dt.timedelta(days=days), status=status
            )
    return engine


def test_reminders_are_off_by_default(owners):
    assert reminders.send_reminders(engine=owners, today=TODAY, settings=settings(None, owners)) == 0


def test_a_trekker_gets_one_mail_with_the_late_and_due_actions_once_a_day(owners, smtp):
    inbox, port = smtp
    sent = reminders.send_reminders(engine=owners, today=TODAY, settings=settings(port, owners))
    assert sent == 1
    [message] = inbox.messages
    assert message["To"] == "olga@example.org" and message["From"] == "leersessie@example.org"
    assert message["Subject"] == "Leersessie: 2 vervolgactie(s) vragen aandacht, 1 te laat"
    body = message.get_payload(decode=True).decode()
    assert "Te late actie (open;" in body and "te laat (3 dagen)" in body and "Binnenkort (bezig;" in body
    assert "Later" not in body and "Al klaar" not in body
    assert reminders.send_reminders(engine=owners, today=TODAY, settings=settings(port, owners)) == 0
    assert len(inbox.messages) == 1


class Refusing(Inbox):
    """A server that refuses some recipients (a full mailbox, a typo in the address)."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _serve(handler, **options):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, port


def test_a_refused_message_does_not_make_the_others_go_again(owners):
    """Sent after commit, one by one: a failure for one trekker keeps the others recorded, and the next
    run sends only what did not go out."""
    with db.transaction(owners) as session:
        karin = factories.user(session, Role.PROFESSIONAL, display_name="Karin", email="karin@example.org")
        factories.action(session, None, karin, title="Karins actie", due_date=TODAY - dt.timedelta(days=1))
    inbox = Refusing({"olga@example.org"})
    controller, port = _serve(inbox)
    try:
        assert reminders.send_reminders(engine=owners, today=TODAY, settings=settings(port, owners)) == 1
        assert [m["To"] for m in inbox.messages] == ["karin@example.org"]
        inbox.refused.clear()
        assert reminders.send_reminders(engine=owners, today=TODAY, settings=settings(port, owners)) == 1
        assert [m["To"] for m in inbox.messages] == ["karin@example.org", "olga@example.org"]
    finally:
        controller.stop()


def test_starttls_encrypts_before_the_login(owners, tmp_path, monkeypatch):
    from aiosmtpd.smtp import AuthResult

    cert_file, key_file = self_signed_certificate(tmp_path, "smtp")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((session.ssl is not None, auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"geheim")

    inbox = Inbox()
    controller, port = _serve(
        inbox,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    monkeypatch.setattr(reminders, "_tls_context", lambda: ssl.create_default_context(cafile=str(cert_file)))
    secure = dataclasses.replace(
        settings(port, owners), smtp_starttls=True, smtp_user="leersessie", smtp_password="geheim"
    )
    try:
        assert reminders.send_reminders(engine=owners, today=TODAY, settings=secure) == 1
    finally:
        controller.stop()
    assert logins == [(True, b"leersessie", b"geheim")]  # the password went over TLS only
    assert [m["To"] for m in inbox.messages] == ["olga@example.org"]


def test_a_login_without_starttls_is_refused(owners, smtp):
    _inbox, port = smtp
    clear = dataclasses.replace(settings(port, owners), smtp_user="leersessie", smtp_password="geheim")
    with pytest.raises(ValueError, match="onversleuteld"):
        reminders.send_reminders(engine=owners, today=TODAY, settings=clear)


def test_smtp_settings_come_from_the_environment(monkeypatch):
    from lib.core.config import get_settings

    monkeypatch.setenv("LEERSESSIE_SMTP_STARTTLS", "on")
    monkeypatch.setenv("LEERSESSIE_SMTP_USER", "leersessie")
    monkeypatch.setenv("LEERSESSIE_SMTP_PASSWORD", "geheim")
    monkeypatch.setenv("LEERSESSIE_TRUSTED_PROXIES", "127.0.0.1")
    found = get_settings()
    assert (found.smtp_starttls, found.smtp_user, found.smtp_password) == (True, "leersessie", "geheim")
    assert found.trusted_proxies == "127.0.0.1"
