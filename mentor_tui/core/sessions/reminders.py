"""Session reminders (issue #7): a notification ``session_reminder_minutes`` before a session
starts, made while the app runs and on opening for anything missed; each once.

Who is reminded where: the app passes the signed-in user as ``user_id``, so each device makes
the reminders of the person using it (a mentor for their own sessions, a student for the
sessions they attend) and nobody else's. Another device of the same person finds the reminder
already made once sync brings its notification in; an admin's device makes none for other
people's sessions. A run without ``user_id`` reminds the mentor and every attendee of every
session in the store (a server-side or scripted run).

"Once" is per session, recipient and announced start: a rescheduled session is announced again
for its new time. The log is ``session_reminders_sent`` (local), and a notification that came
in by sync counts as sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import live
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.sessions.rules import MAX_DURATION_MINUTES
from mentor_tui.core.timezones import format_span
from mentor_tui.db.models import MentorshipSession, Notification, SessionAttendee, User
from mentor_tui.db.session_models import SessionReminderSent

REMINDER_TYPE = "session_reminder"


def reminder_minutes(config: Config) -> int:
    """How long before a session its reminder fires (config ``session_reminder_minutes``)."""
    return config.session_reminder_minutes


def _already_reminded(s: Session, session_id: str, user_id: str, start: datetime) -> bool:
    logged = s.get(SessionReminderSent, (session_id, user_id, start))
    if logged is not None:
        return True
    # A reminder made on another device arrives by sync as a notification, not in this log.
    synced = s.execute(
        select(Notification.id).where(
            Notification.user_id == user_id,
            Notification.type == REMINDER_TYPE,
            func.json_extract(Notification.data, "$.session_id") == session_id,
            func.json_extract(Notification.data, "$.starts_at") == start.isoformat(),
        )
    ).first()
    return synced is not None


def _ends_at(row: MentorshipSession) -> datetime:
    return clock.aware(row.starts_at) + timedelta(minutes=row.duration_minutes)


def run_session_reminders(
    s: Session,
    config: Config,
    now: datetime | None = None,
    minutes_before: int | None = None,
    *,
    user_id: str | None = None,
) -> list[Notification]:
    """Send each due session reminder once: for a scheduled session starting within
    ``minutes_before`` (default: the config's reminder lead) and not yet over, to its mentor
    and every attendee, or with ``user_id`` to that person alone and only for their own
    sessions (as mentor or attendee). A reminder missed while the app was closed still goes
    out if the session has not ended yet. Returns the notifications created."""
    moment = now or clock.now()
    lead = timedelta(
        minutes=minutes_before if minutes_before is not None else reminder_minutes(config)
    )
    query = (
        select(MentorshipSession)
        .where(
            live(MentorshipSession),
            MentorshipSession.status == "scheduled",
            MentorshipSession.starts_at <= moment + lead,
            MentorshipSession.starts_at > moment - timedelta(minutes=MAX_DURATION_MINUTES),
        )
        .order_by(MentorshipSession.starts_at)
    )
    if user_id is not None:
        attends = exists().where(
            SessionAttendee.session_id == MentorshipSession.id,
            SessionAttendee.student_id == user_id,
            live(SessionAttendee),
        )
        query = query.where(or_(MentorshipSession.mentor_id == user_id, attends))
    sent: list[Notification] = []
    for row in [r for r in s.execute(query).scalars() if _ends_at(r) > moment]:
        start = clock.aware(row.starts_at)
        attendees = list(
            s.execute(
                select(User)
                .join(SessionAttendee, SessionAttendee.student_id == User.id)
                .where(SessionAttendee.session_id == row.id, live(SessionAttendee), live(User))
                .order_by(User.full_name)
            ).scalars()
        )
        mentor = s.get(User, row.mentor_id)
        recipients = (
            [mentor] if mentor is not None and mentor.deleted_at is None else []
        ) + attendees
        if user_id is not None:
            recipients = [person for person in recipients if person.id == user_id]
        for person in recipients:
            if person.status == "Inactive" or _already_reminded(s, row.id, person.id, start):
                continue
            others = attendees if person.id == row.mentor_id else [mentor] if mentor else []
            note = notify(
                s,
                config,
                user_id=person.id,
                type=REMINDER_TYPE,
                title=_reminder_title(row, start, moment),
                message=_reminder_message(row, person, others),
                data={
                    "session_id": row.id,
                    "starts_at": start.isoformat(),
                    "meeting_link": row.meeting_link,
                },
                toggle="session_reminders",
            )
            if note is None:
                continue
            s.add(
                SessionReminderSent(
                    session_id=row.id,
                    user_id=person.id,
                    starts_at=start,
                    notification_id=note.id,
                    sent_at=moment,
                )
            )
            sent.append(note)
    s.flush()
    return sent


def _reminder_title(row: MentorshipSession, start: datetime, now: datetime) -> str:
    name = row.title or "Mentorship session"
    minutes = int((start - now).total_seconds() // 60)
    if minutes >= 1:
        return f"{name} starts in {clock.humanize_delta(start - now)}"
    return f"{name} has started" if start < now else f"{name} is starting now"


def _reminder_message(row: MentorshipSession, person: User, others: Sequence[User | None]) -> str:
    names = [o.full_name for o in others if o is not None]
    with_whom = f" with {', '.join(names)}" if names else ""
    when = format_span(clock.aware(row.starts_at), row.duration_minutes, person.timezone)
    link = f" Join: {row.meeting_link}" if row.meeting_link else ""
    return f"{when}{with_whom}.{link}"


__all__ = ["REMINDER_TYPE", "reminder_minutes", "run_session_reminders"]
