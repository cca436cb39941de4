"""Milestone notifications (issue 17, the source document's "Student Milestone Achieved"): a
student completes a module, and with its course's last module the course; their mentor and the
student are told, under the ``student_milestone_achieved`` toggle (and each person's own
preference for milestones).

Called by every door progress comes in by that runs the core: the learning import
(core/learning/apply.py) and the platform bridge (lms/inbound.py). A completion older than
``NEWS_DAYS`` (a first import of a student's history) is history, not news: nobody is told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.models import Course, Module, ModuleProgress, Notification, User

MILESTONE = "student_milestone_achieved"
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
    if not is_news(completed_at):
        return []
    student = session.get(User, student_id)
    module = session.get(Module, module_id)
    if student is None or module is None or student.role != "student":
        return []
    session.flush()  # the completion itself counts towards the course
    course = session.get(Course, module.course_id)
    events = [("module", module.title, {"module_id": module.id})]
    if course is not None and _course_done(session, student.id, course.id):
        events.append(("course", course.title, {"course_id": course.id}))
    written: list[Notification] = []
    for what, title, data in events:
        payload = {"student_id": student.id, "milestone": what, **data}
        if student.mentor_id is not None:
            row = notify(
                session,
                config,
                user_id=student.mentor_id,
                type=MILESTONE,
                title="Milestone reached",
                message=f"{student.full_name} completed the {what} “{title}”.",
                data=payload,
                toggle=MILESTONE,
                actor_id=actor_id,
            )
            written += [row] if row is not None else []
        row = notify(
            session,
            config,
            user_id=student.id,
            type=MILESTONE,
            title="Milestone reached",
            message=f"You completed the {what} “{title}”.",
            data=payload,
            toggle=MILESTONE,
            actor_id=actor_id,
        )
        written += [row] if row is not None else []
    return written


__all__ = ["MILESTONE", "NEWS_DAYS", "is_news", "notify_module_completed"]
