"""What a stored value may be: the one check every write passes, whoever makes it.

``check_row`` (a new row) and ``check_fields`` (the fields an update changes) check a synced
row's values against the product's rules: choices (a submission's status, a note's kind, a
session's status, attendance, a person's role and status, teaching and learning styles, ...),
ranges (capacity, session length, percent, ratings, whole numbers the database can hold),
sizes (a note, a submission, an agenda or a message holds at most ``MAX_TEXT_CHARS``, 1 MB;
names and titles have their own caps; a full name is never empty), dates (strict ISO 8601:
``2026-01-01garbage`` is not a date) and IANA time zones (``Mars/Olympus`` is not one).

Local writes call them in ``core/writes.py``; the sync server calls them on every pushed change
(``server/push_apply.py``), so a value the app would refuse is refused there too, in the same
words. Rules across rows (a mentor's capacity, one decision per submission, double booking)
live in their domains (``assignment.seats``, ``reviews.decisions``, ``sessions.rules``) and are
called from both places the same way.

Each refusal is one sentence (``InvalidValue``, a ``UserError``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer

from mentor_tui.core import clock
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import (
    ATTENDANCE,
    MESSAGE_KINDS,
    NOTE_KINDS,
    ROLES,
    SESSION_KINDS,
    SESSION_STATUSES,
    SUBMISSION_STATUSES,
    SYNCED_TABLES,
    TEACHING_STYLES,
    USER_STATUSES,
)
from mentor_tui.db.notification_models import DELIVERIES, NOTIFICATION_KINDS
from mentor_tui.errors import UserError

# Whole numbers: what an INTEGER column holds on PostgreSQL (and so on every server).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# Long texts a person writes (a note, a submission, an agenda, a message): 1 Mi characters.
MAX_TEXT_CHARS = 1_048_576
# Any other text: names, titles, labels, links.
MAX_NAME = 200
MAX_EMAIL = 254
MAX_TITLE_CHARS = 200
MAX_SHORT_CHARS = 2_000
MAX_CAPACITY = 10_000
HOURS_IN_WEEK = 168
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60

LONG_TEXTS: dict[str, frozenset[str]] = {
    "users": frozenset(),
    "mentor_profiles": frozenset({"bio"}),
    "student_profiles": frozenset({"goals"}),
    "courses": frozenset({"description"}),
    "assignments": frozenset({"description"}),
    "submissions": frozenset({"content", "feedback"}),
    "mentorship_notes": frozenset({"note"}),
    "session_templates": frozenset({"agenda"}),
    "mentorship_sessions": frozenset({"agenda", "summary"}),
    "notifications": frozenset({"message"}),
    "messages": frozenset({"body"}),
    "comment_snippets": frozenset({"body"}),
    "peer_reviews": frozenset({"feedback"}),
}

_ENTITY = {
    "users": "person",
    "mentor_profiles": "mentor profile",
    "mentor_specializations": "specialization",
    "student_profiles": "student profile",
    "courses": "course",
    "modules": "module",
    "module_progress": "progress record",
    "assignments": "assignment",
    "submissions": "submission",
    "mentorship_notes": "note",
    "session_templates": "session template",
    "mentorship_sessions": "session",
    "session_attendees": "attendance record",
    "notifications": "notification",
    "messages": "message",
    "student_availability": "availability window",
    "comment_snippets": "snippet",
    "notification_preferences": "notification preference",
    "peer_mentors": "peer mentor certification",
    "study_groups": "study group",
    "study_group_members": "group membership",
    "peer_reviews": "peer review",
}


class InvalidValue(UserError):
    """A value no row may hold; the message says which and why in one sentence."""


@lru_cache(maxsize=4096)  # a bulk write asks the same few thousand times
def what(table: str, field: str) -> str:
    """'The session's duration minutes': how a refusal names a field."""
    words = {"duration_minutes": "length in minutes", "mentor_id": "mentor"}
    return f"The {_ENTITY.get(table, table)}'s {words.get(field, field.replace('_', ' '))}"


def _shown(value: Any) -> str:
    text = clean_line(str(value))
    return repr(text if len(text) <= 40 else text[:40] + "...")


# --- single values --------------------------------------------------------------------------


def check_choice(
    value: Any, choices: Iterable[str], label: str, *, optional: bool = False
) -> str | None:
    options = tuple(choices)
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(options[:-1]) + f" or {options[-1]}"
        raise InvalidValue(f"{label} is {listed}, not {_shown(value)}.")
    return value


def check_whole(value: Any, label: str, low: int = INT_MIN, high: int = INT_MAX) -> int:
    """A whole number in [low, high], in words (never the database's 'out of range')."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{label} must be a whole number, not {_shown(value)}.")
    if not low <= value <= high:
        raise InvalidValue(f"{label} must be between {low:,} and {high:,}, not {value:,}.")
    return value


def check_number(value: Any, label: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidValue(f"{label} must be a number, not {_shown(value)}.")
    if not low <= value <= high:
        raise InvalidValue(f"{label} must be between {low:g} and {high:g}, not {value:g}.")
    return float(value)


def check_zone_name(value: Any, label: str = "A time zone") -> str:
    """An IANA time zone name (``Europe/Berlin``, ``UTC``)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{label} must be an IANA name such as Europe/Berlin.")
    try:
        clock.zone(value)
    except UserError as exc:
        raise InvalidValue(str(exc)) from None
    return value


def parse_iso_date(value: str, label: str = "A date") -> date:
    """``YYYY-MM-DD`` exactly: nothing before or after it is cut away."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or len(text) != 10:
        raise InvalidValue(f"{label} must be a date like 2026-01-31, not {_shown(value)}.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            f"{label} must be a date like 2026-01-31, not {_shown(value)}."
        ) from None


def check_text_size(value: Any, label: str, *, limit: int = MAX_TEXT_CHARS) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{label} must be text.")
    if len(value) > limit:
        raise InvalidValue(
            f"{label} can hold at most {limit:,} characters (1 MB); this one has {len(value):,}."
        )
    return value


def check_short(value: Any, label: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{label} must be text.")
    if len(value) > limit:
        raise InvalidValue(f"{label} can be at most {limit:,} characters long.")
    return value


def check_full_name(value: Any, label: str = "A person's full name") -> str:
    check_short(value, label, MAX_NAME)
    if not value.strip():
        raise InvalidValue(f"{label} cannot be empty.")
    return str(value)


def check_duration(value: Any, label: str = "A session") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{label}'s length is a whole number of minutes, not {_shown(value)}.")
    if not MIN_DURATION_MINUTES <= value <= MAX_DURATION_MINUTES:
        raise InvalidValue(
            f"{label} lasts from {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes, "
            f"not {value}."
        )
    return value


# --- the rules, field by field ---------------------------------------------------------------

Rule = Callable[[Any, str], object]


def _choice(choices: Iterable[str], *, optional: bool = False) -> Rule:
    options = tuple(choices)
    return lambda v, label: check_choice(v, options, label, optional=optional)


def _whole(low: int, high: int = INT_MAX, *, optional: bool = False) -> Rule:
    return lambda v, label: None if v is None and optional else check_whole(v, label, low, high)


def _number(low: float, high: float, *, optional: bool = False) -> Rule:
    return lambda v, label: None if v is None and optional else check_number(v, label, low, high)


def _short(limit: int) -> Rule:
    return lambda v, label: None if v is None else check_short(v, label, limit)


_RULES: dict[tuple[str, str], Rule] = {
    ("users", "full_name"): lambda v, label: check_full_name(v, label),
    ("users", "email"): _short(MAX_EMAIL),
    ("users", "role"): _choice(ROLES),
    ("users", "status"): _choice(USER_STATUSES),
    ("users", "timezone"): lambda v, label: check_zone_name(v, label),
    ("mentor_profiles", "teaching_style"): _choice(TEACHING_STYLES),
    ("mentor_profiles", "capacity"): _whole(0, MAX_CAPACITY),
    ("mentor_profiles", "weekly_hours"): _whole(0, HOURS_IN_WEEK),
    ("mentor_specializations", "proficiency_level"): _whole(1, 5),
    ("student_profiles", "learning_style"): _choice(TEACHING_STYLES),
    ("modules", "position"): _whole(0),
    ("module_progress", "percent"): _number(0, 100),
    ("module_progress", "quiz_score"): _number(0, 100, optional=True),
    ("module_progress", "time_spent_minutes"): _whole(0),
    ("submissions", "status"): _choice(SUBMISSION_STATUSES),
    ("submissions", "attempt"): _whole(1, 1000),
    ("mentorship_notes", "kind"): _choice(NOTE_KINDS),
    ("mentorship_sessions", "kind"): _choice(SESSION_KINDS),
    ("mentorship_sessions", "status"): _choice(SESSION_STATUSES),
    ("mentorship_sessions", "duration_minutes"): lambda v, label: check_duration(v),
    ("mentorship_sessions", "timezone"): lambda v, label: check_zone_name(v, label),
    ("mentorship_sessions", "title"): _short(MAX_TITLE_CHARS),
    ("session_templates", "title"): _short(MAX_TITLE_CHARS),
    ("session_attendees", "attendance"): _choice(ATTENDANCE, optional=True),
    ("session_attendees", "rating"): _whole(1, 5, optional=True),
    ("messages", "kind"): _choice(MESSAGE_KINDS),
    ("notification_preferences", "kind"): _choice(NOTIFICATION_KINDS),
    ("notification_preferences", "delivery"): _choice(DELIVERIES),
    ("peer_mentors", "capacity"): _whole(1, 10),
    ("peer_mentors", "completion"): _number(0, 100),
    ("study_groups", "name"): _short(120),
    ("peer_reviews", "verdict"): _choice(("approved", "rejected", "changes_requested")),
    ("peer_reviews", "outcome"): _choice(("pending", "confirmed", "overridden")),
}


@lru_cache(maxsize=4096)
def _kind_of(table: str, field: str) -> str:
    model = SYNCED_TABLES.get(table)
    if model is None:
        return ""
    column = model.__table__.columns.get(field)
    if column is None:
        return ""
    column_type = column.type
    impl = getattr(column_type, "impl_instance", column_type)
    for sa_type, name in (
        (DateTime, "datetime"),
        (Date, "date"),
        (JSON, "json"),
        (Boolean, "bool"),
        (Integer, "int"),
        (Float, "float"),
    ):
        if isinstance(column_type, sa_type) or isinstance(impl, sa_type):
            return name
    return "str"


def check_field(table: str, field: str, value: Any) -> None:
    """One field's value as a row of ``table`` would hold it; ``InvalidValue`` otherwise."""
    _checker(table, field)(value)


@lru_cache(maxsize=4096)
def _checker(table: str, field: str) -> Callable[[Any], None]:
    """``check_field`` for one field, its label, rule and kind looked up once."""
    label = what(table, field)
    rule = _RULES.get((table, field))
    kind = _kind_of(table, field)
    long_text = field in LONG_TEXTS.get(table, frozenset())

    def check(value: Any) -> None:
        if rule is not None:
            rule(value, label)
        if value is None:
            return
        if kind == "int" and not isinstance(value, bool):
            check_whole(value, label)
        elif kind == "float":
            check_number(value, label, -1e15, 1e15)
        elif kind == "date" and not isinstance(value, date | datetime):
            parse_iso_date(value, label)
        elif kind == "json":
            if len(json.dumps(value, default=str)) > MAX_TEXT_CHARS:
                raise InvalidValue(f"{label} can hold at most 1 MB of data.")
        elif kind == "str" and isinstance(value, str):
            if long_text:
                check_text_size(value, label)
            else:
                check_short(value, label, MAX_SHORT_CHARS)

    return check


@lru_cache(maxsize=4096)
def _text_limit(table: str, field: str) -> int | None:
    """The most characters a plain text field holds (no rule of its own), else None."""
    if _RULES.get((table, field)) is not None or _kind_of(table, field) != "str":
        return None
    return MAX_TEXT_CHARS if field in LONG_TEXTS.get(table, frozenset()) else MAX_SHORT_CHARS


def _all_short_texts(values: list[Any], limit: int) -> bool:
    """Every value text (or None) of at most ``limit`` characters: what ``check`` passes for a
    plain text field, found for a column at once (else each value is checked, to say which)."""
    if not set(map(type, values)) <= {str, type(None)}:
        return False
    return max(map(len, filter(None, values)), default=0) <= limit


_UNCHECKED = frozenset(("id", "version", "created_at", "updated_at", "deleted_at"))


def _unchecked(value: Any) -> None:
    return None


_CHECKERS: dict[str, dict[str, Callable[[Any], None]]] = {}


def check_fields(table: str, values: Mapping[str, Any]) -> None:
    """Every given field of a ``table`` row (an update's changes)."""
    checkers = _CHECKERS.setdefault(table, {})
    for field, value in values.items():
        check = checkers.get(field)
        if check is None:
            check = checkers[field] = _unchecked if field in _UNCHECKED else _checker(table, field)
        check(value)


def check_row(table: str, values: Mapping[str, Any]) -> None:
    """A whole new row of ``table``."""
    check_fields(table, values)


def check_rows(table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Many new rows of ``table``, each as ``check_row`` checks it: column by column, each
    distinct value once (a check depends on the value alone; values are told apart by type
    too, so ``True`` is not taken for ``1``). Rows with other fields, or a column with a value
    that cannot be told apart (a list), are checked value by value."""
    if not rows:
        return
    names = rows[0].keys()
    if any(row.keys() != names for row in rows):
        for row in rows:
            check_row(table, row)
        return
    checkers = _CHECKERS.setdefault(table, {})
    for field in names:
        if field in _UNCHECKED:
            continue
        check = checkers.get(field)
        if check is None:
            check = checkers[field] = _checker(table, field)
        values = [row[field] for row in rows]
        limit = _text_limit(table, field)
        if limit is not None and _all_short_texts(values, limit):
            continue
        try:
            distinct: Iterable[Any] = [
                v for _kind, v in set(zip(map(type, values), values, strict=True))
            ]
        except TypeError:  # unhashable
            distinct = values
        for value in distinct:
            check(value)


__all__ = [
    "INT_MAX",
    "INT_MIN",
    "MAX_CAPACITY",
    "MAX_DURATION_MINUTES",
    "MAX_EMAIL",
    "MAX_NAME",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MIN_DURATION_MINUTES",
    "InvalidValue",
    "check_choice",
    "check_duration",
    "check_field",
    "check_fields",
    "check_full_name",
    "check_number",
    "check_row",
    "check_rows",
    "check_short",
    "check_text_size",
    "check_whole",
    "check_zone_name",
    "parse_iso_date",
    "what",
]
