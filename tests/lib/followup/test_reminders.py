"""E-mail reminders of late and due actions, against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller

from lib.core import db
from lib.core.config import Settings
from lib.followup import reminders
from lib.models import ActionStatus, Role
from tests import factories

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
    with db.transaction(owners) as session:
        assert reminders.send_reminders(session=session, today=TODAY, settings=settings(None, owners)) == 0


def test_a_trekker_gets_one_mail_with_the_late_and_due_actions_once_a_day(owners, smtp):
    inbox, port = smtp
    with db.transaction(owners) as session:
        sent = reminders.send_reminders(session=session, today=TODAY, settings=settings(port, owners))
    assert sent == 1
    [message] = inbox.messages
    assert message["To"] == "olga@example.org" and message["From"] == "leersessie@example.org"
    assert message["Subject"] == "Leersessie: 2 vervolgactie(s) vragen aandacht, 1 te laat"
    body = message.get_payload(decode=True).decode()
    assert "Te late actie (open;" in body and "te laat (3 dagen)" in body and "Binnenkort (bezig;" in body
    assert "Later" not in body and "Al klaar" not in body
    with db.transaction(owners) as session:
        assert reminders.send_reminders(session=session, today=TODAY, settings=settings(port, owners)) == 0
    assert len(inbox.messages) == 1
