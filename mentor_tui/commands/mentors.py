"""`mentor-tui mentors`: the mentor list with loads, `mentors edit` (an admin any field, a
mentor their own availability, contact preferences and time zone), and `mentors unavailable` /
`mentors available` for a mentor's absence (admins only)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "mentors",
        parents=[common],
        help="mentors with their load, capacity and availability (admins)",
        description="Without an action: every mentor with their load against capacity, "
        "expertise, timezone and availability. Admins only.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON objects")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )

    away = actions.add_parser(
        "unavailable",
        parents=[common],
        help="mark a mentor unavailable and move their students (preview without --apply)",
        description="Show where each of the mentor's active students would go (the backup "
        "mentor while they have free seats, else the best-scoring mentors with free seats); "
        "with --apply, mark the mentor unavailable and move the students in one step, "
        "notifying the mentor, the students and their new mentors.",
    )
    away.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    away.add_argument(
        "--until", metavar="DATE", help="last day away, YYYY-MM-DD (default: until marked back)"
    )
    away.add_argument("--reason", metavar="TEXT", default="", help="why, shown to the students")
    away.add_argument("--apply", action="store_true", help="do it (without: only the preview)")
    away.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    away.set_defaults(run=run_unavailable)

    _register_edit(actions, common)
    _register_absence(actions, common)

    back = actions.add_parser(
        "available",
        parents=[common],
        help="mark a mentor available again now",
        description="End a mentor's unavailability now; it also ends by itself the day after "
        "its --until date.",
    )
    back.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    back.set_defaults(run=run_available)


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.core.people.mentors import list_mentors

    actor = ctx.actor()
    with ctx.session() as session:
        mentors = list_mentors(session, actor, config=ctx.config)
    if ctx.wants_json:
        ctx.print_json([m.to_json() for m in mentors])
        return 0
    if not mentors:
        print("No mentors yet.")
        return 0
    ctx.print_rows(
        ["NAME", "EMAIL", "STATUS", "STUDENTS", "TIMEZONE", "EXPERTISE", "AVAILABLE"],
        [
            [
                m.full_name,
                m.email,
                m.status,
                f"{m.student_count}/{m.capacity}",
                m.timezone,
                ", ".join(m.expertise),
                _availability(m.available, m.unavailable_until, m.unavailable_reason),
            ]
            for m in mentors
        ],
    )
    return 0


def _availability(available: bool, until: Any, reason: str | None) -> str:
    if available:
        return "yes"
    text = f"no, until {until.isoformat()}" if until else "no"
    return f"{text} ({reason})" if reason else text


def run_unavailable(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.unavailability import mark_unavailable, plan_unavailability
    from mentor_tui.core.text import terminal_line
    from mentor_tui.core.timezones import parse_day

    args = ctx.args
    until = parse_day(args.until) if args.until else None
    actor = ctx.actor()
    with ctx.session() as session:
        act = mark_unavailable if args.apply else plan_unavailability
        plan = act(session, actor, args.mentor, reason=args.reason, until=until, config=ctx.config)
    if ctx.wants_json:
        ctx.print_json(plan.to_json() | {"applied": bool(args.apply)})
        return 0
    who = terminal_line(plan.mentor_name)
    span = f" until {plan.until.isoformat()}" if plan.until else ""
    if not plan.moves:
        done = "is now marked" if args.apply else "would be marked"
        print(f"{who} {done} unavailable{span}; they have no active students to move.")
        return 0
    ctx.print_rows(
        ["STUDENT", "EMAIL", "NEW MENTOR", "VIA", "WHY"],
        [
            [m.student_name, m.student_email, m.to.email if m.to else "-", m.via, m.reason]
            for m in plan.moves
        ],
    )
    if args.apply:
        moved = sum(1 for m in plan.moves if m.to is not None)
        left = len(plan.moves) - moved
        print(
            f"{who} is marked unavailable{span}; {moved} moved"
            + (f", {left} left without a mentor." if left else ".")
        )
    else:
        print(f"Preview only: run again with --apply to mark {who} unavailable and move them.")
    return 0


def run_available(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.unavailability import mark_available
    from mentor_tui.core.text import terminal_line

    actor = ctx.actor()
    with ctx.session() as session:
        mentor = mark_available(session, actor, ctx.args.mentor)
    print(f"{terminal_line(mentor.full_name)} is available for matching again.")
    return 0


def _register_edit(actions: Any, common: argparse.ArgumentParser) -> None:
    edit = actions.add_parser(
        "edit",
        parents=[common],
        help="change a mentor's profile (admins; a mentor their own contact and time zone)",
        description="Change the fields given and leave the rest as they are. An admin may "
        "change any of them; a mentor only their own --timezone and --contact (and their "
        "windows with `mentor-tui availability set`).",
    )
    edit.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    edit.add_argument("--name", metavar="N", help="the full name")
    edit.add_argument("--capacity", metavar="N", help="most students at once")
    edit.add_argument("--timezone", metavar="TZ", help="IANA time zone, such as Europe/Berlin")
    edit.add_argument(
        "--teaching-style", metavar="STYLE", help="visual, auditory, kinesthetic or mixed"
    )
    edit.add_argument("--hours", metavar="N", help="weekly available hours")
    edit.add_argument("--expertise", metavar="A,B", help="expertise areas (replaces the list)")
    edit.add_argument(
        "--specialization",
        metavar="NAME:LEVEL",
        action="append",
        default=[],
        help="add a specialization or change its proficiency (1-5); repeatable",
    )
    edit.add_argument(
        "--verify", metavar="NAME", action="append", default=[], help="mark one verified"
    )
    edit.add_argument("--backup", metavar="EMAIL", help="the backup mentor ('' for none)")
    edit.add_argument(
        "--contact",
        metavar="TEXT",
        help="contact preferences students see, such as 'email; replies within a day'",
    )
    edit.add_argument("--status", metavar="STATUS", help="active or inactive")
    edit.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    edit.set_defaults(run=run_edit)


def run_edit(ctx: CommandContext) -> int:
    from mentor_tui.core.people.editing import (
        MentorChanges,
        edit_mentor_profile,
        mentor_profile_json,
        parse_specialization,
    )
    from mentor_tui.core.people.mentor_fields import parse_list
    from mentor_tui.core.people.mentors import MentorEdit
    from mentor_tui.core.text import terminal_line

    args = ctx.args
    edit = MentorEdit(
        full_name=args.name,
        timezone=args.timezone,
        expertise=parse_list(args.expertise) if args.expertise is not None else None,
        teaching_style=args.teaching_style,
        capacity=args.capacity,
        weekly_hours=args.hours,
        backup_mentor=args.backup,
        contact_preferences=[c.strip() for c in args.contact.split(";") if c.strip()]
        if args.contact is not None
        else None,
    )
    changes = MentorChanges(
        edit=edit,
        specializations=[parse_specialization(text) for text in args.specialization],
        verify=list(args.verify),
        status=args.status,
    )
    actor = ctx.actor()
    with ctx.session() as session:
        mentor = edit_mentor_profile(session, actor, args.mentor, changes, config=ctx.config)
        summary = mentor_profile_json(session, actor, mentor.id, config=ctx.config)
    if ctx.wants_json:
        ctx.print_json(summary)
        return 0
    print(f"{terminal_line(summary['full_name'])} ({summary['email']}) is updated.")
    return 0


def _register_absence(actions: Any, common: argparse.ArgumentParser) -> None:
    away = actions.add_parser(
        "away",
        parents=[common],
        help="a mentor away for a while: students to substitutes and back (admins)",
        description="From its first day (the mentor's own date) the mentor's active students go "
        "to the backup mentor while they have room, else to the best mentor with room; the day "
        "after --until they come back (unless kept with `mentors keep`). Everyone is notified. "
        "Starts and ends happen by themselves before any admin's command and in an admin's app "
        "(and at once when --from is today); `mentors due` applies them and says which.",
    )
    away.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    away.add_argument("--from", dest="from_day", metavar="DATE", required=True, help="first day")
    away.add_argument("--until", metavar="DATE", help="last day (default: until `mentors back`)")
    away.add_argument("--reason", metavar="TEXT", default="", help="why, shown to the students")
    away.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    away.set_defaults(run=run_away)
    back = actions.add_parser(
        "back",
        parents=[common],
        help="end a mentor's absence now: their students come back",
        description="End an absence now (or cancel one not started yet).",
    )
    back.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    back.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    back.set_defaults(run=run_back)
    keep = actions.add_parser(
        "keep",
        parents=[common],
        help="keep a substituted student with their substitute after the absence",
    )
    keep.add_argument("student", metavar="STUDENT", help="the student's email or id")
    keep.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    keep.set_defaults(run=run_keep)
    due = actions.add_parser(
        "due",
        parents=[common],
        help="start and end the absences that are due today",
    )
    due.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    due.set_defaults(run=run_due, upkeep=False)  # it reports what it started and ended


def _absences(ctx: CommandContext, views: list[Any]) -> int:
    from mentor_tui.core.text import terminal_line

    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views])
        return 0
    for v in views:
        until = v.ends_on.isoformat() if v.ends_on else "further notice"
        moved = sum(1 for to in v.moves.values() if to)
        print(
            f"{terminal_line(v.mentor_email)}: away {v.starts_on.isoformat()} to {until}, "
            f"{v.state}; {moved} of {len(v.moves)} students with a substitute."
        )
    if not views:
        print("Nothing is due.")
    return 0


def run_away(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.substitution import plan_absence
    from mentor_tui.core.timezones import parse_day

    args = ctx.args
    starts_on = parse_day(args.from_day)
    ends_on = parse_day(args.until) if args.until else None
    actor = ctx.actor()
    with ctx.session() as session:
        view = plan_absence(
            session,
            actor,
            args.mentor,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=args.reason,
            config=ctx.config,
        )
    return _absences(ctx, [view])


def run_back(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.substitution import end_absence

    actor = ctx.actor()
    with ctx.session() as session:
        view = end_absence(session, actor, ctx.args.mentor, config=ctx.config)
    return _absences(ctx, [view])


def run_keep(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.substitution import keep_pairing

    actor = ctx.actor()
    with ctx.session() as session:
        view = keep_pairing(session, actor, ctx.args.student)
    return _absences(ctx, [view])


def run_due(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.substitution import run_due as due

    actor = ctx.actor()
    with ctx.session() as session:
        views = due(session, actor, config=ctx.config)
    return _absences(ctx, views)
