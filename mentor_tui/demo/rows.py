"""The demo builder's raw material: the tables and columns it fills, exact encodings of ids and
times, the planned people and courses, the row buffers, and the state every part of the builder
shares (``BuilderState``). See ``demo.py`` for the whole picture."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from mentor_tui.config import Config

HOUR = 3600
DAY = 86400


# Tables in insertion order (parents before children) with the columns each row tuple gives.
# Every synced table gets ``version`` 1 and a NULL ``deleted_at`` from the statement itself.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("full_name", "email", "role", "status", "timezone", "mentor_id"),
    "mentor_profiles": (
        "user_id", "expertise", "teaching_style", "capacity", "weekly_hours", "availability",
        "contact_preferences", "backup_mentor_id", "bio", "unavailable_reason",
        "unavailable_until",
    ),
    "mentor_specializations": (
        "mentor_id", "specialization", "proficiency_level", "certification_url", "verified",
    ),
    "student_profiles": ("user_id", "learning_style", "needed_skills", "goals"),
    "courses": ("title", "description"),
    "modules": ("course_id", "title", "position"),
    "assignments": ("module_id", "title", "description"),
    "session_templates": ("title", "agenda", "owner_id"),
    "module_progress": (
        "user_id", "module_id", "is_completed", "percent", "time_spent_minutes", "quiz_score",
        "last_activity_at", "completed_at",
    ),
    "submissions": (
        "assignment_id", "student_id", "content", "submitted_at", "status", "feedback",
        "reviewer_id", "reviewed_at", "attempt",
    ),
    "mentorship_sessions": (
        "mentor_id", "kind", "title", "starts_at", "duration_minutes", "timezone",
        "meeting_link", "agenda", "status", "summary",
    ),
    "session_attendees": ("session_id", "student_id", "attendance", "rating"),
    "mentorship_notes": (
        "mentor_id", "student_id", "kind", "note", "added_at", "due_date", "done", "session_id",
    ),
    "messages": ("sender_id", "recipient_id", "kind", "body", "read_at", "thread_id", "audience"),
    "notifications": ("user_id", "type", "title", "message", "data", "read_at"),
    "peer_mentors": (
        "student_id", "certified_by", "certified_at", "capacity", "course_id", "completion",
        "quiz_average", "skills", "revoked_at", "revoked_by",
    ),
    "study_groups": ("mentor_id", "name", "facilitator_id"),
    "study_group_members": ("group_id", "student_id"),
    "peer_reviews": (
        "submission_id", "reviewer_id", "verdict", "feedback", "outcome", "decided_by",
        "decided_at",
    ),
}  # fmt: skip


def insert_sql(table: str) -> str:
    """The INSERT for ``table`` taking (id, created_at, updated_at, *COLUMNS[table])."""
    names = ("id", "created_at", "updated_at", "version", "deleted_at", *COLUMNS[table])
    values = "?, ?, ?, 1, NULL, " + ", ".join("?" * len(COLUMNS[table]))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({values})"


# --- fast, exact encodings -------------------------------------------------------------------

_UUID_CLEAR = ((1 << 128) - 1) ^ ((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def uuid_maker(rng: random.Random) -> Callable[[], str]:
    """Version-4 UUID strings drawn from ``rng``: ``str(uuid.UUID(int=bits, version=4))``."""
    bits = rng.getrandbits

    def new_id() -> str:
        h = "%032x" % (bits(128) & _UUID_CLEAR | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return new_id


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class _DayText(dict[int, str]):
    """Day number since 1970-01-01 -> ``YYYY-MM-DD``, computed once per day."""

    def __missing__(self, day_number: int) -> str:
        text = date.fromordinal(_EPOCH_ORDINAL + day_number).isoformat()
        self[day_number] = text
        return text


class TimeText:
    """Epoch seconds -> the text SQLModel stores for a UTC datetime (``YYYY-MM-DD
    HH:MM:SS.ffffff``) or a date (``YYYY-MM-DD``). Demo times are whole seconds."""

    def __init__(self) -> None:
        days = _DayText()
        clock_text = [
            f" {h:02d}:{m:02d}:{s:02d}.000000"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

        def at(seconds: int) -> str:
            return days[seconds // DAY] + clock_text[seconds % DAY]

        def date_of(seconds: int) -> str:
            return days[seconds // DAY]

        self.at = at
        self.date_of = date_of


def json_text(value: object) -> str:
    return json.dumps(value)  # SQLAlchemy's JSON type stores exactly json.dumps(value)


# --- the programme's shape -------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class PlannedMentor:
    index: int
    id: str
    first: str
    full_name: str
    email: str
    timezone: str
    status: str
    capacity: int
    created: int
    expertise: list[str]
    teaching_style: str
    availability: list[dict[str, object]]
    weekly_hours: int
    students: list[PlannedStudent] = field(default_factory=list)
    # weekday (Monday 0) -> [(start minute, end minute)] in local time
    windows: list[list[tuple[int, int]]] = field(default_factory=list)
    booked: set[int] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class PlannedStudent:
    id: str
    first: str
    full_name: str
    email: str
    timezone: str
    status: str
    course: int
    skills: list[str]
    learning_style: str
    goals: str
    start: int = 0  # enrolled (epoch seconds)
    last_active: int = 0  # last activity (epoch seconds)
    completed: int = 0  # modules completed
    partial: float = 0.0  # percent of the current module
    mentor: PlannedMentor | None = None
    demo_role: str = ""  # "stalled", "overdue" or "fresh" for the demo mentor's first students


@dataclass(frozen=True, slots=True)
class AssignmentText:
    id: str
    title: str
    contents: tuple[str, ...]
    approved: tuple[str, ...]
    changes: tuple[str, ...]
    rejected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ModuleRow:
    id: str
    title: str
    topic: str
    assignments: tuple[AssignmentText, ...]


@dataclass(slots=True)
class Seen:
    """What one mentor's notifications are about, gathered while their students' rows are made."""

    # (completed at, module, student) of modules completed in the last three weeks
    milestones: list[tuple[int, ModuleRow, PlannedStudent]] = field(default_factory=list)
    # student id -> (reviewed at, submission id, assignment, decision) of their newest review
    newest_review: dict[str, tuple[int, str, AssignmentText, str]] = field(default_factory=dict)
    # student id -> (submitted at, submission id, assignment) of their pending work
    pending: dict[str, list[tuple[int, str, AssignmentText]]] = field(default_factory=dict)
    # student id -> quiz scores of the modules they completed
    quizzes: dict[str, list[float]] = field(default_factory=dict)


class Rows:
    """Row tuples per table, waiting for the next executemany."""

    def __init__(self) -> None:
        self.by_table: dict[str, list[tuple[object, ...]]] = {name: [] for name in COLUMNS}

    def __getitem__(self, table: str) -> list[tuple[object, ...]]:
        return self.by_table[table]

    def pending(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())


class BuilderState:
    """What every part of the demo builder reads and writes. Every random choice comes from one
    ``random.Random(seed)`` in a fixed order, so the parts must run in the order ``DemoBuilder``
    calls them."""

    def __init__(
        self,
        *,
        students: int,
        mentors: int,
        seed: int,
        reference: datetime,
        config: Config,
    ) -> None:
        self.n_students = students
        self.n_mentors = mentors
        self.seed = seed
        self.reference = reference
        self.max_capacity = config.max_students_per_mentor
        self.rng = random.Random(seed)
        self.new_id = uuid_maker(self.rng)
        self.times = TimeText()
        self.now = int(reference.timestamp())
        self._emails: dict[str, int] = {}
        self._local_parts: dict[tuple[str, str], str] = {}
        self._offsets: dict[tuple[str, int], int] = {}
        self.admin_id = ""
        self.mentors: list[PlannedMentor] = []
        self.students: list[PlannedStudent] = []
        self.modules: list[list[ModuleRow]] = []
        self.templates: list[tuple[str, str, str]] = []  # (id, title, agenda)
        self.course_ids: list[str] = []  # by course index, as ``modules``
        self.students_done = 0
