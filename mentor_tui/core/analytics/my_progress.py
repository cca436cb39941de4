"""A student's own progress (issue 20): their modules with completion, quiz scores and time
spent, their milestones, and their submissions with the feedback on each, newest first, the
feedback they have not read yet marked. Read through the same scopes as the mentor's student
view (``student_view.student_detail``): a student sees only their own rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, submission_scope
from mentor_tui.core.analytics.student_view import CourseProgress, Milestone, student_detail
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.errors import AccessDenied


@dataclass(frozen=True)
class MyWork:
    id: str
    assignment_title: str
    submitted_at: datetime
    status: str
    feedback: str | None
    reviewer_name: str | None
    reviewed_at: datetime | None
    attempt: int
    unread: bool  # feedback given that the student has not been shown yet
    feedback_requested_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "assignment": self.assignment_title,
            "submitted_at": self.submitted_at.isoformat(),
            "status": self.status,
            "attempt": self.attempt,
            "feedback": self.feedback,
            "reviewer": self.reviewer_name,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "unread": self.unread,
            "feedback_requested_at": self.feedback_requested_at.isoformat()
            if self.feedback_requested_at
            else None,
        }


@dataclass(frozen=True)
class MyProgress:
    completion: float
    time_spent_minutes: int
    quiz_average: float | None
    courses: list[CourseProgress]
    milestones: list[Milestone]
    submissions: list[MyWork]

    def to_json(self) -> dict[str, Any]:
        return {
            "completion": round(self.completion, 1),
            "time_spent_minutes": self.time_spent_minutes,
            "quiz_average": self.quiz_average,
            "courses": [
                {
                    "title": c.title,
                    "percent": round(c.percent, 1),
                    "modules_completed": c.modules_completed,
                    "modules_total": c.modules_total,
                    "modules": [
                        {
                            "title": m.title,
                            "percent": round(m.percent, 1),
                            "completed": m.is_completed,
                            "quiz_score": m.quiz_score,
                            "time_spent_minutes": m.time_spent_minutes,
                        }
                        for m in c.modules
                    ],
                }
                for c in self.courses
            ],
            "milestones": [{"at": m.at.isoformat(), "text": m.text} for m in self.milestones],
            "submissions": [w.to_json() for w in self.submissions],
        }


def my_work(session: Session, actor: Actor) -> list[MyWork]:
    """The student's own submissions, newest first, with the feedback on each."""
    reviewer = User.__table__.alias("reviewer")
    query = (
        select(
            Submission.id,
            Assignment.title,
            Submission.submitted_at,
            Submission.status,
            Submission.feedback,
            reviewer.c.full_name,
            Submission.reviewed_at,
            Submission.attempt,
            Submission.feedback_seen_at,
            Submission.feedback_requested_at,
        )
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .outerjoin(reviewer, reviewer.c.id == Submission.reviewer_id)
        .where(submission_scope(actor), Submission.student_id == actor.id)
        .order_by(Submission.submitted_at.desc(), Submission.id)
    )
    return [
        MyWork(
            id=r[0],
            assignment_title=r[1],
            submitted_at=clock.aware(r[2]),
            status=r[3],
            feedback=r[4],
            reviewer_name=r[5],
            reviewed_at=clock.aware(r[6]) if r[6] else None,
            attempt=r[7],
            unread=r[4] is not None and r[8] is None,
            feedback_requested_at=clock.aware(r[9]) if r[9] else None,
        )
        for r in session.execute(query).all()
    ]


def my_progress(
    session: Session, actor: Actor, config: Config, *, now: datetime | None = None
) -> MyProgress:
    """The signed-in student's own progress and work."""
    if not actor.is_student:
        raise AccessDenied("`mentor-tui progress` shows a student's own progress; sign in as one.")
    detail = student_detail(session, actor, actor.id, config, now=now)
    return MyProgress(
        completion=detail.row.completion_rate,
        time_spent_minutes=detail.time_spent_minutes,
        quiz_average=detail.quiz_average,
        courses=detail.courses,
        milestones=detail.milestones,
        submissions=my_work(session, actor),
    )


__all__ = ["MyProgress", "MyWork", "my_progress", "my_work"]
