"""Alembic's environment for the server database (SQLite or PostgreSQL). ``ensure_schema``
runs it with its connection in ``config.attributes``, inside the transaction that holds the
schema lock; the revision is kept in ``server_alembic_version``."""

from alembic import context

from mentor_tui.server.migrations import VERSION_TABLE

if context.is_offline_mode():
    raise RuntimeError("the server's revisions run on a connection, not as --sql output")
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run through mentor_tui.server.schema.ensure_schema, which passes one")
context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():  # the caller's transaction: nothing commits in between
    context.run_migrations()
