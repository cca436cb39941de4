"""`mentor-tui students`: the acting user's students (everyone's for an admin) with their
figures and at-risk reasons, as an aligned table or JSON; `students edit` keeps a student's
profile up to date (an admin every field, the student their own profile, their mentor their
needs and goals)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext

DEFAULT_LIMIT = 100
SORT_KEYS = ("name", "status", "completion", "pending", "last_activity", "at_risk")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    students = subparsers.add_parser(
        "students",
        parents=[common],
        help="your students with completion, pending work, last activity and risk",
        description="Your students (everyone's for an admin) with completion, pending "
        "submissions, last activity and the at-risk flag with its reasons.",
    )
    students.add_argument("--json", action="store_true", help="print JSON objects")
    students.add_argument(
        "--filter", metavar="TEXT", default="", help="only names or emails containing TEXT"
    )
    students.add_argument("--sort", choices=SORT_KEYS, default="name", help="the column to sort by")
    students.add_argument("--desc", action="store_true", help="sort the other way round")
    students.add_argument(
        "--limit",
        metavar="N",
        type=_whole("--limit"),
        default=DEFAULT_LIMIT,
        help=f"at most N students (default {DEFAULT_LIMIT}; 0 for all)",
    )
    students.add_argument(
        "--offset", metavar="N", type=_whole("--offset"), default=0, help="skip the first N"
    )
    students.add_argument(
        "--all", action="store_true", help="graduated students too (they leave the list)"
    )
    students.set_defaults(run=run_students)
    actions = students.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(students)
    )
    edit = actions.add_parser(
        "edit",
        parents=[common],
        help="change a student's profile",
        description="Change the fields given and leave the rest as they are. An admin may "
        "change any of them; the student their own learning style, needs, goals and time "
        "zone; their mentor their needs and goals. Graduating records the day.",
    )
    edit.add_argument("student", metavar="STUDENT", help="the student's email or id")
    edit.add_argument(
        "--learning-style", metavar="S", help="visual, auditory, kinesthetic or mixed"
    )
    edit.add_argument("--needs", metavar="A,B", help="skills they need (replaces the list)")
    edit.add_argument("--goals", metavar="TEXT", help="their goals")
    edit.add_argument("--timezone", metavar="TZ", help="IANA time zone, such as Asia/Tokyo")
    edit.add_argument("--status", metavar="STATUS", help="active, inactive or graduated")
    edit.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    edit.set_defaults(run=run_edit)


def _whole(option: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option} takes a whole number, not {text!r}"
            ) from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"{option} cannot be negative")
        return value

    return parse


def run_students(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.people.students import count_students, list_students

    args = ctx.args
    actor = ctx.actor()
    with ctx.session() as session:
        total = count_students(session, actor, text_filter=args.filter, include_graduated=args.all)
        limit = args.limit or total
        rows = list_students(
            session,
            actor,
            text_filter=args.filter,
            sort=args.sort,
            descending=args.desc,
            offset=args.offset,
            limit=limit,
            config=ctx.config,
            include_graduated=args.all,
        )
    if ctx.wants_json:
        ctx.print_json(
            [
                {
                    "id": r.id,
                    "full_name": r.full_name,
                    "email": r.email,
                    "status": r.status,
                    "mentor_id": r.mentor_id,
                    "mentor_name": r.mentor_name,
                    "completion_rate": round(r.completion_rate, 2),
                    "modules_total": r.modules_total,
                    "modules_completed": r.modules_completed,
                    "pending_submissions": r.pending_submissions,
                    "overdue_submissions": r.overdue_submissions,
                    "last_activity_at": clock.iso_utc(r.last_activity_at),
                    "at_risk": r.at_risk,
                    "at_risk_reasons": list(r.at_risk_reasons),
                }
                for r in rows
            ]
        )
        ctx.say_partial(len(rows), total, "students", offset=args.offset)
        return 0
    now = clock.now()
    ctx.print_rows(
        ["name", "email", "status", "mentor", "completion", "pending", "last activity", "at risk"],
        [
            [
                r.full_name,
                r.email,
                r.status,
                r.mentor_name or "-",
                f"{r.completion_rate:.0f}%",
                r.pending_submissions,
                clock.humanize_age(r.last_activity_at, now),
                "; ".join(r.at_risk_reasons) if r.at_risk else "-",
            ]
            for r in rows
        ],
    )
    ctx.say_partial(len(rows), total, "students", offset=args.offset)
    return 0


def run_edit(ctx: CommandContext) -> int:
    from mentor_tui.core.people.editing import StudentEdit, edit_student_profile
    from mentor_tui.core.people.mentor_fields import parse_list
    from mentor_tui.core.text import terminal_line

    args = ctx.args
    edit = StudentEdit(
        learning_style=args.learning_style,
        needed_skills=parse_list(args.needs) if args.needs is not None else None,
        goals=args.goals,
        timezone=args.timezone,
        status=args.status,
    )
    actor = ctx.actor()
    with ctx.session() as session:
        view = edit_student_profile(session, actor, args.student, edit)
    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    print(f"{terminal_line(view.full_name)} ({view.email}) is updated.")
    return 0
