"""`mentor-tui login URL --email E` and `mentor-tui logout`: connect this store to a server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.commands.server_user import read_password


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    login = subparsers.add_parser(
        "login",
        parents=[common],
        help="connect this store to a sync server and sync it",
        description="Log in to a sync server and sync this store: an empty store pulls "
        "everything the account may see; a store with data joins the server and pushes it. "
        "The account becomes this store's acting user.",
    )
    login.add_argument("url", metavar="URL", help="the server, e.g. http://127.0.0.1:8765")
    login.add_argument("--email", required=True, metavar="EMAIL")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    login.set_defaults(run=run_login)

    logout = subparsers.add_parser(
        "logout",
        parents=[common],
        help="revoke this store's login",
        description="Revoke this store's token on the server and forget it here. The store "
        "keeps its data and works offline.",
    )
    logout.set_defaults(run=run_logout)


def run_login(ctx: CommandContext) -> int:
    from mentor_tui.commands.sync import progress_bar
    from mentor_tui.sync import login

    args = ctx.args
    password = read_password(args.password_stdin, confirm=False)
    with progress_bar() as feedback:
        report = login(
            ctx.engine,
            args.url,
            args.email,
            password,
            progress=feedback.progress,
            bulk=True,
            on_retry=feedback.retry,
        )
    print(f"Logged in to {report.server_url} as {report.email} ({report.role}).")
    adoption = report.adoption
    if adoption is not None:
        print(
            f"Joined with this store's data: {adoption.matched} people matched by email, "
            f"{adoption.queued} rows sent."
        )
        if adoption.left_out:
            parts = ", ".join(f"{n} {t}" for t, n in sorted(adoption.left_out.items()))
            print(f"Not yours to send, so no longer in this store: {parts}.")
        if adoption.notes_kept_as_conflicts:
            print(
                f"{adoption.notes_kept_as_conflicts} notes by other authors are kept as "
                "conflicts (see `mentor-tui sync --conflicts`)."
            )
    if report.sync is not None:
        s = report.sync
        print(f"Synced: {s.pushed} pushed, {s.pulled} pulled, {s.conflicts} conflicts.")
    if report.sync_error:
        print(f"mentor-tui: {report.sync_error}", file=sys.stderr)
        return 1
    return 0


def run_logout(ctx: CommandContext) -> int:
    from mentor_tui.sync import logout

    if logout(ctx.engine):
        print("Logged out; the token is revoked.")
        return 0
    print(
        "Logged out here; the server could not be reached to revoke the token, which expires "
        "on its own.",
        file=sys.stderr,
    )
    return 1
