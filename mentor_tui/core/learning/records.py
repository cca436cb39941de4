"""One learning record checked on its own: its type, its fields and their values.

A record is a mapping of field names to values, as a JSON object gives them (strings, numbers,
booleans, null) or as a CSV row does (strings; an empty cell is no value). The fields are the
learning platform's own column names (``shared/lms/schema.sql``), listed in ``FIELDS``; an
unknown field is a mistake, not something dropped quietly. Each bad value is one ``Problem``
naming the record's place and the field; every problem of a record is reported, not only the
first. References to other records (``course_id``, ``user_id``, ...) are checked later, against
the whole file and the store (``check``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mentor_tui.core.people.users import check_email, check_name, check_role, check_timezone
from mentor_tui.core.text import has_control
from mentor_tui.db.models import SUBMISSION_STATUSES, USER_STATUSES
from mentor_tui.errors import UserError

MAX_ID = 200
MAX_TITLE = 300
MAX_TEXT = 1_000_000


@dataclass(frozen=True, order=True)
class Place:
    """Where a record is: ``line`` of ``file`` (a CSV file's name; empty for JSON Lines)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file} line {self.line}" if self.file else f"line {self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    place: Place
    field: str
    text: str

    def __str__(self) -> str:
        where = f"{self.place}, field {self.field!r}" if self.field else str(self.place)
        return f"{where}: {self.text}"


@dataclass
class Record:
    """A record whose fields passed their own checks: ``values`` holds the parsed values of the
    fields given (absent fields are not in it)."""

    kind: str
    id: str
    place: Place
    values: dict[str, Any] = field(default_factory=dict)


Parse = Callable[[Any], Any]


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UserError("give text here.")
    return str(value)


def external_id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UserError("an id is text or a whole number.")
    text = str(value).strip()
    if not text:
        raise UserError("the id is empty.")
    if len(text) > MAX_ID or has_control(text) or "\n" in text or "\t" in text:
        raise UserError(f"an id is one line of at most {MAX_ID} characters.")
    return text


def title(value: Any) -> str:
    text = " ".join(_text(value).split())
    if not text:
        raise UserError("a title cannot be empty.")
    if has_control(_text(value)):
        raise UserError("a title cannot contain control characters.")
    if len(text) > MAX_TITLE:
        raise UserError(f"a title can be at most {MAX_TITLE} characters long.")
    return text


def long_text(value: Any) -> str:
    text = _text(value)
    if has_control(text):
        raise UserError("this text contains control characters.")
    if len(text) > MAX_TEXT:
        raise UserError(f"this text is longer than {MAX_TEXT:,} characters.")
    return text


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in ("true", "yes", "1"):
        return True
    if word in ("false", "no", "0"):
        return False
    raise UserError(f"{value!r} is not true or false.")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise UserError(f"{value!r} is not a number.")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise UserError(f"{value!r} is not a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise UserError(f"{value!r} is not a number.")
    return number


def percent(value: Any) -> float:
    number = _number(value)
    if not 0 <= number <= 100:
        raise UserError(f"{value!r} is not between 0 and 100.")
    return number


def minutes(value: Any) -> int:
    number = _number(value)
    if number != int(number) or number < 0:
        raise UserError(f"{value!r} is not a whole number of minutes (0 or more).")
    return int(number)


def position(value: Any) -> int:
    number = _number(value)
    if number != int(number):
        raise UserError(f"{value!r} is not a whole number.")
    return int(number)


def moment(value: Any) -> datetime:
    text = _text(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{text!r} is not an ISO 8601 time like 2026-03-01T14:30:00Z.") from None
    if parsed.tzinfo is None:  # a time without an offset is read as UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _choice(options: tuple[str, ...]) -> Parse:
    def parse(value: Any) -> str:
        text = _text(value).strip()
        for option in options:
            if text.lower() == option.lower():
                return option
        raise UserError(f"{text!r} is not one of {', '.join(options)}.")

    return parse


def _user_check(check: Callable[[str], str]) -> Parse:
    def parse(value: Any) -> str:
        return check(_text(value))

    return parse


@dataclass(frozen=True)
class Spec:
    parse: Parse
    required: bool = False
    ref: str | None = None  # the kind of record this field names


REF = external_id
FIELDS: dict[str, dict[str, Spec]] = {
    "user": {
        "full_name": Spec(_user_check(check_name), required=True),
        "email": Spec(_user_check(check_email), required=True),
        "role": Spec(_user_check(check_role), required=True),
        "status": Spec(_choice(USER_STATUSES)),
        "timezone": Spec(_user_check(check_timezone)),
        "mentor_id": Spec(REF, ref="user"),
    },
    "course": {
        "title": Spec(title, required=True),
        "description": Spec(long_text),
    },
    "module": {
        "course_id": Spec(REF, required=True, ref="course"),
        "title": Spec(title, required=True),
        "position": Spec(position),
    },
    "progress": {
        "user_id": Spec(REF, required=True, ref="user"),
        "module_id": Spec(REF, required=True, ref="module"),
        "is_completed": Spec(flag),
        "progress_percent": Spec(percent),
        "time_spent_minutes": Spec(minutes),
        "quiz_score": Spec(percent),
        "last_activity_at": Spec(moment),
        "completed_at": Spec(moment),
    },
    "enrollment": {
        "user_id": Spec(REF, required=True, ref="user"),
        "course_id": Spec(REF, required=True, ref="course"),
        "enrolled_at": Spec(moment),
        "completed_at": Spec(moment),
    },
    "assignment": {
        "module_id": Spec(REF, required=True, ref="module"),
        "title": Spec(title, required=True),
        "instructions": Spec(long_text),
    },
    "submission": {
        "student_id": Spec(REF, required=True, ref="user"),
        "assignment_id": Spec(REF, required=True, ref="assignment"),
        "content": Spec(long_text),
        "status": Spec(_choice(SUBMISSION_STATUSES)),
        "feedback": Spec(long_text),
        "reviewed_by": Spec(REF, ref="user"),
        "reviewed_at": Spec(moment),
        "submitted_at": Spec(moment),
        "created_at": Spec(moment),  # the platform's name for the time of submission
    },
}
KINDS = tuple(FIELDS)
"""The record types, in the order they are written (a record only names earlier types)."""
ALLOWED = {kind: ("id", *specs) for kind, specs in FIELDS.items()}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_record(
    raw: Mapping[str, Any], place: Place, kind: str | None = None
) -> tuple[Record | None, list[Problem]]:
    """Check one record: ``kind`` from a CSV file's name, else its ``type`` field. Returns the
    record (None when it has any problem) and its problems."""
    problems: list[Problem] = []
    fields = dict(raw)
    if kind is None:
        given = fields.pop("type", None)
        if _empty(given):
            return None, [Problem(place, "type", f"give the record's type: {', '.join(KINDS)}.")]
        kind = str(given).strip().lower()
        if kind not in FIELDS:
            return None, [
                Problem(
                    place, "type", f"{given!r} is not a record type; use one of {', '.join(KINDS)}."
                )
            ]
    specs = FIELDS[kind]
    for name in fields:
        if name not in ALLOWED[kind]:
            problems.append(
                Problem(
                    place,
                    name,
                    f"a {kind} has no such field; its fields are {', '.join(ALLOWED[kind])}.",
                )
            )
    record_id = ""
    if _empty(fields.get("id")):
        problems.append(Problem(place, "id", f"give the {kind}'s id."))
    else:
        try:
            record_id = external_id(fields["id"])
        except UserError as exc:
            problems.append(Problem(place, "id", str(exc)))
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        value = fields.get(name)
        if _empty(value):
            if spec.required:
                problems.append(Problem(place, name, f"a {kind} needs a {name}."))
            continue
        try:
            values[name] = spec.parse(value)
        except UserError as exc:
            problems.append(Problem(place, name, _sentence(exc)))
    if kind == "submission" and "submitted_at" in values and "created_at" in values:
        problems.append(Problem(place, "created_at", "give submitted_at or created_at, not both."))
    if kind == "submission" and "submitted_at" not in values and "created_at" not in values:
        if not any(p.field in ("submitted_at", "created_at") for p in problems):
            problems.append(Problem(place, "submitted_at", "a submission needs a submitted_at."))
    if problems:
        return None, problems
    if "created_at" in values:
        values["submitted_at"] = values.pop("created_at")
    return Record(kind, record_id, place, values), []


def _sentence(error: UserError) -> str:
    """A check's sentence as the second half of ``place, field 'x': ...``."""
    text = str(error)
    if text and text[0].isupper() and not text[:2].isupper() and text[1:2] != "'":
        return text[0].lower() + text[1:]
    return text
