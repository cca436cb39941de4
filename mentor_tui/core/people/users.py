"""User accounts: listing (as far as the actor may see), adding one, the first admin of an
empty store, and the all-or-nothing CSV import (SPEC sections 4.6 and 5)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor, require_admin, user_scope
from mentor_tui.core.assignment.seats import assign_student, mentor_load
from mentor_tui.core.people.settings import store_is_empty
from mentor_tui.core.text import has_control
from mentor_tui.core.validation import MAX_CAPACITY, MAX_EMAIL, MAX_NAME, check_zone_name
from mentor_tui.db.models import ROLES, MentorProfile, StudentProfile, User
from mentor_tui.errors import UserError

MAX_EXPERTISE = 40
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class UserRow:
    id: str
    email: str
    full_name: str
    role: str
    status: str
    timezone: str
    mentor_id: str | None


def list_users(session: Session, actor: Actor, *, role: str | None = None) -> list[UserRow]:
    """Everyone the actor may look up (``user_scope``), by role then name."""
    query = select(
        User.id, User.email, User.full_name, User.role, User.status, User.timezone, User.mentor_id
    ).where(user_scope(actor))
    if role is not None:
        query = query.where(User.role == check_role(role))
    query = query.order_by(User.role, User.full_name, User.email)
    return [UserRow(*row) for row in session.execute(query)]


# ---------------------------------------------------------------------------------------------
# Checking what a person typed: each check returns the clean value or raises one sentence.


def check_email(value: str) -> str:
    email = (value or "").strip().lower()
    if not email:
        raise UserError("Give an email address.")
    if len(email) > MAX_EMAIL or has_control(email) or not _EMAIL.fullmatch(email):
        raise UserError(f"{email!r} is not an email address like name@example.org.")
    return email


def check_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise UserError("Give the person's full name.")
    if has_control(value):
        raise UserError("A name cannot contain control characters.")
    if len(name) > MAX_NAME:
        raise UserError(f"A name can be at most {MAX_NAME} characters long.")
    return name


def check_role(value: str) -> str:
    role = (value or "").strip().lower()
    if role not in ROLES:
        raise UserError(f"Unknown role {value!r}; use one of {', '.join(ROLES)}.")
    return role


def check_timezone(value: str) -> str:
    return check_zone_name((value or "").strip() or "UTC")


def check_capacity(value: int | str | None, config: Config) -> int:
    if value is None or value == "":
        return config.max_students_per_mentor
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UserError(f"Capacity must be a whole number, not {value!r}.") from None
    if not 1 <= number <= MAX_CAPACITY:
        raise UserError(f"Capacity must be between 1 and {MAX_CAPACITY}, not {number}.")
    return number


def check_expertise(values: Sequence[str]) -> list[str]:
    areas: list[str] = []
    for value in values:
        area = " ".join(value.split())
        if not area:
            continue
        if has_control(value):
            raise UserError("An expertise area cannot contain control characters.")
        if area.lower() not in (a.lower() for a in areas):
            areas.append(area)
    if len(areas) > MAX_EXPERTISE:
        raise UserError(f"A mentor can list at most {MAX_EXPERTISE} expertise areas.")
    return areas


def _email_taken(session: Session, email: str) -> bool:
    # Tombstoned accounts keep their email: the unique constraint still holds it.
    return session.execute(select(User.id).where(User.email == email)).first() is not None


@dataclass(frozen=True)
class NewUser:
    """One account, checked and ready to write."""

    email: str
    full_name: str
    role: str
    timezone: str = "UTC"
    mentor_email: str | None = None
    expertise: tuple[str, ...] = ()
    capacity: int | None = None


def _checked(
    *,
    email: str,
    full_name: str,
    role: str,
    timezone: str,
    mentor_key: str | None,
    expertise: Sequence[str],
    capacity: int | str | None,
    config: Config,
) -> NewUser:
    role = check_role(role)
    mentor_key = (mentor_key or "").strip() or None
    if mentor_key and role != "student":
        raise UserError("Only a student can have a mentor.")
    areas = check_expertise(expertise)
    if areas and role != "mentor":
        raise UserError("Only a mentor has expertise areas.")
    if capacity not in (None, "") and role != "mentor":
        raise UserError("Only a mentor has a capacity.")
    return NewUser(
        email=check_email(email),
        full_name=check_name(full_name),
        role=role,
        timezone=check_timezone(timezone),
        mentor_email=mentor_key.lower() if mentor_key else None,
        expertise=tuple(areas),
        capacity=check_capacity(capacity, config) if role == "mentor" else None,
    )


def _write(session: Session, actor_id: str | None, new: NewUser, config: Config) -> User:
    user = User(
        email=new.email,
        full_name=new.full_name,
        role=new.role,
        timezone=new.timezone,
        status="Active",
    )
    writes.insert(session, actor_id, user)
    session.flush()  # the profile's foreign key needs the user row first
    if new.role == "mentor":
        profile = MentorProfile(
            user_id=user.id,
            expertise=list(new.expertise),
            capacity=new.capacity or config.max_students_per_mentor,
        )
        writes.insert(session, actor_id, profile)
    elif new.role == "student":
        writes.insert(session, actor_id, StudentProfile(user_id=user.id))
    session.flush()
    return user


def add_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: str,
    timezone: str = "UTC",
    mentor_key: str | None = None,
    expertise: Sequence[str] = (),
    capacity: int | str | None = None,
    force: bool = False,
    config: Config | None = None,
) -> User:
    """Create an account (admins only): a mentor gets a profile with ``capacity`` (default
    ``max_students_per_mentor``), a student a profile and, with ``mentor_key``, a mentor under
    the assignment rules (capacity, unless ``force``)."""
    require_admin(actor, "add users")
    config = config or load_config()
    new = _checked(
        email=email,
        full_name=full_name,
        role=role,
        timezone=timezone,
        mentor_key=mentor_key,
        expertise=expertise,
        capacity=capacity,
        config=config,
    )
    if _email_taken(session, new.email):
        raise UserError(f"{new.email} already has an account.")
    user = _write(session, actor.id, new, config)
    if new.mentor_email:
        assign_student(session, actor, user.id, new.mentor_email, force=force, config=config)
    return user


def create_first_admin(
    session: Session, *, email: str, full_name: str, timezone: str = "UTC"
) -> User:
    """The first account of an empty store, an admin; refused once any user exists."""
    if not store_is_empty(session):
        raise UserError("This database already has users; an admin adds new ones.")
    new = _checked(
        email=email,
        full_name=full_name,
        role="admin",
        timezone=timezone,
        mentor_key=None,
        expertise=(),
        capacity=None,
        config=Config(),
    )
    user = User(email=new.email, full_name=new.full_name, role="admin", timezone=new.timezone)
    writes.insert(session, user.id, user, detail={"first_admin": True})
    session.flush()
    return user


# ---------------------------------------------------------------------------------------------
# CSV import.

REQUIRED_COLUMNS = ("full_name", "email", "role")
OPTIONAL_COLUMNS = ("mentor_email", "timezone", "expertise", "capacity")
PROGRESS_EVERY = 50
"""Rows written between two calls of an import's progress callback."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    by_role: dict[str, int] = field(default_factory=dict)
    unassigned_students: tuple[str, ...] = ()  # ids of new students the file gave no mentor


class ImportRejected(UserError):
    """The file has bad lines; nothing was written. ``problems`` holds one sentence per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        noun = "line has a problem" if len(problems) == 1 else "lines have problems"
        super().__init__(f"Nothing was imported: {len(problems)} {noun}.\n" + "\n".join(problems))


def _read_csv_text(path_or_text: str | Path) -> str:
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        return path_or_text
    path = Path(path_or_text)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"There is no file {str(path)!r}.") from None
    except IsADirectoryError:
        raise UserError(f"{str(path)!r} is a folder, not a CSV file.") from None
    except UnicodeDecodeError:
        raise UserError(f"{str(path)!r} is not UTF-8 text; save the CSV as UTF-8.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {str(path)!r}: {exc.strerror}.") from None


@dataclass
class _Line:
    number: int
    new: NewUser


def _records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each non-blank record with the file line it starts on."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] = []
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if header:
                    records.append((start, row))
                else:
                    header = [cell.strip().lower() for cell in row]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UserError(f"line {reader.line_num}: this is not valid CSV ({exc}).") from None
    return header, records


def _check_header(header: list[str]) -> None:
    if not header:
        raise UserError("The CSV file is empty; it needs a header with full_name,email,role.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise UserError(
            f"line 1: the header lacks {', '.join(missing)}; it needs full_name,email,role "
            f"and may have {','.join(OPTIONAL_COLUMNS)}."
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise UserError(
            f"line 1: unknown column {unknown[0]!r}; the columns are "
            f"{','.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}."
        )
    repeated = [c for c, n in Counter(header).items() if n > 1]
    if repeated:
        raise UserError(f"line 1: the column {repeated[0]!r} appears twice.")


def import_users_csv(
    session: Session,
    actor: Actor,
    path_or_text: str | Path,
    *,
    config: Config | None = None,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportResult:
    """Create every account in the CSV or none: all lines are checked first and every bad one
    is reported as ``line N: reason`` (N counts the header as line 1).

    ``mentor_email`` may name an existing active mentor or a mentor created by the same file;
    no mentor is taken past their capacity.

    ``progress(done, total)`` follows the writing, by rows: once every line has passed its
    checks it is called with ``(0, total)``, then after every ``progress_every`` rows written
    (a row is its account, its profile and its mentor), and last with ``(total, total)``; a
    refused file never calls it."""
    require_admin(actor, "import users")
    if progress_every < 1:
        raise ValueError("progress_every must be at least 1")
    config = config or load_config()
    header, records = _records(_read_csv_text(path_or_text))
    _check_header(header)

    problems: list[tuple[int, str]] = []
    lines: list[_Line] = []
    first_seen: dict[str, int] = {}
    for number, cells in records:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append((number, "it has more values than the header has columns."))
            continue
        value = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        try:
            new = _checked(
                email=value.get("email", ""),
                full_name=value.get("full_name", ""),
                role=value.get("role", ""),
                timezone=value.get("timezone", ""),
                mentor_key=value.get("mentor_email") or None,
                expertise=value.get("expertise", "").split(";"),
                capacity=value.get("capacity") or None,
                config=config,
            )
        except UserError as exc:
            problems.append((number, str(exc)))
            continue
        if new.email in first_seen:
            seen = first_seen[new.email]
            problems.append((number, f"{new.email} already appears on line {seen}."))
            continue
        first_seen[new.email] = number
        if _email_taken(session, new.email):
            problems.append((number, f"{new.email} already has an account."))
            continue
        lines.append(_Line(number, new))

    problems += _mentor_problems(session, lines, config)
    if problems:
        raise ImportRejected([f"line {n}: {text}" for n, text in sorted(problems)])

    created: Counter[str] = Counter()
    waiting: list[str] = []
    total = len(lines)
    if progress is not None:
        progress(0, total)
    # mentors first, so every mentor a student names exists when that student is written
    for done, line in enumerate(sorted(lines, key=lambda ln: ln.new.role != "mentor"), start=1):
        user = _write(session, actor.id, line.new, config)
        if line.new.mentor_email:
            assign_student(session, actor, user.id, line.new.mentor_email, config=config)
        elif line.new.role == "student":
            waiting.append(user.id)
        created[line.new.role] += 1
        if progress is not None and (done % progress_every == 0 or done == total):
            progress(done, total)
    return ImportResult(
        created=sum(created.values()), by_role=dict(created), unassigned_students=tuple(waiting)
    )


def _mentor_problems(session: Session, lines: list[_Line], config: Config) -> list[tuple[int, str]]:
    """Each student's mentor must be an active mentor (in the store or the file) with a seat."""
    in_file = {ln.new.email: ln.new for ln in lines if ln.new.role == "mentor"}
    seats: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for line in lines:
        email = line.new.mentor_email
        if not email:
            continue
        if email not in seats:
            if email in in_file:
                seats[email] = in_file[email].capacity or config.max_students_per_mentor
            else:
                mentor = session.execute(
                    select(User).where(User.email == email)
                ).scalar_one_or_none()
                if mentor is None or mentor.deleted_at is not None:
                    problems.append(
                        (line.number, f"no mentor {email} in the database or the file.")
                    )
                    continue
                if mentor.role != "mentor":
                    problems.append((line.number, f"{email} is not a mentor."))
                    continue
                if mentor.status != "Active":
                    problems.append((line.number, f"{email} is not an active mentor."))
                    continue
                load, capacity = mentor_load(session, mentor.id, config=config)
                seats[email] = capacity - load
        if seats[email] <= 0:
            problems.append(
                (line.number, f"mentor {email} has no free seat left for {line.new.email}.")
            )
            continue
        seats[email] -= 1
    return problems


__all__ = [
    "PROGRESS_EVERY",
    "ImportRejected",
    "ImportResult",
    "NewUser",
    "UserRow",
    "add_user",
    "check_capacity",
    "check_email",
    "check_name",
    "check_role",
    "check_timezone",
    "create_first_admin",
    "import_users_csv",
    "list_users",
]
