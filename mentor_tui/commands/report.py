"""`mentor-tui report mentors|program|students`: the analytics as CSV, JSON or Markdown, the
same figures the app shows (``core/analytics/reports.py``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentor_tui.commands.context import CommandContext

if TYPE_CHECKING:
    from mentor_tui.core.analytics.early_reads import EarlyReads

KINDS = ("mentors", "program", "students")
FORMATS = ("csv", "json", "md")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "report",
        parents=[common],
        help="analytics reports as CSV, JSON or Markdown",
        description="mentors: one row per mentor (every mentor for an admin, yourself for a "
        "mentor); program: completion, time to completion, retention, specializations, "
        "satisfaction and success correlations (admins); students: your students with their "
        "figures, as of now. --from/--to (UTC days, both included) narrow the dated figures "
        "(README, Figures). Writes to standard output unless --out is given.",
    )
    parser.add_argument("kind", choices=KINDS, metavar="{mentors,program,students}")
    parser.add_argument("--format", choices=FORMATS, default="md", help="md (default), csv, json")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--from", dest="from_day", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="to_day", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.set_defaults(run=run_report)


def run_report(ctx: CommandContext) -> int:
    early = None
    if ctx.args.kind == "program":  # its longest reads start while the code below is imported
        from mentor_tui.core.analytics.early_reads import start_early_reads

        early = start_early_reads(ctx.db_path)
    try:
        return _run_report(ctx, early)
    finally:
        if early is not None:
            early.close()


def _run_report(ctx: CommandContext, early: EarlyReads | None) -> int:
    from mentor_tui.commands.export import write_atomically
    from mentor_tui.core.analytics.mentors import Period
    from mentor_tui.core.analytics.report import render
    from mentor_tui.core.analytics.reports import build_report
    from mentor_tui.core.timezones import parse_day

    args = ctx.args
    period = Period(
        parse_day(args.from_day) if args.from_day is not None else None,
        parse_day(args.to_day) if args.to_day is not None else None,
    )
    actor = ctx.actor()
    config = ctx.config
    with ctx.session() as session:
        report = build_report(session, actor, config, args.kind, period=period, early_reads=early)
    data = render(report, args.format)
    if args.out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    path = Path(args.out).expanduser()
    write_atomically(path, data)
    rows = sum(len(t.rows) for t in report.tables)
    print(f"Wrote the {args.kind} report ({rows} rows, {args.format}) to {path}.")
    return 0
