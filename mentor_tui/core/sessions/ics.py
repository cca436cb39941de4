"""iCalendar (RFC 5545) in and out, with the ``icalendar`` library.

Export: one VEVENT per session the actor may see, UID ``<session-id>@mentor-tui`` (stable
across exports), start and end with the session's TZID and a VTIMEZONE for each zone used,
SEQUENCE = the row's version, STATUS CANCELLED for cancelled sessions, the mentor as ORGANIZER
and the students the actor may see as ATTENDEEs.

Import creates or updates sessions by UID: a mentor-tui UID names the session itself; any other
UID maps to a fixed session id per mentor and UID, so importing the same file twice changes
nothing. Events it cannot take (no start, all-day, repeating, unknown timezone, a start given
twice or a value that cannot be read: see ``ics_events``, a student who is not the actor's, a
double booking, ...) are skipped and reported with the reason; the rest are taken. Each event
is checked completely before anything of it is written. Whatever the file holds, the import
ends in a report or, for a file that is not a calendar, in one sentence (``UserError``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import exists, select
from sqlmodel import Session

from mentor_tui import __version__
from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, session_scope
from mentor_tui.core.sessions import ics_events as events
from mentor_tui.core.sessions import rules as session_rules
from mentor_tui.core.sessions import scheduling as sessions
from mentor_tui.core.sessions import views as session_views
from mentor_tui.core.sessions.ics_events import Skip
from mentor_tui.core.sessions.views import SessionView, list_sessions
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import MentorshipSession, User
from mentor_tui.errors import UserError

UID_SUFFIX = "@mentor-tui"
PRODID = f"-//mentor-tui//mentor-tui {__version__}//EN"
# Fixed namespace for the session ids of events that came from another calendar.
IMPORT_NAMESPACE = uuid.UUID("9b0f4c1e-3d5a-4f0e-9a57-6c2d8e1f4b73")

_OWN_UID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@mentor-tui$"
)
# RFC 5545 TEXT has no control characters but TAB and the escaped line feed.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


ICS_STATUS = {"cancelled": "CANCELLED", "declined": "CANCELLED", "requested": "TENTATIVE"}


def session_uid(session_id: str) -> str:
    return f"{session_id}{UID_SUFFIX}"


def _text(value: str | None) -> str:
    return _TEXT_CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


# --- export --------------------------------------------------------------------------------


def calendar_for(views: Sequence[SessionView], *, name: str = "mentor-tui sessions") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    for view in views:
        cal.add_component(_event_for(view))
    if views:
        first = min(v.starts_at for v in views).date()
        last = max(v.ends_at for v in views).date()
        cal.add_missing_timezones(date(first.year - 1, 1, 1), date(last.year + 2, 1, 1))
    return cal


def _event_for(view: SessionView) -> Event:
    zone = clock.zone(view.timezone)
    event = Event()
    event.add("uid", session_uid(view.id))
    event.add("dtstamp", view.updated_at.astimezone(UTC))
    event.add("created", view.created_at.astimezone(UTC))
    event.add("last-modified", view.updated_at.astimezone(UTC))
    event.add("sequence", view.version)
    event.add("dtstart", view.starts_at.astimezone(zone))
    event.add("dtend", view.ends_at.astimezone(zone))
    event.add("summary", _text(view.title))
    if view.agenda:
        event.add("description", _text(view.agenda))
    if view.meeting_link:
        event.add("url", view.meeting_link)
        event.add("location", view.meeting_link)
    # a booking request waiting for the mentor is tentative; a declined one is off
    event.add("status", ICS_STATUS.get(view.status, "CONFIRMED"))
    event.add("categories", ["Mentorship"])
    if view.mentor_email:
        organizer = vCalAddress(f"mailto:{view.mentor_email}")
        organizer.params["CN"] = clean_line(view.mentor_name)
        event.add("organizer", organizer)
    for person in view.attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["CN"] = clean_line(person.full_name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        event.add("attendee", attendee)
    return event


def export_calendar(
    s: Session, actor: Actor, *, start: datetime | None = None, end: datetime | None = None
) -> tuple[bytes, int]:
    """The sessions the actor may see overlapping [start, end) as .ics bytes, and their count."""
    views = list_sessions(s, actor, start=start, end=end)
    cal = calendar_for(views, name=f"mentor-tui: {actor.full_name}")
    return cal.to_ical(), len(views)


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkippedEvent:
    uid: str
    title: str
    start: str  # as written in the file, or "" when it has none
    reason: str

    def describe(self) -> str:
        what = f"'{clean_line(self.title)}'" if self.title else "an untitled event"
        when = f" at {self.start}" if self.start else ""
        return f"{what}{when}: {self.reason}"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedEvent] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [
                {"uid": e.uid, "title": e.title, "start": e.start, "reason": e.reason}
                for e in self.skipped
            ],
        }


@dataclass
class _Planned:
    session_id: str
    own_uid: bool
    sequence: int | None
    students: list[User]
    mentor: User
    title: str
    starts_at: datetime
    duration_minutes: int
    timezone: str | None  # None: keep the session's (or the actor's for a new one)
    meeting_link: str | None
    agenda: str
    cancelled: bool


def read_ics(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not an .ics file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None


def parse_calendar(data: bytes | str) -> list[Calendar]:
    if isinstance(data, str):
        data = data.lstrip("\ufeff")
    head = data[:64].encode("utf-8", "replace") if isinstance(data, str) else data[:64]
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        raise UserError("That is not an iCalendar file (it does not begin with BEGIN:VCALENDAR).")
    try:
        found = Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError) as exc:
        raise UserError(f"That is not an iCalendar file ({clean_line(str(exc))[:120]}).") from None
    calendars = [c for c in found if c.name == "VCALENDAR"]
    if not calendars:  # BEGIN:VCALENDAR with no END:VCALENDAR
        raise UserError("That is not an iCalendar file (no VCALENDAR in it).")
    return calendars


def import_calendar(s: Session, actor: Actor, config: Config, data: bytes | str) -> ImportReport:
    """Create or update a session for each VEVENT; report those it cannot take."""
    if actor.is_student:
        raise UserError("Only mentors and admins import sessions from a calendar.")
    report = ImportReport()
    for cal in parse_calendar(data):
        for event in cast("list[Event]", cal.walk("VEVENT")):  # the parser makes VEVENTs Events
            uid = clean_line(events.first_text(event, "uid")).strip()
            title = events.first_text(event, "summary")
            start_text = _raw_start(event)
            try:
                plan = _plan(s, actor, config, event, uid)
                outcome = _apply(s, actor, config, plan)
            except (Skip, UserError) as exc:
                report.skipped.append(SkippedEvent(uid, title, start_text, str(exc)))
                continue
            getattr(report, outcome).append(plan.session_id)
    s.flush()
    return report


def _raw_start(event: Event) -> str:
    for line in event.content_lines():
        if line.upper().startswith("DTSTART"):
            return clean_line(line.split(":", 1)[-1])[:40]
    return ""


def _plan(s: Session, actor: Actor, config: Config, event: Event, uid: str) -> _Planned:
    events.check_once(event)
    if not uid:
        raise Skip("it has no UID, so it could not be matched on a later import.")
    if "RRULE" in event or "RDATE" in event:
        raise Skip("it is a repeating event, and mentor-tui imports single sessions only.")
    if "RECURRENCE-ID" in event:
        raise Skip("it changes one occurrence of a repeating event.")
    start = events.start_value(event)
    events.check_not_excluded(event, start)
    starts_at, zone_name = events.start_of(event, start, actor)
    minutes = session_rules.check_duration(events.minutes_of(event, config))
    sequence = events.sequence_of(event)
    organizer = set(events.emails(event.get("organizer")))
    wanted = [e for e in events.emails(event.get("attendee")) if e not in organizer]
    if actor.is_mentor:
        wanted = [e for e in wanted if e != actor.email]
    if not wanted:
        raise Skip("it has no attendee who is one of your students.")
    mentor, students = session_rules.resolve_parties(s, actor, wanted)
    match = _OWN_UID.match(uid.lower())
    session_id = match[1] if match else str(uuid.uuid5(IMPORT_NAMESPACE, f"{mentor.id}\n{uid}"))
    return _Planned(
        session_id=session_id,
        own_uid=match is not None,
        sequence=sequence,
        students=students,
        mentor=mentor,
        title=session_rules.check_title(
            str(event.get("summary", "") or "")[: session_rules.MAX_TITLE_CHARS]
        ),
        starts_at=starts_at,
        duration_minutes=minutes,
        timezone=zone_name,
        meeting_link=events.link_of(event),
        agenda=_text(str(event.get("description", "") or "")),
        cancelled=str(event.get("status", "") or "").upper() == "CANCELLED",
    )


def _apply(s: Session, actor: Actor, config: Config, plan: _Planned) -> str:
    row = s.get(MentorshipSession, plan.session_id)
    if row is None:
        sessions.schedule_session(
            s,
            actor,
            config,
            students=[p.id for p in plan.students],
            starts_at=plan.starts_at,
            duration_minutes=plan.duration_minutes,
            timezone=plan.timezone,
            title=plan.title,
            meeting_link=plan.meeting_link,
            agenda=plan.agenda,
            status="cancelled" if plan.cancelled else "scheduled",
            session_id=plan.session_id,
        )
        return "created"
    if row.deleted_at is not None:
        raise Skip("that session was deleted in this store.")
    visible = s.execute(
        select(exists().where(MentorshipSession.id == row.id, session_scope(actor)))
    ).scalar()
    if not visible or not (actor.is_admin or row.mentor_id == actor.id):
        raise Skip("that session belongs to another mentor's calendar.")
    if row.mentor_id != plan.mentor.id:
        raise Skip("its students belong to another mentor than the session's.")
    return _update(s, actor, row, plan)


def _update(s: Session, actor: Actor, row: MentorshipSession, plan: _Planned) -> str:
    if plan.cancelled:
        status = "cancelled" if row.status != "completed" else "completed"
    else:
        status = "completed" if row.status == "completed" else "scheduled"
    changes: dict[str, Any] = {
        "title": plan.title or row.title,
        "starts_at": plan.starts_at,
        "duration_minutes": plan.duration_minutes,
        "timezone": plan.timezone or row.timezone,
        "meeting_link": plan.meeting_link,
        "agenda": plan.agenda,
        "status": status,
    }
    changes = {
        k: v
        for k, v in changes.items()
        if (clock.aware(getattr(row, k)) if k == "starts_at" else getattr(row, k)) != v
    }
    current = session_views.attendee_rows(s, row.id, visible_to=actor)
    regrouping = {p.id for p in plan.students} != {a.student_id for a in current}
    if plan.cancelled and row.status == "completed":
        raise Skip("that session already took place and is completed in this store.")
    if not changes and not regrouping:
        return "unchanged"
    if plan.own_uid and plan.sequence is not None and plan.sequence < row.version:
        raise Skip(
            f"the file's copy (sequence {plan.sequence}) is older than this store's "
            f"(version {row.version})."
        )
    if row.status == "completed" and (
        regrouping or set(changes) & {"starts_at", "duration_minutes"}
    ):
        raise Skip("that session already took place and is completed in this store.")
    if status == "scheduled" and (
        regrouping or set(changes) & {"starts_at", "duration_minutes", "status"}
    ):
        session_rules.check_no_clash(
            s,
            actor,
            mentor_id=row.mentor_id,
            student_ids=[p.id for p in plan.students],
            starts_at=plan.starts_at,
            duration_minutes=plan.duration_minutes,
            ignore_session_id=row.id,
        )
    if regrouping:
        sessions.regroup(s, actor, row, current, plan.students)
        changes["kind"] = "group" if len(plan.students) > 1 else "one_on_one"
    writes.update(s, actor.id, row, changes, action="import_session")
    return "updated"


__all__ = [
    "PRODID",
    "UID_SUFFIX",
    "ImportReport",
    "SkippedEvent",
    "calendar_for",
    "export_calendar",
    "import_calendar",
    "parse_calendar",
    "read_ics",
    "session_uid",
]
