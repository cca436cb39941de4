"""`mentor-tui messages [list|show THREAD|send TO TEXT|reply THREAD TEXT|announce TEXT [--to
AUDIENCE]|groups|edit ID TEXT|report ID]` and `mentor-tui inbox [--unread] [read ID|read
--all]`: conversations and the notifications inbox from scripts, under the same rules as the app (``core/messages``).

Plain output shows message text with control characters made visible; ``--json`` keeps the
text exactly as stored.
"""

from __future__ import annotations

import argparse
from typing import Any

from mentor_tui.commands.context import CommandContext
from mentor_tui.core import clock
from mentor_tui.core.text import terminal_line, terminal_text
from mentor_tui.errors import UserError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "messages",
        parents=[common],
        help="your conversations: list, show, send, reply, announce, edit, report",
        description="Direct messages and announcements. A student writes to their mentor and "
        "the admins; a mentor to their students, other mentors and the admins; an admin to "
        "anyone. Running it without a subcommand lists your conversations.",
    )
    _json(parser)
    parser.set_defaults(run=run_list)
    verbs = parser.add_subparsers(title="messages commands", metavar="SUBCOMMAND")

    listing = verbs.add_parser("list", parents=[common], help="your conversations, newest first")
    listing.add_argument("--unread", action="store_true", help="only those with unread messages")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    _json(listing)
    listing.set_defaults(run=run_list)

    show = verbs.add_parser("show", parents=[common], help="a conversation (marks it read)")
    show.add_argument("thread", metavar="THREAD", help="the conversation's id")
    _json(show)
    show.set_defaults(run=run_show)

    send = verbs.add_parser("send", parents=[common], help="start a conversation with someone")
    send.add_argument("to", metavar="TO", help="their email or id")
    send.add_argument("text", metavar="TEXT")
    _json(send)
    send.set_defaults(run=run_send)

    reply = verbs.add_parser("reply", parents=[common], help="reply in a conversation")
    reply.add_argument("thread", metavar="THREAD", help="the conversation's id")
    reply.add_argument("text", metavar="TEXT")
    _json(reply)
    reply.set_defaults(run=run_reply)

    announce = verbs.add_parser(
        "announce", parents=[common], help="an announcement (mentors: to your students)"
    )
    announce.add_argument("text", metavar="TEXT")
    announce.add_argument(
        "--to",
        default="students",
        metavar="AUDIENCE",
        help="students (a mentor's own, an admin's all), mentors or everyone (admins), or a "
        "group: course:ID (a course's students), specialization:NAME (admins: its mentors); "
        "`messages groups` lists yours",
    )
    _json(announce)
    announce.set_defaults(run=run_announce)

    groups = verbs.add_parser("groups", parents=[common], help="whom you may announce to")
    _json(groups)
    groups.set_defaults(run=run_groups)

    edit = verbs.add_parser("edit", parents=[common], help="change a message you sent")
    edit.add_argument("message", metavar="ID", help="the message's id")
    edit.add_argument("text", metavar="TEXT")
    _json(edit)
    edit.set_defaults(run=run_edit)

    report = verbs.add_parser("report", parents=[common], help="report a message to the admins")
    report.add_argument("message", metavar="ID", help="the message's id")
    _json(report)
    report.set_defaults(run=run_report)

    inbox = subparsers.add_parser(
        "inbox",
        parents=[common],
        help="your notifications: list, read ID, read --all",
        description="Your notifications, newest first; `inbox read ID` marks one read, "
        "`inbox read --all` (or `inbox --all`) marks them all.",
    )
    inbox.add_argument("--unread", action="store_true", help="only unread notifications")
    inbox.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    inbox.add_argument(
        "--all", action="store_true", help="mark every notification read (as `inbox read --all`)"
    )
    _json(inbox)
    inbox.set_defaults(run=run_inbox, notification=None)
    inbox_verbs = inbox.add_subparsers(title="inbox commands", metavar="SUBCOMMAND")
    read = inbox_verbs.add_parser("read", parents=[common], help="mark notifications read")
    read.add_argument("notification", metavar="ID", nargs="?", help="the notification's id")
    read.add_argument("--all", action="store_true", help="mark every notification read")
    _json(read)
    read.set_defaults(run=run_inbox_read)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _conversation_json(c: Any) -> dict[str, Any]:
    return {
        "thread_id": c.thread_id,
        "kind": c.kind,
        "title": c.title,
        "last_at": clock.iso_utc(c.last_at),
        "last_preview": c.last_preview,
        "messages": c.messages,
        "unread": c.unread,
        "reported": c.reported,
    }


def _line_json(line: Any) -> dict[str, Any]:
    return {
        "id": line.id,
        "thread_id": line.thread_id,
        "sender_id": line.sender_id,
        "sender_name": line.sender_name,
        "kind": line.kind,
        "body": line.body,
        "created_at": clock.iso_utc(line.created_at),
        "edited": line.edited,
        "history": line.history,
        "unread": line.unread,
        "reported": line.reported,
    }


def _when(moment: Any, tz_name: str) -> str:
    return clock.to_local(moment, tz_name).strftime("%Y-%m-%d %H:%M")


def run_list(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import inbox

    limit = getattr(ctx.args, "limit", 50)
    if not 1 <= limit <= 1000:
        raise UserError(f"Ask for between 1 and 1000 conversations, not {limit}.")
    actor = ctx.actor()
    with ctx.session() as session:
        found = inbox.conversations(session, actor, limit=limit)
        unread = inbox.unread_messages(session, actor)
    if getattr(ctx.args, "unread", False):
        found = [c for c in found if c.unread]
    if ctx.wants_json:
        ctx.print_json({"unread": unread, "conversations": [_conversation_json(c) for c in found]})
        return 0
    if not found:
        print("No conversations yet.")
        return 0
    ctx.print_rows(
        ["LAST", "WITH", "UNREAD", "LAST MESSAGE", "THREAD"],
        [
            [
                _when(c.last_at, actor.timezone),
                c.title + (" [reported]" if c.reported else ""),
                c.unread or "",
                c.last_preview,
                c.thread_id,
            ]
            for c in found
        ],
    )
    return 0


def run_show(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import inbox

    actor = ctx.actor()
    with ctx.session() as session:
        total = inbox.count_thread(session, actor, ctx.args.thread.strip())
        lines = inbox.thread_messages(session, actor, ctx.args.thread, limit=max(total, 1))
        inbox.mark_thread_read(session, actor, ctx.args.thread)
    if ctx.wants_json:
        ctx.print_json([_line_json(line) for line in lines])
        return 0
    for number, line in enumerate(lines):
        if number:
            print()
        marks = [m for m, on in (("new", line.unread), ("edited", line.edited)) if on]
        if line.reported:
            marks.append("reported")
        heading = [_when(line.created_at, actor.timezone), terminal_line(line.sender_name)]
        heading += [f"({', '.join(marks)})"] if marks else []
        print("  ".join([*heading, line.id]))
        for text_line in terminal_text(line.body).split("\n"):
            print(f"    {text_line}")
    return 0


def _sent(ctx: CommandContext, row: Any, what: str) -> int:
    if ctx.wants_json:
        ctx.print_json(
            {
                "id": row.id,
                "thread_id": row.thread_id,
                "kind": row.kind,
                "recipient_id": row.recipient_id,
                "audience": row.audience,
                "created_at": clock.iso_utc(row.created_at),
            }
        )
    else:
        print(f"{what} {row.id} (conversation {row.thread_id}); it goes out on the next sync.")
    return 0


def run_send(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import send

    actor = ctx.actor()
    with ctx.session() as session:
        row = send.send(session, actor, ctx.args.to, ctx.args.text)
    return _sent(ctx, row, "Sent message")


def run_reply(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import send

    actor = ctx.actor()
    with ctx.session() as session:
        row = send.reply(session, actor, ctx.args.thread, ctx.args.text)
    return _sent(ctx, row, "Sent reply")


def run_announce(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import send

    actor = ctx.actor()
    with ctx.session() as session:
        row = send.announce(session, actor, ctx.args.text, ctx.args.to)
    return _sent(ctx, row, "Sent announcement")


def run_groups(ctx: CommandContext) -> int:
    from mentor_tui.core.messages.groups import groups

    actor = ctx.actor()
    with ctx.session() as session:
        found = groups(session, actor)
    if ctx.wants_json:
        ctx.print_json([{"audience": g.audience, "label": g.label} for g in found])
    elif not found:
        print("You cannot send announcements.")
    else:
        ctx.print_rows(["AUDIENCE", "WHO"], [[g.audience, g.label] for g in found])
    return 0


def run_edit(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import send

    actor = ctx.actor()
    with ctx.session() as session:
        row = send.edit(session, actor, ctx.args.message, ctx.args.text)
    return _sent(ctx, row, "Edited message")


def run_report(ctx: CommandContext) -> int:
    from mentor_tui.core.messages import send

    actor = ctx.actor()
    with ctx.session() as session:
        row = send.report(session, ctx.config, actor, ctx.args.message)
    if ctx.wants_json:
        ctx.print_json({"id": row.id, "thread_id": row.thread_id, "reported": True})
    else:
        print(f"Reported message {row.id} to the admins.")
    return 0


def _notification_json(n: Any) -> dict[str, Any]:
    return {
        "id": n.id,
        "type": n.type,
        "title": n.title,
        "message": n.message,
        "data": n.data,
        "created_at": clock.iso_utc(n.created_at),
        "read_at": clock.iso_utc(n.read_at),
    }


def run_inbox(ctx: CommandContext) -> int:
    from mentor_tui.core.notifications import notify

    if ctx.args.all:
        return run_inbox_read(ctx)
    actor = ctx.actor()
    with ctx.session() as session:
        rows = notify.list_notifications(
            session, actor, unread_only=ctx.args.unread, limit=ctx.args.limit
        )
        unread = notify.unread_count(session, actor)
    if ctx.wants_json:
        ctx.print_json({"unread": unread, "notifications": [_notification_json(n) for n in rows]})
        return 0
    if not rows:
        print("No unread notifications." if ctx.args.unread else "No notifications yet.")
        return 0
    ctx.print_rows(
        ["WHEN", "", "TITLE", "MESSAGE", "ID"],
        [
            [
                _when(n.created_at, actor.timezone),
                "" if n.read_at else "new",
                n.title,
                n.message,
                n.id,
            ]
            for n in rows
        ],
    )
    return 0


def run_inbox_read(ctx: CommandContext) -> int:
    from mentor_tui.core.notifications import notify

    args = ctx.args
    if (args.notification is None) == (not args.all):
        raise UserError("Give one notification's ID, or --all, not both or neither.")
    actor = ctx.actor()
    with ctx.session() as session:
        if args.all:
            count = notify.mark_all_read(session, actor)
        else:
            notify.mark_read(session, actor, args.notification)
            count = 1
    if ctx.wants_json:
        ctx.print_json({"marked_read": count})
    elif args.all:
        print(f"Marked {count} notification{'' if count == 1 else 's'} read.")
    else:
        print(f"Marked notification {args.notification.strip()} read.")
    return 0
