"""`mentor-tui mentor`, `mentor-tui progress`, `mentor-tui feedback request`: a student's own
mentor, progress and work, and asking for feedback (a student acting as themself)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    mentor = subparsers.add_parser(
        "mentor",
        parents=[common],
        help="your mentor's profile (students)",
        description="Your mentor: expertise, verified specializations, availability windows "
        "and days off, contact preferences and the response time to expect.",
    )
    mentor.add_argument("--json", action="store_true", help="print JSON")
    mentor.set_defaults(run=run_mentor)

    progress = subparsers.add_parser(
        "progress",
        parents=[common],
        help="your modules, milestones and submissions with feedback (students)",
        description="Your modules with completion, quiz scores and time spent, your "
        "milestones, and your submissions with the feedback on each, newest first; feedback "
        "you had not read yet is marked NEW (and is read once shown).",
    )
    progress.add_argument("--json", action="store_true", help="print JSON")
    progress.set_defaults(run=run_progress)

    feedback = subparsers.add_parser(
        "feedback",
        parents=[common],
        help="ask your mentor for feedback on a submission (students)",
        description="Feedback on your submissions.",
    )
    actions = feedback.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(feedback)
    )
    actions.required = True
    request = actions.add_parser(
        "request",
        parents=[common],
        help="ask for feedback on a submission waiting for review",
        description="Ask your mentor for feedback on your submission still waiting for a "
        "review, with a note; your mentor's review queue shows it first. Asking again "
        "replaces the note.",
    )
    request.add_argument("submission", metavar="SUBMISSION", help="the submission's id (8+)")
    request.add_argument("text", metavar="TEXT", nargs="?", default="", help="a note")
    request.add_argument("--json", action="store_true", help="print JSON")
    request.set_defaults(run=run_feedback_request)


def run_mentor(ctx: CommandContext) -> int:
    from mentor_tui.core.people.my_mentor import my_mentor
    from mentor_tui.core.text import terminal_line

    with ctx.session() as session:
        card = my_mentor(session, ctx.actor(), ctx.config)
    if ctx.wants_json:
        ctx.print_json(card.to_json())
        return 0
    print(f"{terminal_line(card.full_name)} <{terminal_line(card.email)}> ({card.timezone})")
    if card.away_reason is not None:
        until = f" until {card.away_until.isoformat()}" if card.away_until else ""
        print(f"  away{until}: {terminal_line(card.away_reason)}")
    if card.bio:
        print(f"  about      {terminal_line(card.bio)}")
    print(f"  expertise  {terminal_line(', '.join(card.expertise)) or '-'}")
    verified = ", ".join(f"{n} ({p}/5)" for n, p in card.verified_specializations)
    print(f"  verified   {terminal_line(verified) or '-'}")
    print(f"  available  {terminal_line(card.availability_text) or 'no windows set'}")
    if card.days_off:
        days = ", ".join(d["date"] for d in card.days_off[:10])
        print(f"  days off   {days}")
    print(f"  contact    {terminal_line(', '.join(card.contact_preferences)) or '-'}")
    measured = (
        f"; {card.median_response_hours:g} h on your work so far"
        if card.median_response_hours is not None
        else ""
    )
    print(f"  responds   within {card.sla_hours} h (the program's review time){measured}")
    bookings = "accepted at once" if card.auto_accept_bookings else "requests to accept"
    print(f"  bookings   {bookings}")
    return 0


def run_progress(ctx: CommandContext) -> int:
    from mentor_tui.core.analytics.my_progress import my_progress
    from mentor_tui.core.reviews.requests import mark_feedback_read
    from mentor_tui.core.text import terminal_line, terminal_text
    from mentor_tui.core.timezones import format_moment

    actor = ctx.actor()
    with ctx.session() as session:
        mine = my_progress(session, actor, ctx.config)
        mark_feedback_read(session, actor, [w.id for w in mine.submissions if w.unread])
    if ctx.wants_json:
        ctx.print_json(mine.to_json())
        return 0
    quiz = f"{mine.quiz_average:.0f}" if mine.quiz_average is not None else "-"
    hours = mine.time_spent_minutes / 60
    print(f"Completion {mine.completion:.0f}%, time spent {hours:.1f} h, quiz average {quiz}.")
    for course in mine.courses:
        print(
            f"\n{terminal_line(course.title)}: {course.percent:.0f}% "
            f"({course.modules_completed}/{course.modules_total} modules)"
        )
        ctx.print_rows(
            ["MODULE", "DONE", "%", "QUIZ", "MIN"],
            [
                [
                    m.title,
                    "yes" if m.is_completed else "",
                    f"{m.percent:.0f}",
                    "" if m.quiz_score is None else f"{m.quiz_score:.0f}",
                    m.time_spent_minutes,
                ]
                for m in course.modules
            ],
        )
    if mine.milestones:
        print("\nMilestones:")
        for m in mine.milestones:
            print(f"  {format_moment(m.at, actor.timezone)}  {terminal_line(m.text)}")
    print("\nSubmissions, newest first:" if mine.submissions else "\nNo submissions yet.")
    for work in mine.submissions:
        mark = "NEW " if work.unread else ""
        asked = ", feedback asked" if work.feedback_requested_at else ""
        print(
            f"  {mark}{work.id[:8]}  {terminal_line(work.assignment_title)} "
            f"(attempt {work.attempt}, {format_moment(work.submitted_at, actor.timezone)}): "
            f"{work.status.replace('_', ' ')}{asked}"
        )
        if work.feedback:
            by = f" ({terminal_line(work.reviewer_name)})" if work.reviewer_name else ""
            for line in terminal_text(work.feedback).splitlines() or [""]:
                print(f"      {line}")
            if by:
                print(f"      -{by}")
    return 0


def run_feedback_request(ctx: CommandContext) -> int:
    from mentor_tui.core.reviews.requests import request_feedback

    with ctx.session() as session:
        row = request_feedback(session, ctx.actor(), ctx.args.submission, ctx.args.text)
        result = {
            "submission_id": row.id,
            "feedback_requested_at": row.feedback_requested_at.isoformat()
            if row.feedback_requested_at
            else None,
            "note": row.feedback_request,
        }
    if ctx.wants_json:
        ctx.print_json(result)
    else:
        print(f"Asked your mentor for feedback on {result['submission_id'][:8]}.")
    return 0
