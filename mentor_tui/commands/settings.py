"""`mentor-tui settings`, `settings get KEY`, `settings set KEY VALUE`: every setting with its
meaning, default and current value; the program's (SPEC section 3) are synced rows only an
admin sets, the rest this machine's config file (its comments kept)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "settings",
        parents=[common],
        help="the program's and this machine's settings: list, get, set",
        description="Without an action: every setting with its meaning, default, current "
        "value and where that comes from (program: set by an admin for every client; file: "
        "this machine's config.toml; default).",
    )
    parser.add_argument("--json", action="store_true", help="print JSON objects")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )
    get = actions.add_parser("get", parents=[common], help="one setting")
    get.add_argument("key", metavar="KEY", help="such as assignment_review_sla_hours")
    get.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    get.set_defaults(run=run_get)
    put = actions.add_parser(
        "set",
        parents=[common],
        help="change one setting (program settings: admins only)",
        description="A program setting becomes a synced row every client of the program uses; "
        "any other is written into this machine's config file, comments kept.",
    )
    put.add_argument("key", metavar="KEY", help="such as notifications.session_reminders")
    put.add_argument("value", metavar="VALUE", help="a whole number, or true / false")
    put.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    put.set_defaults(run=run_set)


def _row(view: Any) -> list[Any]:
    def shown(value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    return [view.key, shown(view.value), shown(view.default), view.source, view.meaning]


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.config import load_config
    from mentor_tui.core.people.program_settings import list_settings

    ctx.actor()
    with ctx.session() as session:
        views = list_settings(session, load_config())
    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views])
        return 0
    ctx.print_rows(["KEY", "VALUE", "DEFAULT", "FROM", "MEANING"], [_row(v) for v in views])
    return 0


def run_get(ctx: CommandContext) -> int:
    from mentor_tui.config import load_config
    from mentor_tui.core.people.program_settings import get_setting

    ctx.actor()
    with ctx.session() as session:
        view = get_setting(session, load_config(), ctx.args.key)
    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    print(_row(view)[1])
    return 0


def run_set(ctx: CommandContext) -> int:
    from mentor_tui.config import load_config
    from mentor_tui.core.people.program_settings import set_setting

    actor = ctx.actor()
    with ctx.session() as session:
        view = set_setting(session, actor, ctx.args.key, ctx.args.value, file_config=load_config())
    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    where = "for the whole program" if view.scope == "program" else "in this machine's config"
    print(f"{view.key} = {_row(view)[1]} {where}.")
    return 0
