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

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.notifications.prefs import kind_of, stored_delivery
from mentor_tui.db.models import Course, Module, ModuleProgress, Notification, User

MILESTONE = "student_milestone_achieved"
TITLE = "Milestone reached"
NEWS_DAYS = 7


def is_news(completed_at: datetime | None, now: datetime | None = None) -> bool:
    if completed_at is None:
        return True
    return clock.aware(completed_at) >= (now or clock.now()) - timedelta(days=NEWS_DAYS)


def _course_done(session: Session, student_id: str, course_id: str) -> bool:
    modules = select(Module.id).where(Module.course_id == course_id, Module.deleted_at.is_(None))
    total = session.execute(select(func.count()).select_from(modules.subquery())).scalar_one()
    done = session.execute(
        select(func.count())
        .select_from(ModuleProgress)
        .where(
            ModuleProgress.user_id == student_id,
            ModuleProgress.module_id.in_(modules),
            ModuleProgress.is_completed.is_(True),
            ModuleProgress.deleted_at.is_(None),
        )
    ).scalar_one()
    return int(total) > 0 and int(done) >= int(total)


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
    if not is_news(completed_at):
        return []
    student = session.get(User, student_id)
    module = session.get(Module, module_id)
    if student is None or module is None or student.role != "student":
        return []
    course = session.get(Course, module.course_id)
    events = [("module", module.title, {"module_id": module.id})]
    if course is not None and _course_done(session, student.id, course.id):
        events.append(("course", course.title, {"course_id": course.id}))
    told: list[Told] = []
    for what, title, data in events:
        payload = {"student_id": student.id, "milestone": what, **data}
        if student.mentor_id is not None:
            told.append(
                Told(
                    student.mentor_id,
                    f"{student.full_name} completed the {what} “{title}”.",
                    payload,
                )
            )
        told.append(Told(student.id, f"You completed the {what} “{title}”.", payload))
    return told


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


__all__ = [
    "MILESTONE",
    "NEWS_DAYS",
    "TITLE",
    "Told",
    "is_news",
    "milestone_notices",
    "notify_module_completed",
    "wanted",
]
