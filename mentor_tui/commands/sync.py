"""`mentor-tui sync`: push local changes and pull everyone else's, with a progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mentor_tui.commands.context import CommandContext

PHASES = {"push": "Pushing", "snapshot": "Pulling everything", "pull": "Pulling changes"}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    sync = subparsers.add_parser(
        "sync",
        parents=[common],
        help="sync this store with its server once",
        description="Push this store's pending changes, pull everyone else's, and report "
        "conflicts. Safe to interrupt: the next run carries on.",
    )
    sync.add_argument("--json", action="store_true", help="print pushed, pulled, conflicts as JSON")
    sync.add_argument(
        "--conflicts", action="store_true", help="list the open conflicts instead of syncing"
    )
    sync.set_defaults(run=run_sync)


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar on stderr (stdout stays clean for --json)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def report(phase: str, done: int, total: int | None) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield report


def run_sync(ctx: CommandContext) -> int:
    from mentor_tui.core.text import terminal_line
    from mentor_tui.sync import list_conflicts, sync_once

    if ctx.args.conflicts:
        conflicts = list_conflicts(ctx.engine)
        if ctx.wants_json:
            ctx.print_json([c.as_json() for c in conflicts])
            return 0
        rows = [
            [c.id, c.entity, c.kind, ", ".join(sorted(c.fields)), terminal_line(c.message)]
            for c in conflicts
        ]
        ctx.print_rows(["id", "table", "kind", "fields", "why"], rows)
        return 0
    with progress_bar() as progress:
        report = sync_once(ctx.engine, progress=progress, bulk=True)
    if ctx.wants_json:
        ctx.print_json(report.as_json())
    else:
        print(
            f"Pushed {report.pushed}, pulled {report.pulled}, {report.conflicts} conflicts"
            + (f", {report.rejected} refused" if report.rejected else "")
            + (f", {report.removed} rows no longer yours removed" if report.removed else "")
            + "."
        )
    if report.conflicts or report.rejected:
        print("See them with `mentor-tui sync --conflicts`.", file=sys.stderr)
    return 0
