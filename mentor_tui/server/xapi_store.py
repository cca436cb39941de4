"""Storing xAPI statements and applying them to module progress, in the server's database.

One batch is one write transaction: the statements are stored as received (immutable; a known
id with the same statement is left alone, with a different one the whole batch is refused),
and what they say of each student's progress in each module is written to ``module_progress``
with a new version, field versions and a position in the change log, so every client whose
account may read the row pulls it as a synced change, as if it had been pushed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, text, update
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.learning.keys import progress_row_id
from mentor_tui.core.learning.xapi import (
    ActivityMap,
    Effect,
    Statement,
    check_statements,
    effect_of,
    progress_changes,
)
from mentor_tui.core.notifications.milestones import (
    MILESTONE,
    TITLE,
    Completion,
    all_wanted,
    milestones_notices,
)
from mentor_tui.db.models import AuditEntry, Module, ModuleProgress, Notification, User, new_ids
from mentor_tui.server.bulk import among, insert_many, update_many
from mentor_tui.server.checkpoint import deferred_checkpoint
from mentor_tui.server.log import LogWriter
from mentor_tui.server.progress_totals import totals_after
from mentor_tui.server.schema import json_text, write_options, xapi_statements

CHUNK = 500
# SQLite's cache_size for a batch: a negative number is KiB (256 MiB, given back after the
# batch; against 64 MiB the server's CPU 440 -> 410 µs a statement, benchmarks/xapi_ingest)
CACHE_KIB = -262144
PROGRESS = ModuleProgress.__table__
FIELDS = (
    "is_completed",
    "percent",
    "time_spent_minutes",
    "quiz_score",
    "last_activity_at",
    "completed_at",
)


class StatementConflict(Exception):
    """A statement id the server holds, with a different statement."""

    def __init__(self, statement_id: str) -> None:
        super().__init__(statement_id)
        self.statement_id = statement_id


@dataclass(frozen=True)
class Incoming:
    id: str
    raw: dict[str, Any]
    statement: Statement

    @property
    def canonical(self) -> str:
        return canonical(self.raw)


def canonical(raw: dict[str, Any]) -> str:
    """The statement for comparing: every property but its id, keys sorted."""
    body = {k: v for k, v in raw.items() if k != "id"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _chunks(values: Sequence[str]) -> list[list[str]]:
    items = sorted(set(values))
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


@contextmanager
def _page_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a page cache that holds what a batch writes: its rows and their links across
    the progress, log, audit and derived tables' indexes. With the connection's own 2 MiB the
    cache spilled to the WAL mid-batch and read pages again; it is given back after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    kept = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {kept}")


def store_statements(
    engine: Engine, account_id: str, batch: Sequence[Incoming], activities: ActivityMap
) -> int:
    """Store and apply ``batch``; returns how many statements were new. Raises
    ``StatementConflict`` (nothing stored) for a known id with a different statement."""
    with (
        engine.connect().execution_options(**write_options(engine)) as conn,
        _page_cache(conn),
        deferred_checkpoint(engine, conn),
        conn.begin(),
    ):
        known: dict[str, str] = {}
        for chunk in _chunks([item.id for item in batch]):
            rows = conn.execute(
                select(xapi_statements.c.id, xapi_statements.c.body).where(
                    among(conn, xapi_statements.c.id, chunk)
                )
            )
            known.update({r.id: r.body for r in rows})
        new: dict[str, Incoming] = {}  # a statement the batch holds twice is stored once
        for item in batch:
            if item.id in known:
                if canonical(json.loads(known[item.id])) != item.canonical:
                    raise StatementConflict(item.id)
                continue
            new.setdefault(item.id, item)
        return _store_new(conn, account_id, list(new.values()), activities)


def _store_new(
    conn: Connection, account_id: str, new: list[Incoming], activities: ActivityMap
) -> int:
    """Store and apply statements the server does not hold yet; how many."""
    if not new:
        return 0
    effects = [effect_of(item.statement) for item in new]
    outcomes = _apply(conn, account_id, new, effects, activities)
    now = clock.now()
    insert_many(
        conn,
        xapi_statements,
        [
            {
                "id": item.id,
                "body": json_text(item.raw),  # as received, compactly
                "account_id": account_id,
                "stored_at": now,
                "actor": effect.email,
                "verb": item.statement.verb.id,
                "activity_id": effect.activity_id,
                "outcome": outcome,
            }
            for item, effect, outcome in zip(new, effects, outcomes, strict=True)
        ],
    )
    return len(new)


def _apply(
    conn: Connection,
    account_id: str,
    items: Sequence[Incoming],
    effects: Sequence[Effect],
    activities: ActivityMap,
) -> list[str]:
    """Apply the effects to ``module_progress``; each statement's outcome."""
    emails = [e.email for e in effects if e.email]
    students: dict[str, str] = {}
    for chunk in _chunks(emails):
        rows = conn.execute(
            select(User.email, User.id).where(
                among(conn, User.email, chunk), User.role == "student", User.deleted_at.is_(None)
            )
        )
        students.update({r.email: r.id for r in rows})
    candidates = {
        activity: activities.candidates(activity)
        for activity in {e.activity_id for e in effects}
        if activity
    }
    modules: set[str] = set()
    for chunk in _chunks([c for found in candidates.values() for c in found]):
        rows = conn.execute(
            select(Module.id).where(among(conn, Module.id, chunk), Module.deleted_at.is_(None))
        )
        modules.update(r.id for r in rows)
    module_of = {
        activity: next((c for c in found if c in modules), None)
        for activity, found in candidates.items()
    }

    outcomes: list[str] = []
    wanted: list[tuple[str, str, Effect, str]] = []
    for item, effect in zip(items, effects, strict=True):
        student = students.get(effect.email or "")
        module = module_of.get(effect.activity_id or "")
        if effect.verb is None:
            outcomes.append("no effect")
        elif student is None:
            outcomes.append("unknown actor")
        elif module is None:
            outcomes.append("unknown activity")
        else:
            outcomes.append("applied")
            wanted.append((student, module, effect, item.id))
    if wanted:
        _write_progress(conn, account_id, wanted)
    return outcomes


def _write_progress(
    conn: Connection, account_id: str, wanted: list[tuple[str, str, Effect, str]]
) -> None:
    rows = _current_rows(conn, {(student, module) for student, module, _e, _i in wanted})
    now = clock.now()
    changed: dict[tuple[str, str], dict[str, Any]] = {}
    statements: dict[tuple[str, str], list[str]] = {}
    for student, module, effect, statement_id in wanted:
        key = (student, module)
        current = {**rows.get(key, {}), **changed.get(key, {})}
        changes = progress_changes(current, effect, now)
        if changes:
            changed.setdefault(key, {}).update(changes)
            statements.setdefault(key, []).append(statement_id)
    log = LogWriter(conn)
    origin = f"{account_id}/xapi"
    audit: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    log.preload("module_progress", [rows[k]["id"] for k in changed if k in rows])
    audit_ids = iter(new_ids(len(changed)))
    for key, changes in changed.items():
        before = rows.get(key)
        if before is not None and before["deleted_at"] is not None:
            continue  # a tombstoned row stays deleted; the statement is kept all the same
        if before is None:
            row_id = progress_row_id(*key)
            row = _new_row(row_id, key, now) | changes
            inserts.append(row)
            log.created("module_progress", row_id, [c for c in row if c != "id"], origin)
            action = "create"
        else:
            row_id = before["id"]
            version = int(before["version"]) + 1
            names = tuple(sorted(changes))
            updates.setdefault(names, []).append({"id": row_id, "version": version, **changes})
            log.changed("module_progress", row_id, changes, version, origin)
            action = "update"
        audit.append(
            {
                "id": next(audit_ids),
                "actor_id": account_id,
                "action": action,
                "entity": "module_progress",
                "entity_id": row_id,
                "at": now,
                "detail": {
                    "via": "xapi",
                    "fields": sorted(changes),
                    "statements": statements[key][:20],
                },
            }
        )
    with totals_after(conn, [key[0] for key in changed]):
        insert_many(conn, PROGRESS, inserts)
        for params in updates.values():
            # one statement per set of changed fields, executed for every row that has that set
            update_many(conn, PROGRESS, ["id"], params, {"updated_at": now})
    done = [
        key
        for key, changes in changed.items()
        if changes.get("is_completed")
        and (rows.get(key) is None or not rows[key]["is_completed"])
        and (rows.get(key) is None or rows[key]["deleted_at"] is None)
    ]
    if done:
        _milestones(conn, log, origin, done, audit, now)
    insert_many(conn, AuditEntry.__table__, audit)  # type: ignore[attr-defined]
    log.finish()


_PAIRS_ROWS = text(
    f"SELECT {', '.join(f'module_progress.{c.name}' for c in PROGRESS.c)}"
    " FROM json_each(:pairs) AS k JOIN module_progress"
    " ON module_progress.user_id = k.value ->> 0 AND module_progress.module_id = k.value ->> 1"
).columns(*PROGRESS.c)  # the pairs, one JSON parameter, joined through the unique index


def _current_rows(
    conn: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The progress rows of these (student, module) pairs, whole. On SQLite the pairs are
    joined to the rows through their unique index; elsewhere the students' row ids are read
    first (through the unique index, three short columns), then only the rows wanted."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    if conn.dialect.name == "sqlite":
        pairs = json.dumps(sorted(keys), separators=(",", ":"))
        for row in conn.execute(_PAIRS_ROWS, {"pairs": pairs}).mappings():
            rows[(row["user_id"], row["module_id"])] = dict(row)
        return rows
    ids: list[str] = []
    for chunk in _chunks([student for student, _module in keys]):
        found = conn.execute(
            select(PROGRESS.c.id, PROGRESS.c.user_id, PROGRESS.c.module_id).where(
                PROGRESS.c.user_id.in_(chunk)
            )
        )
        ids += [row_id for row_id, student, module in found if (student, module) in keys]
    for chunk in _chunks(ids):
        for row in conn.execute(select(PROGRESS).where(PROGRESS.c.id.in_(chunk))).mappings():
            rows[(row["user_id"], row["module_id"])] = dict(row)
    return rows


def _milestones(
    conn: Connection,
    log: LogWriter,
    origin: str,
    done: list[tuple[str, str]],
    audit: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Modules newly completed: the students and their mentors told, as the learning import
    tells them (core/notifications/milestones.py), in the statements' transaction."""
    session = Session(bind=conn, join_transaction_mode="rollback_only")
    try:
        completions = [Completion(student, module, now) for student, module in done]
        notices = all_wanted(session, Config(), milestones_notices(session, completions))
    finally:
        session.close()
    rows = [
        {
            "id": row_id, "created_at": now, "updated_at": now, "version": 1,
            "deleted_at": None, "user_id": told.user_id, "type": MILESTONE, "title": TITLE,
            "message": told.message, "data": told.data, "read_at": None,
        }
        for told, row_id in zip(notices, new_ids(len(notices)), strict=True)
    ]  # fmt: skip
    audit_ids = iter(new_ids(len(rows)))
    for row in rows:
        log.created("notifications", row["id"], [c for c in row if c != "id"], origin)
        audit.append(
            {
                "id": next(audit_ids), "actor_id": None, "action": "notify", "entity": "notifications",
                "entity_id": row["id"], "at": now, "detail": {"via": "xapi"},
            }
        )  # fmt: skip
    insert_many(conn, Notification.__table__, rows)


def _new_row(row_id: str, key: tuple[str, str], now: datetime) -> dict[str, Any]:
    return {
        "id": row_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "deleted_at": None,
        "user_id": key[0],
        "module_id": key[1],
        "is_completed": False,
        "percent": 0.0,
        "time_spent_minutes": 0,
        "quiz_score": None,
        "last_activity_at": None,
        "completed_at": None,
    }


UNMATCHED = ("unknown actor", "unknown activity")


def reapply_unmatched(engine: Engine, activities: ActivityMap) -> dict[str, int]:
    """Apply again the stored statements whose student or module was unknown (a student
    added, a module imported or mapped since): how many are now applied and still unmatched."""
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        rows = conn.execute(
            select(xapi_statements.c.id, xapi_statements.c.body, xapi_statements.c.account_id)
            .where(xapi_statements.c.outcome.in_(UNMATCHED))
            .order_by(xapi_statements.c.stored_at, xapi_statements.c.id)
            .with_for_update()  # two admins at once: the second waits, then finds them applied
        ).all()
        raws = [json.loads(row.body) for row in rows]
        by_account: dict[str, list[Incoming]] = {}
        for row, raw, statement in zip(rows, raws, check_statements(raws), strict=True):
            by_account.setdefault(row.account_id, []).append(Incoming(row.id, raw, statement))
        counts = {"applied": 0, "unmatched": 0}
        for account_id, items in by_account.items():
            effects = [effect_of(item.statement) for item in items]
            outcomes = _apply(conn, account_id, items, effects, activities)
            changed = [
                {"b_id": item.id, "b_outcome": outcome}
                for item, outcome in zip(items, outcomes, strict=True)
                if outcome == "applied"
            ]
            if changed:
                conn.execute(
                    update(xapi_statements)
                    .where(xapi_statements.c.id == bindparam("b_id"))
                    .values(outcome=bindparam("b_outcome")),
                    changed,
                )
            counts["applied"] += len(changed)
            counts["unmatched"] += len(items) - len(changed)
        return counts


def stored_statement(engine: Engine, statement_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(xapi_statements).where(xapi_statements.c.id == statement_id)
        ).first()
    if row is None:
        return None
    body: dict[str, Any] = json.loads(row.body)
    stored = row.stored_at if row.stored_at.tzinfo else row.stored_at.replace(tzinfo=UTC)
    return {**body, "id": row.id, "stored": stored.isoformat()}


def unknown_activities(engine: Engine) -> list[dict[str, Any]]:
    """Activities statements named that map to no module, with how many statements did."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                xapi_statements.c.activity_id,
                func.count().label("statements"),
                func.max(xapi_statements.c.stored_at).label("last"),
            )
            .where(xapi_statements.c.outcome == "unknown activity")
            .group_by(xapi_statements.c.activity_id)
            .order_by(xapi_statements.c.activity_id)
        )
        return [
            {
                "activity_id": r.activity_id,
                "statements": int(r.statements),
                "last_stored": str(r.last),
            }
            for r in rows
        ]
