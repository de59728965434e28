"""Optional e-mail reminders to trekkers about actions that are late or due within 14 days.

Off by default: only when LEERSESSIE_SMTP_HOST and LEERSESSIE_SMTP_SENDER are set. Run it daily, e.g.
from cron: `python -m lib.followup.reminders`. Each trekker gets at most one reminder per day (the audit log
remembers who was reminded), so running it twice does not send twice.

Mail is sent outside any database transaction: the list is read first, then each message is sent and,
once the server has accepted it, recorded in its own small transaction. A failing server therefore
stops nothing that was already sent from being remembered, and the next run sends only the rest.
With LEERSESSIE_SMTP_STARTTLS the connection is encrypted (certificate checked) before any login; a
login without STARTTLS is refused, so a password never crosses the network in clear.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib.core import audit, db
from lib.core.config import Settings, get_settings
from lib.core.dates import TZ, local_today, long_date
from lib.followup.actions import due_text, status_label
from lib.home import DUE_SOON_DAYS
from lib.models import UNFINISHED_ACTION_STATUSES, Action, AuditLog, User

log = logging.getLogger(__name__)
EVENT = "action_reminder"


@dataclass(frozen=True)
class ReminderLine:
    title: str
    status: str
    due_date: dt.date


@dataclass(frozen=True)
class Reminder:
    user_id: int
    name: str
    email: str
    lines: list[ReminderLine]


def reminders_due(*, session: Session, today: dt.date, days: int = DUE_SOON_DAYS) -> list[Reminder]:
    """Per active trekker with an e-mail address: the unfinished actions due by today + `days`,
    unless that trekker was already reminded today."""
    start_of_day = dt.datetime.combine(today, dt.time(0), tzinfo=TZ)
    reminded = select(AuditLog.entity_id).where(AuditLog.event == EVENT, AuditLog.at >= start_of_day)
    rows = session.execute(
        select(User.id, User.display_name, User.email, Action.title, Action.status, Action.due_date)
        .join(Action, Action.owner_user_id == User.id)
        .where(
            User.active.is_(True),
            func.coalesce(User.email, "") != "",
            Action.status.in_(UNFINISHED_ACTION_STATUSES),
            Action.due_date <= today + dt.timedelta(days=days),
            User.id.notin_(reminded),
        )
        .order_by(User.id, Action.due_date, Action.id)
    ).all()
    reminders: dict[int, Reminder] = {}
    for user_id, name, email, title, status, due in rows:
        assert email is not None and due is not None  # both required by the query
        reminder = reminders.setdefault(user_id, Reminder(user_id, name, email, []))
        reminder.lines.append(ReminderLine(title, status, due))
    return list(reminders.values())


def compose(reminder: Reminder, *, sender: str, today: dt.date) -> EmailMessage:
    late = sum(1 for line in reminder.lines if line.due_date < today)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = reminder.email
    message["Subject"] = f"Leersessie: {len(reminder.lines)} vervolgactie(s) vragen aandacht" + (
        f", {late} te laat" if late else ""
    )
    body = [
        f"Beste {reminder.name},",
        "",
        f"Van deze vervolgacties bent u de trekker; ze zijn te laat of de streefdatum is binnen {DUE_SOON_DAYS} dagen:",
        "",
    ]
    for line in reminder.lines:
        body.append(
            f"- {line.title} ({status_label(line.status)}; streefdatum {long_date(line.due_date)}, "
            f"{due_text(line.due_date, line.status, today)})"
        )
    body += ["", "Werk de status bij op de pagina Opvolging in Leersessie.", "", "Dit is een automatisch bericht."]
    message.set_content("\n".join(body))
    return message


def _tls_context() -> ssl.SSLContext:
    """The certificate check for STARTTLS: the system's trusted authorities (tests swap in their own)."""
    return ssl.create_default_context()


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_user and not settings.smtp_starttls:
        raise ValueError(
            "LEERSESSIE_SMTP_USER zonder LEERSESSIE_SMTP_STARTTLS=on: het wachtwoord zou onversleuteld gaan."
        )
    assert settings.smtp_host is not None  # checked by the caller
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=_tls_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_reminders(
    *, engine: Engine | None = None, today: dt.date | None = None, settings: Settings | None = None
) -> int:
    """Send today's reminders; returns how many were sent (0 when e-mail is not configured).

    Each accepted message is recorded (audit log) in its own transaction right after sending; a message
    the server refuses is logged and tried again on the next run, the others still go out.
    """
    settings = settings or get_settings()
    if not settings.smtp_host or not settings.smtp_sender:
        return 0
    today = today or local_today()
    with db.read(engine) as session:
        due = reminders_due(session=session, today=today)
    if not due:
        return 0
    sent = 0
    with _connect(settings) as smtp:
        for reminder in due:
            try:
                smtp.send_message(compose(reminder, sender=settings.smtp_sender, today=today))
            except smtplib.SMTPServerDisconnected:
                log.warning("SMTP-server verbrak de verbinding na %d herinnering(en); de rest volgt later.", sent)
                break
            except smtplib.SMTPException as error:
                log.warning("Herinnering aan gebruiker %d niet verstuurd: %s", reminder.user_id, error)
                continue
            with db.transaction(engine) as session:
                audit.record(
                    session=session,
                    event=EVENT,
                    user_id=None,
                    entity="user",
                    entity_id=reminder.user_id,
                    actions=len(reminder.lines),
                )
            sent += 1
    return sent


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = get_settings()
    if not settings.smtp_host or not settings.smtp_sender:
        print("Herinneringen staan uit: stel LEERSESSIE_SMTP_HOST en LEERSESSIE_SMTP_SENDER in.")
        return
    sent = send_reminders(settings=settings)
    print(f"{sent} herinnering(en) verstuurd.")


if __name__ == "__main__":
    main()
