"""Command line: `python -m lib.cli migrate | demo | create-admin | purge` (used by the Makefile and admins)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from lib import accounts, demo
from lib.core import db, throttle
from lib.core.dates import local_today
from lib.core.errors import DomainError
from lib.models import Role


def _migrate(_args: argparse.Namespace) -> int:
    engine = db.get_engine()
    db.upgrade(engine)
    print(f"Database {engine.url.render_as_string()} is at revision {db.current_revision(engine)}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    db.upgrade()
    with db.transaction() as session:
        if not demo.is_empty(session=session):
            print("Database already has users: demo data not loaded.")
            return 0 if args.if_empty else 1
        ids = demo.load(session=session, today=local_today())
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
