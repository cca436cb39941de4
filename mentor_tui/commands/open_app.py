"""`mentor-tui [--user EMAIL]`: open the app (the first-run screen on an empty store)."""

from __future__ import annotations

from mentor_tui.commands.context import CommandContext
from mentor_tui.core.errors import UserError


def open_app(ctx: CommandContext) -> int:
    from mentor_tui.core.settings import sign_in, store_is_empty

    with ctx.session() as session:
        if store_is_empty(session):
            if ctx.args.user:
                raise UserError(
                    "This database has no users yet; run `mentor-tui` without --user to create "
                    "the first admin."
                )
            actor = None
        else:
            actor = sign_in(session, ctx.args.user)

    from mentor_tui.app import MentorApp
    from mentor_tui.services import Services

    app = MentorApp(Services(ctx.engine, ctx.db_path, ctx.config, actor))
    app.run()
    return app.return_code or 0
