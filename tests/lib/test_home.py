"""The home page's "Mijn acties": late ones and those due within 14 days, the rest only counted."""

from __future__ import annotations

import datetime as dt

from lib import home
from lib.core import db
from lib.models import ActionStatus, Role
from tests import factories

TODAY = dt.date.today()


def test_my_actions_due_within_14_days_and_late_ones(engine):
    with db.transaction(engine) as session:
        me = factories.user(session, Role.PROFESSIONAL)
        someone = factories.user(session, Role.PROFESSIONAL)
        for title, days, status, owner in [
            ("Te laat", -2, ActionStatus.OPEN, me),
            ("Vandaag", 0, ActionStatus.IN_PROGRESS, me),
            ("Over 14 dagen", 14, ActionStatus.OPEN, me),
            ("Over 15 dagen", 15, ActionStatus.OPEN, me),
            ("Klaar", -2, ActionStatus.DONE, me),
            ("Van een ander", 1, ActionStatus.OPEN, someone),
            ("Zonder datum", None, ActionStatus.OPEN, me),
        ]:
            factories.action(
                session,
                None,
                owner,
                title=title,
                status=status,
                due_date=None if days is None else TODAY + dt.timedelta(days=days),
            )
        user = factories.current(me)
    with db.read(engine) as session:
        shown = home.my_open_actions(session=session, user=user, today=TODAY)
        others = home.my_other_open_actions(session=session, user=user, today=TODAY)
    assert [(a.title, a.late) for a in shown] == [("Te laat", True), ("Vandaag", False), ("Over 14 dagen", False)]
    assert others == 2
