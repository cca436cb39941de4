"""`mentor-tui lms sync`: a pass between the learning platform's PostgreSQL (or Supabase) and
this store; ``--every SECONDS`` keeps passing until ctrl+c."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    lms = subparsers.add_parser(
        "lms",
        parents=[common],
        help="connect the learning platform (PostgreSQL / Supabase)",
        description="Bring the learning platform's users, courses, progress and submissions "
        "in, and send review decisions, assignments, notes and sessions out.",
    )
    actions = lms.add_subparsers(title="actions", metavar="ACTION", dest="lms_action")
    sync = actions.add_parser(
        "sync",
        parents=[common],
        help="one pass both ways",
        description="One pass both ways between the platform's database and this store. Safe "
        "to interrupt: the next pass does the rest, once.",
    )
    sync.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="the platform's postgresql:// URL (default: $MENTOR_TUI_LMS_URL, then the "
        "config's [lms] url)",
    )
    sync.add_argument(
        "--database",
        metavar="URL",
        help="pass with a sync server's database (postgresql://..., sqlite:///path or a file "
        "path) instead of this store: every client then pulls what came in",
    )
    sync.add_argument(
        "--every", type=float, metavar="SECONDS", help="keep passing, this many seconds apart"
    )
    sync.add_argument("--json", action="store_true", help="print what the pass did as JSON")
    sync.set_defaults(run=run_lms_sync)
    lms.set_defaults(run=lambda ctx: _no_action())


def _no_action() -> int:
    raise UserError("Say what to do with the learning platform: `mentor-tui lms sync --from URL`.")


def run_lms_sync(ctx: CommandContext) -> int:
    from mentor_tui.lms.bridge import platform_url, run_every, run_pass
    from mentor_tui.lms.platform import check_url

    url = platform_url(ctx.args.source, ctx.config)
    check_url(url)
    every = ctx.args.every
    if every is not None and every <= 0:
        raise UserError(f"--every must be a number of seconds above 0, not {every:g}.")

    def report(result: Any) -> None:
        if isinstance(result, UserError):
            print(f"mentor-tui: {result}", file=sys.stderr, flush=True)
        elif ctx.wants_json:
            ctx.print_json(result.as_json())
            print(flush=True)
        else:
            print(result.sentence(), flush=True)

    if ctx.args.database is not None:
        return _server_passes(ctx, url, every, report)
    if every is None:
        report(run_pass(url, ctx.engine, ctx.config))
        return 0
    run_every(url, ctx.engine, ctx.config, every, report)
    return 0


def _server_passes(ctx: CommandContext, url: str, every: float | None, report: Any) -> int:
    import threading

    from mentor_tui.commands.serve import server_engine
    from mentor_tui.config import load_config
    from mentor_tui.server.lms_runner import pass_every, server_pass

    engine = server_engine(ctx.args.database)
    try:
        if every is None:
            report(server_pass(url, engine, load_config()))
            return 0
        pass_every(url, engine, load_config(), every, report, threading.Event())
    finally:
        engine.dispose()
    return 0
