"""`mentor-tui users list / add / import FILE.csv`: managing accounts from scripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from mentor_tui.commands.context import CommandContext
from mentor_tui.db.models import ROLES
from mentor_tui.errors import UserError


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    users = subparsers.add_parser(
        "users",
        help="list, add or import user accounts",
        description="List the accounts you may see, add one (admins), or import many from CSV.",
    )
    users.set_defaults(run=_no_action)
    actions = users.add_subparsers(title="actions", metavar="ACTION", parser_class=type(users))

    listing = actions.add_parser(
        "list", parents=[common], help="the accounts you may see, by role and name"
    )
    listing.add_argument("--role", choices=ROLES, help="only this role")
    listing.add_argument("--json", action="store_true", help="print JSON objects")
    listing.set_defaults(run=run_list)

    add = actions.add_parser(
        "add",
        parents=[common],
        help="add one account (admins; on an empty database, the first admin)",
        description="Add one account and print its id. Mentors get a profile with a capacity "
        "(default max_students_per_mentor); a student may be given a mentor, within capacity.",
    )
    add.add_argument("--email", required=True, help="their email, which is also their login")
    add.add_argument("--name", required=True, help="their full name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--timezone", default="UTC", help="an IANA name such as Europe/Berlin")
    add.add_argument("--mentor", metavar="EMAIL", help="a student's mentor")
    add.add_argument("--capacity", metavar="N", help="a mentor's maximum number of students")
    add.add_argument("--expertise", metavar="A,B", default="", help="a mentor's expertise areas")
    add.add_argument(
        "--force", action="store_true", help="assign the mentor even when they are at capacity"
    )
    add.add_argument("--json", action="store_true", help="print the new account as JSON")
    add.set_defaults(run=run_add)

    load = actions.add_parser(
        "import",
        parents=[common],
        help="add every account of a CSV file, or none",
        description="The header needs full_name,email,role and may have mentor_email,timezone,"
        "expertise (separated by ;),capacity. Every line is checked first: if any is bad, "
        "nothing is written and each bad line is listed by its number. While stderr is a "
        "terminal, one line there counts the rows written.",
    )
    load.add_argument("file", metavar="FILE.csv")
    load.add_argument("--json", action="store_true", help="print the counts as JSON")
    load.set_defaults(run=run_import)


def _no_action(ctx: CommandContext) -> int:
    raise UserError("Say what to do with users: list, add or import (see `mentor-tui users -h`).")


def _user_json(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "status": user.status,
        "timezone": user.timezone,
        "mentor_id": user.mentor_id,
    }


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.core.people.users import list_users

    actor = ctx.actor()
    with ctx.session() as session:
        users = list_users(session, actor, role=ctx.args.role)
        names = _mentor_names(session, [u.mentor_id for u in users])
    if ctx.wants_json:
        ctx.print_json([_user_json(u) for u in users])
        return 0
    ctx.print_rows(
        ["name", "email", "role", "status", "timezone", "mentor"],
        [
            [u.full_name, u.email, u.role, u.status, u.timezone, names.get(u.mentor_id or "", "")]
            for u in users
        ],
    )
    return 0


def _mentor_names(session: Any, ids: list[str | None]) -> dict[str, str]:
    from sqlalchemy import select

    from mentor_tui.db.models import User

    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.email).where(User.id.in_(wanted)))
    return {user_id: email for user_id, email in rows}


def run_add(ctx: CommandContext) -> int:
    from mentor_tui.core.people.settings import store_is_empty
    from mentor_tui.core.people.users import add_user, create_first_admin

    args = ctx.args
    expertise = [a for a in (args.expertise or "").split(",") if a.strip()]
    with ctx.session() as session:
        first = store_is_empty(session)
    if first:
        if args.role != "admin" or args.mentor or args.capacity or expertise:
            raise UserError(
                "This database has no users yet; the first account must be an admin (--role admin)."
            )
        with ctx.session() as session:
            user = create_first_admin(
                session, email=args.email, full_name=args.name, timezone=args.timezone
            )
    else:
        actor = ctx.actor()
        with ctx.session() as session:
            user = add_user(
                session,
                actor,
                email=args.email,
                full_name=args.name,
                role=args.role,
                timezone=args.timezone,
                mentor_key=args.mentor,
                expertise=expertise,
                capacity=args.capacity,
                force=args.force,
                config=ctx.config,
            )
            if user.role == "student" and user.mentor_id is None:
                from mentor_tui.core.matching.auto import auto_assign_new_students

                auto_assign_new_students(session, actor, [user.id], config=ctx.config)
    if ctx.wants_json:
        ctx.print_json(_user_json(user))
    else:
        sys.stdout.write(f"{user.id}\n")
    return 0


class ImportProgressLine:
    """``done of total`` rows on one rewritten stderr line, while stderr is a terminal; nothing
    when it is not (a pipe or a log file gets only the result and the errors)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        self.shown = True
        self.stream.write(f"\rImporting users: {done:,} of {total:,} rows")
        self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def run_import(ctx: CommandContext) -> int:
    from mentor_tui.core.people.users import import_users_csv

    actor = ctx.actor()
    line = ImportProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        with ctx.session() as session:
            result = import_users_csv(
                session, actor, Path(ctx.args.file), config=ctx.config, progress=line
            )
            if result.unassigned_students:
                from mentor_tui.core.matching.auto import auto_assign_new_students

                auto_assign_new_students(
                    session, actor, result.unassigned_students, config=ctx.config
                )
    finally:
        if line is not None:
            line.end()
    if ctx.wants_json:
        ctx.print_json({"created": result.created, "by_role": result.by_role})
        return 0
    parts = ", ".join(
        f"{result.by_role[role]} {role}{'s' if result.by_role[role] != 1 else ''}"
        for role in ROLES
        if result.by_role.get(role)
    )
    noun = "user" if result.created == 1 else "users"
    sys.stdout.write(f"Created {result.created} {noun}" + (f" ({parts}).\n" if parts else ".\n"))
    return 0
