"""People and sessions for the session-calendar tests, written through ``core/writes.py``.

Kept apart from ``tests/factory.py`` so these tests say exactly the timezones, availability
windows and times they depend on.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.db.models import MentorProfile, MentorshipSession, SessionAttendee, User

_serial = itertools.count(1)


def person(
    s: Session,
    name: str,
    role: str,
    *,
    tz: str = "UTC",
    mentor: User | None = None,
    email: str | None = None,
    status: str = "Active",
) -> User:
    local = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "user"
    row = User(
        full_name=name,
        email=email or f"{local}.{next(_serial)}@example.org",
        role=role,
        status=status,
        timezone=tz,
        mentor_id=mentor.id if mentor else None,
    )
    writes.insert(s, None, row)
    s.flush()
    return row


def mentor(
    s: Session,
    name: str = "Maria Mentor",
    *,
    tz: str = "UTC",
    availability: Sequence[dict[str, Any]] = (),
    **kw: Any,
) -> User:
    row = person(s, name, "mentor", tz=tz, **kw)
    writes.insert(s, None, MentorProfile(user_id=row.id, availability=list(availability)))
    s.flush()
    return row


def student(s: Session, name: str, mentor: User | None, *, tz: str = "UTC", **kw: Any) -> User:
    return person(s, name, "student", tz=tz, mentor=mentor, **kw)


def admin(s: Session, name: str = "Ada Admin", **kw: Any) -> User:
    return person(s, name, "admin", **kw)


def actor(user: User) -> Actor:
    return Actor.of(user)


def booked(
    s: Session,
    host: User,
    students: Sequence[User],
    starts_at: datetime,
    *,
    minutes: int = 60,
    status: str = "scheduled",
    title: str = "Booked",
) -> MentorshipSession:
    """A session written straight to the store (no clash check): the existing calendar."""
    row = MentorshipSession(
        mentor_id=host.id,
        kind="group" if len(students) > 1 else "one_on_one",
        title=title,
        starts_at=starts_at,
        duration_minutes=minutes,
        timezone=host.timezone,
        status=status,
    )
    writes.insert(s, None, row)
    for who in students:
        writes.insert(s, None, SessionAttendee(session_id=row.id, student_id=who.id))
    s.flush()
    return row
