"""`mentor-tui serve`: the sync server (FastAPI on uvicorn) over SQLite or PostgreSQL, with its
upkeep (``server/upkeep.py``: mentors' absences started and ended on their days) in a thread."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    serve = subparsers.add_parser(
        "serve",
        parents=[common],
        help="run the sync server",
        description="Run the sync server. Several processes may serve one PostgreSQL database "
        "(nothing is kept in memory); SQLite suits one team on one machine.",
    )
    serve.add_argument(
        "--database",
        metavar="URL",
        help="postgresql://user@host/db, sqlite:///path or a file path "
        "(default: server.db in the data dir)",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--xapi-module-pattern",
        metavar="REGEX",
        help="which part of an xAPI activity id names a module: a regular expression with a "
        "group (?P<module>...) holding the module's id in imports or in mentor-tui "
        "(default: the part after /module/ or /modules/)",
    )
    serve.add_argument(
        "--no-upkeep",
        action="store_true",
        help="do not start and end mentors' absences here (by default the server does, at "
        "start and every ten minutes, as the program's first active admin)",
    )
    serve.add_argument(
        "--lms",
        metavar="URL",
        help="also pass with the learning platform's PostgreSQL (postgresql://...) from this "
        "server, every --lms-every seconds (the URL may also come from $MENTOR_TUI_LMS_URL or "
        "the config's [lms] url when --lms is given as '-')",
    )
    serve.add_argument(
        "--lms-every",
        type=float,
        metavar="SECONDS",
        help="seconds between learning platform passes (default 300)",
    )
    serve.set_defaults(run=run_serve)


def server_engine(url: str | None):
    from mentor_tui.server.schema import make_server_engine

    try:
        return make_server_engine(url)
    except UserError:
        raise
    except Exception as exc:  # a malformed URL, a missing driver
        raise UserError(f"Cannot use the database {url!r} ({exc}).") from exc


SERVER_PACKAGES = ("fastapi", "uvicorn")


def require_server_extra() -> None:
    """One sentence naming the extra to install when the server's packages are missing."""
    missing = [name for name in SERVER_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(
            f"The sync server needs {' and '.join(missing)}: "
            "pip install 'mentor-tui[server]' (and 'mentor-tui[server,postgres]' for PostgreSQL)."
        )


def xapi_activities(pattern: str | None) -> Any:
    import re

    from mentor_tui.core.learning.xapi import ActivityMap

    if pattern is None:
        return ActivityMap()
    try:
        return ActivityMap(pattern)
    except re.error as exc:
        raise UserError(f"--xapi-module-pattern is not a regular expression ({exc}).") from None
    except ValueError:
        raise UserError("--xapi-module-pattern needs a named group (?P<module>...).") from None


def run_serve(ctx: CommandContext) -> int:
    require_server_extra()
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from mentor_tui.server.app import create_app
    from mentor_tui.server.schema import default_database_url, display_url

    args = ctx.args
    if not 0 < args.port < 65536:
        raise UserError(f"The port must be between 1 and 65535, not {args.port}.")
    activities = xapi_activities(getattr(args, "xapi_module_pattern", None))
    lms_url, lms_every = lms_options(ctx)
    url = args.database or default_database_url()
    engine = server_engine(url)
    try:
        app = create_app(engine, activities=activities)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise UserError(f"Cannot open the database {display_url(url)} ({reason}).") from exc
    print(
        f"mentor-tui sync server on http://{args.host}:{args.port} (database {display_url(url)})",
        file=sys.stderr,
    )
    halt = None
    if lms_url:
        import logging

        from mentor_tui.config import load_config
        from mentor_tui.lms.platform import redact
        from mentor_tui.server.lms_runner import start_passes

        print(
            f"learning platform passes with {redact(lms_url)} every {lms_every:g} s",
            file=sys.stderr,
        )
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        passes_log = logging.getLogger("mentor_tui.server.lms")
        passes_log.addHandler(handler)
        passes_log.setLevel(logging.INFO)
        halt = start_passes(lms_url, engine, load_config(), lms_every)
    upkeep = None
    if not args.no_upkeep:
        from mentor_tui.server.upkeep import UpkeepLoop

        upkeep = UpkeepLoop(engine, ctx.file_config, lambda line: print(line, file=sys.stderr))
        upkeep.start()
    stop = _start_mail(engine)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        if stop is not None:
            stop.set()
        if upkeep is not None:
            upkeep.stop()
        if halt is not None:
            halt()
        engine.dispose()
    return 0


def _start_mail(engine: Any) -> Any:
    """With an SMTP host in config.toml's [smtp], the server sends the email and digest
    notifications every minute (server/mail.py); None otherwise."""
    import threading

    from mentor_tui.config import load_config

    config = load_config()
    if not config.smtp.host:
        return None
    from mentor_tui.server.mail import mail_loop

    stop = threading.Event()

    def report(line: str) -> None:
        print(line, file=sys.stderr)

    threading.Thread(
        target=mail_loop,
        args=(engine, config, stop),
        kwargs={"report": report},
        name="mentor-tui-mail",
        daemon=True,
    ).start()
    print(f"email notifications through {config.smtp.host}:{config.smtp.port}", file=sys.stderr)
    return stop


def lms_options(ctx: CommandContext) -> tuple[str, float]:
    """``--lms`` (``-``: the environment's or the config's URL) checked, and the interval."""
    from mentor_tui.lms.platform import check_url

    given = getattr(ctx.args, "lms", None)
    every = getattr(ctx.args, "lms_every", None)
    if given is None:
        if every is not None:
            raise UserError("--lms-every needs --lms URL.")
        return "", 0.0
    from mentor_tui.config import load_config
    from mentor_tui.lms.bridge import platform_url

    url = platform_url(None if given == "-" else given, load_config())
    check_url(url)
    if every is not None and every <= 0:
        raise UserError(f"--lms-every must be a number of seconds above 0, not {every:g}.")
    from mentor_tui.server.lms_runner import DEFAULT_EVERY_SECONDS

    return url, every if every is not None else DEFAULT_EVERY_SECONDS
