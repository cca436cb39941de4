"""`mentor-tui demo`: build a realistic, deterministic demo database and open it as the demo
mentor (or, with --no-launch, just build it and say what is in it)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError

if TYPE_CHECKING:  # reopening a demo does not import the builder (core/demo.py and its parts)
    from mentor_tui.demo.build import DemoSummary

# core.demo's DEMO_MENTOR_EMAIL and SETTING_SEED, repeated for the same reason
# (tests/test_demo.py checks they agree)
DEMO_MENTOR_EMAIL = "mentor@example.org"
SETTING_SEED = "demo_seed"

STAGE_LABELS = {
    "planning": "Planning the programme",
    "people": "Mentors and students",
    "courses": "Courses and modules",
    "activity": "Progress, reviews, notes, sessions",
    "indexing": "Indexes and search",
    "saving": "Saving",
}


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=[common],
        help="build a demo database and open it as a demo mentor",
        description=(
            "Build a realistic, deterministic demo programme (an admin, mentors, students, "
            "courses, submissions, notes, sessions, messages) into an empty database, then open "
            "it signed in as the demo mentor mentor@example.org."
        ),
    )
    parser.add_argument(
        "--students", type=int, default=300, metavar="N", help="students (default 300)"
    )
    parser.add_argument("--mentors", type=int, default=20, metavar="M", help="mentors (default 20)")
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the same seed builds the same data"
    )
    parser.add_argument(
        "--no-launch", action="store_true", help="build the database but do not open the app"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the database file if it already exists"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


def run(ctx: CommandContext) -> int:
    args = ctx.args
    if args.students < 1:
        raise UserError(f"--students must be at least 1, not {args.students}.")
    if args.mentors < 1:
        raise UserError(f"--mentors must be at least 1, not {args.mentors}.")
    if args.seed < 0:
        raise UserError(f"--seed must be 0 or more, not {args.seed}.")
    path = ctx.db_path
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a database file.")
    if args.force:
        remove_store(path)
    elif is_same_demo(path, students=args.students, mentors=args.mentors, seed=args.seed):
        print(
            f"Opening the demo already at {path}; pass --force to build a new one.",
            file=sys.stderr,
        )
        return _open_existing(ctx)
    from mentor_tui.demo.build import StoreNotEmpty, StoreUnreadable

    try:
        summary = _build_with_progress(ctx, path)
    except StoreNotEmpty:
        raise UserError(
            f"{path} already holds a database with users; pass --force to replace it or "
            "--db PATH to build the demo somewhere else."
        ) from None
    except StoreUnreadable:
        raise UserError(
            f"{path} is not a mentor-tui database; pass --force to replace it or --db PATH to "
            "build the demo somewhere else."
        ) from None

    from mentor_tui.core.people.settings import LAST_USER, set_setting

    with ctx.session() as session:
        set_setting(session, LAST_USER, summary.demo_mentor_email)
    if ctx.wants_json:
        ctx.print_json({"path": str(path), **summary.as_json()})
    else:
        print(describe(summary, path, launching=not args.no_launch))
    if args.no_launch:
        return 0
    from mentor_tui.commands.open_app import open_app

    return open_app(ctx)


def is_same_demo(path: Path, *, students: int, mentors: int, seed: int) -> bool:
    """True when ``path`` holds a demo this command built with the same seed and sizes, so
    running the same command again opens it instead of refusing."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING_SEED,))
            stored = row.fetchone()
            people = dict(
                conn.execute(
                    "SELECT role, count(*) FROM users WHERE role IN ('student', 'mentor') "
                    "GROUP BY role"
                ).fetchall()
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return (
        stored is not None
        and stored[0] == str(seed)
        and people.get("student") == students
        and people.get("mentor") == mentors
    )


def _open_existing(ctx: CommandContext) -> int:
    """Open the demo as the demo mentor (or --user): the same as `mentor-tui --db PATH --user
    mentor@example.org`, so it takes open_app's fast path, which paints the first frame from a
    read-only peek and signs in for real (remembering the user) in a worker after it."""
    if ctx.args.no_launch:
        return 0
    from mentor_tui.commands.open_app import open_app

    if not ctx.args.user:
        ctx.args.user = DEMO_MENTOR_EMAIL
    return open_app(ctx)


def remove_store(path: Path) -> None:
    """Delete a database file and its WAL, shared-memory and rollback-journal companions."""
    for companion in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            companion.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise UserError(f"Cannot remove {companion}: {exc.strerror}.") from exc


def _build_with_progress(ctx: CommandContext, path: Path) -> DemoSummary:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from mentor_tui.demo.build import build_demo

    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description:<36}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            task = tasks.get(stage)
            if task is None:
                task = tasks[stage] = bar.add_task(STAGE_LABELS.get(stage, stage), total=total)
            bar.update(task, completed=done, total=total)

        return build_demo(
            path,
            students=ctx.args.students,
            mentors=ctx.args.mentors,
            seed=ctx.args.seed,
            progress=on_progress,
            config=ctx.config,
        )


def describe(summary: DemoSummary, path: Path, *, launching: bool) -> str:
    c = summary.counts
    assigned = summary.students - summary.unassigned_students
    then = (
        f"Opening it as {summary.demo_mentor_email}."
        if launching
        else f"Open it with `mentor-tui --db {path}` (signed in as {summary.demo_mentor_email})."
    )
    return (
        f"Built a demo programme in {path} in {summary.elapsed_seconds:.1f} s "
        f"({summary.rows:,} rows, {summary.rows_per_second:,.0f} rows/s): "
        f"{summary.mentors:,} mentors and {summary.students:,} students ({assigned:,} with a "
        f"mentor, {summary.unassigned_students:,} waiting for one), {c['courses']} courses, "
        f"{c['submissions']:,} submissions, {c['mentorship_notes']:,} notes, "
        f"{c['mentorship_sessions']:,} sessions, {c['messages']:,} messages and "
        f"{c['notifications']:,} notifications. The demo mentor {summary.demo_mentor_email} "
        f"has {summary.demo_mentor_students} students; the admin is {summary.admin_email}. "
        f"Seed {summary.seed}, times relative to "
        f"{summary.reference:%Y-%m-%d %H:%M} UTC. {then}"
    )
