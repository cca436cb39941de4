"""The audit log read as sentences ("Ana Admin approved Ben Ortiz's 'Week 3' submission"), for
the admin screen: who did what to which thing, with the thing named as a person would name it.

A page of entries is described at once: the names behind their ids are read in one query per
kind of thing, never one per row. A thing that is gone from this store (purged, out of scope)
is named by its kind alone; a message or a note is never quoted (the audit log records that it
was written, not what it says)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core.audit.log import AuditRow
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import (
    SYNCED_TABLES,
    Assignment,
    Course,
    MentorProfile,
    MentorshipNote,
    MentorshipSession,
    MentorSpecialization,
    Message,
    Module,
    ModuleProgress,
    Notification,
    SessionAttendee,
    SessionTemplate,
    StudentProfile,
    Submission,
    User,
)
from mentor_tui.db.review_models import CommentSnippet

VERBS = {
    "create": "added",
    "update": "changed",
    "delete": "deleted",
    "assign": "assigned",
    "unassign": "took away",
    "review.approve": "approved",
    "review.reject": "rejected",
    "review.request_changes": "asked for changes to",
    "purge": "purged",
    "deactivate": "deactivated",
    "reactivate": "reactivated",
    "mark_unavailable": "marked unavailable",
    "mark_available": "marked available again",
    "notify": "sent",
    "read": "read",
    "schedule_session": "scheduled",
    "reschedule_session": "moved",
    "cancel_session": "cancelled",
    "complete_session": "completed",
    "import_session": "imported",
    "remove_attendee": "removed",
    "record_attendance": "recorded the attendance of",
    "rate_session": "rated",
    "create_template": "added",
    "edit_template": "changed",
    "delete_template": "deleted",
    "comment_bank.add": "added",
    "comment_bank.edit": "changed",
    "comment_bank.delete": "deleted",
    "resolve conflict": "resolved a sync conflict on",
}
"""The past tense of each action; an action not listed is said in its own words."""

_TITLE_LIMIT = 40


def _title(text: str | None) -> str:
    line = clean_line(text or "").strip()
    if len(line) > _TITLE_LIMIT:
        line = line[: _TITLE_LIMIT - 1] + "…"
    return f"'{line}'" if line else "an untitled one"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


class _Names:
    """Names of the people and things a page of entries refers to, read in a few queries."""

    def __init__(self, session: Session, rows: Sequence[AuditRow]) -> None:
        self.session = session
        wanted: dict[str, set[str]] = defaultdict(set)
        person_ids: set[str] = set()
        for row in rows:
            wanted[row.entity].add(row.entity_id)
            if row.actor_id:
                person_ids.add(row.actor_id)
            for key in _PERSON_KEYS:
                value = row.detail.get(key)
                if isinstance(value, str):
                    person_ids.add(value)
        person_ids |= wanted.get("users", set())
        namers: dict[tuple[str, str], Callable[[], str]] = {}
        for table, ids in wanted.items():
            model = SYNCED_TABLES.get(table)
            if model is None:
                continue
            found = self._rows(model, ids)
            for row in found:
                person_ids.update(_people_of(row))
            for thing_id, namer in self._namers(model, found).items():
                namers[(table, thing_id)] = namer
        self.people = self._read_people(person_ids)
        self.things = {key: namer() for key, namer in namers.items()}

    def person(self, user_id: str | None) -> str:
        if user_id is None:
            return "nobody"
        return self.people.get(user_id, "someone no longer in this store")

    def _read_people(self, ids: set[str]) -> dict[str, str]:
        return {u.id: clean_line(u.full_name) for u in self._rows(User, ids)}

    def _rows(self, model: Any, ids: set[str]) -> list[Any]:
        found: list[Any] = []
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            found += self.session.execute(select(model).where(model.id.in_(chunk))).scalars()
        return found

    def _titles(self, model: Any, ids: set[str]) -> dict[str, str]:
        return {row.id: row.title for row in self._rows(model, ids)}

    def _namers(self, model: Any, rows: list[Any]) -> dict[str, Callable[[], str]]:
        """thing id -> a function naming it once every person it mentions is known."""
        if model in _TITLED_BY:
            parent, parent_key, person_key, form = _TITLED_BY[model]
            titles = self._titles(parent, {getattr(r, parent_key) for r in rows})

            def name(row: Any) -> str:
                title = _title(titles.get(getattr(row, parent_key)))
                person = self.person(getattr(row, person_key))
                return form.format(person=person, owner=_possessive(person), title=title)

            return {r.id: partial(name, r) for r in rows}
        return {r.id: partial(_name_of, self, r) for r in rows}


_TITLED_BY: dict[Any, tuple[Any, str, str, str]] = {
    Submission: (Assignment, "assignment_id", "student_id", "{owner} {title} submission"),
    SessionAttendee: (
        MentorshipSession,
        "session_id",
        "student_id",
        "{person} in the session {title}",
    ),
    ModuleProgress: (Module, "module_id", "user_id", "{owner} progress in {title}"),
}
"""Things named by a person and the title of the row they belong to."""

_PERSON_KEYS = ("mentor_id", "previous_mentor_id", "student_id")
"""Keys of an entry's detail that name a person by id."""


_KINDS = {
    "users": "a person",
    "mentor_profiles": "a mentor profile",
    "mentor_specializations": "a specialization",
    "student_profiles": "a student profile",
    "student_availability": "a student's availability",
    "courses": "a course",
    "modules": "a module",
    "module_progress": "a student's progress",
    "assignments": "an assignment",
    "submissions": "a submission",
    "mentorship_notes": "a note",
    "session_templates": "an agenda template",
    "mentorship_sessions": "a session",
    "session_attendees": "a session's attendee",
    "notifications": "a notification",
    "messages": "a message",
    "comment_snippets": "a saved comment",
}


def _people_of(row: Any) -> list[str]:
    fields = ("user_id", "student_id", "mentor_id", "recipient_id", "owner_id")
    return [value for f in fields if isinstance(value := getattr(row, f, None), str)]


def _name_of(names: _Names, row: Any) -> str:
    if isinstance(row, User):
        return clean_line(row.full_name)
    if isinstance(row, MentorProfile):
        return f"{_possessive(names.person(row.user_id))} mentor profile"
    if isinstance(row, StudentProfile):
        return f"{_possessive(names.person(row.user_id))} student profile"
    if isinstance(row, MentorSpecialization):
        return f"{_possessive(names.person(row.mentor_id))} specialization {_title(row.specialization)}"
    if isinstance(row, MentorshipNote):
        return f"a note about {names.person(row.student_id)}"
    if isinstance(row, MentorshipSession):
        return f"the session {_title(row.title)}"
    if isinstance(row, Notification):
        return f"a notification to {names.person(row.user_id)}"
    if isinstance(row, Message):
        to = "their students" if row.recipient_id is None else names.person(row.recipient_id)
        return f"a message to {to}"
    if isinstance(row, SessionTemplate):
        return f"the agenda template {_title(row.title)}"
    if isinstance(row, CommentSnippet):
        return f"the saved comment {_title(row.title)}"
    if isinstance(row, Course):
        return f"the course {_title(row.title)}"
    if isinstance(row, Module):
        return f"the module {_title(row.title)}"
    if isinstance(row, Assignment):
        return f"the assignment {_title(row.title)}"
    return _KINDS.get(type(row).__tablename__, "a record")


def _fields(detail: dict[str, Any]) -> str:
    fields = detail.get("fields")
    if not isinstance(fields, list) or not fields:
        return ""
    words = [str(f).replace("_", " ") for f in fields if f not in ("updated_at", "version")]
    return f" ({', '.join(words)})" if words else ""


def _sentence(names: _Names, row: AuditRow) -> str:
    who = names.person(row.actor_id) if row.actor_id else "mentor-tui"
    thing = names.things.get((row.entity, row.entity_id)) or _KINDS.get(row.entity, row.entity)
    detail = row.detail
    if row.action == "assign" and row.entity == "users":
        mentor = detail.get("mentor_id")
        to = names.person(mentor) if isinstance(mentor, str) else "a mentor"
        over = " over capacity" if detail.get("forced") else ""
        return f"{who} assigned {thing} to {to}{over}."
    if row.action == "unassign" and row.entity == "users":
        previous = detail.get("previous_mentor_id")
        since = f" from {names.person(previous)}" if isinstance(previous, str) else ""
        return f"{who} took {thing} away{since}; they have no mentor now."
    rows = detail.get("rows")
    if detail.get("bulk") is True and isinstance(rows, int):  # writes.insert_many, one entry
        table = row.entity.replace("_", " ")
        return (
            f"{who} took in {rows:,} {table} row{'s' if rows != 1 else ''} at once ({row.action})."
        )
    verb = VERBS.get(row.action, row.action.replace("_", " ").replace(".", " "))
    extra = _fields(detail) if row.action in ("update", "edit_template") else ""
    if row.action == "read" and row.entity == "notifications":
        thing = thing.replace("a notification to", "a notification for")
    return f"{who} {verb} {thing}{extra}."


def describe(session: Session, rows: Sequence[AuditRow]) -> list[str]:
    """One sentence per entry, in the order given."""
    names = _Names(session, rows)
    return [_sentence(names, row) for row in rows]


__all__ = ["VERBS", "describe"]
