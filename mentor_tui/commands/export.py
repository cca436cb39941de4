"""`mentor-tui export ics`: the sessions you can see as an iCalendar (.ics) file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="export sessions (and more) to files",
        description="Export data from the local store to files other tools read.",
    )
    kinds = parser.add_subparsers(
        title="formats", metavar="WHAT", dest="export_kind", parser_class=type(parser)
    )
    kinds.required = True

    ics = kinds.add_parser(
        "ics",
        parents=[common],
        help="sessions as an iCalendar (.ics) file",
        description="Sessions you can see that overlap the dates, as RFC 5545 iCalendar with a "
        "stable UID per session and each session's timezone; dates are days in your timezone, "
        "both ends included. Writes to standard output unless --out is given.",
    )
    ics.add_argument("--from", dest="from_day", metavar="DATE", help="first day, YYYY-MM-DD")
    ics.add_argument("--to", dest="to_day", metavar="DATE", help="last day, YYYY-MM-DD")
    ics.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    ics.set_defaults(run=run_ics)


def run_ics(ctx: CommandContext) -> int:
    from mentor_tui.commands.sessions import day_range
    from mentor_tui.core.sessions.ics import export_calendar

    args = ctx.args
    actor = ctx.actor()
    start, end = day_range(actor, args.from_day, args.to_day)
    with ctx.session() as session:
        data, count = export_calendar(session, actor, start=start, end=end)
    if args.out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    path = Path(args.out).expanduser()
    write_atomically(path, data)
    noun = "session" if count == 1 else "sessions"
    print(f"Wrote {count} {noun} to {path}.")
    return 0


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name for --out.")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except FileNotFoundError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"The folder {path.parent} does not exist.") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None
