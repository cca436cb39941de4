"""Review reminders (issue #5): a pending-submission reminder to the mentor when an item passes
half its review SLA and an overdue-feedback alert when it passes the SLA, each once per item and
threshold, whether the app was running then or is opened later, honouring both toggles.

"Once" holds across devices too: the log (``review_reminders``) is local, so a notification
that came in by sync for the same item and threshold counts as sent. The app runs this for the
signed-in mentor only (``mentor_id``), so an admin's device reminds nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, exists, func, not_, or_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import live
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.reviews.queue import joined, sla
from mentor_tui.db.models import Assignment, Notification, Submission, User
from mentor_tui.db.review_models import ReviewReminder


@dataclass(frozen=True)
class ReminderThreshold:
    name: str  # the key in the reminder log
    share_of_sla: float
    toggle: str  # a field of config.notifications
    type: str  # the notification type
    title: str


OVERDUE = ReminderThreshold(
    "overdue", 1.0, "overdue_feedback_alert", "overdue_feedback", "Feedback overdue"
)
HALF_SLA = ReminderThreshold(
    "half_sla", 0.5, "pending_submission_reminder", "pending_submission_reminder", "Review due soon"
)


def run_review_reminders(
    session: Session,
    config: Config,
    now: datetime | None = None,
    *,
    mentor_id: str | None = None,
) -> list[Notification]:
    """Remind mentors of pending work: once when an item passes half its SLA, once when it
    passes the SLA, each per submission and threshold, however late this runs (the log is in
    the store). An item first seen past its SLA gets the overdue alert alone. Students
    without a mentor have nobody to remind and are left for when they get one.
    ``mentor_id`` limits the run to one mentor's students: the app passes the signed-in
    mentor, so each mentor's reminders are made on their own devices (a run without it
    reminds every mentor in the store, and the first one over a large backlog writes one
    notification per item). Returns the notifications created, oldest item first."""
    now = now or clock.now()
    created: list[Notification] = []
    for threshold in (OVERDUE, HALF_SLA):  # overdue first: it supersedes the half reminder
        if not getattr(config.notifications, threshold.toggle):
            continue
        rows = session.execute(_unreminded(threshold, config, now, mentor_id)).all()
        # nothing below reads the store, so no autoflush: the rows go out in batches
        with session.no_autoflush:
            for done, row in enumerate(rows, start=1):
                submission_id, student_name, mentor, title, submitted, settled = row
                notification_id: str | None = None
                if not settled:
                    note = notify(
                        session,
                        config,
                        user_id=mentor,
                        type=threshold.type,
                        title=threshold.title,
                        message=_reminder_text(
                            threshold, student_name, title, submitted, config, now
                        ),
                        data={"submission_id": submission_id, "threshold": threshold.name},
                        toggle=threshold.toggle,
                    )
                    if note is not None:
                        notification_id = note.id
                        created.append(note)
                session.add(
                    ReviewReminder(
                        submission_id=submission_id,
                        threshold=threshold.name,
                        recipient_id=mentor,
                        notification_id=notification_id,
                        logged_at=now,
                    )
                )
                if done % _REMINDER_BATCH == 0:
                    session.flush()
        session.flush()
    return created


_REMINDER_BATCH = 500


def _logged(submission_id: Any, threshold: ReminderThreshold) -> Exists:
    return exists().where(
        ReviewReminder.submission_id == submission_id,
        ReviewReminder.threshold == threshold.name,
    )


def _notified(threshold: ReminderThreshold) -> Exists:
    """The mentor already has this threshold's notification for the item: one made on another
    of their devices arrives by sync as a notification, not as a row of the local log."""
    return exists().where(
        Notification.user_id == User.mentor_id,
        Notification.type == threshold.type,
        func.json_extract(Notification.data, "$.submission_id") == Submission.id,
    )


def _unreminded(
    threshold: ReminderThreshold, config: Config, now: datetime, mentor_id: str | None
) -> Select[*tuple[Any, ...]]:
    """Pending items past ``threshold`` with no log row for it yet, and whether each is
    already settled without a new notification: this threshold's notification came in by
    sync from another device, or (for the half-SLA reminder) the item is past its SLA already
    or its overdue alert went out here or elsewhere: saying time is running out is pointless
    then (and with the overdue alert switched off, an overdue item gets neither)."""
    settled: ColumnElement[bool] = _notified(threshold)
    if threshold is not OVERDUE:
        past_sla = Submission.submitted_at <= now - sla(config)
        settled = or_(settled, past_sla, _logged(Submission.id, OVERDUE), _notified(OVERDUE))
    query = (
        joined(
            select(
                Submission.id,
                User.full_name,
                User.mentor_id,
                Assignment.title,
                Submission.submitted_at,
                settled,
            )
        )
        .where(
            live(Submission),
            live(User),
            Submission.status == "pending",
            Submission.submitted_at <= now - sla(config) * threshold.share_of_sla,
            User.mentor_id.is_not(None),
            not_(_logged(Submission.id, threshold)),
        )
        .order_by(Submission.submitted_at, Submission.id)
    )
    if mentor_id is not None:
        mentors_students = select(User.id).where(User.mentor_id == mentor_id, live(User))
        query = query.where(Submission.student_id.in_(mentors_students))
    return query


def _reminder_text(
    threshold: ReminderThreshold,
    student_name: str,
    title: str,
    submitted: datetime,
    config: Config,
    now: datetime,
) -> str:
    submitted = clock.aware(submitted)
    waited = clock.humanize_delta(now - submitted)
    if threshold is OVERDUE:
        late = clock.humanize_delta(now - submitted - sla(config))
        return (
            f"{student_name}'s {title!r} has waited {waited}, {late} past the "
            f"{config.assignment_review_sla_hours} h review time."
        )
    left = clock.humanize_delta(submitted + sla(config) - now)
    return f"{student_name}'s {title!r} has waited {waited}; feedback is due within {left}."


__all__ = ["HALF_SLA", "OVERDUE", "ReminderThreshold", "run_review_reminders"]
