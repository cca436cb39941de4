"""One small program, built by hand so every figure in it can be worked out on paper.

Course "Python" has four modules. ``NOW`` is the moment every query is asked at.

| student | mentor | status    | rows/done (%) | last activity    | pending (overdue) | no-shows |
| ------- | ------ | --------- | ------------- | ---------------- | ----------------- | -------- |
| Ada     | Maria  | Active    | 4/3 (75)      | submitted 10 h   | 1 (0)             | 1 (+1)   |
| Ben     | Maria  | Active    | 4/1 (25)      | progress 20 d    | 0                 | -        |
| Cleo    | Maria  | Active    | 0 (0)         | never            | 0                 | -        |
| Dan     | Otto   | Active    | 2/2 (100)     | submitted 1 h    | 2 (1)             | -        |
| Eve     | Otto   | graduated | 4/4 (100)     | progress 30 d    | 0                 | -        |
| Finn    | -      | Active    | 4/0 (0)       | progress 3 d     | 0                 | 2        |

No-shows count among each student's last five past sessions; Ada has one more, older.
Cohort (Active students with progress rows): Ada 75, Ben 25, Dan 100, Finn 0 -> average 50;
"well below" means 25 % or less.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.db.models import Assignment, Module, User
from tests import factory


@dataclass
class School:
    now: datetime
    admin: User
    maria: User
    otto: User
    ada: User
    ben: User
    cleo: User
    dan: User
    eve: User
    finn: User
    modules: list[Module]
    tasks: list[Assignment]

    @property
    def students(self) -> list[User]:
        return [self.ada, self.ben, self.cleo, self.dan, self.eve, self.finn]


def build_school(s: Session, now: datetime | None = None) -> School:
    now = now or clock.now().replace(microsecond=0)

    def days(n: float) -> datetime:
        return now - timedelta(days=n)

    def hours(n: float) -> datetime:
        return now - timedelta(hours=n)

    admin = factory.admin(s, "Ada Admin", email="admin@example.org")
    maria = factory.mentor(s, "Maria Mentor", email="maria@example.org", capacity=3)
    otto = factory.mentor(s, "Otto Other", email="otto@example.org", capacity=5)
    ada = factory.student(s, "Ada", email="ada@example.org", mentor=maria, goals="Ship a web app")
    ben = factory.student(s, "Ben", email="ben@example.org", mentor=maria)
    cleo = factory.student(s, "Cleo", email="cleo@example.org", mentor=maria)
    dan = factory.student(s, "Dan", email="dan@example.org", mentor=otto)
    eve = factory.student(
        s, "Eve", email="eve@example.org", mentor=otto, status="Passed out / Completed"
    )
    finn = factory.student(s, "Finn", email="finn@example.org")
    _course, modules = factory.course(s, "Python", modules=4)
    tasks = [factory.assignment(s, m, f"Task {n}") for n, m in enumerate(modules, start=1)]

    # Ada: 3 of 4 done, the last 2 days ago; a submission 10 h ago, pending.
    for n, m in enumerate(modules[:3]):
        factory.progress(s, ada, m, completed=True, at=days(9 - 3 * n), minutes=30, quiz=80 + n * 5)
    factory.progress(s, ada, modules[3], percent=40, at=days(2), minutes=15)
    factory.submission(s, ada, tasks[0], submitted_at=hours(10))
    # Ben: 1 of 4 done; nothing for 20 days.
    factory.progress(s, ben, modules[0], completed=True, at=days(25))
    for m in modules[1:]:
        factory.progress(s, ben, m, percent=10, at=days(20))
    # Dan: both rows done; two pending submissions, one past the 48 h SLA.
    factory.progress(s, dan, modules[0], completed=True, at=days(6))
    factory.progress(s, dan, modules[1], completed=True, at=days(5))
    factory.submission(s, dan, tasks[0], submitted_at=hours(50))
    factory.submission(s, dan, tasks[1], submitted_at=hours(1))
    factory.submission(
        s,
        dan,
        tasks[2],
        submitted_at=days(8),
        status="approved",
        reviewer=otto,
        reviewed_at=days(8) + timedelta(hours=20),
        feedback="Good",
    )
    # Eve: graduated; done long ago.
    for m in modules:
        factory.progress(s, eve, m, completed=True, at=days(30))
    # Finn: started everything, finished nothing, active 3 days ago.
    for m in modules:
        factory.progress(s, finn, m, percent=20, at=days(3))

    # Finn's sessions (Otto hosts): last five past ones hold two no-shows; a cancelled no-show
    # and a future session do not count.
    for n, attendance in enumerate(["no_show", "attended", "no_show", "excused", "attended"]):
        factory.meeting(s, otto, [(finn, attendance)], starts_at=days(2 + n), status="completed")
    factory.meeting(s, otto, [(finn, "no_show")], starts_at=days(1), status="cancelled")
    factory.meeting(s, otto, [finn], starts_at=days(-2))
    # Ada's (Maria hosts): one no-show in her last five, an older one outside them.
    for n, attendance in enumerate(["attended", "attended", "no_show", "attended", "attended"]):
        factory.meeting(s, maria, [(ada, attendance)], starts_at=days(1 + n), status="completed")
    factory.meeting(s, maria, [(ada, "no_show")], starts_at=days(10), status="completed")
    return School(now, admin, maria, otto, ada, ben, cleo, dan, eve, finn, modules, tasks)
