"""Command line: `python -m lib.cli migrate | demo | create-admin | purge | backup | restore | retention`.

Used by the Makefile, by admins and by cron (purge and retention, daily).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from lib import accounts, demo
from lib.cases import retention
from lib.core import audit, dates, db, throttle
from lib.core import backup as backups
from lib.core.config import get_settings
from lib.core.errors import DomainError
from lib.models import Role


def _migrate(_args: argparse.Namespace) -> int:
    engine = db.get_engine()
    db.upgrade(engine)
    print(f"Database {engine.url.render_as_string()} is at revision {db.current_revision(engine)}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.if_empty and not settings.demo_allowed:
        # `make run` on an organisation's database: its first users must not be the demo accounts,
        # whose password is public. Asking for the demo explicitly still works.
        print(
            "Not the embedded SQLite database: demo data not loaded. Set LEERSESSIE_DEMO=on, "
            "or run `python -m lib.cli demo`, to load it into an empty database anyway."
        )
        return 0
    db.upgrade()
    with db.transaction() as session:
        if not demo.is_empty(session=session):
            print("Database already has users: demo data not loaded.")
            return 0 if args.if_empty else 1
        ids = demo.load(session=session, today=dates.local_today())
    print(f"Demo data loaded (series {ids['series_id']}); demo password: {demo.DEMO_PASSWORD}")
    return 0


def _purge(_args: argparse.Namespace) -> int:
    with db.transaction() as session:
        removed = throttle.purge(session=session)
    print(f"{removed} old login and join-code attempt(s) removed.")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    db.upgrade()
    password = os.environ.get("LEERSESSIE_ADMIN_PASSWORD") or getpass.getpass("Wachtwoord: ")
    data = accounts.NewUser(
        username=args.username, display_name=args.name, role=Role.BEHEERDER, password=password, email=args.email
    )
    try:
        with db.transaction() as session:
            user = accounts.create_user(session=session, data=data, actor=None)
            print(f"Beheerder '{user.username}' aangemaakt.")
    except DomainError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 2
    return 0


def _backup(args: argparse.Namespace) -> int:
    target = Path(args.file)
    partial = target.with_name(target.name + ".part")
    engine = db.get_engine()
    try:
        with partial.open("w", encoding="utf-8") as out:
            counts = backups.write_backup(engine, out)
        partial.replace(target)  # a crash midway never leaves a half file under the real name
    except (OSError, DomainError) as error:
        partial.unlink(missing_ok=True)
        print(f"Fout: {error}", file=sys.stderr)
        return 2
    with db.transaction(engine) as session:
        audit.record(session=session, event="backup_created", user_id=None, rows=sum(counts.values()), via="cli")
    print(f"Back-up geschreven naar {target}: {sum(counts.values())} rijen in {len(counts)} tabellen.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    try:
        with Path(args.file).open("rb") as source:
            result = backups.restore(db.get_engine(), source)
    except OSError as error:
        print(f"Fout: het bestand kan niet worden gelezen: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 2
    print(
        f"Back-up teruggezet: {result.total} rijen in {len(result.rows)} tabellen (databaseversie {result.revision})."
    )
    return 0


def _retention(args: argparse.Namespace) -> int:
    db.upgrade()
    months, today = get_settings().retention_months, dates.local_today()
    with db.read() as session:
        plan = retention.preview(session=session, today=today, months=months, limit=args.show)
    print(
        f"Bewaartermijn {months} maanden: {plan.total} casus(sen) besproken of ingediend vóór "
        f"{dates.long_date(plan.cutoff)}, met {plan.contributions} stuks inbreng."
    )
    for case in plan.cases:
        when = ("besproken " if case.discussed else "ingediend ") + case.reference_date.isoformat()
        print(f"  #{case.id}  {when}  {case.title}")
    if plan.total > len(plan.cases):
        print(f"  … en nog {plan.total - len(plan.cases)}.")
    if args.dry_run:
        print("Proefdraai: er is niets gewijzigd.")
        return 0
    with db.transaction() as session:
        count = retention.anonymise_expired(session=session, today=today, months=months, actor=None)
    print(f"{count} casus(sen) geanonimiseerd.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="Leersessie beheer")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(func=_migrate)
    commands.add_parser(
        "purge", help="remove login and join-code attempts older than the lock-out window (cron)"
    ).set_defaults(func=_purge)
    demo_parser = commands.add_parser("demo", help="load demo data into an empty database")
    demo_parser.add_argument("--if-empty", action="store_true", help="succeed quietly when not empty")
    demo_parser.set_defaults(func=_demo)
    admin = commands.add_parser("create-admin", help="create a beheerder (password asked, or from env)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--email")
    admin.set_defaults(func=_create_admin)
    backup_parser = commands.add_parser("backup", help="write the whole database to one JSON file")
    backup_parser.add_argument("file")
    backup_parser.set_defaults(func=_backup)
    restore_parser = commands.add_parser("restore", help="load a backup file into an empty database")
    restore_parser.add_argument("file")
    restore_parser.set_defaults(func=_restore)
    retention_parser = commands.add_parser("retention", help="anonymise cases past the retention period (cron)")
    retention_parser.add_argument("--dry-run", action="store_true", help="only show what would be anonymised")
    retention_parser.add_argument("--show", type=int, default=20, help="how many cases to list (default 20)")
    retention_parser.set_defaults(func=_retention)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except db.DatabaseUnavailable as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 3
    finally:
        db.dispose_all()


if __name__ == "__main__":
    sys.exit(main())
