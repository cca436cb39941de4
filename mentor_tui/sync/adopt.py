"""Joining a server with a store that already holds data (a program that started offline).

Done once, at the first login of a store that has users:

1. People are matched by email: a local user whose email the server knows takes the server's
   id (every reference to them is rewritten), so nobody is duplicated; the server's copy of a
   matched person stands.
2. Every other row the account may read is queued in the journal as one insert of its current
   state (rows built in bulk, like the demo's or a learning platform bridge's first pass into
   a store never joined, were never journaled; rows that were are sent as they are now, their
   older entries superseded). The normal push then sends them, once.
3. Rows the account may not read are not sent: they leave this store, which from now on holds
   the account's view. Notes among them (someone else's typed text) are kept as conflicts
   first, so no note text is lost.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import sqlite

from mentor_tui.core.access import Actor
from mentor_tui.db.models import SQLModel, new_id
from mentor_tui.sync.protocol import spec, table_specs
from mentor_tui.sync.scopes import readable
from mentor_tui.sync.store import now_text, prune, save_state

ROLE_ORDER = "CASE role WHEN 'admin' THEN 0 WHEN 'mentor' THEN 1 ELSE 2 END"
NEW_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
    " || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)))"
)


@dataclass
class Adoption:
    matched: int = 0
    queued: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    notes_kept_as_conflicts: int = 0


def local_emails(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT email FROM users WHERE deleted_at IS NULL")]


def store_has_data(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def _user_references() -> list[tuple[str, str]]:
    """Every (table, column) in this store that holds a user id."""
    refs: list[tuple[str, str]] = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(
                fk.column.table.name == "users" and fk.column.name == "id"
                for fk in column.foreign_keys
            ):
                refs.append((table.name, column.name))
    refs += [("audit_log", "actor_id"), ("change_journal", "actor_id")]
    return refs


def remap_users(conn: sqlite3.Connection, server_ids: dict[str, str]) -> set[str]:
    """Give matched local users the server's ids; returns the ids now shared with the server."""
    local = dict(conn.execute("SELECT email, id FROM users").fetchall())
    shared: set[str] = set()
    for email, server_id in server_ids.items():
        old = local.get(email)
        if old is None:
            continue
        shared.add(server_id)
        if old == server_id:
            continue
        taken = conn.execute("SELECT email FROM users WHERE id = ?", (server_id,)).fetchone()
        if taken is not None:
            continue  # cannot happen with UUIDs; never merge two different people
        _move_user(conn, old, server_id)
        for table in ("audit_log", "change_journal"):
            conn.execute(
                f"UPDATE {table} SET entity_id = ? WHERE entity = 'users' AND entity_id = ?",
                (server_id, old),
            )
    return shared


def _move_user(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Give a user a new id, and every reference to them with it. The user exists under both
    ids while references move (the old row's email set aside for the unique index), because
    some indexes read the user row (the notes' search index keys notes by their author's id):
    a note changing author sees both the author it leaves and the one it gets."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(users)")]
    names = ", ".join(f'"{c}"' for c in columns)
    copied = ", ".join("?" if c in ("id", "email") else f'"{c}"' for c in columns)
    email = conn.execute("SELECT email FROM users WHERE id = ?", (old,)).fetchone()[0]
    conn.execute("UPDATE users SET email = ? WHERE id = ?", (f"{old} moving", old))
    values = [new if c == "id" else email for c in columns if c in ("id", "email")]
    conn.execute(
        f"INSERT INTO users ({names}) SELECT {copied} FROM users WHERE id = ?", (*values, old)
    )
    for table, column in _user_references():
        conn.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', (new, old))
    conn.execute("DELETE FROM users WHERE id = ?", (old,))


def _sql(statement: Any) -> str:
    return str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def _fields_json(table: Table) -> str:
    parts = []
    for column in table.columns:
        kind = spec(table.name).kind(column.name)
        value = f'json("{column.name}")' if kind == "json" else f'"{column.name}"'
        parts.append(f"'{column.name}', {value}")
    return f"json_object({', '.join(parts)})"


def adopt(conn: sqlite3.Connection, actor: Actor, server_ids: dict[str, str]) -> Adoption:
    """Queue this store's data for its first push (see the module doc). One transaction."""
    result = Adoption()
    shared = remap_users(conn, server_ids)
    result.matched = len(shared)
    stamp = now_text()
    conn.execute("UPDATE change_journal SET pushed_at = ? WHERE pushed_at IS NULL", (stamp,))
    for name, table_spec in table_specs().items():
        table = table_spec.table
        visible = _sql(select(table.c.id).where(readable(actor, name)))
        where = f"deleted_at IS NULL AND id IN ({visible})"
        if name == "users" and shared:
            where += f" AND id NOT IN ({', '.join('?' for _ in shared)})"
        order = f"{ROLE_ORDER}, id" if name == "users" else "id"
        params = tuple(shared) if name == "users" else ()
        queued = conn.execute(
            "INSERT INTO change_journal (change_id, entity, entity_id, op, base_version, fields, "
            f"actor_id, made_at) SELECT {NEW_UUID}, '{name}', id, 'insert', 0, "
            f'{_fields_json(table)}, ?, ? FROM "{name}" WHERE {where} ORDER BY {order}',
            (actor.id, stamp, *params),
        ).rowcount
        result.queued += queued
        hidden = conn.execute(
            f'SELECT count(*) FROM "{name}" WHERE deleted_at IS NULL AND id NOT IN ({visible})'
        ).fetchone()[0]
        if hidden:
            result.left_out[name] = hidden
    result.notes_kept_as_conflicts = _keep_foreign_notes(conn, actor, stamp)
    prune(conn, actor)
    save_state(conn, adopted_at=stamp)
    return result


def _keep_foreign_notes(conn: sqlite3.Connection, actor: Actor, stamp: str) -> int:
    table = spec("mentorship_notes").table
    visible = _sql(select(table.c.id).where(readable(actor, "mentorship_notes")))
    rows = conn.execute(
        f"SELECT id, note FROM mentorship_notes WHERE deleted_at IS NULL AND id NOT IN ({visible})"
    ).fetchall()
    for note_id, text in rows:
        conn.execute(
            "INSERT INTO sync_conflicts (id, entity, entity_id, kind, change_id, fields, message, "
            "created_at) VALUES (?, 'mentorship_notes', ?, 'rejected', NULL, ?, ?, ?)",
            (
                new_id(),
                note_id,
                json.dumps(
                    {
                        "fields": {"note": {"mine": text, "theirs": None}},
                        "theirs_deleted": True,
                        "mine_deleted": False,
                    },
                    ensure_ascii=False,
                ),
                "Written by someone else: only its author can send it to the server.",
                stamp,
            ),
        )
    return len(rows)
