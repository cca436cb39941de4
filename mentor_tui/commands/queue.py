"""`mentor-tui queue` and `mentor-tui review ID`: the review queue and its decisions from scripts."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.errors import UserError

DEFAULT_LIMIT = 100


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    queue = subparsers.add_parser(
        "queue",
        parents=[common],
        help="pending submissions of your students, oldest first",
        description="Pending submissions of your students (everyone's for an admin), oldest "
        "first, with the time left to the review SLA.",
    )
    queue.add_argument("--json", action="store_true", help="print JSON objects")
    queue.add_argument("--overdue", action="store_true", help="only those past the review SLA")
    queue.add_argument(
        "--filter", metavar="TEXT", default="", help="match student name, email or assignment"
    )
    queue.add_argument(
        "--limit",
        metavar="N",
        type=_limit,
        default=DEFAULT_LIMIT,
        help=f"at most N items (default {DEFAULT_LIMIT}; 0 for all)",
    )
    queue.set_defaults(run=run_queue)

    review = subparsers.add_parser(
        "review",
        parents=[common],
        help="approve, reject or request changes on a pending submission",
        description="Decide one pending submission and tell the student their feedback is "
        "available. Feedback is required to reject or request changes.",
    )
    review.add_argument("submission_id", metavar="ID", help="the submission's id (see `queue`)")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument(
        "--approve", dest="decision", action="store_const", const="approve", help="approve it"
    )
    decision.add_argument(
        "--reject", dest="decision", action="store_const", const="reject", help="reject it"
    )
    decision.add_argument(
        "--request-changes",
        dest="decision",
        action="store_const",
        const="request_changes",
        help="send it back for changes",
    )
    feedback = review.add_mutually_exclusive_group()
    feedback.add_argument("--feedback", metavar="TEXT", help="the feedback, as typed")
    feedback.add_argument(
        "--feedback-file", metavar="F", help="read the feedback from a UTF-8 file (- for stdin)"
    )
    review.add_argument("--json", action="store_true", help="print the decided submission as JSON")
    review.set_defaults(run=run_review)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--limit takes a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("--limit cannot be negative")
    return value


def run_queue(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.reviews.queue import count_queue, list_queue

    actor = ctx.actor()
    args = ctx.args
    now = clock.now()
    with ctx.session() as session:
        filters = {"text_filter": args.filter, "overdue_only": args.overdue, "config": ctx.config}
        total = count_queue(session, actor, now=now, **filters)
        limit = args.limit or total
        items = list_queue(session, actor, limit=limit, now=now, **filters)
    if ctx.wants_json:
        ctx.print_json(
            [
                {
                    "id": item.id,
                    "student_id": item.student_id,
                    "student_name": item.student_name,
                    "student_email": item.student_email,
                    "assignment_id": item.assignment_id,
                    "assignment_title": item.assignment_title,
                    "submitted_at": clock.iso_utc(item.submitted_at),
                    "due_by": clock.iso_utc(item.due_by),
                    "overdue": item.overdue,
                    "hours_left": round(item.time_left.total_seconds() / 3600, 2),
                    "attempt": item.attempt,
                    "feedback_requested_at": clock.iso_utc(item.feedback_requested_at)
                    if item.feedback_requested_at
                    else None,
                    "feedback_request": item.feedback_request,
                }
                for item in items
            ]
        )
        ctx.say_partial(len(items), total, "pending")
        return 0
    if not items:
        filtered = bool(args.filter.strip()) or args.overdue
        print("No pending submissions match." if filtered else "No pending submissions.")
        return 0
    ctx.print_rows(
        ["ID", "STUDENT", "ASSIGNMENT", "SUBMITTED", "REVIEW DUE", "ASKED"],
        [
            [
                item.id,
                item.student_name,
                item.assignment_title,
                _local(item.submitted_at, actor.timezone),
                _time_left(item.time_left),
                (item.feedback_request or "feedback asked")[:40]
                if item.feedback_requested_at
                else "",
            ]
            for item in items
        ],
    )
    ctx.say_partial(len(items), total, "pending")
    return 0


def run_review(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.reviews.decisions import decide
    from mentor_tui.core.text import terminal_line
    from mentor_tui.db.models import Assignment, User

    args = ctx.args
    feedback = args.feedback if args.feedback is not None else _read_feedback(args.feedback_file)
    actor = ctx.actor()
    with ctx.session() as session:
        submission = decide(session, actor, args.submission_id, args.decision, feedback, ctx.config)
        student = session.get_one(User, submission.student_id)
        assignment = session.get_one(Assignment, submission.assignment_id)
    if ctx.wants_json:
        ctx.print_json(
            {
                "id": submission.id,
                "status": submission.status,
                "student_id": student.id,
                "student_email": student.email,
                "assignment_id": assignment.id,
                "assignment_title": assignment.title,
                "feedback": submission.feedback,
                "reviewer_id": submission.reviewer_id,
                "reviewed_at": clock.iso_utc(submission.reviewed_at),
                "version": submission.version,
            }
        )
        return 0
    done = {
        "approve": "Approved",
        "reject": "Rejected",
        "request_changes": "Requested changes on",
    }[args.decision]
    print(
        f"{done} {terminal_line(student.full_name)}'s {terminal_line(assignment.title)!r}; "
        f"{terminal_line(student.email)} has been told feedback is available."
    )
    return 0


def _read_feedback(source: str | None) -> str | None:
    if source is None:
        return None
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).expanduser().read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no feedback file {source}.") from None
    except IsADirectoryError:
        raise UserError(f"{source} is a folder, not a feedback file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read the feedback file {source}: {exc.strerror}.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"The feedback file {source} is not UTF-8 text.") from None


def _local(moment: datetime, tz_name: str) -> str:
    from mentor_tui.core import clock

    return f"{clock.to_local(moment, tz_name):%Y-%m-%d %H:%M}"


def _time_left(left: timedelta) -> str:
    from mentor_tui.core import clock

    if left < timedelta(0):
        return f"overdue by {clock.humanize_delta(left)}"
    return f"in {clock.humanize_delta(left)}"
