"""The deterministic demo database: a realistic mentorship programme built in one transaction.

``build_demo`` writes a whole programme into an empty store: an admin, mentors with profiles,
specializations and availability, students with profiles, courses, progress, submissions in
every review state, notes, past and future sessions, messages and notifications. The same
(students, mentors, seed, reference) always gives the same rows, ids included.

It is the one writer that bypasses ``core/writes.py``: it bulk-inserts with ``executemany`` on
the raw sqlite3 connection into a store that has no users yet, with no journal or audit rows
(the demo is a baseline, not a change). Rows are exactly what SQLModel would store: times as
``YYYY-MM-DD HH:MM:SS.ffffff`` UTC text, dates ``YYYY-MM-DD``, booleans 0/1, JSON as
``json.dumps`` text, version 1, no tombstone.
"""

from __future__ import annotations

import json
import queue
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.demo_courses import COURSES, DemoCourse, DemoModule, fence_for
from mentor_tui.core.demo_names import (
    CERTIFICATE_HOSTS,
    CONTACT_PREFERENCES,
    FIRST_NAMES,
    LAST_NAMES,
    MENTOR_BIOS,
    MENTOR_UNAVAILABLE_REASONS,
    SKILLS,
    SPECIALIZATIONS,
    STUDENT_GOALS,
    TEACHING_STYLES,
    TIMEZONES,
    email_local_part,
)
from mentor_tui.core.demo_texts import (
    ACTION_ITEMS,
    ANNOUNCEMENTS,
    DECISION_WORDS,
    FEEDBACK_APPROVED,
    FEEDBACK_CHANGES,
    FEEDBACK_REJECTED,
    MESSAGES_FROM_MENTOR,
    MESSAGES_FROM_STUDENT,
    NOTES,
    NOTIFICATION_FEEDBACK,
    NOTIFICATION_MENTOR_ASSIGNED,
    NOTIFICATION_MILESTONE,
    NOTIFICATION_NEW_STUDENT,
    SESSION_GROUP_SUMMARIES,
    SESSION_SUMMARIES,
    SESSION_TEMPLATES,
    SUBMISSION_INTROS,
    SUBMISSION_OUTROS,
)
from mentor_tui.core.errors import UserError

ADMIN_EMAIL = "admin@example.org"
ADMIN_NAME = "Ada Admin"
DEMO_MENTOR_EMAIL = "mentor@example.org"
DEMO_MENTOR_NAME = "Morgan Reyes"

SETTING_SEED = "demo_seed"
SETTING_REFERENCE = "demo_reference"

MAX_STUDENTS = 1_000_000
MAX_MENTORS = 100_000

QUIET_DAYS = 14  # the at-risk threshold for no activity; some students are quieter on purpose

Progress = Callable[[str, int, int], None]

HOUR = 3600
DAY = 86400
_FLUSH_EVERY_STUDENTS = 2000

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
    "messages": ("sender_id", "recipient_id", "kind", "body", "read_at"),
    "notifications": ("user_id", "type", "title", "message", "data", "read_at"),
}  # fmt: skip


def insert_sql(table: str) -> str:
    """The INSERT for ``table`` taking (id, created_at, updated_at, *COLUMNS[table])."""
    names = ("id", "created_at", "updated_at", "version", "deleted_at", *COLUMNS[table])
    values = "?, ?, ?, 1, NULL, " + ", ".join("?" * len(COLUMNS[table]))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({values})"


class StoreNotEmpty(UserError):
    """The store already has users: the demo builder never writes over real data."""


class StoreUnreadable(UserError):
    """The file at the path is not a mentor-tui database."""


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]
    demo_mentor_email: str
    admin_email: str
    elapsed_seconds: float
    seed: int
    reference: datetime
    students: int
    mentors: int
    unassigned_students: int
    demo_mentor_students: int

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "counts": dict(self.counts),
            "rows": self.rows,
            "demo_mentor_email": self.demo_mentor_email,
            "admin_email": self.admin_email,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "seed": self.seed,
            "reference": self.reference.isoformat(),
            "students": self.students,
            "mentors": self.mentors,
            "unassigned_students": self.unassigned_students,
            "demo_mentor_students": self.demo_mentor_students,
        }


def demo_reference(moment: datetime | None = None) -> datetime:
    """The moment every demo time is relative to: ``moment`` (or now) truncated to the hour."""
    moment = clock.aware(moment or clock.now()).astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


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


def _json(value: object) -> str:
    return json.dumps(value)  # SQLAlchemy's JSON type stores exactly json.dumps(value)


# --- the programme's shape -------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Mentor:
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
    students: list[_Student] = field(default_factory=list)
    # weekday (Monday 0) -> [(start minute, end minute)] in local time
    windows: list[list[tuple[int, int]]] = field(default_factory=list)
    booked: set[int] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class _Student:
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
    mentor: _Mentor | None = None
    demo_role: str = ""  # "stalled", "overdue" or "fresh" for the demo mentor's first students


@dataclass(frozen=True, slots=True)
class _AssignmentText:
    id: str
    title: str
    contents: tuple[str, ...]
    approved: tuple[str, ...]
    changes: tuple[str, ...]
    rejected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _ModuleRow:
    id: str
    title: str
    topic: str
    assignments: tuple[_AssignmentText, ...]


@dataclass(slots=True)
class _Seen:
    """What one mentor's notifications are about, gathered while their students' rows are made."""

    # (completed at, module, student) of modules completed in the last three weeks
    milestones: list[tuple[int, _ModuleRow, _Student]] = field(default_factory=list)
    # student id -> (reviewed at, submission id, assignment, decision) of their newest review
    newest_review: dict[str, tuple[int, str, _AssignmentText, str]] = field(default_factory=dict)


class _Rows:
    """Row tuples per table, waiting for the next executemany."""

    def __init__(self) -> None:
        self.by_table: dict[str, list[tuple[object, ...]]] = {name: [] for name in COLUMNS}

    def __getitem__(self, table: str) -> list[tuple[object, ...]]:
        return self.by_table[table]

    def pending(self) -> int:
        return sum(len(rows) for rows in self.by_table.values())


class DemoBuilder:
    """One demo programme: ``plan()`` decides the people and their histories, then
    ``people_rows()``, ``course_rows()`` and ``activity_rows()`` give the rows in the order they
    are written. Every random choice comes from one ``random.Random(seed)`` in a fixed order."""

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
        self.mentors: list[_Mentor] = []
        self.students: list[_Student] = []
        self.modules: list[list[_ModuleRow]] = []
        self.templates: list[tuple[str, str, str]] = []  # (id, title, agenda)
        self.students_done = 0

    # -- people ---------------------------------------------------------------------------

    def _email(self, first: str, last: str, domain: str) -> str:
        local = self._local_parts.get((first, last))
        if local is None:
            local = self._local_parts[(first, last)] = email_local_part(first, last)
        seen = self._emails.get(local, 0)
        self._emails[local] = seen + 1
        return f"{local}{seen + 1 if seen else ''}@{domain}"

    def _name(self) -> tuple[str, str]:
        rnd = self.rng.random
        return (
            FIRST_NAMES[int(rnd() * len(FIRST_NAMES))],
            LAST_NAMES[int(rnd() * len(LAST_NAMES))],
        )

    def _availability(self) -> tuple[list[dict[str, object]], list[list[tuple[int, int]]], int]:
        rng = self.rng
        weekdays = sorted(rng.sample(range(7), rng.randint(3, 5)))
        windows: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        shown: list[dict[str, object]] = []
        minutes = 0
        for weekday in weekdays:
            evening = rng.random() < 0.4
            start = (rng.randint(17, 19) if evening else rng.randint(7, 15)) * 60
            start += 30 if rng.random() < 0.25 else 0
            end = min(start + rng.randint(2, 3) * 60, 22 * 60)
            windows[weekday].append((start, end))
            shown.append(
                {
                    "weekday": weekday,
                    "start": f"{start // 60:02d}:{start % 60:02d}",
                    "end": f"{end // 60:02d}:{end % 60:02d}",
                }
            )
            minutes += end - start
        return shown, windows, minutes // 60

    def _make_mentors(self) -> None:
        rng = self.rng
        low = max(1, (self.max_capacity * 2) // 5)
        for i in range(self.n_mentors):
            if i == 0:
                first, last = DEMO_MENTOR_NAME.split(" ", 1)
                email = DEMO_MENTOR_EMAIL
            else:
                first, last = self._name()
                email = self._email(first, last, "example.org")
            course = COURSES[rng.randrange(len(COURSES))]
            own = rng.sample(course.skills, min(len(course.skills), rng.randint(1, 3)))
            others = [s for s in rng.sample(SKILLS, 3) if s not in own][: rng.randint(0, 2)]
            availability, windows, window_hours = self._availability()
            self.mentors.append(
                _Mentor(
                    index=i,
                    id=self.new_id(),
                    first=first,
                    full_name=f"{first} {last}",
                    email=email,
                    timezone=TIMEZONES[rng.randrange(len(TIMEZONES))],
                    status="Inactive" if i > 0 and rng.random() < 0.02 else "Active",
                    capacity=rng.randint(
                        max(low, min(12, self.max_capacity)) if i == 0 else low, self.max_capacity
                    ),
                    created=self.now - rng.randint(600, 1000) * DAY + rng.randrange(DAY),
                    expertise=own + others,
                    teaching_style=TEACHING_STYLES[rng.randrange(4)],
                    availability=availability,
                    weekly_hours=window_hours + rng.randint(1, 6),
                    windows=windows,
                )
            )

    def _make_students(self) -> None:
        rnd = self.rng.random
        # course shares: Python 30 %, web 30 %, data science 25 %, DevOps 15 %
        course_limits = (0.3, 0.6, 0.85)
        n_skills = len(SKILLS)
        for _ in range(self.n_students):
            first, last = self._name()
            roll = rnd()
            ci = next(
                (i for i, limit in enumerate(course_limits) if roll < limit), len(COURSES) - 1
            )
            course = COURSES[ci]
            main = course.skills[int(rnd() * len(course.skills))]
            skills = [main]
            for _ in range(1 + int(rnd() * 3)):
                extra = SKILLS[int(rnd() * n_skills)]
                if extra not in skills:
                    skills.append(extra)
            roll = rnd()
            status = (
                "Active" if roll < 0.8 else "Passed out / Completed" if roll < 0.92 else "Inactive"
            )
            self.students.append(
                _Student(
                    id=self.new_id(),
                    first=first,
                    full_name=f"{first} {last}",
                    email=self._email(first, last, "example.net"),
                    timezone=TIMEZONES[int(rnd() * len(TIMEZONES))],
                    status=status,
                    course=ci,
                    skills=skills,
                    learning_style=TEACHING_STYLES[int(rnd() * 4)],
                    goals=STUDENT_GOALS[int(rnd() * len(STUDENT_GOALS))].format(area=main),
                )
            )

    def _assign(self) -> None:
        """About one student in ten stays unassigned; no mentor ever goes over capacity."""
        rng = self.rng
        wanted = self.n_students - self.n_students // 10
        active = [m for m in self.mentors if m.status == "Active"]
        seats = sum(m.capacity for m in active)
        if seats < wanted:  # raise capacities (never past the limit) until everyone fits
            for mentor in rng.sample(active, len(active)):
                if seats >= wanted:
                    break
                raise_by = min(self.max_capacity - mentor.capacity, wanted - seats)
                mentor.capacity += raise_by
                seats += raise_by
        demo = self.mentors[0]
        spare = max(0, seats - wanted)  # the demo mentor keeps up to two free seats
        demo_load = min(wanted, demo.capacity - (min(2, spare) if demo.capacity > 6 else 0))
        others = [m for m in active if m is not demo for _ in range(m.capacity)]
        rng.shuffle(others)
        chosen = [demo] * demo_load + others[: max(0, wanted - demo_load)]
        order = rng.sample(self.students, len(self.students))
        for student, mentor in zip(order, chosen, strict=False):
            student.mentor = mentor
            mentor.students.append(student)
        for role, student in zip(("stalled", "overdue", "fresh"), demo.students, strict=False):
            student.demo_role = role
            student.status = "Active"

    def _timeline(self, student: _Student) -> None:
        """When the student enrolled, how far they got, and when they were last active."""
        rnd = self.rng.random
        n_modules = len(COURSES[student.course].modules)
        if student.status == "Passed out / Completed":
            gap = 10 + rnd() * 140
            enrolled = gap + 150 + rnd() * 250
            fraction = 1.0
        elif student.status == "Inactive":
            gap = 30 + rnd() * 170
            enrolled = gap + 20 + rnd() * 200
            fraction = 0.05 + rnd() * 0.45
        else:
            roll = rnd()
            role = student.demo_role
            if role == "fresh":
                gap = (2 + rnd() * 18) / 24
            elif role == "overdue":
                gap = 2.5 + rnd() * 2.5
            elif role == "stalled" or roll >= 0.85:
                gap = 15 + rnd() * 30
            elif roll < 0.6:
                gap = (1 + rnd() * 35) / 24
            elif roll < 0.75:
                gap = 1.5 + rnd() * 2.5
            else:
                gap = 4 + rnd() * 10
            enrolled = gap + 14 + rnd() * 280
            fraction = 0.05 + rnd() * 0.9
            if gap > QUIET_DAYS:
                fraction *= 0.6
        student.last_active = self.now - int(gap * DAY)
        student.start = self.now - int(enrolled * DAY)
        scaled = fraction * n_modules
        student.completed = min(n_modules, int(scaled))
        if student.completed < n_modules:
            student.partial = round(max(8.0, min(95.0, (scaled - student.completed) * 100)), 1)
            if student.demo_role:
                student.partial = max(student.partial, 40.0)  # reached an assignment to submit

    # -- courses ----------------------------------------------------------------------------

    def _course_rows(self, rows: _Rows) -> None:
        rng = self.rng
        t = self.times.at
        founded = self.now - 1000 * DAY
        for course in COURSES:
            course_id = self.new_id()
            rows["courses"].append(
                (course_id, t(founded), t(founded), course.title, course.description)
            )
            modules: list[_ModuleRow] = []
            for position, module in enumerate(course.modules):
                module_id = self.new_id()
                rows["modules"].append(
                    (module_id, t(founded), t(founded), course_id, module.title, position)
                )
                texts = []
                for title, description in module.assignments:
                    assignment_id = self.new_id()
                    rows["assignments"].append(
                        (assignment_id, t(founded), t(founded), module_id, title, description)
                    )
                    texts.append(self._assignment_text(assignment_id, title, course, module, rng))
                modules.append(
                    _ModuleRow(module_id, module.title, module.title.lower(), tuple(texts))
                )
            self.modules.append(modules)
        for title, agenda in SESSION_TEMPLATES:
            template_id = self.new_id()
            rows["session_templates"].append(
                (template_id, t(founded), t(founded), title, agenda, self.admin_id)
            )
            self.templates.append((template_id, title, agenda))

    @staticmethod
    def _assignment_text(
        assignment_id: str, title: str, course: DemoCourse, module: DemoModule, rng: random.Random
    ) -> _AssignmentText:
        fence = fence_for(course, module)
        contents = []
        for intro, outro in zip(
            rng.sample(SUBMISSION_INTROS, 6), rng.sample(SUBMISSION_OUTROS, 6), strict=True
        ):
            contents.append(f"## {title}\n\n{intro}\n\n```{fence}\n{module.code}\n```\n\n{outro}\n")
        return _AssignmentText(
            id=assignment_id,
            title=title,
            contents=tuple(contents),
            approved=tuple(f.format(assignment=title) for f in FEEDBACK_APPROVED),
            changes=tuple(f.format(assignment=title) for f in FEEDBACK_CHANGES),
            rejected=tuple(f.format(assignment=title) for f in FEEDBACK_REJECTED),
        )

    # -- per-student work -------------------------------------------------------------------

    def _review_delay(self) -> int:
        roll = self.rng.random()
        if roll < 0.7:
            return int(HOUR + roll / 0.7 * 29 * HOUR)
        if roll < 0.9:
            return int(30 * HOUR + (roll - 0.7) / 0.2 * 30 * HOUR)
        return int(60 * HOUR + (roll - 0.9) / 0.1 * 100 * HOUR)

    def _student_work(self, s: _Student, rows: _Rows, seen: _Seen) -> None:
        """Module progress and submissions of one student."""
        rnd = self.rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        latest_review = now - 600
        modules = self.modules[s.course]
        n = len(modules)
        start, last = s.start, s.last_active
        done = s.completed
        reviewer = s.mentor.id if s.mentor else self.admin_id
        progress_rows = rows["module_progress"]
        submission_rows = rows["submissions"]
        span = (last - start) / (done if done == n else done + 1)
        pending_share = 0.6 if s.status == "Active" else 0.2
        created = t(start)
        module_start = start
        for j, module in enumerate(modules):
            if j < done:
                finished = last if j == n - 1 else int(start + span * (j + 1) - rnd() * span * 0.2)
                minutes = int(60 + rnd() * 420)
                quiz = None if j == n - 1 else round(60 + rnd() * 40, 1)
                finished_at = t(finished)
                progress_rows.append(
                    (new_id(), t(module_start), finished_at, s.id, module.id, 1, 100.0, minutes,
                     quiz, finished_at, finished_at)
                )  # fmt: skip
                if finished > now - 21 * DAY:
                    seen.milestones.append((finished, module, s))
                window_end, reached = finished, 3
            elif j == done:
                minutes = int(s.partial / 100 * (60 + rnd() * 300)) + 5
                quiz = round(40 + rnd() * 60, 1) if s.partial > 70 and rnd() < 0.5 else None
                last_at = t(last)
                progress_rows.append(
                    (new_id(), t(module_start), last_at, s.id, module.id, 0, s.partial, minutes,
                     quiz, last_at, None)
                )  # fmt: skip
                window_end, reached = last, min(3, int(s.partial / 25))
            else:
                progress_rows.append(
                    (new_id(), created, created, s.id, module.id, 0, 0.0, 0, None, None, None)
                )
                continue
            width = window_end - module_start
            for a in range(reached):
                text = module.assignments[a]
                newest_of_current = j == done and a == reached - 1
                roll = rnd()
                if newest_of_current:
                    final = window_end - int(rnd() * 3 * HOUR)
                    pending = bool(s.demo_role) or roll < pending_share
                else:
                    final = module_start + int(width * (a + 0.4 + rnd() * 0.5) / (reached + 0.5))
                    pending = False
                if pending:
                    final_status = "pending"
                elif j == done:
                    final_status = (
                        "approved" if roll < 0.75 else "changes_requested" if roll < 0.93
                        else "rejected"
                    )  # fmt: skip
                else:
                    final_status = "approved"
                # earlier attempts, each reviewed a while before the next one came in
                roll = rnd()
                attempts = 1 if roll < 0.58 else 2 if roll < 0.86 else 3
                chain: list[tuple[int, int]] = []
                following = final
                for _ in range(attempts - 1):
                    reviewed = following - int(2 * HOUR + rnd() * 46 * HOUR)
                    submitted = reviewed - self._review_delay()
                    if submitted <= start:
                        break
                    chain.append((submitted, reviewed))
                    following = submitted
                chain.reverse()
                for k, (submitted, reviewed) in enumerate(chain):
                    if rnd() < 0.7:
                        status, feedback = "changes_requested", text.changes[int(rnd() * 8)]
                    else:
                        status, feedback = "rejected", text.rejected[int(rnd() * 5)]
                    submitted_at, reviewed_at = t(submitted), t(reviewed)
                    submission_rows.append(
                        (new_id(), submitted_at, reviewed_at, text.id, s.id,
                         text.contents[int(rnd() * 6)], submitted_at, status, feedback, reviewer,
                         reviewed_at, k + 1)
                    )  # fmt: skip
                submission_id = new_id()
                submitted_at = t(final)
                if final_status == "pending":
                    submission_rows.append(
                        (submission_id, submitted_at, submitted_at, text.id, s.id,
                         text.contents[int(rnd() * 6)], submitted_at, "pending", None, None, None,
                         len(chain) + 1)
                    )  # fmt: skip
                    continue
                reviewed = max(final + 600, min(final + self._review_delay(), latest_review))
                feedback = (
                    text.approved[int(rnd() * 8)] if final_status == "approved"
                    else text.changes[int(rnd() * 8)] if final_status == "changes_requested"
                    else text.rejected[int(rnd() * 5)]
                )  # fmt: skip
                if reviewed > seen.newest_review.get(s.id, (0,))[0]:
                    seen.newest_review[s.id] = (reviewed, submission_id, text, final_status)
                reviewed_at = t(reviewed)
                submission_rows.append(
                    (submission_id, submitted_at, reviewed_at, text.id, s.id,
                     text.contents[int(rnd() * 6)], submitted_at, final_status, feedback, reviewer,
                     reviewed_at, len(chain) + 1)
                )  # fmt: skip
            module_start = window_end

    # -- sessions ---------------------------------------------------------------------------

    def _offset(self, tz_name: str, day_number: int) -> int:
        """The zone's UTC offset in seconds at local noon of that day."""
        key = (tz_name, day_number)
        offset = self._offsets.get(key)
        if offset is None:
            noon = datetime.fromtimestamp(day_number * DAY + 12 * HOUR, UTC)
            delta = noon.astimezone(ZoneInfo(tz_name)).utcoffset() or timedelta(0)
            offset = int(delta.total_seconds())
            self._offsets[key] = offset
        return offset

    def _slot(self, mentor: _Mentor, earliest: int, latest: int, duration: int) -> int | None:
        """A free start inside the mentor's availability with start >= earliest and
        end <= latest. Slots sit on an hourly grid inside non-overlapping windows and last at
        most an hour, so two distinct slots of one mentor never overlap."""
        rnd = self.rng.random
        first_day, last_day = earliest // DAY - 1, latest // DAY + 1
        if last_day < first_day:
            return None
        days = last_day - first_day + 1
        for _ in range(60):
            day = first_day + int(rnd() * days)
            windows = mentor.windows[(day + 3) % 7]  # 1970-01-01 was a Thursday
            if not windows:
                continue
            start_min, end_min = windows[int(rnd() * len(windows))]
            hours = (end_min - start_min) // 60
            local = start_min + 60 * int(rnd() * hours)
            moment = day * DAY + local * 60 - self._offset(mentor.timezone, day)
            if moment < earliest or moment + duration * 60 > latest or moment in mentor.booked:
                continue
            mentor.booked.add(moment)
            return moment
        return None

    def _sessions_and_notes(
        self,
        mentor: _Mentor,
        rows: _Rows,
        sessions_per_student: float,
        notes_per_student: float,
    ) -> None:
        """Past and future sessions with attendance, and the mentor's notes, for one mentor."""
        rng = self.rng
        rnd = rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        session_rows = rows["mentorship_sessions"]
        attendee_rows = rows["session_attendees"]
        horizon = now + 28 * DAY
        first_meeting, weekly, review, career, workshop = self.templates
        follow_ups = (weekly, weekly, review, career)

        def add_session(
            kind: str,
            title: str,
            template: tuple[str, str, str],
            start: int,
            duration: int,
            status: str,
            summary: str,
            created: int,
            attendees: Sequence[_Student],
        ) -> str:
            session_id = new_id()
            updated = created
            if status == "completed":
                updated = max(created, min(start + duration * 60 + int(HOUR * rnd()), now - 60))
            elif status == "cancelled":
                updated = max(created, start - int(rnd() * 48 * HOUR))
            link = f"https://meet.example.org/{session_id[:13]}" if rnd() < 0.85 else None
            session_rows.append(
                (session_id, t(created), t(updated), mentor.id, kind, title, t(start), duration,
                 mentor.timezone, link, template[2], status, summary)
            )  # fmt: skip
            for student in attendees:
                attendance, rating = self._attendance(student, start, status)
                attendee_rows.append(
                    (new_id(), t(created), t(updated), session_id, student.id, attendance, rating)
                )
            return session_id

        for s in mentor.students:
            modules = self.modules[s.course]
            reached = min(s.completed, len(modules) - 1)
            count = int(sessions_per_student) + (rnd() < sessions_per_student % 1)
            wants_future = s.status == "Active" and rnd() < 0.45
            summaries: list[tuple[str, int]] = []
            for k in range(count):
                duration = (30, 45, 60, 60, 60)[int(rnd() * 5)]
                template = first_meeting if k == 0 else follow_ups[int(rnd() * 4)]
                title = f"{template[1]} with {s.first}"
                if wants_future and k == count - 1:
                    start = self._slot(mentor, now + HOUR, horizon, duration)
                    if start is not None:
                        created = max(s.start, now - int(rnd() * 10 * DAY))
                        add_session("one_on_one", title, template, start, duration,
                                    "scheduled", "", created, (s,))  # fmt: skip
                    continue
                earliest = max(s.start + DAY, now - 400 * DAY)
                start = self._slot(mentor, earliest, min(now, s.last_active + 10 * DAY), duration)
                if start is None:
                    continue
                created = max(s.start, start - int((1 + rnd() * 13) * DAY))
                if rnd() < 0.12:
                    add_session("one_on_one", title, template, start, duration, "cancelled", "",
                                created, (s,))  # fmt: skip
                    continue
                topic = modules[int(rnd() * (reached + 1))].topic
                summary = SESSION_SUMMARIES[int(rnd() * len(SESSION_SUMMARIES))]
                session_id = add_session(
                    "one_on_one", title, template, start, duration, "completed",
                    summary.format(first=s.first, topic=topic), created, (s,),
                )  # fmt: skip
                if attendee_rows[-1][5] == "attended":
                    summaries.append((session_id, start + duration * 60))
            self._notes(mentor, s, rows["mentorship_notes"], notes_per_student, summaries)

        active = [s for s in mentor.students if s.status == "Active"]
        if len(active) < 3:
            return
        for _ in range(max(1, len(mentor.students) // 7)):
            group = rng.sample(active, min(len(active), rng.randint(3, 6)))
            joined = max(member.start for member in group)
            future = rnd() < 0.35
            if future:
                start = self._slot(mentor, now + HOUR, horizon, 60)
            else:
                start = self._slot(mentor, joined + DAY, now, 60)
            if start is None:
                continue
            modules = self.modules[group[0].course]
            topic = modules[min(group[0].completed, len(modules) - 1)]
            if future:
                created = max(joined, now - int(rnd() * 7 * DAY))
                status, summary = "scheduled", ""
            else:
                created = max(joined, start - int((3 + rnd() * 11) * DAY))
                status = "completed"
                summary = SESSION_GROUP_SUMMARIES[int(rnd() * len(SESSION_GROUP_SUMMARIES))]
                summary = summary.format(topic=topic.topic)
            add_session("group", f"Group workshop: {topic.title}", workshop, start, 60, status,
                        summary, created, group)  # fmt: skip

    def _attendance(self, s: _Student, start: int, status: str) -> tuple[str | None, int | None]:
        if status != "completed":
            return None, None
        rnd = self.rng.random
        if start > s.last_active + DAY:
            return "no_show", None
        roll = rnd()
        if roll < 0.86:
            rating_roll = rnd()
            rating = (
                None if rating_roll < 0.1 else 5 if rating_roll < 0.55 else 4 if rating_roll < 0.88
                else 3 if rating_roll < 0.96 else 2 if rating_roll < 0.99 else 1
            )  # fmt: skip
            return "attended", rating
        return ("no_show", None) if roll < 0.95 else ("excused", None)

    def _notes(
        self,
        mentor: _Mentor,
        s: _Student,
        note_rows: list[tuple[object, ...]],
        per_student: float,
        completed_sessions: list[tuple[str, int]],
    ) -> None:
        rnd = self.rng.random
        new_id = self.new_id
        t = self.times
        now = self.now
        modules = self.modules[s.course]
        reached = min(s.completed, len(modules) - 1)
        count = int(per_student) + (rnd() < per_student % 1)
        newest = min(now - HOUR, s.last_active + 7 * DAY)
        span = max(HOUR, newest - s.start)
        summaries = list(completed_sessions)
        for _ in range(count):
            topic = modules[int(rnd() * (reached + 1))].topic
            roll = rnd()
            if roll < 0.3 and summaries:
                session_id, ended = summaries.pop(int(rnd() * len(summaries)))
                added = min(ended + int(600 + rnd() * 2 * HOUR), now - 60)
                text = SESSION_SUMMARIES[int(rnd() * len(SESSION_SUMMARIES))]
                note_rows.append(
                    (new_id(), t.at(added), t.at(added), mentor.id, s.id, "session_summary",
                     text.format(first=s.first, topic=topic), t.at(added), None, 0, session_id)
                )  # fmt: skip
                continue
            added = s.start + int(rnd() * span)
            if roll < 0.6:
                text = NOTES[int(rnd() * len(NOTES))]
                note_rows.append(
                    (new_id(), t.at(added), t.at(added), mentor.id, s.id, "note",
                     text.format(first=s.first, topic=topic), t.at(added), None, 0, None)
                )  # fmt: skip
                continue
            due = added + int((3 + rnd() * 11) * DAY)
            done = rnd() < (0.75 if due < now else 0.15)
            updated = min(added + int(rnd() * (due - added)), now - 60) if done else added
            text = ACTION_ITEMS[int(rnd() * len(ACTION_ITEMS))]
            note_rows.append(
                (new_id(), t.at(added), t.at(updated), mentor.id, s.id, "action_item",
                 text.format(first=s.first, topic=topic), t.at(added), t.date_of(due),
                 1 if done else 0, None)
            )  # fmt: skip

    # -- messages and notifications ---------------------------------------------------------

    def _conversations(self, mentor: _Mentor, rows: _Rows) -> None:
        rng = self.rng
        rnd = rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        message_rows = rows["messages"]
        talkers = [s for s in mentor.students if s.status == "Active"]
        demo = mentor.index == 0
        if not talkers or (not demo and rnd() < 0.5):
            return
        for s in rng.sample(talkers, min(len(talkers), 5 if demo else 1)):
            topic = self.modules[s.course][min(s.completed, len(self.modules[s.course]) - 1)].topic
            moment = now - int((1 + rnd() * 13) * DAY)
            for k in range(rng.randint(2, 4)):
                from_mentor = k % 2 == 0
                pool = MESSAGES_FROM_MENTOR if from_mentor else MESSAGES_FROM_STUDENT
                body = pool[int(rnd() * len(pool))].format(
                    first=s.first, mentor=mentor.first, topic=topic
                )
                read = (
                    min(moment + int(rnd() * 6 * HOUR), now - 30)
                    if moment < now - 12 * HOUR or rnd() < 0.4
                    else None
                )
                sender, recipient = (mentor.id, s.id) if from_mentor else (s.id, mentor.id)
                message_rows.append(
                    (new_id(), t(moment), t(read or moment), sender, recipient, "direct", body,
                     t(read) if read else None)
                )  # fmt: skip
                moment = min(now - 60, moment + int((0.5 + rnd() * 30) * HOUR))
        if demo or rnd() < 0.4:
            moment = now - int(rnd() * 10 * DAY)
            body = ANNOUNCEMENTS[int(rnd() * len(ANNOUNCEMENTS))]
            message_rows.append(
                (new_id(), t(moment), t(moment), mentor.id, None, "announcement", body, None)
            )

    def _notify(
        self,
        rows: _Rows,
        user_id: str,
        kind: tuple[str, str, str],
        moment: int,
        data: dict[str, str],
        **words: str,
    ) -> None:
        rnd = self.rng.random
        t = self.times.at
        read = moment + int(rnd() * 12 * HOUR) if moment < self.now - DAY and rnd() < 0.7 else None
        if read is not None and read > self.now:
            read = None
        rows["notifications"].append(
            (self.new_id(), t(moment), t(read or moment), user_id, kind[0], kind[1],
             kind[2].format(**words), _json(data), t(read) if read else None)
        )  # fmt: skip

    def _mentor_notifications(self, mentor: _Mentor, rows: _Rows, seen: _Seen) -> None:
        """The newest student's arrival (to both), recent milestones, and, for some students,
        the feedback on their newest reviewed submission."""
        rnd = self.rng.random
        newest = max(mentor.students, key=lambda s: s.start)
        self._notify(rows, mentor.id, NOTIFICATION_NEW_STUDENT, newest.start,
                     {"student_id": newest.id}, name=newest.full_name,
                     email=newest.email)  # fmt: skip
        self._notify(rows, newest.id, NOTIFICATION_MENTOR_ASSIGNED, newest.start,
                     {"mentor_id": mentor.id}, mentor=mentor.full_name)  # fmt: skip
        seen.milestones.sort(key=lambda m: m[0])
        for finished, module, s in seen.milestones[-2:]:
            self._notify(rows, mentor.id, NOTIFICATION_MILESTONE, finished,
                         {"student_id": s.id, "module_id": module.id}, name=s.full_name,
                         module=module.title)  # fmt: skip
        for s in mentor.students:
            review = seen.newest_review.get(s.id)
            if review is not None and rnd() < 0.3:
                reviewed, submission_id, text, status = review
                self._notify(rows, s.id, NOTIFICATION_FEEDBACK, reviewed,
                             {"submission_id": submission_id, "assignment_id": text.id,
                              "status": status},
                             assignment=text.title, decision=DECISION_WORDS[status])  # fmt: skip

    # -- the whole programme ----------------------------------------------------------------

    def plan(self) -> None:
        """Decide everyone and everything that later rows refer to."""
        self.admin_id = self.new_id()
        self._make_mentors()
        self._make_students()
        self._assign()
        for student in self.students:
            self._timeline(student)

    def people_rows(self) -> _Rows:
        rng = self.rng
        rnd = rng.random
        t = self.times.at
        rows = _Rows()
        admin_since = self.now - 1100 * DAY
        rows["users"].append(
            (self.admin_id, t(admin_since), t(admin_since), ADMIN_NAME, ADMIN_EMAIL, "admin",
             "Active", "Europe/London", None)
        )  # fmt: skip
        active = [m for m in self.mentors if m.status == "Active"]
        for m in self.mentors:
            created = t(m.created)
            rows["users"].append(
                (m.id, created, created, m.full_name, m.email, "mentor", m.status, m.timezone, None)
            )
        for s in self.students:
            created = t(s.start)
            rows["users"].append(
                (s.id, created, created, s.full_name, s.email, "student", s.status, s.timezone,
                 s.mentor.id if s.mentor else None)
            )  # fmt: skip
            rows["student_profiles"].append(
                (self.new_id(), created, created, s.id, s.learning_style, _json(s.skills), s.goals)
            )
        for m in self.mentors:
            created = t(m.created)
            backup = self._backup(m, active)
            away = m.index > 0 and m.status == "Active" and rnd() < 0.03
            years = 3 + int(rnd() * 15)
            rows["mentor_profiles"].append(
                (self.new_id(), created, created, m.id, _json(m.expertise), m.teaching_style,
                 m.capacity, m.weekly_hours, _json(m.availability),
                 _json(sorted(rng.sample(CONTACT_PREFERENCES, rng.randint(1, 3)))),
                 backup.id if backup else None,
                 MENTOR_BIOS[int(rnd() * len(MENTOR_BIOS))].format(area=m.expertise[0], years=years),
                 MENTOR_UNAVAILABLE_REASONS[int(rnd() * len(MENTOR_UNAVAILABLE_REASONS))] if away else None,
                 self.times.date_of(self.now + int((7 + rnd() * 38) * DAY)) if away else None)
            )  # fmt: skip
            offered = [name for area in m.expertise for name in SPECIALIZATIONS[area]]
            for name in rng.sample(offered, min(len(offered), rng.randint(2, 4))):
                level = (2, 3, 3, 4, 4, 4, 5, 5, 5)[int(rnd() * 9)]
                verified = rnd() < 0.45
                certified = verified and rnd() < 0.7
                url = (
                    f"{CERTIFICATE_HOSTS[int(rnd() * 3)]}/{email_local_part(m.first, name)}"
                    f"/{rng.getrandbits(32):08x}"
                    if certified else None
                )  # fmt: skip
                rows["mentor_specializations"].append(
                    (self.new_id(), created, created, m.id, name, level, url, 1 if verified else 0)
                )
        return rows

    def _backup(self, mentor: _Mentor, active: list[_Mentor]) -> _Mentor | None:
        """Another active mentor, preferably one sharing an area of expertise."""
        rnd = self.rng.random
        others = len(active) - (mentor in active)
        if others <= 0:
            return None
        fallback = None
        for _ in range(12):
            candidate = active[int(rnd() * len(active))]
            if candidate is mentor:
                continue
            fallback = fallback or candidate
            if set(candidate.expertise) & set(mentor.expertise):
                return candidate
        if fallback is None:
            fallback = next(c for c in active if c is not mentor)
        return fallback

    def course_rows(self) -> _Rows:
        rows = _Rows()
        self._course_rows(rows)
        return rows

    def activity_rows(self) -> Iterator[_Rows]:
        """Progress, submissions, sessions, notes, messages and notifications, a chunk of
        students at a time: mentor by mentor, then the students without a mentor."""
        assigned = sum(len(m.students) for m in self.mentors)
        groups = sum(max(1, len(m.students) // 7) for m in self.mentors if len(m.students) >= 3)
        # about 2 sessions and 4 notes per student of the programme, held by assigned students
        sessions_per_student = max(1.0, (2 * self.n_students - groups) / max(1, assigned))
        notes_per_student = 4 * self.n_students / max(1, assigned)
        rows = _Rows()
        since_flush = 0
        for mentor in self.mentors:
            if not mentor.students:
                continue
            seen = _Seen()
            for s in mentor.students:
                self._student_work(s, rows, seen)
            self._sessions_and_notes(mentor, rows, sessions_per_student, notes_per_student)
            self._conversations(mentor, rows)
            self._mentor_notifications(mentor, rows, seen)
            self.students_done += len(mentor.students)
            since_flush += len(mentor.students)
            if since_flush >= _FLUSH_EVERY_STUDENTS:
                yield rows
                rows, since_flush = _Rows(), 0
        for s in self.students:
            if s.mentor is None:
                self._student_work(s, rows, _Seen())
                self.students_done += 1
                since_flush += 1
                if since_flush >= _FLUSH_EVERY_STUDENTS:
                    yield rows
                    rows, since_flush = _Rows(), 0
        yield rows

    def settings_rows(self) -> list[tuple[str, str]]:
        return [(SETTING_SEED, str(self.seed)), (SETTING_REFERENCE, self.reference.isoformat())]


# --- writing ---------------------------------------------------------------------------------

_DONE = object()


def _open_store(path: Path) -> None:
    """Create the store (or bring an empty one up to date) with the regular engine. A store
    that already has users is refused before anything touches it."""
    from mentor_tui.db.engine import make_engine

    if path.exists() and path.is_dir():
        raise UserError(f"{path} is a folder, not a database file.")
    if path.exists() and path.stat().st_size > 0:
        try:
            peek = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                has_users = (
                    peek.execute(
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'"
                    ).fetchone()
                    and peek.execute("SELECT 1 FROM users LIMIT 1").fetchone()
                )
            finally:
                peek.close()
        except sqlite3.DatabaseError as exc:
            raise StoreUnreadable(f"Cannot open {path} as a mentor-tui database ({exc}).") from exc
        if has_users:
            _refuse(path)
    try:
        engine = make_engine(path)
    except UserError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError and friends: not a store
        raise StoreUnreadable(f"Cannot open {path} as a mentor-tui database ({exc}).") from exc
    engine.dispose()


def _refuse(path: Path) -> None:
    raise StoreNotEmpty(
        f"{path} already has users, and the demo is only built into an empty store."
    )


def _refuse_if_peopled(conn: sqlite3.Connection, path: Path) -> None:
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        _refuse(path)


class _Producer(threading.Thread):
    """Generates the row chunks on a second thread, so Python builds the next chunk while
    SQLite (which releases the GIL) writes the last one. The order of the rows, and so the
    content, is exactly that of a plain loop."""

    def __init__(self, builder: DemoBuilder) -> None:
        super().__init__(name="demo-rows", daemon=True)
        self.builder = builder
        self.chunks: queue.Queue[object] = queue.Queue(maxsize=2)
        self.stopped = threading.Event()

    def _put(self, item: object) -> bool:
        while not self.stopped.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        builder = self.builder
        try:
            if not self._put(("people", builder.people_rows(), 0)):
                return
            if not self._put(("courses", builder.course_rows(), 0)):
                return
            for chunk in builder.activity_rows():
                if not self._put(("activity", chunk, builder.students_done)):
                    return
            self._put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - the writing thread re-raises it
            self._put(exc)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def _deferred_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Drop the secondary indexes of the tables the demo fills; return (name, sql) to rebuild.

    Building an index once from sorted keys costs about half of keeping it up to date through
    a million random inserts. Unique constraints (sql IS NULL) stay: they guard the load.
    """
    tables = tuple(COLUMNS)
    marks = ", ".join("?" * len(tables))
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return found


def build_demo(
    path: Path,
    *,
    students: int = 300,
    mentors: int = 20,
    seed: int = 0,
    progress: Progress | None = None,
    reference: datetime | None = None,
    config: Config | None = None,
) -> DemoSummary:
    """Build the demo programme into the store at ``path`` (created if missing).

    Refuses a store that already has users. ``reference`` is the moment all times are relative
    to (default: now, truncated to the hour); ``config`` (default: the config file) gives the
    mentors' capacity limit and the review SLA. Everything is written in one transaction: a failure leaves the store as it was.
    ``progress(stage, done, total)`` is called as each stage moves on.
    """
    if not 1 <= students <= MAX_STUDENTS:
        raise UserError(
            f"The number of students must be between 1 and {MAX_STUDENTS:,}, not {students}."
        )
    if not 1 <= mentors <= MAX_MENTORS:
        raise UserError(
            f"The number of mentors must be between 1 and {MAX_MENTORS:,}, not {mentors}."
        )
    config = config or load_config()
    began = time.perf_counter()
    report: Progress = progress or (lambda stage, done, total: None)
    path = Path(path)
    _open_store(path)
    builder = DemoBuilder(
        students=students,
        mentors=mentors,
        seed=seed,
        reference=demo_reference(reference),
        config=config,
    )
    counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Every reference is to a row made earlier in the same build (tests check the whole
        # store with foreign_key_check), so the load skips a parent lookup per reference.
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA busy_timeout=5000")
        _refuse_if_peopled(conn, path)
        # A fresh store has almost no pages to journal, so a rollback journal costs nothing,
        # while WAL would write every page twice. WAL is back once the build is done. If
        # another connection has the store open the mode cannot change: build in WAL then.
        try:
            conn.execute("PRAGMA journal_mode=TRUNCATE")
        except sqlite3.OperationalError:
            pass
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA threads=2")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _refuse_if_peopled(conn, path)
            _load(conn, builder, counts, report)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        # Statistics let SQLite pick the right index for a mentor's page among 50,000 students.
        conn.execute("ANALYZE")
    finally:
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    report("saving", 1, 1)
    demo = builder.mentors[0]
    return DemoSummary(
        counts=counts,
        demo_mentor_email=DEMO_MENTOR_EMAIL,
        admin_email=ADMIN_EMAIL,
        elapsed_seconds=time.perf_counter() - began,
        seed=seed,
        reference=builder.reference,
        students=students,
        mentors=mentors,
        unassigned_students=sum(1 for s in builder.students if s.mentor is None),
        demo_mentor_students=len(demo.students),
    )


def _load(
    conn: sqlite3.Connection, builder: DemoBuilder, counts: dict[str, int], report: Progress
) -> None:
    """All rows, inside the caller's transaction."""
    report("planning", 0, 1)
    builder.plan()
    report("planning", 1, 1)
    rebuild = _deferred_indexes(conn)
    # Notes go in with one INSERT ... SELECT at the end: their full-text triggers then fire
    # inside a single statement, so FTS5 indexes them in large batches instead of row by row.
    conn.execute("CREATE TEMP TABLE demo_notes AS SELECT * FROM main.mentorship_notes WHERE 0")
    statements = {table: insert_sql(table) for table in COLUMNS}
    statements["mentorship_notes"] = statements["mentorship_notes"].replace(
        "INSERT INTO mentorship_notes", "INSERT INTO temp.demo_notes", 1
    )
    producer = _Producer(builder)
    producer.start()
    try:
        while True:
            item = producer.chunks.get()
            if item is _DONE:
                break
            if isinstance(item, BaseException):
                raise item
            stage, rows, students_done = item  # type: ignore[misc]
            total = rows.pending()
            written = 0
            for table, table_rows in rows.by_table.items():
                if table_rows:
                    conn.executemany(statements[table], table_rows)
                    counts[table] += len(table_rows)
                    written += len(table_rows)
                    if stage != "activity":
                        report(stage, written, total)
            if stage == "activity":
                report(stage, students_done, builder.n_students)
            elif stage == "courses":
                report("activity", 0, builder.n_students)
    finally:
        producer.stop()
    steps = len(rebuild) + 2
    report("indexing", 0, steps)
    conn.execute("INSERT INTO main.mentorship_notes SELECT * FROM temp.demo_notes")
    conn.execute("DROP TABLE temp.demo_notes")
    report("indexing", 1, steps)
    for done, (_name, sql) in enumerate(rebuild, start=2):
        conn.execute(sql)
        report("indexing", done, steps)
    conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", builder.settings_rows()
    )
    report("indexing", steps, steps)
    report("saving", 0, 1)


def table_counts(
    conn: sqlite3.Connection, tables: Sequence[str] = tuple(COLUMNS)
) -> dict[str, int]:
    """Rows per demo table, straight from the store."""
    return {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in tables}
