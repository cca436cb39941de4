"""`mentor-tui [--user EMAIL]`: open the app (the first-run screen on an empty store).

The usual case, a store at the current schema with a user to sign in, paints the first frame
before SQLAlchemy is imported: a read-only peek (``core/sign_in_peek.py``) names the user, and
the app opens the store and signs in for real in a worker right after that frame. Anything else
(a new or empty store, an old schema, an unknown user, ...) takes the full path first, which
migrates, signs in and says in one sentence what is wrong before the app starts.
"""

from __future__ import annotations

from mentor_tui.app.start_up_gc import defer_full_collections, resume_full_collections
from mentor_tui.commands.context import CommandContext
from mentor_tui.core.services import Services
from mentor_tui.errors import UserError


def open_app(ctx: CommandContext) -> int:
    defer_full_collections()  # until the home screen's figures are painted (issue #21)
    try:
        return _open_app(ctx)
    finally:  # should the app end (or never start) before they were
        resume_full_collections()


def _open_app(ctx: CommandContext) -> int:
    from mentor_tui.core.people.sign_in_peek import peek_actor

    # `demo` may have opened the store already: then the full path costs nothing more
    actor = None if ctx.engine_opened else peek_actor(ctx.db_path, ctx.args.user)
    if actor is not None:
        return _run(
            Services(
                None,
                ctx.db_path,
                ctx.config,
                actor,
                reminders=True,
                sign_in_on_open=True,
                file_config=ctx.file_config,
            )
        )

    from mentor_tui.core.people.settings import sign_in, store_is_empty

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

    return _run(
        Services(
            ctx.engine, ctx.db_path, ctx.config, actor, reminders=True, file_config=ctx.file_config
        )
    )


def _run(services: Services) -> int:
    from mentor_tui.app.main import MentorApp

    app = MentorApp(services)
    try:
        app.run()
    finally:
        services.close()
    return app.return_code or 0
