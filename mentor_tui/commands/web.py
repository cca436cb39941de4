"""`mentor-tui web`: the app in a browser, one signed-in person per session (the `web` extra)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
DEFAULT_SERVER = "http://127.0.0.1:8765"
DEFAULT_IDLE_MINUTES = 30.0
WEB_PACKAGES = ("textual_serve", "aiohttp")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    web = subparsers.add_parser(
        "web",
        parents=[common],
        help="serve the app to browsers (sign in with a sync server account)",
        description="Serve mentor-tui to browsers: people sign in with their sync server "
        "account and get their own app, running as them on a store of their own on this host. "
        "Put it behind a reverse proxy that serves HTTPS.",
    )
    web.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    web.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    web.add_argument(
        "--server",
        default=DEFAULT_SERVER,
        metavar="URL",
        help=f"the sync server people sign in to (default {DEFAULT_SERVER})",
    )
    web.add_argument(
        "--idle-minutes",
        type=float,
        default=DEFAULT_IDLE_MINUTES,
        metavar="N",
        help="end a session (and its app) after N minutes without a key, click or page "
        f"(default {DEFAULT_IDLE_MINUTES:g})",
    )
    web.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        help="refuse new sign-ins past N sessions (default: what this host's memory holds, "
        "at the measured memory per session)",
    )
    web.set_defaults(run=run_web)


def require_web_extra() -> None:
    missing = [name for name in WEB_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        names = " and ".join(n.replace("_", "-") for n in missing)
        raise UserError(f"`mentor-tui web` needs {names}: pip install 'mentor-tui[web]'.")


def run_web(ctx: CommandContext) -> int:
    require_web_extra()
    import httpx

    from mentor_tui.paths import data_dir
    from mentor_tui.sync.client import normalise_server_url
    from mentor_tui.web.front import WebSettings, run_web_front
    from mentor_tui.web.sessions import MEMORY_PER_SESSION_MIB, default_max_sessions

    args = ctx.args
    if not 0 < args.port < 65536:
        raise UserError(f"The port must be between 1 and 65535, not {args.port}.")
    if not args.idle_minutes > 0:
        raise UserError(f"--idle-minutes must be more than 0, not {args.idle_minutes:g}.")
    if args.max_sessions is not None and args.max_sessions < 1:
        raise UserError(f"--max-sessions must be at least 1, not {args.max_sessions}.")
    server = normalise_server_url(args.server)
    try:
        httpx.get(f"{server}/health", timeout=5).raise_for_status()
    except httpx.HTTPError:
        print(
            f"mentor-tui: the sync server at {server} does not answer yet; "
            "sign-ins fail until it does.",
            file=sys.stderr,
        )
    max_sessions = args.max_sessions or default_max_sessions()
    settings = WebSettings(
        server_url=server,
        root=data_dir() / "web-sessions",
        max_sessions=max_sessions,
        idle_seconds=args.idle_minutes * 60,
    )
    print(
        f"mentor-tui web on http://{args.host}:{args.port} for {server} (at most "
        f"{max_sessions} sessions of about {MEMORY_PER_SESSION_MIB} MiB; put HTTPS in front)",
        file=sys.stderr,
        flush=True,
    )
    run_web_front(settings, args.host, args.port)
    return 0
