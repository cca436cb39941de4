"""Who stops or starts seeing what when a pushed change moves a row between audiences (a
student moved to another mentor): rows they lost are revoked, rows they gained re-sent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from mentor_tui.core.access import Actor
from mentor_tui.db.models import User
from mentor_tui.server.log import LogWriter
from mentor_tui.server.push_change import holds
from mentor_tui.sync.protocol import TableSpec, table_specs
from mentor_tui.sync.scopes import readable, scope_columns

# Rows a person's public profile is made of: re-sent when someone newly sees that person.
PROFILE_ROWS = {"users": "id", "mentor_profiles": "user_id", "mentor_specializations": "mentor_id"}


def audience_before(
    conn: Connection, table_spec: TableSpec, before: dict[str, Any], apply: dict[str, Any]
) -> dict[str, bool] | None:
    """When the change moves a row between audiences: candidate account -> could read it."""
    if not set(apply) & scope_columns(table_spec.name):
        return None
    after = {**before, **apply}
    people: set[str] = set()
    for column in table_spec.user_columns:
        people.update(v for v in (before.get(column), after.get(column)) if v)
    if table_spec.name == "users":
        people.add(before["id"])
    if table_spec.name == "mentorship_sessions":
        attendees = table_specs()["session_attendees"].table
        people.update(
            r[0]
            for r in conn.execute(
                select(attendees.c.student_id).where(attendees.c.session_id == before["id"])
            )
        )
    if people:
        mentors = conn.execute(
            select(User.mentor_id).where(User.id.in_(people), User.mentor_id.is_not(None))
        )
        people.update(r[0] for r in mentors)
    return {
        account.id: holds(conn, table_spec, before["id"], readable(account, table_spec.name))
        for account in _actors(conn, people)
        if not account.is_admin
    }


def _actors(conn: Connection, ids: set[str]) -> list[Actor]:
    if not ids:
        return []
    rows = conn.execute(
        select(User.id, User.role, User.email, User.full_name, User.timezone).where(
            User.id.in_(ids)
        )
    )
    return [Actor(r.id, r.role, r.email, r.full_name, r.timezone) for r in rows]


def revoke_lost(
    conn: Connection,
    log: LogWriter,
    table_spec: TableSpec,
    before: dict[str, Any],
    after: dict[str, Any],
    audience: dict[str, bool],
) -> None:
    row_id = before["id"]
    if table_spec.name == "users" and before["role"] != after["role"]:
        log.revoke(
            None, "users", row_id
        )  # everyone re-checks; those who still may see it get it again
        return
    for account in _actors(conn, {a for a, saw in audience.items() if saw}):
        if not holds(conn, table_spec, row_id, readable(account, table_spec.name)):
            log.revoke(account.id, table_spec.name, row_id)


def resend_dependents(
    conn: Connection,
    log: LogWriter,
    table_spec: TableSpec,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Give new positions to rows whose audience this change widened, so they reach it."""
    specs = table_specs()
    name = table_spec.name
    if name == "users":
        if before is not None:
            for other in specs.values():
                for column in other.user_columns:
                    ids = conn.execute(
                        select(other.table.c.id).where(other.table.c[column] == after["id"])
                    )
                    log.touch_many(other.name, (r[0] for r in ids))
            log.touch("users", after["id"])
        new_mentor = after.get("mentor_id")
        if new_mentor and (before is None or before.get("mentor_id") != new_mentor):
            for table, column in PROFILE_ROWS.items():
                if table in specs:
                    ids = conn.execute(
                        select(specs[table].table.c.id).where(
                            specs[table].table.c[column] == new_mentor
                        )
                    )
                    log.touch_many(table, (r[0] for r in ids))
    elif name == "mentorship_sessions" and before is not None:
        attendees = specs["session_attendees"].table
        ids = conn.execute(select(attendees.c.id).where(attendees.c.session_id == after["id"]))
        log.touch_many("session_attendees", (r[0] for r in ids))
    elif name == "session_attendees":
        log.touch("mentorship_sessions", after["session_id"])
        if before is not None and before["session_id"] != after["session_id"]:
            log.touch("mentorship_sessions", before["session_id"])


__all__ = ["PROFILE_ROWS", "audience_before", "resend_dependents", "revoke_lost"]
