"""`mentor-tui sync`: push local changes and pull everyone else's, with a progress bar, one
line per retry on a terminal, within the config's ``sync_deadline_seconds``; ctrl+c stops it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mentor_tui.commands.context import CommandContext

if TYPE_CHECKING:
    from mentor_tui.sync.http import RetryNotice

PHASES = {"push": "Pushing", "snapshot": "Pulling everything", "pull": "Pulling changes"}
STOPPED = (
    "Sync stopped; what was sent or taken in so far is kept and the rest comes with the next sync."
)
EXIT_INTERRUPTED = 130


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


class Feedback:
    """What a person sees on stderr while a sync runs: the progress bar and one line per
    retry, both only when stderr is a terminal (``terminal`` decides otherwise in tests)."""

    def __init__(self, console: Any, report: Callable[[str, int, int | None], None]) -> None:
        self.console, self.progress = console, report

    def retry(self, notice: RetryNotice) -> None:
        if self.console.is_terminal:
            self.console.print(
                f"mentor-tui: {notice.sentence()}", markup=False, highlight=False, soft_wrap=True
            )


@contextmanager
def progress_bar(terminal: bool | None = None) -> Iterator[Feedback]:
    """A progress bar on stderr (stdout stays clean for --json)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, force_terminal=terminal)
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
        yield Feedback(console, report)


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
    deadline = ctx.config.sync_deadline_seconds
    try:
        with progress_bar() as feedback:
            report = sync_once(
                ctx.engine,
                progress=feedback.progress,
                bulk=True,
                deadline=deadline,
                on_retry=feedback.retry,
            )
    except KeyboardInterrupt:  # every page taken in was its own transaction: nothing half-done
        print(f"mentor-tui: {STOPPED}", file=sys.stderr)
        return EXIT_INTERRUPTED
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
