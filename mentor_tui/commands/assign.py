"""`mentor-tui assign`, `unassign` and `match`: manual and automatic assignment (admins only)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    assign = subparsers.add_parser(
        "assign",
        parents=[common],
        help="assign a student to a mentor (admins)",
        description="Assign (or reassign) a student to a mentor within the mentor's capacity; "
        "the mentor and the student are notified.",
    )
    assign.add_argument("student", metavar="STUDENT", help="the student's email or id")
    assign.add_argument("mentor", metavar="MENTOR", help="the mentor's email or id")
    assign.add_argument(
        "--force", action="store_true", help="assign even when the mentor is at capacity"
    )
    assign.add_argument("--json", action="store_true", help="print the assignment as JSON")
    assign.set_defaults(run=run_assign)

    unassign = subparsers.add_parser(
        "unassign",
        parents=[common],
        help="take a student away from their mentor (admins)",
        description="Leave a student without a mentor, ready to be assigned again.",
    )
    unassign.add_argument("student", metavar="STUDENT", help="the student's email or id")
    unassign.add_argument("--json", action="store_true", help="print the student as JSON")
    unassign.set_defaults(run=run_unassign)

    match = subparsers.add_parser(
        "match",
        parents=[common],
        help="the optimal assignment of students without a mentor (admins)",
        description="Match every active student without a mentor to the active, available "
        "mentors' free seats: as many students as the rules allow, with the largest total "
        "score. Prints the draft with each match's score explained; --apply assigns them all.",
    )
    match.add_argument(
        "--json", action="store_true", help="print the draft (and what was applied) as JSON"
    )
    match.add_argument("--apply", action="store_true", help="assign every match of the draft")
    match.set_defaults(run=run_match)


def run_assign(ctx: CommandContext) -> int:
    from mentor_tui.core.assignment.seats import assign_student, mentor_load
    from mentor_tui.core.text import terminal_line
    from mentor_tui.db.models import User

    args = ctx.args
    actor = ctx.actor()
    with ctx.session() as session:
        student = assign_student(
            session, actor, args.student, args.mentor, force=args.force, config=ctx.config
        )
        mentor = session.get_one(User, student.mentor_id)
        students, capacity = mentor_load(session, mentor.id, config=ctx.config)
    if ctx.wants_json:
        ctx.print_json(
            {
                "student_id": student.id,
                "student_email": student.email,
                "student_name": student.full_name,
                "mentor_id": mentor.id,
                "mentor_email": mentor.email,
                "mentor_name": mentor.full_name,
                "seats_taken": students,
                "capacity": capacity,
                "over_capacity": students > capacity,
            }
        )
        return 0
    print(
        f"Assigned {terminal_line(student.full_name)} to {terminal_line(mentor.full_name)} "
        f"({students} of {capacity} seats taken)."
    )
    return 0


def run_unassign(ctx: CommandContext) -> int:
    from mentor_tui.core.assignment.seats import unassign_student
    from mentor_tui.core.text import terminal_line

    actor = ctx.actor()
    with ctx.session() as session:
        student = unassign_student(session, actor, ctx.args.student)
    if ctx.wants_json:
        ctx.print_json(
            {
                "student_id": student.id,
                "student_email": student.email,
                "student_name": student.full_name,
                "mentor_id": None,
            }
        )
        return 0
    print(f"{terminal_line(student.full_name)} has no mentor now.")
    return 0


def run_match(ctx: CommandContext) -> int:
    from mentor_tui.core.matching.plan import apply_matches, draft_matches

    args = ctx.args
    actor = ctx.actor()
    with ctx.session() as session:
        draft = draft_matches(session, actor, config=ctx.config)
        if args.apply:
            apply_matches(session, actor, draft, config=ctx.config)
    if ctx.wants_json:
        ctx.print_json(draft.to_json() | {"applied": bool(args.apply)})
        return 0
    if not draft.matches and not draft.unplaced:
        print("Every active student has a mentor; nothing to match.")
        return 0
    if draft.matches:
        ctx.print_rows(
            ["STUDENT", "MENTOR", "SCORE", "SKILLS"],
            [
                [
                    m.student.email,
                    m.mentor.email,
                    f"{m.score.score:.2f}",
                    m.score.breakdown[0].reason,
                ]
                for m in draft.matches
            ],
        )
    if draft.unplaced:
        if draft.matches:
            print()
        ctx.print_rows(
            ["UNASSIGNED", "REASON"], [[u.student.email, u.reason] for u in draft.unplaced]
        )
    print(
        f"\n{len(draft.matches)} matched, {len(draft.unplaced)} left unassigned; total score "
        f"{draft.total_score:.2f} (at most {draft.max_score} per match)."
    )
    if args.apply:
        print(f"Applied: {len(draft.matches)} students assigned and notified.")
    elif draft.matches:
        print("Draft only: run again with --apply to assign them.")
    return 0
