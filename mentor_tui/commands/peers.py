"""`mentor-tui peers ...` and `mentor-tui groups ...`: peer mentorship (issue 20).

peers: certify / list / revoke (admins); work (a peer mentor's mentees' pending submissions),
review (a peer mentor's review), reviews (the peer reviews one may see), confirm / override
(the student's mentor). groups: create / list / add / remove / leave / facilitator / delete /
session (a mentor's study groups; a member leaves)."""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext

_DECISIONS = ("approve", "reject", "request_changes")


def _sub(parser: Any) -> Any:
    actions = parser.add_subparsers(
        title="actions", metavar="ACTION", dest="action", parser_class=type(parser)
    )
    actions.required = True
    return actions


def _verb(actions: Any, common: Any, name: str, help: str, run: Any, desc: str = "") -> Any:
    parser = actions.add_parser(name, parents=[common], help=help, description=desc or help)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run)
    return parser


def _decision(parser: Any, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--approve", dest="decision", action="store_const", const="approve")
    group.add_argument("--reject", dest="decision", action="store_const", const="reject")
    group.add_argument(
        "--request-changes", dest="decision", action="store_const", const="request_changes"
    )
    parser.add_argument("--feedback", metavar="TEXT", default=None, help="the feedback")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    peers = subparsers.add_parser(
        "peers",
        parents=[common],
        help="peer mentors: certification, peer reviews",
        description="Peer mentorship: advanced students certified as peer mentors review the "
        "work of the study group members they facilitate; the students' mentor confirms or "
        "overrides each peer review.",
    )
    actions = _sub(peers)
    certify = _verb(
        actions,
        common,
        "certify",
        "certify a student as a peer mentor (admins)",
        run_certify,
        "Certify an advanced student as a peer mentor on a course (default: the one they "
        "completed most of), keeping its completion and quiz average as the criteria, with "
        "a capacity: how many group members they may facilitate. Certifying again renews it.",
    )
    certify.add_argument("student", metavar="STUDENT", help="the student's email or id")
    certify.add_argument("--capacity", metavar="N", default="3", help="students, 1-10 (3)")
    certify.add_argument("--course", metavar="COURSE", help="the course's title or id")
    certify.add_argument("--skills", metavar="A,B", action="append", help="skills they help with")
    listing = _verb(
        actions,
        common,
        "list",
        "peer mentors you may see, with their recognition",
        run_list,
        "Certified peer mentors (an admin: all; a mentor: their students; a student: "
        "themself and their groups' facilitators), with the criteria, the certification "
        "date, capacity, and their count of peer reviews and group sessions.",
    )
    listing.add_argument("--active", action="store_true", help="leave out revoked ones")
    revoke = _verb(actions, common, "revoke", "revoke a peer mentor (admins)", run_revoke)
    revoke.add_argument("student", metavar="STUDENT", help="the student's email or id")
    _verb(
        actions,
        common,
        "work",
        "pending work of the students you facilitate (peer mentors)",
        run_work,
    )
    review = _verb(
        actions,
        common,
        "review",
        "review a fellow student's submission (peer mentors)",
        run_review,
        "A peer review of a pending submission of a student you facilitate: a verdict and "
        "feedback; the student's mentor confirms or overrides it.",
    )
    review.add_argument("submission", metavar="SUBMISSION", help="the submission's id (8+)")
    _decision(review, required=True)
    reviews = _verb(actions, common, "reviews", "peer reviews you may see", run_reviews)
    reviews.add_argument("--pending", action="store_true", help="only those not yet confirmed")
    confirm = _verb(
        actions,
        common,
        "confirm",
        "confirm a peer review: it decides the submission (mentors)",
        run_confirm,
    )
    confirm.add_argument("review_id", metavar="REVIEW", help="the peer review's id (8+)")
    override = _verb(
        actions,
        common,
        "override",
        "override a peer review, deciding otherwise if told how (mentors)",
        run_override,
    )
    override.add_argument("review_id", metavar="REVIEW", help="the peer review's id (8+)")
    _decision(override, required=False)

    groups = subparsers.add_parser(
        "groups",
        parents=[common],
        help="study groups of a mentor's students",
        description="Study groups: a mentor's students, optionally with a peer facilitator.",
    )
    actions = _sub(groups)
    create = _verb(actions, common, "create", "make a study group (mentors, admins)", run_create)
    create.add_argument("name", metavar="NAME", help="the group's name")
    create.add_argument(
        "--students", metavar="A,B", required=True, help="the members' emails or ids"
    )
    create.add_argument("--facilitator", metavar="STUDENT", help="a certified peer mentor")
    create.add_argument("--mentor", metavar="EMAIL", help="(admins) whose group")
    _verb(actions, common, "list", "the study groups you may see", run_groups)
    add = _verb(actions, common, "add", "add members (the group's mentor)", run_add)
    add.add_argument("group", metavar="GROUP", help="the group's name or id")
    add.add_argument("students", metavar="STUDENT", nargs="+", help="emails or ids")
    remove = _verb(actions, common, "remove", "remove a member (the group's mentor)", run_remove)
    remove.add_argument("group", metavar="GROUP", help="the group's name or id")
    remove.add_argument("student", metavar="STUDENT", help="email or id")
    leave = _verb(actions, common, "leave", "leave a group you are in (students)", run_leave)
    leave.add_argument("group", metavar="GROUP", help="the group's name or id")
    guide = _verb(
        actions, common, "facilitator", "set or clear a group's peer facilitator", run_facilitator
    )
    guide.add_argument("group", metavar="GROUP", help="the group's name or id")
    guide.add_argument("student", metavar="STUDENT", nargs="?", help="none: no facilitator")
    delete = _verb(actions, common, "delete", "delete a study group", run_delete)
    delete.add_argument("group", metavar="GROUP", help="the group's name or id")
    say = _verb(actions, common, "announce", "an announcement to a group", run_announce)
    say.add_argument("group", metavar="GROUP", help="the group's name or id")
    say.add_argument("text", metavar="TEXT", help="the announcement")
    session = _verb(
        actions, common, "session", "schedule a session with the whole group", run_session
    )
    session.add_argument("group", metavar="GROUP", help="the group's name or id")
    session.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", required=True, help="the start")
    session.add_argument("--tz", metavar="ZONE", help="IANA timezone of --at (default: yours)")
    session.add_argument("--minutes", metavar="N", type=int, help="the length")
    session.add_argument("--agenda", metavar="TEXT", help="the agenda")


def _line(value: str) -> str:
    from mentor_tui.core.text import terminal_line

    return terminal_line(value)


def _print_peers(ctx: CommandContext, views: list[Any], lead: str = "") -> None:
    if ctx.wants_json:
        ctx.print_json([v.to_json() for v in views] if not lead else views[0].to_json())
        return
    if lead:
        v = views[0]
        average = "no quiz" if v.quiz_average is None else f"quiz average {v.quiz_average:.0f}"
        print(
            f"{lead} {_line(v.full_name)} <{v.email}>: {_line(v.course)} "
            f"{v.completion:.0f}% complete, {average}; capacity {v.capacity}."
        )
        return
    if not views:
        print("No peer mentors.")
        return
    ctx.print_rows(
        ["NAME", "EMAIL", "COURSE", "DONE%", "QUIZ", "CERTIFIED", "CAP", "REVIEWS", "SESSIONS"],
        [
            [
                _line(v.full_name) + ("" if v.active else " (revoked)"),
                v.email,
                _line(v.course),
                f"{v.completion:.0f}",
                "-" if v.quiz_average is None else f"{v.quiz_average:.0f}",
                v.certified_at.date().isoformat(),
                v.capacity,
                f"{v.reviews} ({v.confirmed} confirmed)",
                v.sessions,
            ]
            for v in views
        ],
    )


def run_certify(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.certify import certify

    a = ctx.args
    with ctx.session() as s:
        view = certify(
            s, ctx.actor(), a.student, capacity=a.capacity, course=a.course, skills=a.skills
        )
    _print_peers(ctx, [view], "Certified")
    return 0


def run_revoke(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.certify import revoke

    with ctx.session() as s:
        view = revoke(s, ctx.actor(), ctx.args.student)
    _print_peers(ctx, [view], "Revoked the certification of")
    return 0


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.certify import peer_views

    with ctx.session() as s:
        views = peer_views(s, ctx.actor(), include_revoked=not ctx.args.active)
    _print_peers(ctx, views)
    return 0


def run_work(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.reviews import reviewable

    with ctx.session() as s:
        items = reviewable(s, ctx.actor())
    if ctx.wants_json:
        ctx.print_json([i.to_json() for i in items])
        return 0
    if not items:
        print("No pending work of students you facilitate.")
        return 0
    ctx.print_rows(
        ["SUBMISSION", "STUDENT", "ASSIGNMENT", "SUBMITTED", "REVIEWED"],
        [
            [
                i.submission_id,
                _line(i.student_name),
                _line(i.assignment),
                i.submitted_at.date().isoformat(),
                "yes" if i.reviewed else "",
            ]
            for i in items
        ],
    )
    return 0


def _print_reviews(ctx: CommandContext, views: list[Any], lead: str = "") -> None:
    if ctx.wants_json:
        ctx.print_json(views[0].to_json() if lead else [v.to_json() for v in views])
        return
    if lead:
        v = views[0]
        print(
            f"{lead} peer review {v.id} by {_line(v.reviewer_name)} of "
            f"{_line(v.student_name)}'s {_line(v.assignment)}: {v.verdict}, {v.outcome}."
        )
        return
    if not views:
        print("No peer reviews.")
        return
    ctx.print_rows(
        ["ID", "STUDENT", "ASSIGNMENT", "PEER REVIEWER", "VERDICT", "OUTCOME", "FEEDBACK"],
        [
            [
                v.id,
                _line(v.student_name),
                _line(v.assignment),
                _line(v.reviewer_name),
                v.verdict,
                v.outcome,
                _line(v.feedback.split("\n")[0])[:60],
            ]
            for v in views
        ],
    )


def run_review(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.reviews import write_review

    a = ctx.args
    with ctx.session() as s:
        view = write_review(s, ctx.actor(), a.submission, a.decision, a.feedback or "")
    _print_reviews(ctx, [view], "Wrote")
    return 0


def run_reviews(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.reviews import peer_reviews

    with ctx.session() as s:
        views = peer_reviews(s, ctx.actor(), pending_only=ctx.args.pending)
    _print_reviews(ctx, views)
    return 0


def run_confirm(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.reviews import confirm_review

    with ctx.session() as s:
        view = confirm_review(s, ctx.actor(), ctx.args.review_id, ctx.config)
    _print_reviews(ctx, [view], "Confirmed")
    return 0


def run_override(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.reviews import override_review

    a = ctx.args
    with ctx.session() as s:
        view = override_review(
            s, ctx.actor(), a.review_id, decision=a.decision, feedback=a.feedback, config=ctx.config
        )
    _print_reviews(ctx, [view], "Overrode")
    return 0


def _print_groups(ctx: CommandContext, views: list[Any], lead: str = "") -> None:
    if ctx.wants_json:
        ctx.print_json(views[0].to_json() if lead else [v.to_json() for v in views])
        return
    if lead:
        v = views[0]
        guide = f", facilitated by {_line(v.facilitator_name)}" if v.facilitator_name else ""
        print(f"{lead} {_line(v.name)} (id {v.id}): {len(v.members)} members{guide}.")
        return
    if not views:
        print("No study groups.")
        return
    ctx.print_rows(
        ["ID", "GROUP", "MENTOR", "FACILITATOR", "MEMBERS"],
        [
            [
                v.id,
                _line(v.name),
                _line(v.mentor_name),
                _line(v.facilitator_name) or "-",
                ", ".join(_line(n) for _, n in v.members),
            ]
            for v in views
        ],
    )


def run_create(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import create_group

    a = ctx.args
    with ctx.session() as s:
        view = create_group(
            s,
            ctx.actor(),
            a.name,
            a.students.split(","),
            facilitator=a.facilitator,
            mentor=a.mentor,
        )
    _print_groups(ctx, [view], "Made")
    return 0


def run_groups(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import group_views

    with ctx.session() as s:
        views = group_views(s, ctx.actor())
    _print_groups(ctx, views)
    return 0


def run_add(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import add_members

    with ctx.session() as s:
        view = add_members(s, ctx.actor(), ctx.args.group, ctx.args.students)
    _print_groups(ctx, [view], "Added to")
    return 0


def run_remove(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import remove_member

    with ctx.session() as s:
        view = remove_member(s, ctx.actor(), ctx.args.group, ctx.args.student)
    _print_groups(ctx, [view], "Removed from")
    return 0


def run_leave(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import find_group, leave_group

    actor = ctx.actor()
    with ctx.session() as s:
        name = find_group(s, actor, ctx.args.group).name
        leave_group(s, actor, ctx.args.group)
    if ctx.wants_json:
        ctx.print_json({"left": name})
    else:
        print(f"You left {_line(name)}.")
    return 0


def run_facilitator(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import set_facilitator

    with ctx.session() as s:
        view = set_facilitator(s, ctx.actor(), ctx.args.group, ctx.args.student)
    _print_groups(ctx, [view], "Set the facilitator of")
    return 0


def run_delete(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import delete_group

    with ctx.session() as s:
        name = delete_group(s, ctx.actor(), ctx.args.group)
    if ctx.wants_json:
        ctx.print_json({"deleted": name})
    else:
        print(f"Deleted the study group {_line(name)}.")
    return 0


def run_session(ctx: CommandContext) -> int:
    from mentor_tui.core import clock
    from mentor_tui.core.peers.groups import group_session
    from mentor_tui.core.timezones import parse_local

    a = ctx.args
    actor = ctx.actor()
    tz_name = a.tz or actor.timezone
    clock.zone(tz_name)
    with ctx.session() as s:
        view = group_session(
            s,
            actor,
            ctx.config,
            a.group,
            starts_at=parse_local(a.at, tz_name),
            duration_minutes=a.minutes,
            timezone=tz_name,
            agenda=a.agenda,
        )
    if ctx.wants_json:
        ctx.print_json(view.to_json())
    else:
        print(f"Scheduled '{_line(view.title)}' on {view.span_in(actor.timezone)} (id {view.id}).")
    return 0


def run_announce(ctx: CommandContext) -> int:
    from mentor_tui.core.peers.groups import announce_to_group

    with ctx.session() as s:
        name, message_id = announce_to_group(s, ctx.actor(), ctx.args.group, ctx.args.text)
    if ctx.wants_json:
        ctx.print_json({"group": name, "message_id": message_id})
    else:
        print(f"Announced to {_line(name)} (id {message_id}); sent on the next sync.")
    return 0
