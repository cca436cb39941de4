"""The ``mentor-tui`` console script.

Each verb lives in ``mentor_tui/commands/<verb>.py`` and registers itself through
``register(subparsers)``; this module only parses, opens the store and turns a person's
mistakes (``UserError``) into one sentence on stderr with a non-zero exit.

Only the module of the verb given is imported (``commands.VERBS`` says which), and opening the
app imports none, so start-up to the first frame stays short; ``--help`` imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence

from mentor_tui import __version__
from mentor_tui.commands import COMMAND_MODULES, VERBS
from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError

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


def chosen_verb(argv: Sequence[str]) -> str | None:
    """The first word of ``argv`` that is neither an option nor the value of ``--db``/``--user``
    (or of an abbreviation of them, which argparse accepts)."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word.startswith("--") and "=" not in word and len(word) > 2:
            if any(option.startswith(word) for option in ("--db", "--user")):
                next(words, None)  # the option's value
            continue
        if not word.startswith("-") or word == "-":
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given ``argv``, only the module of the verb in it is imported.

    Without ``argv`` every verb's module is imported (for callers that parse later). With it,
    the verb's own module registers it in full and the other verbs are only named; help
    without a verb, or a word that is not a verb, imports every module, so the help and the
    mistakes read as they always did.
    """
    verb = None if argv is None else chosen_verb(argv)
    if verb in VERBS:
        wanted = {VERBS[verb]}
    elif argv is not None and verb is None and not {"-h", "--help"} & set(argv):
        wanted = set()
    else:
        wanted = set(COMMAND_MODULES)
    common = common_options(default=argparse.SUPPRESS)
    parser = _Parser(
        prog="mentor-tui",
        description="Keyboard-driven mentorship: students, reviews, notes, sessions, assignment.",
        parents=[common_options()],
    )
    parser.add_argument("--version", action="version", version=f"mentor-tui {__version__}")
    parser.set_defaults(run=None)
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    registered: set[str] = set()
    for name, module in VERBS.items():
        if module in wanted:
            if module not in registered:
                registered.add(module)
                importlib.import_module(f"mentor_tui.commands.{module}").register(verbs, common)
            continue
        # a verb whose module is not imported: it still parses, and names itself so that
        # parse() can build the parser again with every module when it is the one chosen
        unloaded = verbs.add_parser(name, add_help=False)
        unloaded.add_argument("rest", nargs=argparse.REMAINDER)
        unloaded.set_defaults(unloaded_verb=name)
    for module in sorted(wanted - registered):  # a module VERBS does not list (yet)
        importlib.import_module(f"mentor_tui.commands.{module}").register(verbs, common)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    if getattr(args, "unloaded_verb", None):  # chosen_verb guessed wrong: parse with them all
        args = build_parser().parse_args(argv)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    ctx = CommandContext(args)
    try:
        if args.run is None:
            from mentor_tui.commands.open_app import open_app

            return open_app(ctx)
        return int(args.run(ctx) or 0)
    except UserError as exc:
        from mentor_tui.core.text import terminal_text

        print(f"mentor-tui: {terminal_text(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("mentor-tui: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # whoever read the output stopped (`... | head`): stop quietly, as cat and grep do;
        # stdout goes to /dev/null so that flushing it at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    finally:
        ctx.close()
