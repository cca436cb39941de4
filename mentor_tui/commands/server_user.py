"""`mentor-tui server-user add EMAIL`: accounts on a sync server's database."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.db.models import ROLES
from mentor_tui.errors import UserError

ACCOUNT_ROLES = (*ROLES, "integration")  # server.accounts.ACCOUNT_ROLES (the server's extra)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser(
        "server-user",
        parents=[common],
        help="manage accounts on a sync server's database",
        description="Manage the accounts people log in to a sync server with.",
    )
    verbs = group.add_subparsers(title="commands", metavar="COMMAND", parser_class=type(group))
    add = verbs.add_parser(
        "add",
        parents=[common],
        help="create an account, or set the password of an existing one",
        description="Create an account, or set the password of the user who has that email "
        "on the server (the role must match).",
    )
    add.add_argument("email", metavar="EMAIL")
    add.add_argument(
        "--role",
        required=True,
        choices=ACCOUNT_ROLES,
        help="integration: a learning platform that may only post xAPI statements",
    )
    add.add_argument("--name", help="full name (needed for a new account)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--database", metavar="URL", help="the server's database (as for `serve`)")
    add.set_defaults(run=run_add)
    group.set_defaults(run=lambda ctx: group.error("choose a command: add"))


def read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n")
        password = password.removesuffix("\r")
    else:
        if not sys.stdin.isatty():
            raise UserError("No terminal to ask for the password; use --password-stdin.")
        password = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Again: ") != password:
            raise UserError("The two passwords differ.")
    if not password:
        raise UserError("The password is empty.")
    return password


def run_add(ctx: CommandContext) -> int:
    from mentor_tui.commands.serve import server_engine
    from mentor_tui.server.accounts import add_server_user

    args = ctx.args
    password = read_password(args.password_stdin)
    engine = server_engine(args.database)
    try:
        result = add_server_user(
            engine, args.email, role=args.role, name=args.name, password=password
        )
    finally:
        engine.dispose()
    verb = "Created" if result.created else "Set the password of"
    print(f"{verb} {result.role} account {result.email}.")
    return 0
