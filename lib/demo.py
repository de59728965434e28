"""Demo data: the series "Proeftuin Ruwaard" at the gemeentehuis in Oss, with dates relative to today.

Loaded only into an empty database (`python -m lib.cli demo`), never into one with users in it.
The demo accounts below exist only then; the README lists them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import accounts
from lib.core import audit
from lib.core.dates import local_datetime
from lib.live.join import scoped_key  # the database keeps only per-session device keys
from lib.models import (
    Action,
    ActionEffect,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Case,
    CaseStatus,
    Contribution,
    ContributionKind,
    Evaluation,
    Group,
    GroupMember,
    LearningSession,
    Organisation,
    Phase,
    PresenceConfirmation,
    Role,
    Series,
    SessionStatus,
    User,
    Vote,
)
from lib.planning import groups, werkvormen

DEMO_PASSWORD = "leersessie-demo"

ORGANISATIONS = [
    ("Gemeente Oss", "gemeente"),
    ("Wijkteam Ruwaard", "wijkteam"),
    ("ONS welzijn", "welzijn"),
    ("BrabantWonen", "woningcorporatie"),
    ("GGZ Oost Brabant", "ggz"),
]

# username, name, role, organisation (index into ORGANISATIONS). The first four are the demo accounts.
PEOPLE = [
    ("aanjager", "Annelies van der Heijden", Role.AANJAGER, 0),
    ("professional", "Priya Ramdin", Role.PROFESSIONAL, 1),
    ("manager", "Marco de Bruijn", Role.MANAGER, 0),
    ("beheerder", "Bert Beheer", Role.BEHEERDER, 0),
    ("joost", "Joost Verhagen", Role.PROFESSIONAL, 1),
    ("fatima", "Fatima El Amrani", Role.PROFESSIONAL, 2),
    ("kees", "Kees Smulders", Role.PROFESSIONAL, 3),
    ("ingrid", "Ingrid van Lieshout", Role.PROFESSIONAL, 4),
    ("daan", "Daan Hermens", Role.PROFESSIONAL, 0),
    ("sanne", "Sanne Willems", Role.PROFESSIONAL, 2),
    ("ruud", "Ruud van Dijk", Role.MANAGER, 1),
    ("yvonne", "Yvonne Kuijpers", Role.MANAGER, 3),
    ("hans", "Hans Bouwmans", Role.MANAGER, 4),
    ("lotte", "Lotte Pijnenburg", Role.MANAGER, 2),
]

# title, submitter, description, tried, learning question, involved organisations
CASES: list[tuple[str, str, str, str, str, list[int]]] = [
    (
        "Schulden en een dreigende huisuitzetting",
        "professional",
        "Een alleenstaande moeder met twee kinderen heeft een huurachterstand van vier maanden. "
        "Zij heeft schuldhulp aangevraagd, maar de intake duurt zes weken en de corporatie heeft de "
        "deurwaarder al ingeschakeld. Zij werkt parttime en valt net boven de bijstandsnorm.",
        "Betalingsregeling voorgesteld aan de corporatie; aanmelding bij schuldhulpverlening.",
        "Hoe voorkomen we dat een huisuitzetting doorgaat terwijl de schuldhulp nog moet starten?",
        [0, 1, 3],
    ),
    (
        "Zorgmijder met vervuilde woning",
        "joost",
        "Een oudere man woont alleen in een sterk vervuilde woning. Buren klagen over stank en "
        "ongedierte. Hij weigert iedere hulp en laat niemand binnen. Er is geen familie in beeld.",
        "Huisbezoeken samen met de wijkagent; GGD gevraagd mee te kijken.",
        "Wanneer mogen en moeten we ingrijpen bij iemand die geen hulp wil?",
        [1, 3, 4],
    ),
    (
        "Jongere tussen wal en schip bij 18 jaar",
        "fatima",
        "Een jongen wordt binnenkort achttien. Zijn jeugdhulp stopt dan, maar de volwassenenzorg "
        "neemt hem nog niet over. Hij heeft geen startkwalificatie en woont bij een oom.",
        "Overleg met jeugdhulp over verlenging; gesprek met het jongerenloket.",
        "Hoe regelen we een warme overdracht van jeugdhulp naar volwassenenzorg rond de achttien?",
        [0, 2, 4],
    ),
    (
        "Mantelzorger raakt overbelast",
        "sanne",
        "Een vrouw zorgt al jaren voor haar man met dementie. Zij slaapt slecht, zegt afspraken af en "
        "wil geen dagbesteding voor hem omdat ze zich schuldig voelt.",
        "Mantelzorgondersteuning aangeboden; respijtzorg besproken.",
        "Hoe bespreken we respijtzorg zo dat een mantelzorger het kan aannemen?",
        [0, 2],
    ),
    (
        "Statushouder en de wachtlijst voor taalles",
        "kees",
        "Een gezin met een verblijfsvergunning woont sinds drie maanden in Ruwaard. De ouders wachten "
        "op een plek bij een taalaanbieder; brieven van instanties begrijpen ze niet.",
        "Vrijwilliger van het taalcafé gekoppeld; brieven samen doorgenomen.",
        "Hoe zorgen we dat brieven van instanties begrijpelijk zijn voor nieuwkomers?",
        [0, 2, 3],
    ),
    (
        "Overlast door psychische problemen in een portiekflat",
        "ingrid",
        "Een bewoner met psychische problemen veroorzaakt 's nachts geluidsoverlast. De buren hebben "
        "een petitie gestart; de bewoner is in zorg maar komt afspraken niet na.",
        "Buurtbemiddeling gestart; contact met de behandelaar gezocht.",
        "Hoe delen GGZ en corporatie informatie zonder de privacy van de bewoner te schenden?",
        [3, 4],
    ),
    (
        "Eén gezin, zeven hulpverleners",
        "daan",
        "Bij een gezin met vier kinderen zijn zeven hulpverleners betrokken, elk met een eigen plan. "
        "De moeder zegt dat ze door de afspraken niet meer aan werken toekomt.",
        "",
        "Wie neemt de regie als er veel hulpverleners bij één gezin zijn?",
        [0, 1, 2, 4],
    ),
    (
        "Terugval na ontslag uit de kliniek",
        "professional",
        "Een vrouw is na een opname ontslagen uit de kliniek. Er was een nazorgplan, maar de "
        "ambulante begeleiding startte pas na vijf weken. Ze is teruggevallen.",
        "Contact met de kliniek over het nazorgplan.",
        "Hoe sluiten ontslag uit de kliniek en ambulante begeleiding naadloos op elkaar aan?",
        [1, 4],
    ),
]

# The past session: per group (case index) and round, (kind, text).
CONTRIBUTIONS: dict[int, dict[int, list[tuple[ContributionKind, str]]]] = {
    0: {
        0: [
            (ContributionKind.OBSTACLE, "Intake schuldhulp duurt zes weken; de deurwaarder wacht niet"),
            (ContributionKind.OBSTACLE, "Corporatie en schuldhulp weten niet van elkaars stappen"),
            (ContributionKind.HELPER, "Convenant vroegsignalering met BrabantWonen bestaat al"),
        ],
        1: [
            (ContributionKind.OBSTACLE, "Wijkcoach durft geen toezegging te doen over betaling"),
            (ContributionKind.HELPER, "Goed contact tussen wijkcoach en huurconsulent"),
        ],
        2: [
            (ContributionKind.SOLUTION, "Spoedprocedure schuldhulp bij een lopende ontruimingsprocedure"),
            (ContributionKind.SOLUTION, "Vast aanspreekpunt bij de corporatie voor het wijkteam"),
            (ContributionKind.HELPER, "Management staat achter een pilot"),
        ],
    },
    1: {
        0: [
            (ContributionKind.OBSTACLE, "Geen wettelijke grond om zonder toestemming binnen te gaan"),
            (ContributionKind.HELPER, "Meldpunt zorg en overlast kan een huisbezoek coördineren"),
        ],
        1: [
            (ContributionKind.OBSTACLE, "Professionals voelen zich alleen staan in zware casussen"),
            (ContributionKind.HELPER, "Wijkagent en wijkcoach lopen samen op"),
        ],
        2: [
            (ContributionKind.SOLUTION, "Maandelijks casusoverleg zorgmijders met GGZ, wijkteam en corporatie"),
            (ContributionKind.SOLUTION, "Handreiking 'wanneer grijpen we in' voor alle wijkteams"),
        ],
    },
    2: {
        0: [
            (ContributionKind.OBSTACLE, "Jeugdwet en Wmo kennen andere indicaties en budgetten"),
            (ContributionKind.HELPER, "Perspectiefplan 18-/18+ is in Oss afgesproken"),
        ],
        1: [
            (ContributionKind.OBSTACLE, "Jeugdconsulent weet niet wie de volwassenenzorg oppakt"),
            (ContributionKind.HELPER, "Jongerenwerker heeft het vertrouwen van de jongen"),
        ],
        2: [
            (ContributionKind.SOLUTION, "Vanaf 17,5 jaar een gezamenlijk gesprek met jeugd- en Wmo-consulent"),
            (ContributionKind.SOLUTION, "Overzicht van regelingen rond de 18 voor professionals"),
        ],
    },
}

# Actions from the past session's solutions: (group, solution number, owner, organisation, status, reason)
ACTIONS: list[tuple[int, int, str, int, ActionStatus, str]] = [
    (0, 0, "manager", 0, ActionStatus.IN_PROGRESS, ""),
    (0, 1, "yvonne", 3, ActionStatus.DONE, ""),
    (1, 0, "hans", 4, ActionStatus.OPEN, ""),
    (1, 1, "ruud", 1, ActionStatus.FAILED, "Geen capaciteit in het wijkteam om de handreiking te schrijven."),
    (2, 0, "manager", 0, ActionStatus.DROPPED, "Wordt opgepakt in het landelijke programma 18-/18+."),
    (2, 1, "lotte", 2, ActionStatus.OPEN, ""),
]


# What the realised demo action changed (the oogst and the terugkoppeling show it).
EFFECT = (
    "Bij een dreigende huisuitzetting belt de corporatie nu eerst het wijkteam: sinds de afspraak zijn twee "
    "gezinnen in hun woning gebleven terwijl de schuldhulp startte."
)


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    """The first `weekday` (0 = Monday) strictly after `day`."""
    return day + dt.timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def is_empty(*, session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(User))


def load(*, session: Session, today: dt.date) -> dict[str, Any]:
    """Fill an empty database with the demo series; returns a few ids for tests and the CLI."""
    if not is_empty(session=session):
        raise RuntimeError("Demo data is only loaded into an empty database.")

    organisations = [Organisation(name=name, kind=kind) for name, kind in ORGANISATIONS]
    session.add_all(organisations)
    session.flush()
    password_hash = accounts.hash_password(DEMO_PASSWORD)
    users = {
        username: User(
            username=username,
            display_name=name,
            role=str(role),
            organisation_id=organisations[org].id,
            email=f"{username}@example.org",
            password_hash=password_hash,
        )
        for username, name, role, org in PEOPLE
    }
    session.add_all(users.values())
    session.flush()

    template = werkvormen.default_template(session=session)
    if template is None:
        raise RuntimeError("No werkvorm: the database was not migrated (the migrations add the shipped ones).")
    rounds = werkvormen.snapshot(template)
    series = Series(
        name="Proeftuin Ruwaard",
        description="Leersessies van de proeftuin sociaal domein in de wijk Ruwaard: professionals en "
        "managers van gemeente, wijkteam, welzijn, corporatie en GGZ leren van casussen uit de wijk.",
        location="Gemeentehuis Oss, Raadhuislaan 2",
        default_start=dt.time(9, 0),
        default_end=dt.time(10, 30),
        template_id=template.id,
        created_by_id=users["aanjager"].id,
    )
    session.add(series)
    session.flush()

    next_date = _next_weekday(today, 1)  # the coming Tuesday
    dates = [
        next_date - dt.timedelta(weeks=4),
        next_date,
        next_date + dt.timedelta(weeks=4),
        next_date + dt.timedelta(weeks=8),
    ]
    sessions = [
        LearningSession(
            series_id=series.id,
            title=f"Proeftuin Ruwaard — leersessie {number}",
            date=day,
            start_time=series.default_start,
            end_time=series.default_end,
            location=series.location,
            template_name=template.name,
            rounds=rounds,
            group_count=3,
            status=SessionStatus.PLANNED,
        )
        for number, day in enumerate(dates, start=1)
    ]
    session.add_all(sessions)
    session.flush()
    past, upcoming = sessions[0], sessions[1]
    upcoming.status = SessionStatus.PREPARED

    cases = []
    for number, (title, submitter, description, tried, question, involved) in enumerate(CASES):
        author = users[submitter]
        case = Case(
            title=title,
            description=description,
            tried=tried,
            learning_question=question,
            submitter_id=author.id,
            organisation_id=author.organisation_id,
            involved=[organisations[i] for i in involved],
            anonymised_confirmed=True,
            created_at=local_datetime(past.date - dt.timedelta(days=10 - number), dt.time(14, 0)),
        )
        if number < 3:
            case.status, case.session_id = CaseStatus.DISCUSSED, past.id
        elif number < 6:
            case.status, case.session_id = CaseStatus.SELECTED, upcoming.id
        elif number == 6:
            case.status, case.preferred_session_id = CaseStatus.SUBMITTED, upcoming.id
        else:
            case.status = CaseStatus.SUBMITTED
        cases.append(case)
    session.add_all(cases)
    session.flush()

    attendees = [u for u in users.values() if u.role in (Role.PROFESSIONAL, Role.MANAGER)]
    for meeting in (past, upcoming):
        for user in attendees:
            session.add(Attendance(session_id=meeting.id, user_id=user.id, role=user.role, present=meeting is past))
        session.add(
            Attendance(session_id=meeting.id, user_id=users["aanjager"].id, role=Role.AANJAGER, present=meeting is past)
        )
    session.add(
        Attendance(
            session_id=upcoming.id, guest_name="Wim Verbruggen (wijkagent)", guest_organisation_id=None, role="gast"
        )
    )
    session.flush()

    _run_past_session(session, past, cases[:3], users, organisations, next_date)
    # After the first session the aanjager confirmed who was there (what a deelnameverklaring counts).
    session.add(
        PresenceConfirmation(session_id=past.id, confirmed_by_id=users["aanjager"].id, confirmed_at=past.closed_at)
    )
    # The next session is prepared: its groups are composed from the attendees and selected cases.
    groups.generate(
        session=session,
        learning_session_id=upcoming.id,
        group_count=3,
        actor=accounts.CurrentUser.of(users["aanjager"]),
        expected_version=upcoming.version,
    )
    audit.record(session=session, event="demo_loaded", user_id=None, entity="series", entity_id=series.id)
    return {"series_id": series.id, "session_ids": [s.id for s in sessions], "next_session_id": upcoming.id}


def _run_past_session(
    session: Session,
    past: LearningSession,
    cases: list[Case],
    users: dict[str, User],
    organisations: list[Organisation],
    next_date: dt.date,
) -> None:
    """The first session took place: groups, contributions in all three rounds, votes, actions."""
    start = local_datetime(past.date, past.start_time).astimezone(dt.UTC)
    past.status = SessionStatus.FINISHED
    past.phase = Phase.CLOSED
    past.current_round = len(past.rounds) - 1
    past.started_at = start
    past.closed_at = start + dt.timedelta(minutes=88)

    attendances = session.scalars(
        select(Attendance)
        .where(Attendance.session_id == past.id, Attendance.role != Role.AANJAGER)
        .order_by(Attendance.id)
    ).all()
    by_user = {a.user_id: a for a in attendances}
    groups = []
    for number, case in enumerate(cases, start=1):
        group = Group(session_id=past.id, number=number, name=f"Groep {number}", case_id=case.id)
        session.add(group)
        groups.append(group)
    session.flush()
    placed = set()
    for group, case in zip(groups, cases, strict=True):
        session.add(GroupMember(group_id=group.id, attendance_id=by_user[case.submitter_id].id))
        placed.add(by_user[case.submitter_id].id)
    rest = [a for a in attendances if a.id not in placed]
    for index, attendance in enumerate(rest):
        session.add(GroupMember(group_id=groups[index % len(groups)].id, attendance_id=attendance.id))

    solutions: dict[tuple[int, int], Contribution] = {}
    for group_index, by_round in CONTRIBUTIONS.items():
        for round_index, items in by_round.items():
            for item_index, (kind, text) in enumerate(items):
                contribution = Contribution(
                    session_id=past.id,
                    group_id=groups[group_index].id,
                    round_index=round_index,
                    perspective=past.rounds[round_index]["perspective"],
                    kind=kind,
                    text=text,
                    author_label=f"Groep {group_index + 1}",
                    created_at=start + dt.timedelta(minutes=10 + 20 * round_index + 3 * item_index),
                    feasible=kind == ContributionKind.SOLUTION,
                )
                session.add(contribution)
                if kind == ContributionKind.SOLUTION:
                    solutions[(group_index, len([k for k in solutions if k[0] == group_index]))] = contribution
    session.flush()
    for voter in range(9):
        for choice in range(2):
            target = list(solutions.values())[(voter + choice * 3) % len(solutions)]
            voter_key = scoped_key(f"demo-voter-{voter}", past.id)
            session.add(Vote(session_id=past.id, contribution_id=target.id, voter_key=voter_key))

    aanjager = users["aanjager"]
    for group_index, solution_index, owner, org, status, reason in ACTIONS:
        solution = solutions[(group_index, solution_index)]
        created = past.closed_at - dt.timedelta(minutes=5)
        action = Action(
            session_id=past.id,
            contribution_id=solution.id,
            title=solution.text,
            owner_user_id=users[owner].id,
            organisation_id=organisations[org].id,
            due_date=next_date,
            status=status,
            reason=reason,
            created_by_id=aanjager.id,
            created_at=created,
        )
        action.updates.append(
            ActionUpdate(
                to_status=ActionStatus.OPEN,
                user_id=aanjager.id,
                session_id=past.id,
                note="Afgesproken in de leersessie.",
                created_at=created,
            )
        )
        if status != ActionStatus.OPEN:
            changed = created + dt.timedelta(days=12)
            action.updates.append(
                ActionUpdate(
                    from_status=ActionStatus.OPEN,
                    to_status=status,
                    user_id=users[owner].id,
                    note=reason or "Voortgang doorgegeven.",
                    created_at=changed,
                )
            )
            if status in (ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.DROPPED):
                action.finished_at = changed
        session.add(action)
        if status == ActionStatus.DONE:
            session.flush()
            session.add(
                ActionEffect(action_id=action.id, text=EFFECT, recorded_by_id=users[owner].id, recorded_at=changed)
            )

    for index, (length, constructive, to_the_point, remark) in enumerate(
        [
            ("goed", 5, 4, "Fijn dat de corporatie aan tafel zat."),
            ("te_kort", 4, 4, "Ronde 3 mocht langer."),
            ("goed", 4, 5, ""),
            ("goed", 5, 5, "Eindelijk concrete afspraken met het management."),
            ("te_lang", 3, 3, "De eerste ronde bleef hangen in de casus zelf."),
            ("goed", 4, 4, "Meer managers aan tafel graag."),
        ]
    ):
        session.add(
            Evaluation(
                session_id=past.id,
                participant_key=scoped_key(f"demo-participant-{index}", past.id),
                length=length,
                constructive=constructive,
                to_the_point=to_the_point,
                remark=remark,
                created_at=past.closed_at - dt.timedelta(minutes=2),
            )
        )
    # Keep the stored timer facts consistent with a session that ran its last round and closed.
    past.round_started_at = start + dt.timedelta(minutes=55)
    past.paused_at = None
