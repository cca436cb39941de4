"""A person's availability: weekly windows in their own time zone plus dated exceptions (a
holiday, a sick day: whole days off in that zone). Mentors keep theirs on their profile,
students in ``student_availability``; the free-slot finder reads both.

Who may change them: an admin anyone's; a mentor or a student their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.actor import Actor
from mentor_tui.core.people.editing import find_person
from mentor_tui.core.people.mentor_fields import (
    WEEKDAYS,
    check_windows,
    clean_label,
    parse_availability,
)
from mentor_tui.core.people.mentors import mentor_profile
from mentor_tui.core.people.users import check_timezone
from mentor_tui.db.models import MentorProfile, User
from mentor_tui.db.session_models import StudentAvailability
from mentor_tui.errors import AccessDenied, UserError

MAX_EXCEPTIONS = 400


@dataclass(frozen=True)
class AvailabilityView:
    id: str
    email: str
    full_name: str
    role: str
    timezone: str
    windows: tuple[dict[str, Any], ...]
    exceptions: tuple[dict[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role,
            "timezone": self.timezone,
            "windows": [dict(w) | {"day": WEEKDAYS[int(w["weekday"])]} for w in self.windows],
            "exceptions": [dict(e) for e in self.exceptions],
        }


def _stored(session: Session, person: User) -> MentorProfile | StudentAvailability | None:
    if person.role == "mentor":
        return mentor_profile(session, person.id)
    return session.execute(
        select(StudentAvailability).where(
            StudentAvailability.student_id == person.id,
            StudentAvailability.deleted_at.is_(None),
        )
    ).scalar_one_or_none()


def _view(session: Session, person: User) -> AvailabilityView:
    row = _stored(session, person)
    if isinstance(row, MentorProfile):
        windows, exceptions = row.availability, row.availability_exceptions
    elif row is not None:
        windows, exceptions = row.windows, row.exceptions
    else:
        windows, exceptions = [], []
    return AvailabilityView(
        id=person.id,
        email=person.email,
        full_name=person.full_name,
        role=person.role,
        timezone=person.timezone,
        windows=tuple(windows),
        exceptions=tuple(sorted(exceptions, key=lambda e: str(e.get("date")))),
    )


def show_availability(session: Session, actor: Actor, key: str) -> AvailabilityView:
    return _view(session, find_person(session, actor, key))


def availability_editable_by(actor: Actor, person_id: str) -> bool:
    """Whether ``actor`` may change the weekly windows, days off and (with them) the time zone
    of ``person_id``: an admin anyone's, a mentor or a student only their own (the app's forms
    grey the line for anyone else; ``set_availability`` refuses them)."""
    return actor.is_admin or actor.id == person_id


def _editable(session: Session, actor: Actor, key: str) -> User:
    person = find_person(session, actor, key)
    if not availability_editable_by(actor, person.id):
        raise AccessDenied("Only an admin or the person themself can change their availability.")
    return person


def _write(
    session: Session, actor: Actor, person: User, changes: dict[str, Any], config: Config
) -> None:
    row = _stored(session, person)
    if person.role == "mentor":
        names = {"windows": "availability", "exceptions": "availability_exceptions"}
        changes = {names[k]: v for k, v in changes.items()}
        if row is None:
            row = MentorProfile(user_id=person.id, capacity=config.max_students_per_mentor)
            for name, value in changes.items():
                setattr(row, name, value)
            writes.insert(session, actor.id, row)
            return
    elif row is None:
        row = StudentAvailability(student_id=person.id, **changes)
        writes.insert(session, actor.id, row)
        return
    writes.update(session, actor.id, row, changes)


def set_availability(
    session: Session,
    actor: Actor,
    key: str,
    windows: Sequence[str],
    *,
    timezone: str | None = None,
    config: Config,
) -> AvailabilityView:
    """Replace the person's weekly windows with ``windows`` ('Mon 09:00-12:00' each), in
    ``timezone`` when given (which becomes the person's time zone)."""
    person = _editable(session, actor, key)
    parsed = [w for text in windows for w in parse_availability(text)]
    checked = check_windows(parsed)  # overlaps across the separate arguments too
    zone = check_timezone(timezone) if timezone is not None else None
    if zone is not None and zone != person.timezone:
        writes.update(session, actor.id, person, {"timezone": zone})
    _write(session, actor, person, {"windows": checked}, config)
    session.flush()
    return _view(session, person)


def add_exception(
    session: Session,
    actor: Actor,
    key: str,
    day: date,
    *,
    reason: str = "",
    remove: bool = False,
    config: Config,
) -> AvailabilityView:
    """Mark ``day`` (in the person's zone) as a day off, with a reason; or, with ``remove``,
    take that mark back."""
    person = _editable(session, actor, key)
    current = list(_view(session, person).exceptions)
    kept = [e for e in current if e.get("date") != day.isoformat()]
    if remove:
        if len(kept) == len(current):
            raise UserError(f"{person.email} has no exception on {day.isoformat()} to remove.")
    else:
        text = clean_label(reason, "reason") if reason.strip() else ""
        kept.append({"date": day.isoformat(), "reason": text})
        if len(kept) > MAX_EXCEPTIONS:
            raise UserError(f"A person can have at most {MAX_EXCEPTIONS} exceptions.")
    kept.sort(key=lambda e: str(e["date"]))
    _write(session, actor, person, {"exceptions": kept}, config)
    session.flush()
    return _view(session, person)


__all__ = [
    "AvailabilityView",
    "add_exception",
    "availability_editable_by",
    "set_availability",
    "show_availability",
]
