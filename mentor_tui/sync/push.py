"""Pushing the change journal (outbox) and taking in the server's answer.

A batch is the oldest unpushed journal entries, sent as they are (same change ids every time,
so a retry after a lost answer is applied once). The answer is taken in one local
transaction: entries are marked pushed, conflicts recorded, and each row set to what the
server now holds, unless the row changed again locally meanwhile (then the newer local changes
keep counting from the version their chain started on, and the next push settles them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from mentor_tui.sync.conflicts import record_conflict
from mentor_tui.sync.http import SyncHttp
from mentor_tui.sync.protocol import BOOKKEEPING, PUSH_BATCH
from mentor_tui.sync.store import (
    PendingChange,
    delete_rows,
    local_transaction,
    now_text,
    pending_batch,
    pending_count,
    upsert_rows,
)

Progress = Callable[[str, int, int | None], None]


@dataclass
class PushReport:
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0


def push_all(
    engine: Engine,
    http: SyncHttp,
    client_id: str,
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    after_send: Callable[[list[PendingChange]], None] | None = None,
) -> PushReport:
    """Push until nothing is pending (changes made meanwhile go too)."""
    report = PushReport()
    with local_transaction(engine) as conn:
        total = pending_count(conn)
    while True:
        with local_transaction(engine) as conn:
            batch = pending_batch(conn, batch_size or PUSH_BATCH)
        if not batch:
            return report
        answer = http.post(
            "/sync/push", {"client_id": client_id, "changes": [c.wire() for c in batch]}
        )
        if after_send is not None:
            after_send(batch)
        with local_transaction(engine) as conn:
            conflicts, rejected = apply_results(conn, batch, answer["results"])
        report.pushed += len(batch)
        report.conflicts += conflicts
        report.rejected += rejected
        if progress is not None:
            progress("push", report.pushed, max(total, report.pushed))


def apply_results(
    conn: sqlite3.Connection, batch: list[PendingChange], results: list[dict[str, Any]]
) -> tuple[int, int]:
    by_id = {r["change_id"]: r for r in results}
    conflicts = rejected = 0
    stamp = now_text()
    last: dict[tuple[str, str], tuple[PendingChange, dict[str, Any]]] = {}
    for change in batch:
        result = by_id.get(change.change_id)
        if result is None:
            continue  # not answered: stays pending, goes again
        conn.execute("UPDATE change_journal SET pushed_at = ? WHERE seq = ?", (stamp, change.seq))
        status = result["status"]
        if status == "conflict" and result.get("conflict"):
            record_conflict(conn, change, result["conflict"], result.get("message", ""))
            conflicts += 1
        elif status == "rejected":
            _record_rejection(conn, change, result)
            rejected += 1
        last[(change.entity, change.entity_id)] = (change, result)
    for (entity, entity_id), (change, result) in last.items():
        still = conn.execute(
            "SELECT count(*) FROM change_journal WHERE entity = ? AND entity_id = ? AND pushed_at IS NULL",
            (entity, entity_id),
        ).fetchone()[0]
        if still:
            conn.execute(
                "UPDATE change_journal SET base_version = ? "
                "WHERE entity = ? AND entity_id = ? AND pushed_at IS NULL",
                (change.base_version, entity, entity_id),
            )
            continue
        row = result.get("row")
        if row is not None:
            upsert_rows(conn, entity, list(row), [list(row.values())], guard=False)
        else:
            delete_rows(conn, entity, [entity_id])
    return conflicts, rejected


def _record_rejection(
    conn: sqlite3.Connection, change: PendingChange, result: dict[str, Any]
) -> None:
    row = result.get("row") or {}
    fields = {
        name: {"mine": value, "theirs": row.get(name)}
        for name, value in change.fields.items()
        if name not in BOOKKEEPING or (name == "deleted_at" and change.op == "delete")
    }
    record_conflict(
        conn,
        change,
        {
            "kind": "rejected",
            "fields": fields,
            "theirs_deleted": not row,
            "mine_deleted": change.op == "delete",
        },
        result.get("message") or "The server refused this change.",
    )


__all__ = ["PushReport", "apply_results", "push_all"]
