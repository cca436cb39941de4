"""`mentor-tui sessions book / requests / accept / decline / rate / auto-accept`: a student books
a session with their own mentor, the mentor answers, the student rates it afterwards
(registered by ``commands/sessions.py`` under the ``sessions`` verb)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext


def register_booking(actions: Any, common: argparse.ArgumentParser) -> None:
    book = actions.add_parser(
        "book",
        parents=[common],
        help="book a session with your mentor (students)",
        description="Ask your mentor for a session at a free time of theirs that suits you "
        "(see `sessions free`): a request your mentor accepts or declines, or a session at "
        "once if your mentor takes bookings so. A time already taken is refused.",
    )
    when = book.add_mutually_exclusive_group(required=True)
    when.add_argument(
        "--at", metavar="'YYYY-MM-DD HH:MM'", help="the start, wall-clock time in --tz"
    )
    when.add_argument("--next", action="store_true", help="the first free slot that suits you")
    book.add_argument("--tz", metavar="ZONE", help="IANA timezone of --at (default: yours)")
    book.add_argument("--note", metavar="TEXT", help="what you would like to talk about")
    book.add_argument(
        "--progress-review",
        action="store_true",
        help="ask for a progress review meeting (your mentor is told so)",
    )
    book.add_argument("--json", action="store_true", help="print the session as JSON")
    book.set_defaults(run=run_book)

    requests = actions.add_parser(
        "requests",
        parents=[common],
        help="booking requests waiting for an answer",
        description="Booking requests still to come and not yet answered, earliest first: a "
        "mentor's to accept or decline, a student's own.",
    )
    requests.add_argument("--json", action="store_true", help="print JSON objects")
    requests.set_defaults(run=run_requests)

    accept = actions.add_parser(
        "accept",
        parents=[common],
        help="accept a student's booking request (mentors)",
        description="Accept a booking request: it becomes a scheduled session.",
    )
    accept.add_argument("session_id", metavar="ID", help="the request's id (or 8+ characters)")
    accept.add_argument("--json", action="store_true", help="print the session as JSON")
    accept.set_defaults(run=run_accept)

    decline = actions.add_parser(
        "decline",
        parents=[common],
        help="decline a student's booking request (mentors)",
        description="Decline a booking request, with a reason the student sees; the time is "
        "free again.",
    )
    decline.add_argument("session_id", metavar="ID", help="the request's id (or 8+ characters)")
    decline.add_argument("--reason", metavar="TEXT", default="", help="why, for the student")
    decline.add_argument("--json", action="store_true", help="print the session as JSON")
    decline.set_defaults(run=run_decline)

    rate = actions.add_parser(
        "rate",
        parents=[common],
        help="rate a session you attended, 1-5 (students)",
        description="Rate a session once it has started, 1 (poor) to 5 (excellent), with an "
        "optional comment; rating again replaces it. Your mentor's analytics count it.",
    )
    rate.add_argument("session_id", metavar="SESSION", help="the session's id (or 8+ characters)")
    rate.add_argument("rating", metavar="1..5", help="the rating")
    rate.add_argument("--comment", metavar="T", help="a few words with the rating")
    rate.add_argument("--student", metavar="EMAIL", help="(mentors) the student whose rating")
    rate.add_argument("--json", action="store_true", help="print the rating as JSON")
    rate.set_defaults(run=run_rate)

    auto = actions.add_parser(
        "auto-accept",
        parents=[common],
        help="take students' bookings at once, or as requests (mentors)",
        description="on: a student's booking at a free time becomes a session at once; off: "
        "it is a request you accept or decline. A mentor sets their own; an admin any "
        "mentor's with --mentor.",
    )
    auto.add_argument("state", choices=("on", "off"), help="on or off")
    auto.add_argument("--mentor", metavar="EMAIL", help="(admins) the mentor")
    auto.add_argument("--json", action="store_true", help="print JSON")
    auto.set_defaults(run=run_auto_accept)


def _print_session(ctx: CommandContext, lead: str, view: Any) -> None:
    from mentor_tui.core.text import terminal_line

    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return
    actor = ctx.actor()
    print(f"{lead} '{terminal_line(view.title)}' on {view.span_in(actor.timezone)} (id {view.id}).")


def run_book(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.sessions.booking import book_session, next_bookable
    from mentor_tui.core.timezones import parse_local

    args = ctx.args
    actor = ctx.actor()
    tz_name = args.tz or actor.timezone
    clock.zone(tz_name)
    with ctx.session() as session:
        if args.next:
            starts_at = next_bookable(session, actor, ctx.config)
        else:
            starts_at = parse_local(args.at, tz_name)
        view = book_session(
            session,
            actor,
            ctx.config,
            starts_at=starts_at,
            timezone=tz_name,
            note=args.note,
            progress_review=args.progress_review,
        )
    if view.status == "scheduled":
        _print_session(ctx, "Booked (your mentor takes bookings at once):", view)
    else:
        _print_session(ctx, "Asked your mentor for", view)
    return 0


def run_requests(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.booking import booking_requests
    from mentor_tui.core.timezones import format_moment

    actor = ctx.actor()
    with ctx.session() as session:
        views = booking_requests(session, actor)
    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views])
        return 0
    if not views:
        print("No booking requests waiting.")
        return 0
    ctx.print_rows(
        ["ID", "START", "MIN", "STUDENT", "NOTE"],
        [
            [
                v.id,
                format_moment(v.starts_at, actor.timezone),
                v.duration_minutes,
                ", ".join(a.full_name for a in v.attendees),
                (v.agenda.strip().splitlines() or [""])[0][:60],
            ]
            for v in views
        ],
    )
    return 0


def run_accept(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.booking import accept_request

    with ctx.session() as session:
        view = accept_request(session, ctx.actor(), ctx.args.session_id)
    _print_session(ctx, "Accepted", view)
    return 0


def run_decline(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.booking import decline_request

    with ctx.session() as session:
        view = decline_request(session, ctx.actor(), ctx.args.session_id, ctx.args.reason)
    _print_session(ctx, "Declined", view)
    return 0


def run_rate(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.followup import rate_session

    args = ctx.args
    with ctx.session() as session:
        row = rate_session(
            session,
            ctx.actor(),
            args.session_id,
            args.rating,
            student=args.student,
            comment=args.comment,
        )
        result = {
            "session_id": row.session_id,
            "student_id": row.student_id,
            "rating": row.rating,
            "comment": row.rating_comment,
        }
    if ctx.wants_json:
        ctx.print_json(result)
    else:
        print(f"Rated the session {result['rating']} of 5.")
    return 0


def run_auto_accept(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.booking import set_auto_accept

    args = ctx.args
    with ctx.session() as session:
        email = set_auto_accept(session, ctx.actor(), args.state == "on", mentor=args.mentor)
    if ctx.wants_json:
        ctx.print_json({"mentor": email, "auto_accept_bookings": args.state == "on"})
    elif args.state == "on":
        print(f"Students' bookings with {email} are now accepted at once.")
    else:
        print(f"Students' bookings with {email} are now requests to accept or decline.")
    return 0
