"""Screen 7 at scale (issue 17): opening the inbox with 100,000 notifications and a
10,000-message conversation, and opening that conversation, measured in-process with Textual's
Pilot like ``queue_timing``.

The store is a copy of the demo store. ``prepare`` gives the demo mentor ``notifications``
notifications (a third unread) and a conversation of ``thread`` messages with one of their
students, the newest of their conversations, with raw SQL like the demo builder: a baseline,
not a change, so nothing goes to the journal.

- open: from `7` pressed on the mentor's dashboard (the inbox screen not made yet) to the first
  page of both lists painted (conversations and notifications), in a fresh app in a fresh
  process each run.
- thread: `enter` on that conversation to the page of its newest messages painted (a
  conversation opens on its newest message, and that page is the one fetched first).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pilot_timing import _app, _repainted, _send_key, in_fresh_process
from queue_timing import _until

FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class InboxTimings:
    notifications: int
    thread: int
    open_ms: float  # median, both lists' first page painted
    thread_ms: float  # median, the conversation's first page painted


def prepare(path: Path, email: str, notifications: int, thread: int) -> tuple[int, int]:
    """Give ``email`` ``notifications`` notifications and a ``thread``-message conversation
    with one of their students; the counts they now have."""
    now = datetime.now(UTC)
    with sqlite3.connect(path) as db:
        (mentor_id,) = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
        (student_id,) = db.execute(
            "SELECT id FROM users WHERE mentor_id = ? AND deleted_at IS NULL ORDER BY id LIMIT 1",
            (mentor_id,),
        ).fetchone()
        (have,) = db.execute(
            "SELECT count(*) FROM notifications WHERE user_id = ?", (mentor_id,)
        ).fetchone()
        rows = []
        for n in range(max(0, notifications - have)):
            at = (now - timedelta(minutes=n + 1)).strftime(FORMAT)
            rows.append((
                str(uuid.uuid4()), at, at, 1, None, mentor_id, "new_submission",
                "New submission", f"Student {n % 500} submitted exercise {n}.", "{}",
                None if n % 3 == 0 else at,
            ))  # fmt: skip
        db.executemany(
            "INSERT INTO notifications (id, created_at, updated_at, version, deleted_at, user_id,"
            " type, title, message, data, read_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        root = str(uuid.uuid4())
        messages = []
        for n in range(thread):
            at = (now - timedelta(seconds=thread - n)).strftime(FORMAT)
            sender, recipient = (mentor_id, student_id) if n % 2 else (student_id, mentor_id)
            messages.append((
                root if n == 0 else str(uuid.uuid4()), at, at, 1, None, sender, recipient,
                "direct", f"Message {n}: how is the exercise going?", at if n < thread - 5 else None,
                root, None, None, "[]", None, None,
            ))  # fmt: skip
        db.executemany(
            "INSERT INTO messages (id, created_at, updated_at, version, deleted_at, sender_id,"
            " recipient_id, kind, body, read_at, thread_id, audience, edited_at, history,"
            " reported_at, reported_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            messages,
        )
        (total,) = db.execute(
            "SELECT count(*) FROM notifications WHERE user_id = ?", (mentor_id,)
        ).fetchone()
        db.execute("ANALYZE")
    return int(total), thread


def _inbox(app):
    from mentor_tui.screens.inbox.inbox import InboxScreen

    return app.screen if isinstance(app.screen, InboxScreen) else None


def _painted(app, selector: str) -> bool:
    from mentor_tui.widgets.paged_table import PagedTable

    tables = app.screen.query(selector)
    if not tables:
        return False
    table = tables.first(PagedTable)
    return table._count_known and len(table._pages) > 0


async def _open(path: Path, email: str) -> tuple[float, float]:
    app = _app(path, email)
    async with app.run_test(size=(130, 40), notifications=True) as pilot:
        await _repainted(pilot)
        started = time.perf_counter()
        _send_key(app, "7")
        opened = await _until(
            pilot,
            started,
            lambda: (
                _inbox(app) is not None
                and _painted(app, "#inbox-conversations")
                and _painted(app, "#inbox-notifications")
            ),
            "both lists",
        )
        await _repainted(pilot)
        started = time.perf_counter()
        _send_key(app, "enter")  # the newest conversation: the long one
        thread = await _until(
            pilot, started, lambda: _painted(app, "#thread-messages"), "the conversation"
        )
        return opened, thread


def inbox_timings(
    path: Path, email: str, notifications: int, thread: int, runs: int = 3
) -> InboxTimings:
    have, messages = prepare(path, email, notifications, thread)
    opened = [in_fresh_process("inbox_timing", "_open", path, email) for _ in range(runs)]
    return InboxTimings(
        notifications=have,
        thread=messages,
        open_ms=statistics.median(o for o, _ in opened),
        thread_ms=statistics.median(t for _, t in opened),
    )


if __name__ == "__main__":  # a quick look: python benchmarks/inbox_timing.py STORE EMAIL
    import sys

    print(asyncio.run(_open(Path(sys.argv[1]), sys.argv[2])))
