"""A small program for the peer mentorship tests (issue 20): Maria mentors Sam (advanced:
three of four modules done, quiz 90 and 80), Ana and Bea (one pending submission each); Omar
mentors Zoe (a pending submission too); Ada is the admin. Nobody is certified yet."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from tests import factory
from tests import session_people as people

EVERY_DAY = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)]


def build(s: Session) -> dict[str, str]:
    maria = people.mentor(s, "Maria Mentor", email="maria@example.org", availability=EVERY_DAY)
    omar = people.mentor(s, "Omar Other", email="omar@example.org")
    sam = people.student(s, "Sam Tanaka", maria, email="sam@example.org")
    ana = people.student(s, "Ana Ruiz", maria, email="ana@example.org")
    bea = people.student(s, "Bea Brown", maria, email="bea@example.org")
    zoe = people.student(s, "Zoe Zhang", omar, email="zoe@example.org")
    admin = people.admin(s, email="ada@example.org")
    _, modules = factory.course(s, "Python Basics", modules=4)
    at = datetime(2026, 1, 10, tzinfo=UTC)
    for module, quiz in zip(modules[:3], (90.0, 80.0, None), strict=True):
        factory.progress(s, sam, module, completed=True, minutes=60, quiz=quiz, at=at)
    factory.progress(s, ana, modules[0], percent=40.0, minutes=20, at=at)
    task = factory.assignment(s, modules[0], "Loops")
    day = datetime(2026, 1, 5, tzinfo=UTC)
    anas = factory.submission(s, ana, task, submitted_at=day, content="for i in range(3): ...")
    beas = factory.submission(s, bea, task, submitted_at=day, content="while True: ...")
    zoes = factory.submission(s, zoe, task, submitted_at=day)
    return {
        "maria": maria.id,
        "omar": omar.id,
        "sam": sam.id,
        "ana": ana.id,
        "bea": bea.id,
        "zoe": zoe.id,
        "admin": admin.id,
        "anas": anas.id,
        "beas": beas.id,
        "zoes": zoes.id,
    }
