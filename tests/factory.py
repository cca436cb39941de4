"""Small, explicit test data: every row goes through ``core/writes.py`` in the caller's Session.

Each builder takes the values a test cares about and fills the rest with plain defaults, so a
test reads as the situation it sets up::

    with session_scope(engine) as s:
        mentor = factory.mentor(s, "Maria Mentor")
        ada = factory.student(s, "Ada", mentor=mentor)
        course, (m1, m2) = factory.course(s, "Python", modules=2)
        factory.progress(s, ada, m1, completed=True, at=days_ago(3))
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor
from mentor_tui.db.models import (
    Assignment,
    Course,
    MentorProfile,
    MentorshipNote,
    MentorshipSession,
    Message,
    Module,
    ModuleProgress,
    SessionAttendee,
    StudentProfile,
    Submission,
    User,
)
from mentor_tui.db.models import new_id as models_new_id

_serial = itertools.count(1)


def days_ago(days: float, *, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=days)


def hours_ago(hours: float, *, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(hours=hours)


def actor(user: User) -> Actor:
    return Actor.of(user)


def _email_for(name: str) -> str:
    local = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "user"
    return f"{local}.{next(_serial)}@example.org"


def user(
    s: Session,
    full_name: str,
    *,
    role: str,
    email: str | None = None,
    status: str = "Active",
    timezone: str = "UTC",
    mentor: User | None = None,
) -> User:
    row = User(
        full_name=full_name,
        email=(email or _email_for(full_name)).lower(),
        role=role,
        status=status,
        timezone=timezone,
        mentor_id=mentor.id if mentor else None,
    )
    writes.insert(s, None, row)
    s.flush()
    return row


def admin(s: Session, full_name: str = "Ada Admin", **kw: object) -> User:
    return user(s, full_name, role="admin", **kw)  # type: ignore[arg-type]


def mentor(
    s: Session,
    full_name: str = "Maria Mentor",
    *,
    capacity: int = 20,
    expertise: Sequence[str] = (),
    **kw: object,
) -> User:
    row = user(s, full_name, role="mentor", **kw)  # type: ignore[arg-type]
    writes.insert(
        s, None, MentorProfile(user_id=row.id, capacity=capacity, expertise=list(expertise))
    )
    s.flush()
    return row


def student(
    s: Session,
    full_name: str = "Sam Student",
    *,
    mentor: User | None = None,
    learning_style: str = "mixed",
    needed_skills: Sequence[str] = (),
    goals: str = "",
    **kw: object,
) -> User:
    row = user(s, full_name, role="student", mentor=mentor, **kw)  # type: ignore[arg-type]
    profile = StudentProfile(
        user_id=row.id,
        learning_style=learning_style,
        needed_skills=list(needed_skills),
        goals=goals,
    )
    writes.insert(s, None, profile)
    s.flush()
    return row


def course(
    s: Session, title: str = "Python Basics", *, modules: int = 4
) -> tuple[Course, list[Module]]:
    row = writes.insert(s, None, Course(title=title))
    s.flush()
    parts = [
        writes.insert(s, None, Module(course_id=row.id, title=f"{title} {n}", position=n))
        for n in range(1, modules + 1)
    ]
    s.flush()
    return row, parts


def progress(
    s: Session,
    who: User,
    module: Module,
    *,
    completed: bool = False,
    percent: float | None = None,
    minutes: int = 0,
    quiz: float | None = None,
    at: datetime | None = None,
    started: datetime | None = None,
    completed_at: datetime | None = None,
) -> ModuleProgress:
    """Progress on one module; ``at`` is the last activity (and the completion time if done),
    ``started`` when the row was made (default ``at``)."""
    row = ModuleProgress(
        user_id=who.id,
        module_id=module.id,
        is_completed=completed,
        percent=percent if percent is not None else (100.0 if completed else 0.0),
        time_spent_minutes=minutes,
        quiz_score=quiz,
        last_activity_at=at,
        completed_at=completed_at or (at if completed else None),
    )
    if started is not None or at is not None:
        row.created_at = started or at
    writes.insert(s, None, row)
    s.flush()
    return row


def assignment(s: Session, module: Module, title: str = "Exercise") -> Assignment:
    row = writes.insert(s, None, Assignment(module_id=module.id, title=title))
    s.flush()
    return row


def submission(
    s: Session,
    who: User,
    task: Assignment,
    *,
    submitted_at: datetime,
    status: str = "pending",
    reviewer: User | None = None,
    reviewed_at: datetime | None = None,
    feedback: str | None = None,
    attempt: int = 1,
    content: str = "my work",
) -> Submission:
    row = Submission(
        assignment_id=task.id,
        student_id=who.id,
        content=content,
        submitted_at=submitted_at,
        status=status,
        reviewer_id=reviewer.id if reviewer else None,
        reviewed_at=reviewed_at,
        feedback=feedback,
        attempt=attempt,
    )
    writes.insert(s, None, row)
    s.flush()
    return row


def meeting(
    s: Session,
    host: User,
    attendees: Iterable[User | tuple[User, str | None]],
    *,
    starts_at: datetime,
    minutes: int = 60,
    status: str = "scheduled",
    title: str = "Check-in",
    kind: str | None = None,
    ratings: Mapping[str, int] | None = None,
) -> MentorshipSession:
    """A session hosted by ``host``; each attendee is a student or a (student, attendance)
    pair. ``ratings`` maps student ids to the rating they gave."""
    people = [a if isinstance(a, tuple) else (a, None) for a in attendees]
    row = MentorshipSession(
        mentor_id=host.id,
        kind=kind or ("group" if len(people) > 1 else "one_on_one"),
        title=title,
        starts_at=starts_at,
        duration_minutes=minutes,
        status=status,
    )
    writes.insert(s, None, row)
    s.flush()
    for person, attendance in people:
        rating = (ratings or {}).get(person.id)
        writes.insert(
            s,
            None,
            SessionAttendee(
                session_id=row.id, student_id=person.id, attendance=attendance, rating=rating
            ),
        )
    s.flush()
    return row


def note(
    s: Session,
    author: User,
    about: User,
    text: str = "A note.",
    *,
    kind: str = "note",
    added_at: datetime | None = None,
    due: date | None = None,
    done: bool = False,
) -> MentorshipNote:
    row = MentorshipNote(
        mentor_id=author.id,
        student_id=about.id,
        kind=kind,
        note=text,
        added_at=added_at or clock.now(),
        due_date=due,
        done=done,
    )
    writes.insert(s, author.id, row)
    s.flush()
    return row


def message(
    s: Session,
    sender: User,
    recipient: User | None,
    body: str = "Hello",
    *,
    at: datetime | None = None,
) -> Message:
    """A direct message, or an announcement to the sender's students when ``recipient`` is None."""
    message_id = models_new_id()
    row = Message(
        id=message_id,
        sender_id=sender.id,
        recipient_id=recipient.id if recipient else None,
        kind="direct" if recipient else "announcement",
        body=body,
        thread_id=message_id,
        audience=None if recipient else "students",
    )
    if at is not None:
        row.created_at = at
    writes.insert(s, sender.id, row)
    s.flush()
    return row
