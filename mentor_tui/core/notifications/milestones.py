"""Milestone notifications (issue 17, the source document's "Student Milestone Achieved"): a
student completes a module, and with its course's last module the course; their mentor and the
student are told, under the ``student_milestone_achieved`` toggle (and each person's own
preference for milestones).

Called by every door progress comes in by that runs the core: the learning import
(core/learning/apply.py) and the platform bridge (lms/inbound.py); the server's xAPI door
(server/xapi_store.py) writes the same ``milestone_notices`` as rows of its own. A completion older than
``NEWS_DAYS`` (a first import of a student's history) is history, not news: nobody is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.notifications.prefs import kind_of, stored_delivery
from mentor_tui.db.models import Course, Module, ModuleProgress, Notification, User, new_ids
from mentor_tui.db.notification_models import NotificationPreference

MILESTONE = "student_milestone_achieved"
TITLE = "Milestone reached"
NEWS_DAYS = 7
CHUNK = 500  # ids per IN list


def is_news(completed_at: datetime | None, now: datetime | None = None) -> bool:
    if completed_at is None:
        return True
    return clock.aware(completed_at) >= (now or clock.now()) - timedelta(days=NEWS_DAYS)


@dataclass(frozen=True)
class Told:
    """One milestone notification to write: to whom, its text and data."""

    user_id: str
    message: str
    data: dict[str, str]


def milestone_notices(
    session: Session, student_id: str, module_id: str, *, completed_at: datetime | None = None
) -> list[Told]:
    """Who is told what of ``student_id`` completing ``module_id`` (and its course, when it was
    the last module left); nothing for a completion that is history. Reads only."""
    return milestones_notices(session, [Completion(student_id, module_id, completed_at)])


def wanted(session: Session, config: Config, told: Told) -> bool:
    """Whether the person takes milestone notifications (their preference, else the toggle)."""
    chosen = stored_delivery(session, told.user_id, kind_of(MILESTONE))
    if chosen is not None:
        return chosen != "off"
    return bool(getattr(config.notifications, MILESTONE))


def notify_module_completed(
    session: Session,
    config: Config,
    student_id: str,
    module_id: str,
    *,
    completed_at: datetime | None = None,
    actor_id: str | None = None,
) -> list[Notification]:
    """Tell the student and their mentor that the student completed ``module_id`` (and its
    course, when it was the last module left); the notifications written."""
    session.flush()  # the completion itself counts towards the course
    written: list[Notification] = []
    for told in milestone_notices(session, student_id, module_id, completed_at=completed_at):
        row = notify(
            session,
            config,
            user_id=told.user_id,
            type=MILESTONE,
            title=TITLE,
            message=told.message,
            data=told.data,
            toggle=MILESTONE,
            actor_id=actor_id,
        )
        written += [row] if row is not None else []
    return written


def all_wanted(session: Session, config: Config, told: Sequence[Told]) -> list[Told]:
    """``wanted`` of many notices at once: their people's preferences read in a few queries."""
    chosen: dict[str, str] = {}
    for chunk in _chunks(t.user_id for t in told):
        chosen.update(
            session.execute(
                select(NotificationPreference.user_id, NotificationPreference.delivery).where(
                    NotificationPreference.user_id.in_(chunk),
                    NotificationPreference.kind == kind_of(MILESTONE),
                    NotificationPreference.deleted_at.is_(None),
                )
            ).all()
        )
    default = bool(getattr(config.notifications, MILESTONE))
    return [t for t in told if (chosen[t.user_id] != "off" if t.user_id in chosen else default)]


@dataclass(frozen=True)
class Completion:
    """A student newly completed a module (at ``completed_at``, None: now)."""

    student_id: str
    module_id: str
    completed_at: datetime | None = None


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    every = sorted(set(ids))
    for start in range(0, len(every), CHUNK):
        yield every[start : start + CHUNK]


def _columns(session: Session, columns: tuple[Any, ...], ids: Iterable[str]) -> dict[str, Row[Any]]:
    """Only ``columns`` (the first one the id) of the rows with these ids, by id: plain rows,
    not whole ORM objects (loading those was most of the cost of telling many completions)."""
    found: dict[str, Row[Any]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(select(*columns).where(columns[0].in_(chunk)))
        found.update((row[0], row) for row in rows)
    return found


def _courses_done(
    session: Session, students: Iterable[str], courses: Iterable[str]
) -> set[tuple[str, str]]:
    """The (student, course) pairs, of these students and courses, whose every module (not
    deleted) the student completed: ``_course_done`` for many pairs in a few queries."""
    course_ids = sorted(set(courses))
    total: dict[str, int] = {}
    for chunk in _chunks(course_ids):
        total.update(
            session.execute(
                select(Module.course_id, func.count())
                .where(Module.course_id.in_(chunk), Module.deleted_at.is_(None))
                .group_by(Module.course_id)
            ).all()
        )
    done: set[tuple[str, str]] = set()
    for chunk in _chunks(students):
        rows = session.execute(
            select(ModuleProgress.user_id, Module.course_id, func.count())
            .join(Module, Module.id == ModuleProgress.module_id)
            .where(
                ModuleProgress.user_id.in_(chunk),
                Module.course_id.in_(course_ids),
                Module.deleted_at.is_(None),
                ModuleProgress.is_completed.is_(True),
                ModuleProgress.deleted_at.is_(None),
            )
            .group_by(ModuleProgress.user_id, Module.course_id)
        ).all()
        for student_id, course_id, count in rows:
            if total.get(course_id, 0) > 0 and int(count) >= total[course_id]:
                done.add((student_id, course_id))
    return done


def milestones_notices(session: Session, completions: Sequence[Completion]) -> list[Told]:
    """``milestone_notices`` of many completions at once, in their order, read in a few
    queries; a course completed by several of them is told once, after the last of them (as
    one at a time tells it: with the module that was the last one left)."""
    news = [c for c in completions if is_news(c.completed_at)]
    students = _columns(
        session,
        (User.id, User.role, User.mentor_id, User.full_name),
        (c.student_id for c in news),
    )
    modules = _columns(
        session,
        (Module.id, Module.title, Module.course_id),
        (c.module_id for c in news),
    )
    courses = _columns(
        session,
        (Course.id, Course.title),
        (m.course_id for m in modules.values()),
    )
    done = _courses_done(session, students, courses)
    last: dict[tuple[str, str], int] = {}
    for i, c in enumerate(news):
        if c.module_id in modules:
            last[(c.student_id, modules[c.module_id].course_id)] = i
    told: list[Told] = []
    for i, c in enumerate(news):
        student, module = students.get(c.student_id), modules.get(c.module_id)
        if student is None or module is None or student.role != "student":
            continue
        events = [("module", module.title, {"module_id": module.id})]
        course = courses.get(module.course_id)
        pair = (student.id, module.course_id)
        if course is not None and pair in done and last[pair] == i:
            events.append(("course", course.title, {"course_id": course.id}))
        told += _told(student, events)
    return told


def _told(student: Row[Any], events: list[tuple[str, str, dict[str, str]]]) -> list[Told]:
    told: list[Told] = []
    for what, title, data in events:
        payload = {"student_id": student.id, "milestone": what, **data}
        if student.mentor_id is not None:
            message = f"{student.full_name} completed the {what} “{title}”."
            told.append(Told(student.mentor_id, message, payload))
        told.append(Told(student.id, f"You completed the {what} “{title}”.", payload))
    return told


def notify_modules_completed(
    session: Session,
    config: Config,
    completions: Sequence[Completion],
    *,
    actor_id: str | None = None,
) -> int:
    """``notify_module_completed`` for many completions at once: the same notifications to
    the same people, read in a few queries and written in one ``insert_many`` (each journaled
    and audited as ``notify`` does). Their times follow their order, a microsecond apart, so
    an inbox lists them as one at a time would. Returns how many were written."""
    if not completions:
        return 0
    session.flush()  # the completions themselves count towards their courses
    kept = all_wanted(session, config, milestones_notices(session, completions))
    moment = clock.now()
    rows: list[dict[str, Any]] = [
        {
            "id": row_id,
            "user_id": t.user_id,
            "type": MILESTONE,
            "title": TITLE,
            "message": t.message,
            "data": writes.to_json_value(t.data),
            "created_at": moment + timedelta(microseconds=i),
        }
        for i, (t, row_id) in enumerate(zip(kept, new_ids(len(kept)), strict=True))
    ]
    return writes.insert_many(session, actor_id, Notification, rows, action="notify")


__all__ = [
    "MILESTONE",
    "NEWS_DAYS",
    "TITLE",
    "Completion",
    "Told",
    "all_wanted",
    "is_news",
    "milestone_notices",
    "milestones_notices",
    "notify_module_completed",
    "notify_modules_completed",
    "wanted",
]
