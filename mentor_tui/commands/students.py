"""`mentor-tui students`: the acting user's students (everyone's for an admin) with their
figures and at-risk reasons, as an aligned table or JSON."""

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
    students.set_defaults(run=run_students)


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
        total = count_students(session, actor, text_filter=args.filter)
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
