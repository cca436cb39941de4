"""Checking a batch of learning records against each other and the store, before any write.

Every record names its own id and the ids of the records it refers to, in the platform's terms.
``plan`` maps each to its mentor-tui row (``keys.row_id``; a user whose email already has an
account is that account), loads the rows that exist, and lists every problem of the batch:
repeated ids and emails, references to nothing, roles that do not fit (a progress row belongs
to a student, a mentor is a mentor), rows deleted in mentor-tui, a role an import would change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core.learning.keys import row_id
from mentor_tui.core.learning.records import FIELDS, KINDS, Place, Problem, Record
from mentor_tui.db.models import Assignment, Course, Module, Submission, Synced, User

MODELS: dict[str, type[Synced]] = {
    "user": User,
    "course": Course,
    "module": Module,
    "assignment": Assignment,
    "submission": Submission,
}
CHUNK = 500
ROLE_NEEDED = {
    ("user", "mentor_id"): ("mentor",),
    ("enrollment", "user_id"): ("student",),
    ("progress", "user_id"): ("student",),
    ("submission", "student_id"): ("student",),
    ("submission", "reviewed_by"): ("mentor", "admin"),
}


@dataclass
class Plan:
    """A checked batch: its records by kind, each platform id's row id, the rows that exist."""

    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(records) for records in self.records.values())

    def target(self, kind: str, external: str) -> str:
        return self.ids.get((kind, external)) or row_id(kind, external)


def _load(session: Session, model: type[Synced], ids: Iterable[str]) -> dict[str, Any]:
    wanted = sorted(set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for row in session.execute(select(model).where(model.id.in_(chunk))).scalars():
            found[row.id] = row
    return found


def _users_by_email(session: Session, emails: Sequence[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    wanted = sorted(set(emails))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for user in session.execute(select(User).where(User.email.in_(chunk))).scalars():
            found[user.email] = user
    return found


def _label(kind: str, external: str) -> str:
    return f"the {kind} {external!r}"


def plan(session: Session, records: Sequence[Record]) -> Plan:
    """Check ``records`` as one batch; ``Plan.problems`` lists every problem, sorted by place."""
    result = Plan()
    first: dict[tuple[str, str], Place] = {}
    for record in records:
        key = (record.kind, record.id)
        if key in first:
            result.problems.append(
                Problem(record.place, "id", f"{_label(*key)} already appears on {first[key]}.")
            )
            continue
        first[key] = record.place
        result.records[record.kind].append(record)
    _plan_users(session, result)
    for kind in ("course", "module", "assignment", "submission"):
        for record in result.records[kind]:
            result.ids[(kind, record.id)] = row_id(kind, record.id)

    # rows the batch names: its own and those it refers to
    wanted: dict[str, set[str]] = {kind: set() for kind in MODELS}
    for kind, kind_records in result.records.items():
        for record in kind_records:
            if kind in MODELS:
                wanted[kind].add(result.target(kind, record.id))
            for name, spec in FIELDS[kind].items():
                if spec.ref and name in record.values:
                    wanted[spec.ref].add(result.target(spec.ref, record.values[name]))
    for kind, model in MODELS.items():
        result.rows.update(_load(session, model, wanted[kind]))
    for user_id, row in result.rows.items():
        if isinstance(row, User):
            result.roles[user_id] = row.role
    for record in result.records["user"]:  # the file's roles win for the checks below
        result.roles[result.target("user", record.id)] = record.values["role"]

    in_batch = {(kind, r.id) for kind, rs in result.records.items() for r in rs}
    for kind_records in result.records.values():
        for record in kind_records:
            _check_record(result, record, in_batch)
    result.problems.sort()
    return result


def _plan_users(session: Session, result: Plan) -> None:
    users = result.records["user"]
    emails: dict[str, Place] = {}
    for record in users:
        email = record.values["email"]
        if email in emails:
            result.problems.append(
                Problem(record.place, "email", f"{email} already appears on {emails[email]}.")
            )
        else:
            emails[email] = record.place
    holders = _users_by_email(session, list(emails))
    own = _load(session, User, [row_id("user", r.id) for r in users])
    for record in users:
        derived = row_id("user", record.id)
        holder = holders.get(record.values["email"])
        target = derived
        if holder is not None and holder.id != derived:
            if derived in own:
                result.problems.append(
                    Problem(
                        record.place,
                        "email",
                        f"{holder.email} belongs to another account than the one "
                        f"{_label('user', record.id)} was imported as.",
                    )
                )
            target = holder.id  # an account made in mentor-tui: the import takes it over
        result.ids[("user", record.id)] = target


def _check_record(result: Plan, record: Record, in_batch: set[tuple[str, str]]) -> None:
    kind = record.kind
    own = result.rows.get(result.target(kind, record.id)) if kind in MODELS else None
    if own is not None and own.deleted_at is not None:
        result.problems.append(
            Problem(
                record.place,
                "id",
                f"{_label(kind, record.id)} was deleted in this database; an import does not "
                "bring it back.",
            )
        )
    if kind == "user" and own is not None and own.role != record.values["role"]:
        result.problems.append(
            Problem(
                record.place,
                "role",
                f"{own.email} is a {own.role} in this database; an import does not change a role.",
            )
        )
    for name, spec in FIELDS[kind].items():
        if spec.ref is None or name not in record.values:
            continue
        external = record.values[name]
        target = result.target(spec.ref, external)
        row = result.rows.get(target)
        if (spec.ref, external) not in in_batch and (row is None or row.deleted_at is not None):
            result.problems.append(
                Problem(
                    record.place,
                    name,
                    f"no {spec.ref} {external!r} in the file or the database.",
                )
            )
            continue
        needed = ROLE_NEEDED.get((kind, name))
        role = result.roles.get(target)
        if needed and role not in needed:
            result.problems.append(
                Problem(
                    record.place,
                    name,
                    f"{_label('user', external)} is a {role}, not a {' or '.join(needed)}.",
                )
            )
