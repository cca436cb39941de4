"""`mentor-tui import FILE [--check]`: learning records from a JSON Lines file or a folder of
CSV files, all or nothing (core/learning)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mentor_tui.commands.context import CommandContext

TYPES = "user, course, module, enrollment, progress, assignment, submission"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    command = subparsers.add_parser(
        "import",
        parents=[common],
        help="import learning records (JSON Lines or a folder of CSV files), all or none",
        description=f"Import learning records ({TYPES}) from a JSON Lines file (one object a "
        "line, with a type) or a folder of CSV files named by type (course.csv, ...). Every "
        "record is checked first: if any is bad, nothing is written and every problem is "
        "listed by line and field. Importing the same file again writes nothing. Admins only.",
    )
    command.add_argument("file", metavar="FILE", help="a .jsonl file or a folder of .csv files")
    command.add_argument(
        "--check", action="store_true", help="check the file and report; write nothing"
    )
    command.add_argument("--json", action="store_true", help="print the counts as JSON")
    command.set_defaults(run=run_import)


@contextmanager
def progress_bar(terminal: bool | None = None) -> Iterator[Callable[[int, int], None]]:
    """A bar on stderr while it is a terminal (stdout stays clean for --json)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, force_terminal=terminal)
    bar = Progress(
        TextColumn("Importing records"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = bar.add_task("import", total=None)

    def report(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield report


def _counts(by_type: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}{'s' if n != 1 else ''}" for kind, n in by_type.items())


def run_import(ctx: CommandContext) -> int:
    from mentor_tui.core.learning.importer import import_learning

    actor = ctx.actor()
    path = Path(ctx.args.file).expanduser()
    with progress_bar() as report, ctx.session() as session:
        outcome = import_learning(
            session,
            actor,
            path,
            check_only=ctx.args.check,
            config=ctx.config,
            progress=report,
        )
    written = dict(outcome.applied.written) if outcome.applied is not None else {}
    if ctx.wants_json:
        ctx.print_json(
            {
                "checked_only": bool(ctx.args.check),
                "records": outcome.records,
                "by_type": outcome.by_type,
                "rows_written": outcome.rows,
                "written_by_table": written,
                "auto_assigned": outcome.applied.auto_assigned if outcome.applied else 0,
            }
        )
        return 0
    noun = "record" if outcome.records == 1 else "records"
    if ctx.args.check:
        sys.stdout.write(
            f"The file is good: {outcome.records:,} {noun} ({_counts(outcome.by_type)}); "
            "nothing was written.\n"
        )
    elif outcome.rows == 0:
        sys.stdout.write(
            f"Read {outcome.records:,} {noun}; wrote 0 rows: the database already holds "
            "all of it.\n"
        )
    else:
        rows = "row" if outcome.rows == 1 else "rows"
        sys.stdout.write(
            f"Read {outcome.records:,} {noun} ({_counts(outcome.by_type)}); wrote "
            f"{outcome.rows:,} {rows} ("
            + ", ".join(f"{n:,} {table}" for table, n in sorted(written.items()))
            + ")"
            + _auto(outcome)
            + ".\n"
        )
    return 0


def _auto(outcome: Any) -> str:
    n = outcome.applied.auto_assigned if outcome.applied is not None else 0
    if not n:
        return ""
    return f"; {n:,} new student{'s' if n != 1 else ''} assigned by auto-assignment"
