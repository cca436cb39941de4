"""`mentor-tui notifications prefs [set KIND DELIVERY]` and `mentor-tui notifications
send-digests`: how each kind of notification reaches you (off, in the app, email at once, a
daily or weekly digest; ``core/notifications/prefs.py``), and the server's emails and digests
(``server/mail.py``), for cron.
"""

from __future__ import annotations

import argparse
import sys

from mentor_tui.commands.context import CommandContext
from mentor_tui.db.notification_models import DELIVERIES, NOTIFICATION_KINDS


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "notifications",
        parents=[common],
        help="your notification preferences; the server's emails and digests",
        description="How each kind of notification reaches you: off, app, email (at once), "
        "daily or weekly (digests by email). Without a subcommand: your preferences.",
    )
    _json(parser)
    parser.set_defaults(run=run_prefs, for_user=None)
    verbs = parser.add_subparsers(title="notifications commands", metavar="SUBCOMMAND")

    prefs = verbs.add_parser("prefs", parents=[common], help="list or set your preferences")
    prefs.add_argument("--for", dest="for_user", metavar="EMAIL", help="admins: someone else's")
    _json(prefs)
    prefs.set_defaults(run=run_prefs)
    prefs_verbs = prefs.add_subparsers(title="prefs commands", metavar="SUBCOMMAND")
    choose = prefs_verbs.add_parser("set", parents=[common], help="choose a kind's delivery")
    choose.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(NOTIFICATION_KINDS)}")
    choose.add_argument("delivery", metavar="DELIVERY", help=f"one of: {', '.join(DELIVERIES)}")
    choose.add_argument("--for", dest="for_user", metavar="EMAIL", help="admins: someone else's")
    _json(choose)
    choose.set_defaults(run=run_set)

    send = verbs.add_parser(
        "send-digests",
        parents=[common],
        help="send the emails and digests now due (for cron; on the server's database)",
        description="Email every notification due by email and every daily or weekly digest "
        "due, over the SMTP server of [smtp] in config.toml (password: "
        "$MENTOR_TUI_SMTP_PASSWORD or smtp.password). Each is sent at most once, even if "
        "this is stopped midway; a digest with nothing new is not sent.",
    )
    send.add_argument(
        "--database",
        metavar="URL",
        help="the server's database, as `serve` takes it (default: the server's own)",
    )
    _json(send)
    send.set_defaults(run=run_send)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_prefs(ctx: CommandContext) -> int:
    from mentor_tui.core.notifications import prefs

    actor = ctx.actor()
    with ctx.session() as session:
        found = prefs.preferences(session, ctx.config, actor, ctx.args.for_user)
    if ctx.wants_json:
        ctx.print_json([p.to_json() for p in found])
        return 0
    ctx.print_rows(
        ["KIND", "DELIVERY", "", "WHAT"],
        [[p.kind, p.delivery, "" if p.chosen else "(default)", p.label] for p in found],
    )
    return 0


def run_set(ctx: CommandContext) -> int:
    from mentor_tui.core.notifications import prefs

    actor = ctx.actor()
    with ctx.session() as session:
        chosen = prefs.set_preference(
            session, actor, ctx.args.kind, ctx.args.delivery, ctx.args.for_user
        )
    if ctx.wants_json:
        ctx.print_json(chosen.to_json())
    else:
        print(
            f"{chosen.label}: {prefs.DELIVERY_LABELS[chosen.delivery]}"
            " (it reaches your other machines on the next sync)."
        )
    return 0


def run_send(ctx: CommandContext) -> int:
    from mentor_tui.commands.serve import server_engine
    from mentor_tui.config import load_config
    from mentor_tui.server.mail import send_due
    from mentor_tui.server.schema import default_database_url, ensure_schema

    config = load_config()
    engine = server_engine(ctx.args.database or default_database_url())
    try:
        ensure_schema(engine)
        summary = send_due(engine, config)
    finally:
        engine.dispose()
    if ctx.wants_json:
        ctx.print_json(summary.to_json())
    else:
        print(
            f"Planned {summary.planned}, sent {summary.sent}, to retry {summary.retrying}, "
            f"failed {summary.failed}, unconfirmed {summary.unconfirmed}."
        )
        for reason in summary.errors[:5]:
            print(reason, file=sys.stderr)
    return 1 if summary.failed or summary.retrying else 0
