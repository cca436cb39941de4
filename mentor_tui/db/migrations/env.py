"""Alembic's environment for the local store. ``runner.py`` runs it with the store's connection
in ``config.attributes``, already inside the one transaction the whole upgrade commits in."""

from alembic import context

if context.is_offline_mode():
    raise RuntimeError("the local store's revisions run on a connection, not as --sql output")
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run through mentor_tui.db.migrations.upgrade, which passes the store")
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():  # the runner's transaction: nothing commits in between
    context.run_migrations()
