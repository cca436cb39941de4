"""`mentor-tui availability set / show / except`: a mentor's or a student's weekly windows (in
their own time zone) and the days they are off (an admin anyone's, everyone their own)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "availability",
        parents=[common],
        help="weekly availability windows and days off of a mentor or student",
        description="Weekly windows ('Mon 09:00-12:00') in the person's time zone and the "
        "dated exceptions (holidays, sick days) the free-slot finder keeps clear of.",
    )
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )
    actions.required = True

    put = actions.add_parser(
        "set",
        parents=[common],
        help="replace a person's weekly windows",
        description="Replace the weekly windows with those given; with --tz they are in that "
        "time zone, which becomes the person's. Give none to clear them.",
    )
    put.add_argument("person", metavar="EMAIL", help="the mentor's or student's email or id")
    put.add_argument("windows", metavar="WINDOW", nargs="*", help="such as 'Mon 09:00-12:00'")
    put.add_argument("--tz", metavar="TZ", help="IANA time zone of the windows")
    put.add_argument("--json", action="store_true", help="print JSON")
    put.set_defaults(run=run_set)

    show = actions.add_parser(
        "show",
        parents=[common],
        help="a person's weekly windows and days off",
        description="The weekly windows, the time zone and the dated exceptions.",
    )
    show.add_argument("person", metavar="EMAIL", help="the mentor's or student's email or id")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=run_show)

    off = actions.add_parser(
        "except",
        parents=[common],
        help="mark a day off (a holiday, a sick day), or take it back with --remove",
        description="A whole day, in the person's time zone, when no session is offered.",
    )
    off.add_argument("person", metavar="EMAIL", help="the mentor's or student's email or id")
    off.add_argument("day", metavar="DATE", help="the day, YYYY-MM-DD")
    off.add_argument("--reason", metavar="TEXT", default="", help="such as holiday")
    off.add_argument("--remove", action="store_true", help="take the exception back")
    off.add_argument("--json", action="store_true", help="print JSON")
    off.set_defaults(run=run_except)


def _print(ctx: CommandContext, view: Any) -> int:
    from mentor_tui.core.people.mentor_fields import format_availability
    from mentor_tui.core.text import terminal_line

    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    print(f"{terminal_line(view.full_name)} ({view.email}), {view.role}, {view.timezone}")
    print(f"weekly: {format_availability(view.windows) or 'no windows'}")
    for item in view.exceptions:
        reason = f" ({terminal_line(item['reason'])})" if item.get("reason") else ""
        print(f"off: {item['date']}{reason}")
    return 0


def run_set(ctx: CommandContext) -> int:
    from mentor_tui.core.people.windows import set_availability

    args = ctx.args
    actor = ctx.actor()
    with ctx.session() as session:
        view = set_availability(
            session, actor, args.person, args.windows, timezone=args.tz, config=ctx.config
        )
    return _print(ctx, view)


def run_show(ctx: CommandContext) -> int:
    from mentor_tui.core.people.windows import show_availability

    actor = ctx.actor()
    with ctx.session() as session:
        view = show_availability(session, actor, ctx.args.person)
    return _print(ctx, view)


def run_except(ctx: CommandContext) -> int:
    from mentor_tui.core.people.windows import add_exception
    from mentor_tui.core.timezones import parse_day

    args = ctx.args
    day = parse_day(args.day)
    actor = ctx.actor()
    with ctx.session() as session:
        view = add_exception(
            session,
            actor,
            args.person,
            day,
            reason=args.reason,
            remove=args.remove,
            config=ctx.config,
        )
    return _print(ctx, view)
