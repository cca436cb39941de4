"""`mentor-tui notes add / list / due / search / purge`: the acting mentor's private notes from
scripts.

Due dates take the forms of ``core/dates.py`` (``2026-03-31``, ``today``, ``tomorrow``, ``+3d``,
``+2w``, ``fri``, ``13 mar``), counted from the mentor's today in their own timezone.

Plain output shows note text with control characters made visible; ``--json`` keeps the text
exactly as stored.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.core import clock, dates
from mentor_tui.core.notes import notes
from mentor_tui.core.text import terminal_line, terminal_text
from mentor_tui.db.models import NOTE_KINDS
from mentor_tui.errors import UserError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "notes",
        parents=[common],
        help="your private notes on your students: add, list, due, search, purge",
        description="Private mentorship notes: only the mentor who wrote a note can read it.",
    )
    verbs = parser.add_subparsers(title="notes commands", metavar="SUBCOMMAND", required=True)

    add = verbs.add_parser("add", parents=[common], help="add a note on one of your students")
    add.add_argument("student", metavar="STUDENT", help="the student's email or id")
    add.add_argument("text", metavar="TEXT", nargs="?", help="the note (or use --file)")
    add.add_argument("--file", metavar="F", help="read the note from a UTF-8 file (- for stdin)")
    add.add_argument("--kind", choices=NOTE_KINDS, default="note", help="default: note")
    add.add_argument(
        "--due",
        metavar="DATE",
        help="due date of an action item: YYYY-MM-DD, today, tomorrow, +3d, +2w, fri, 13 mar",
    )
    add.add_argument("--json", action="store_true", help="print the new note as JSON")
    add.set_defaults(run=run_add)

    show = verbs.add_parser("list", parents=[common], help="your notes on a student, newest first")
    show.add_argument("student", metavar="STUDENT", help="the student's email or id")
    show.add_argument("--kind", choices=NOTE_KINDS, help="only notes of this kind")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=run_list)

    due = verbs.add_parser(
        "due",
        parents=[common],
        help="set, change or clear the due date of one of your action items",
        description="DATE is YYYY-MM-DD, today, tomorrow, +3d, +2w, +1m, a weekday (fri) or a "
        "day and month (13 mar), in your timezone; none clears the due date.",
    )
    due.add_argument("note_id", metavar="NOTE_ID", help="the action item's id")
    due.add_argument("date", metavar="DATE|none", help="the new due date, or none to clear it")
    due.add_argument("--json", action="store_true", help="print the changed note as JSON")
    due.set_defaults(run=run_due)

    search = verbs.add_parser("search", parents=[common], help="full-text search of your notes")
    search.add_argument("query", metavar="QUERY", help="words to find (every one must match)")
    search.add_argument("--limit", type=int, default=50, help="at most this many results")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(run=run_search)

    purge = verbs.add_parser(
        "purge", parents=[common], help="erase your notes older than note_retention_days"
    )
    purge.add_argument("--dry-run", action="store_true", help="only say how many would go")
    purge.add_argument("--json", action="store_true", help="print JSON")
    purge.set_defaults(run=run_purge)


def _note_text(args: argparse.Namespace) -> str:
    if (args.text is None) == (args.file is None):
        raise UserError("Give the note either as TEXT or with --file F, not both or neither.")
    if args.file is None:
        return args.text
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {args.file}: {exc.strerror or exc}.") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{args.file} is not UTF-8 text.") from None


def _note_json(line: notes.NoteLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "student_id": line.student_id,
        "student_name": line.student_name,
        "kind": line.kind,
        "note": line.note,
        "added_at": clock.iso_utc(line.added_at),
        "updated_at": clock.iso_utc(line.updated_at),
        "due_date": line.due_date.isoformat() if line.due_date else None,
        "done": line.done,
        "version": line.version,
    }


def _when(moment: Any, tz_name: str) -> str:
    return clock.to_local(moment, tz_name).strftime("%Y-%m-%d %H:%M")


def run_add(ctx: CommandContext) -> int:
    args = ctx.args
    text = _note_text(args)
    actor = ctx.actor()
    due = _due(args.due, actor.timezone) if args.due is not None else None
    with ctx.session() as session:
        row = notes.add_note(session, actor, args.student, text, kind=args.kind, due_date=due)
        line = notes.get_note(session, actor, row.id)
    if ctx.wants_json:
        ctx.print_json(_note_json(line))
    else:
        kind = notes.KIND_LABELS[line.kind]
        due = f", due {line.due_date:%a %d %b %Y}" if line.due_date else ""
        print(f"Added {kind} {line.id} on {terminal_line(line.student_name)}{due}.")
    return 0


def _due(text: str, tz_name: str) -> date | None:
    """A due date as typed, in the mentor's today; ``none`` (or empty) clears it."""
    return dates.parse_due(text, dates.today_in(tz_name))


def run_due(ctx: CommandContext) -> int:
    args = ctx.args
    actor = ctx.actor()
    due = _due(args.date, actor.timezone)
    with ctx.session() as session:
        notes.set_due_date(session, actor, args.note_id, due)
        line = notes.get_note(session, actor, args.note_id)
    if ctx.wants_json:
        ctx.print_json(_note_json(line))
    elif due is None:
        print(f"Action item {line.id} has no due date now.")
    else:
        when = dates.describe_day(due, dates.today_in(actor.timezone))
        print(f"Action item {line.id} is due {due:%a %d %b %Y} ({when}).")
    return 0


def run_list(ctx: CommandContext) -> int:
    actor = ctx.actor()
    with ctx.session() as session:
        lines = notes.list_notes(session, actor, ctx.args.student, kind=ctx.args.kind)
    if ctx.wants_json:
        ctx.print_json([_note_json(line) for line in lines])
        return 0
    if not lines:
        print("No notes on this student yet.")
        return 0
    today = dates.today_in(actor.timezone)
    for number, line in enumerate(lines):
        if number:
            print()
        heading = [_when(line.added_at, actor.timezone), notes.KIND_LABELS[line.kind]]
        if line.kind == "action_item":
            heading.append("done" if line.done else "open")
            if line.due_date:
                heading.append(f"due {line.due_date.isoformat()}")
            if notes.is_overdue(line, today):
                heading.append("OVERDUE")
        heading.append(line.id)
        print("  ".join(heading))
        for text_line in terminal_text(line.note).split("\n"):
            print(f"    {text_line}")
    return 0


def run_search(ctx: CommandContext) -> int:
    query = ctx.args.query
    if not query.strip():
        raise UserError("Give some words to search for.")
    actor = ctx.actor()
    with ctx.session() as session:
        hits = notes.search_notes(session, actor, query, limit=ctx.args.limit)
    if ctx.wants_json:
        ctx.print_json(
            [
                {
                    "id": hit.id,
                    "student_id": hit.student_id,
                    "student_name": hit.student_name,
                    "kind": hit.kind,
                    "snippet": hit.snippet,
                    "ranges": [list(span) for span in hit.ranges],
                    "rank": hit.rank,
                    "added_at": clock.iso_utc(hit.added_at),
                }
                for hit in hits
            ]
        )
        return 0
    if not hits:
        print("No notes match.")
        return 0
    ctx.print_rows(
        ["ADDED", "STUDENT", "KIND", "SNIPPET", "ID"],
        [
            [
                _when(hit.added_at, actor.timezone),
                hit.student_name,
                notes.KIND_LABELS[hit.kind],
                hit.snippet,
                hit.id,
            ]
            for hit in hits
        ],
    )
    return 0


def run_purge(ctx: CommandContext) -> int:
    dry_run = ctx.args.dry_run
    config = ctx.config
    actor = ctx.actor()
    with ctx.session() as session:
        count = notes.purge_old_notes(session, actor, config, dry_run=dry_run)
    days = config.note_retention_days
    if ctx.wants_json:
        ctx.print_json({"count": count, "dry_run": dry_run, "retention_days": days})
        return 0
    noun = "note" if count == 1 else "notes"
    if dry_run:
        print(f"{count} {noun} older than {days} days would be purged (dry run: nothing changed).")
    else:
        print(f"Purged {count} {noun} older than {days} days.")
    return 0
