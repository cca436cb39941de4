"""What the bridge reads from the learning platform and where it goes in mentor-tui.

Each ``Entity`` names a platform table by its default name (``platform_schema.sql``), the
columns read (by default name; the first is the id), which of them may be absent, whether the
table has ``updated_at`` (then a cursor reads only what changed; else the table is compared in
full by a digest per row), and how a platform row becomes a mentor-tui row (``to_local``).

``Names`` resolves the config's ``[lms]`` renames: ``tables`` (default name -> the platform's)
and ``columns`` (default table -> {default column -> the platform's}).
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from operator import call
from typing import Any

from mentor_tui.config import LmsSettings
from mentor_tui.db.learning_models import Enrollment
from mentor_tui.db.models import (
    ROLES,
    SESSION_STATUSES,
    SUBMISSION_STATUSES,
    Assignment,
    Course,
    MentorshipNote,
    MentorshipSession,
    MentorSpecialization,
    Module,
    ModuleProgress,
    Submission,
    Synced,
    User,
)
from mentor_tui.errors import UserError

Row = dict[str, Any]


class Ids:
    """Platform user ids -> mentor-tui user ids: the same id, unless a local user with the
    platform user's email existed before the first pass (then that user is the one)."""

    def __init__(self, links: dict[str, str]) -> None:
        self.local = dict(links)
        self.platform = {local: pid for pid, local in links.items()}

    def to_local(self, pid: Any) -> str | None:
        return None if pid is None else self.local.get(str(pid), str(pid))

    def to_platform(self, local_id: str | None) -> str | None:
        return None if local_id is None else self.platform.get(local_id, local_id)

    def link(self, pid: str, local_id: str) -> None:
        if pid != local_id:
            self.local[pid] = local_id
            self.platform[local_id] = pid


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def number(value: Any) -> float | None:
    return None if value is None else float(value)


def digest(values: tuple[Any, ...]) -> str:
    """The same text for the same values, whichever query read them."""
    return hashlib.sha1("\x1f".join(map(_part, values)).encode()).hexdigest()


def _part(value: Any) -> str:
    if isinstance(value, datetime):
        value = utc(value).isoformat()  # type: ignore[union-attr]
    elif isinstance(value, Decimal):
        value = str(value.normalize())
    return repr(value)


def _uuid_parts(column: Sequence[Any]) -> list[str]:
    return ["None" if v is None else f"UUID('{v}')" for v in column]  # repr() of a UUID


def _time_parts(column: Sequence[Any]) -> list[str]:
    """Each distinct time's part made once: a column's times repeat (a batch written at one
    moment), and equal aware times are the same instant, so the same UTC text."""
    made = {v: "None" if v is None else repr(v.astimezone(UTC).isoformat()) for v in set(column)}
    return list(map(made.__getitem__, column))


def _decimal_parts(column: Sequence[Any]) -> list[str]:
    # not made once per distinct value: -0 equals 0, but its text is its own
    return ["None" if v is None else repr(str(v.normalize())) for v in column]


def _plain_parts(column: Sequence[Any]) -> list[str]:
    return list(map(repr, column))


def _other_parts(column: Sequence[Any]) -> list[str]:
    return list(map(_part, column))


UUID_OID = 2950  # PostgreSQL's uuid type
# types psycopg reads as str, bool or int (or None), whose part is their repr; timestamptz
# (an aware datetime); numeric (a Decimal)
PLAIN_OIDS = frozenset({16, 20, 21, 23, 25, 1043})
TIMESTAMPTZ_OID = 1184
NUMERIC_OID = 1700


def text_uuids(cursor: Any) -> None:
    """Read the cursor's uuid columns as text: the ids become ``str`` anyway, and a ``UUID``
    object per value costs more than the rest of reading the row."""
    from psycopg.types.string import TextLoader

    cursor.adapters.register_loader("uuid", TextLoader)


def digester(description: Any, width: int | None = None) -> Callable[[Sequence[Any]], list[str]]:
    """``digest`` of each row of a batch read by a cursor with ``text_uuids`` (of its first
    ``width`` values, or all): the very text ``digest`` makes of the same rows read with their
    ids as ``UUID``s (each uuid column's part made as its ``repr`` is), so a digest recorded by
    either stays the row's digest. A batch's parts are made column by column, each column's
    by its type's own function (no test of each value's type, no call per value)."""
    kinds = {UUID_OID: _uuid_parts, NUMERIC_OID: _decimal_parts, TIMESTAMPTZ_OID: _time_parts}
    kinds |= dict.fromkeys(PLAIN_OIDS, _plain_parts)
    parts = [kinds.get(c.type_code, _other_parts) for c in description][:width]

    def seals(rows: Sequence[Any]) -> list[str]:
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))[: len(parts)]
        texts = map("\x1f".join, zip(*map(call, parts, columns), strict=True))
        return [hashlib.sha1(t.encode()).hexdigest() for t in texts]

    return seals


_STATUSES = {
    "active": "Active",
    "inactive": "Inactive",
    "passed out / completed": "Passed out / Completed",
    "passed out": "Passed out / Completed",
    "completed": "Passed out / Completed",
    "graduated": "Passed out / Completed",
}


def _zone(name: str | None) -> str:
    if not name:
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return "UTC"
    return name


def _user(row: Row, ids: Ids) -> dict[str, Any] | None:
    role = str(row["role"] or "").strip().lower()
    if role not in ROLES:
        return None
    return {
        "full_name": row["full_name"] or row["email"],
        "email": str(row["email"]).strip().lower(),
        "role": role,
        "status": _STATUSES.get(str(row["status"] or "active").strip().lower(), "Active"),
        "timezone": _zone(row["timezone"]),
        "mentor_id": ids.to_local(row["mentor_id"]),
    }


def _course(row: Row, ids: Ids) -> dict[str, Any]:
    return {"title": row["title"]}


def _module(row: Row, ids: Ids) -> dict[str, Any]:
    return {
        "course_id": str(row["course_id"]),
        "title": row["title"],
        "position": row["position"] or 0,
    }


def _progress(row: Row, ids: Ids) -> dict[str, Any]:
    return {
        "user_id": ids.to_local(row["user_id"]),
        "module_id": str(row["module_id"]),
        "is_completed": bool(row["is_completed"]),
        "percent": number(row["progress_percent"]) or 0.0,
        "time_spent_minutes": row["time_spent_minutes"] or 0,
        "quiz_score": number(row["quiz_score"]),
        "last_activity_at": utc(row["last_activity_at"]),
        "completed_at": utc(row["completed_at"]),
    }


def _enrollment(row: Row, ids: Ids) -> dict[str, Any]:
    return {
        "user_id": ids.to_local(row["user_id"]),
        "course_id": str(row["course_id"]),
        "enrolled_at": utc(row["enrolled_at"]),
        "completed_at": utc(row["completed_at"]),
    }


def _assignment(row: Row, ids: Ids) -> dict[str, Any]:
    return {
        "module_id": str(row["module_id"]),
        "title": row["title"],
        "description": row["instructions"] or "",
    }


def _submission(row: Row, ids: Ids) -> dict[str, Any]:
    status = row["status"] if row["status"] in SUBMISSION_STATUSES else "pending"
    return {
        "assignment_id": str(row["assignment_id"]),
        "student_id": ids.to_local(row["student_id"]),
        "content": row["content"] or "",
        "submitted_at": utc(row["created_at"]),
        "status": status,
        "feedback": row["feedback"],
        "reviewer_id": ids.to_local(row["reviewed_by"]),
        "reviewed_at": utc(row["reviewed_at"]),
    }


def _specialization(row: Row, ids: Ids) -> dict[str, Any] | None:
    if row["mentor_id"] is None:
        return None
    level = row["proficiency_level"]
    return {
        "mentor_id": ids.to_local(row["mentor_id"]),
        "specialization": row["specialization"],
        "proficiency_level": level if level is not None and 1 <= level <= 5 else 3,
        "certification_url": row["certification_url"],
        "verified": bool(row["verified"]),
    }


def _session(row: Row, ids: Ids) -> dict[str, Any]:
    status = str(row["status"] or "scheduled").lower()
    return {
        "mentor_id": ids.to_local(row["mentor_id"]),
        "starts_at": utc(row["scheduled_time"]),
        "duration_minutes": row["duration_minutes"] or 60,
        "meeting_link": row["meeting_url"],
        "status": status if status in SESSION_STATUSES else "scheduled",
        "title": f"{row['platform']} session" if row["platform"] else "",
    }


def _note(row: Row, ids: Ids) -> dict[str, Any] | None:
    if row["mentor_id"] is None or row["student_id"] is None:
        return None
    return {
        "mentor_id": ids.to_local(row["mentor_id"]),
        "student_id": ids.to_local(row["student_id"]),
        "note": row["note"] or "",
        "added_at": utc(row["added_at"]),
    }


@dataclass(frozen=True)
class Entity:
    table: str  # the default platform name (also the bookkeeping key)
    model: type[Synced]
    columns: tuple[str, ...]  # default names; the first is the id
    to_local: Callable[[Row, Ids], dict[str, Any] | None]
    optional: frozenset[str] = frozenset()
    cursor: bool = True  # has updated_at
    created: str | None = None  # the column that is the mentor-tui row's created_at
    # local field -> platform column, written back by the out pass
    out: dict[str, str] = field(default_factory=dict)


ENTITIES: tuple[Entity, ...] = (
    Entity("users", User, ("id", "full_name", "email", "role", "status", "mentor_id", "timezone", "created_at"),
           _user, frozenset({"status", "mentor_id", "timezone", "created_at"}), created="created_at",
           out={"mentor_id": "mentor_id"}),
    Entity("courses", Course, ("id", "title", "created_at"), _course, frozenset({"created_at"}),
           created="created_at"),
    Entity("enrollments", Enrollment, ("id", "user_id", "course_id", "enrolled_at", "completed_at"),
           _enrollment, frozenset({"enrolled_at", "completed_at"})),
    Entity("modules", Module, ("id", "course_id", "title", "position"), _module, frozenset({"position"})),
    Entity("user_module_progress", ModuleProgress,
           ("id", "user_id", "module_id", "is_completed", "progress_percent", "time_spent_minutes",
            "quiz_score", "last_activity_at", "completed_at"),
           _progress,
           frozenset({"progress_percent", "time_spent_minutes", "quiz_score", "last_activity_at",
                      "completed_at"})),
    Entity("assignments", Assignment, ("id", "module_id", "title", "instructions"), _assignment,
           frozenset({"instructions"})),
    Entity("submissions", Submission,
           ("id", "student_id", "assignment_id", "content", "status", "feedback", "reviewed_by",
            "reviewed_at", "created_at"),
           _submission, frozenset({"feedback", "reviewed_by", "reviewed_at"}), created="created_at",
           out={"status": "status", "feedback": "feedback", "reviewer_id": "reviewed_by",
                "reviewed_at": "reviewed_at"}),
    Entity("mentor_specializations", MentorSpecialization,
           ("id", "mentor_id", "specialization", "proficiency_level", "certification_url", "verified"),
           _specialization, frozenset({"proficiency_level", "certification_url", "verified"}),
           cursor=False),
    Entity("mentorship_sessions", MentorshipSession,
           ("id", "mentor_id", "student_id", "scheduled_time", "duration_minutes", "meeting_url",
            "platform", "status", "created_at"),
           _session, frozenset({"duration_minutes", "meeting_url", "platform", "status", "created_at"}),
           created="created_at",
           out={"starts_at": "scheduled_time", "duration_minutes": "duration_minutes",
                "meeting_link": "meeting_url", "status": "status"}),
    Entity("mentorship_notes", MentorshipNote, ("id", "mentor_id", "student_id", "note", "added_at"),
           _note, frozenset({"added_at"}), cursor=False, out={"note": "note"}),
)  # fmt: skip

BY_TABLE = {entity.table: entity for entity in ENTITIES}
NOTIFICATIONS = "notifications"
NOTIFICATION_COLUMNS = ("id", "user_id", "type", "title", "message", "metadata")


class Names:
    """The platform's names for the default tables and columns, from the config."""

    def __init__(self, settings: LmsSettings) -> None:
        known = set(BY_TABLE) | {NOTIFICATIONS}
        for table in list(settings.tables) + list(settings.columns):
            if table not in known:
                raise UserError(
                    f"The config's [lms] section names a table {table!r} the bridge does not "
                    f"know; use one of {', '.join(sorted(known))}."
                )
        self.tables = settings.tables
        self.columns = settings.columns

    def table(self, default: str) -> str:
        return self.tables.get(default, default)

    def column(self, table: str, default: str) -> str:
        return self.columns.get(table, {}).get(default, default)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
