"""The ``mentor-tui`` console script.

Each verb lives in ``mentor_tui/commands/<verb>.py`` and registers itself through
``register(subparsers)``; this module only parses, opens the store and turns a person's
mistakes (``UserError``) into one sentence on stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mentor_tui import __version__
from mentor_tui.commands import COMMAND_MODULES
from mentor_tui.commands.context import CommandContext
from mentor_tui.core.errors import UserError

EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one sentence, not a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"mentor-tui: {message} (see `{self.prog} --help`).\n")


def common_options(*, default: object = None) -> argparse.ArgumentParser:
    """``--db`` and ``--user``, accepted before or after any verb.

    The verbs' copies default to ``SUPPRESS`` so that an option given before the verb
    (``mentor-tui --db X students``) is not overwritten by the verb's own default.
    """
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="the local store (default: mentor.db in the data dir)",
    )
    common.add_argument("--user", metavar="EMAIL", default=default, help="act as this local user")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options(default=argparse.SUPPRESS)
    parser = _Parser(
        prog="mentor-tui",
        description="Keyboard-driven mentorship: students, reviews, notes, sessions, assignment.",
        parents=[common_options()],
    )
    parser.add_argument("--version", action="version", version=f"mentor-tui {__version__}")
    parser.set_defaults(run=None)
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"mentor_tui.commands.{name}").register(verbs, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = CommandContext(args)
    try:
        if args.run is None:
            from mentor_tui.commands.open_app import open_app

            return open_app(ctx)
        return int(args.run(ctx) or 0)
    except UserError as exc:
        print(f"mentor-tui: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("mentor-tui: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    finally:
        ctx.close()
