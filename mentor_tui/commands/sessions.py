"""`mentor-tui sessions add / list / free / cancel / import / templates`: the session calendar
and its agenda templates from scripts; a student's booking verbs are in ``session_booking``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.core.access import Actor


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sessions",
        parents=[common],
        help="schedule, list, cancel and import mentorship sessions; agenda templates",
        description="The session calendar: schedule one-on-one and group sessions, list them, "
        "cancel one, import an iCalendar (.ics) file; list and keep agenda templates.",
    )
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )
    actions.required = True

    add = actions.add_parser(
        "add",
        parents=[common],
        help="schedule a session with one or more students",
        description="Schedule a session; more than one --student makes it a group session. "
        "Double booking (the mentor or any student already in a session then) is refused; "
        "back-to-back sessions are fine.",
    )
    add.add_argument(
        "--student",
        metavar="EMAIL",
        action="append",
        required=True,
        help="a student's email (repeat for a group session)",
    )
    add.add_argument(
        "--at",
        metavar="'YYYY-MM-DD HH:MM'",
        required=True,
        help="the start, wall-clock time in --tz (an offset such as +02:00 settles a time "
        "that happens twice when the clocks go back)",
    )
    add.add_argument("--tz", metavar="ZONE", help="IANA timezone of --at (default: yours)")
    add.add_argument(
        "--duration",
        metavar="MIN",
        type=_minutes,
        help="length in minutes (default: session_duration_minutes from the config)",
    )
    add.add_argument("--link", metavar="URL", help="the meeting link")
    add.add_argument("--title", metavar="T", default="", help="the title (default: who it is with)")
    add.add_argument("--agenda", metavar="TEXT", help="the agenda")
    add.add_argument(
        "--template",
        metavar="ID|TITLE",
        help="an agenda template: fills the agenda (and the title, when --title is not given)",
    )
    add.add_argument("--json", action="store_true", help="print the session as JSON")
    add.set_defaults(run=run_add)

    listing = actions.add_parser(
        "list",
        parents=[common],
        help="sessions you can see, earliest first",
        description="Sessions you hold (or attend, or all of them for an admin) that overlap "
        "the dates, earliest first; dates are days in your timezone, both ends included.",
    )
    listing.add_argument("--from", dest="from_day", metavar="DATE", help="first day, YYYY-MM-DD")
    listing.add_argument("--to", dest="to_day", metavar="DATE", help="last day, YYYY-MM-DD")
    listing.add_argument("--student", metavar="EMAIL", help="only sessions with this student")
    listing.add_argument("--json", action="store_true", help="print JSON objects")
    listing.set_defaults(run=run_list)

    free = actions.add_parser(
        "free",
        parents=[common],
        help="the next free slots of a student and their mentor (students: yours)",
        description="The next free starts from both parties' weekly windows, days off, "
        "existing sessions and time zones; each start in UTC and in both parties' zones.",
    )
    free.add_argument(
        "student",
        metavar="STUDENT",
        nargs="?",
        help="the student's email or id (a student leaves it out: their own mentor's slots)",
    )
    free.add_argument(
        "--count", metavar="N", type=_count, default=5, help="how many, 1-100 (default 5)"
    )
    free.add_argument("--json", action="store_true", help="print JSON objects")
    free.set_defaults(run=run_free)

    cancel = actions.add_parser(
        "cancel",
        parents=[common],
        help="cancel a scheduled session",
        description="Cancel a scheduled session; it stays in the calendar as cancelled and no "
        "longer blocks the time.",
    )
    cancel.add_argument(
        "session_id", metavar="ID", help="the session's id (or its first 8+ characters)"
    )
    cancel.add_argument("--json", action="store_true", help="print the session as JSON")
    cancel.set_defaults(run=run_cancel)

    importing = actions.add_parser(
        "import",
        parents=[common],
        help="create or update sessions from an .ics file",
        description="Create or update sessions from an iCalendar file, matched by UID: "
        "importing the same file twice changes nothing. Events that cannot be taken are listed "
        "with the reason and the rest are imported; the exit status is 1 when any was skipped.",
    )
    importing.add_argument("file", metavar="FILE.ics", help="the iCalendar file")
    importing.add_argument("--json", action="store_true", help="print the report as JSON")
    importing.set_defaults(run=run_import)
    _register_templates(actions, common)
    from mentor_tui.commands.session_booking import register_booking

    register_booking(actions, common)


def _register_templates(actions: Any, common: argparse.ArgumentParser) -> None:
    rule = (
        "A mentor's templates are their own; shared ones (no owner) are seen by everyone and "
        "changed by admins only. An admin's new template is shared."
    )
    listing = actions.add_parser(
        "templates",
        parents=[common],
        help="agenda templates you can use",
        description="The agenda templates you can use, by title. " + rule,
    )
    listing.add_argument("--json", action="store_true", help="print JSON objects")
    listing.set_defaults(run=run_templates)

    adding = actions.add_parser(
        "template-add",
        parents=[common],
        help="add an agenda template",
        description="Add an agenda template. " + rule,
    )
    adding.add_argument("--title", metavar="T", required=True, help="the template's title")
    _agenda_options(adding, required=True)
    adding.add_argument("--json", action="store_true", help="print the template as JSON")
    adding.set_defaults(run=run_template_add)

    editing = actions.add_parser(
        "template-edit",
        parents=[common],
        help="change an agenda template's title or agenda",
        description="Change an agenda template you may change. " + rule,
    )
    editing.add_argument("template", metavar="ID|TITLE", help="the template's id or title")
    editing.add_argument("--title", metavar="T", help="the new title")
    _agenda_options(editing, required=False)
    editing.add_argument("--json", action="store_true", help="print the template as JSON")
    editing.set_defaults(run=run_template_edit)

    deleting = actions.add_parser(
        "template-delete",
        parents=[common],
        help="delete an agenda template",
        description="Delete an agenda template you may change; sessions made from it keep "
        "their agenda. " + rule,
    )
    deleting.add_argument("template", metavar="ID|TITLE", help="the template's id or title")
    deleting.set_defaults(run=run_template_delete)


def _agenda_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    agenda = parser.add_mutually_exclusive_group(required=required)
    agenda.add_argument("--agenda", metavar="TEXT", help="the agenda (Markdown)")
    agenda.add_argument(
        "--agenda-file", metavar="FILE", help="read the agenda (Markdown) from a UTF-8 file"
    )


def _minutes(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--duration takes a whole number of minutes, not {text!r}"
        ) from None


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--count takes a whole number, not {text!r}") from None


def day_range(
    actor: Actor, from_day: str | None, to_day: str | None
) -> tuple[datetime | None, datetime | None]:
    """--from / --to days in the actor's timezone as a UTC [start, end) range."""
    from mentor_tui.core.timezones import day_bounds, parse_day

    first = parse_day(from_day) if from_day is not None else None
    last = parse_day(to_day) if to_day is not None else None
    start = end = None
    if first is not None:
        start, _ = day_bounds(first, last or first, actor.timezone)
    if last is not None:
        _, end = day_bounds(first or last, last, actor.timezone)
    return start, end


def _describe(view: Any, actor: Actor) -> list[str]:
    from mentor_tui.core.text import terminal_line

    lines = [f"  id       {view.id}"]
    if view.meeting_link:
        lines.append(f"  link     {terminal_line(view.meeting_link)}")
    for person in view.attendees:
        lines.append(
            f"  {terminal_line(person.full_name)} ({terminal_line(person.email)}): "
            f"{view.span_in(person.timezone)}"
        )
    return lines


def run_add(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.sessions.rules import check_not_past
    from mentor_tui.core.sessions.scheduling import schedule_session
    from mentor_tui.core.sessions.templates import find_template
    from mentor_tui.core.text import terminal_line
    from mentor_tui.core.timezones import parse_local

    args = ctx.args
    actor = ctx.actor()
    tz_name = args.tz or actor.timezone
    clock.zone(tz_name)
    starts_at = parse_local(args.at, tz_name)
    check_not_past(starts_at, tz_name)
    with ctx.session() as session:
        template_id = find_template(session, actor, args.template).id if args.template else None
        view = schedule_session(
            session,
            actor,
            ctx.config,
            students=args.student,
            starts_at=starts_at,
            duration_minutes=args.duration,
            timezone=tz_name,
            title=args.title,
            meeting_link=args.link,
            agenda=args.agenda,
            template_id=template_id,
        )
    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    print(f"Scheduled '{terminal_line(view.title)}' on {view.span_in(actor.timezone)}.")
    print("\n".join(_describe(view, actor)))
    return 0


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.views import list_sessions
    from mentor_tui.core.timezones import format_moment

    args = ctx.args
    actor = ctx.actor()
    start, end = day_range(actor, args.from_day, args.to_day)
    with ctx.session() as session:
        views = list_sessions(session, actor, start=start, end=end, student=args.student)
    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views])
        return 0
    if not views:
        print("No sessions in that range." if start or end else "No sessions yet.")
        return 0
    ctx.print_rows(
        ["ID", "START", "MIN", "STATUS", "TITLE", "STUDENTS"],
        [
            [
                v.id,
                format_moment(v.starts_at, actor.timezone),
                v.duration_minutes,
                v.status,
                v.title,
                ", ".join(a.full_name for a in v.attendees),
            ]
            for v in views
        ],
    )
    return 0


def run_cancel(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.scheduling import cancel_session
    from mentor_tui.core.text import terminal_line

    actor = ctx.actor()
    with ctx.session() as session:
        view = cancel_session(session, actor, ctx.args.session_id)
    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return 0
    print(f"Cancelled '{terminal_line(view.title)}' on {view.span_in(actor.timezone)}.")
    return 0


def run_import(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.ics import import_calendar, read_ics
    from mentor_tui.core.text import terminal_line

    path = Path(ctx.args.file).expanduser()
    data = read_ics(path)
    actor = ctx.actor()
    with ctx.session() as session:
        report = import_calendar(session, actor, ctx.config, data)
    if ctx.wants_json:
        ctx.print_json(report.to_json())
    else:
        print(f"Imported {path.name}: {report.summary()}.")
        for event in report.skipped:
            print(f"  skipped {terminal_line(event.describe())}")
    return 1 if report.skipped else 0


def _agenda_text(args: argparse.Namespace) -> str | None:
    from mentor_tui.errors import UserError

    if args.agenda_file is None:
        return args.agenda
    path = Path(args.agenda_file).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {path} ({exc.strerror or exc}).") from None


def run_templates(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.templates import template_views

    actor = ctx.actor()
    with ctx.session() as session:
        views = template_views(session, actor)
    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views])
        return 0
    if not views:
        print("No agenda templates yet.")
        return 0
    ctx.print_rows(
        ["ID", "TITLE", "WHOSE", "YOU MAY CHANGE", "AGENDA"],
        [
            [
                v.id,
                v.title,
                "shared" if v.shared else "yours",
                "yes" if v.editable else "no",
                (v.agenda.strip().splitlines() or [""])[0][:60],
            ]
            for v in views
        ],
    )
    return 0


def _print_template(ctx: CommandContext, verb: str, view: Any) -> None:
    from mentor_tui.core.text import terminal_line

    if ctx.wants_json:
        ctx.print_json(view.to_json())
        return
    whose = "shared" if view.shared else "yours"
    print(f"{verb} the agenda template '{terminal_line(view.title)}' ({whose}, id {view.id}).")


def run_template_add(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.templates import add_template, view_of

    actor = ctx.actor()
    agenda = _agenda_text(ctx.args) or ""
    with ctx.session() as session:
        view = view_of(actor, add_template(session, actor, title=ctx.args.title, agenda=agenda))
    _print_template(ctx, "Added", view)
    return 0


def run_template_edit(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.templates import edit_template, view_of
    from mentor_tui.errors import UserError

    args = ctx.args
    agenda = _agenda_text(args)
    if args.title is None and agenda is None:
        raise UserError("Say what to change: --title, --agenda or --agenda-file.")
    actor = ctx.actor()
    with ctx.session() as session:
        row = edit_template(session, actor, args.template, title=args.title, agenda=agenda)
        view = view_of(actor, row)
    _print_template(ctx, "Saved", view)
    return 0


def run_template_delete(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.templates import delete_template
    from mentor_tui.core.text import terminal_line

    actor = ctx.actor()
    with ctx.session() as session:
        row = delete_template(session, actor, ctx.args.template)
        title = row.title
    print(f"Deleted the agenda template '{terminal_line(title)}'.")
    return 0


def run_free(ctx: CommandContext) -> int:
    from mentor_tui.core.sessions.slots import mutual_free_slots
    from mentor_tui.core.timezones import format_moment
    from mentor_tui.errors import UserError

    actor = ctx.actor()
    student = ctx.args.student
    if student is None:
        if not actor.is_student:
            raise UserError("Say whose free slots: `sessions free STUDENT`.")
        student = actor.id
    with ctx.session() as session:
        found = mutual_free_slots(session, actor, ctx.config, student, count=ctx.args.count)
        rows = [f.to_json() for f in found]
        table = [
            [
                format_moment(f.slot.starts_at, "UTC"),
                format_moment(f.slot.starts_at, f.mentor.timezone),
                format_moment(f.slot.starts_at, f.student.timezone),
            ]
            for f in found
        ]
    if ctx.wants_json:
        ctx.print_json(rows)
        return 0
    if not rows:
        print("No free slot in the next four weeks.")
        return 0
    ctx.print_rows(["UTC", "MENTOR", "STUDENT"], table)
    return 0
