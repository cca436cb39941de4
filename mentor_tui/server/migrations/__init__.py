"""The server database's schema, changed by Alembic revisions only (``versions/``, run with
``env.py``; no alembic.ini: Alembic is configured in code).

The revision is kept in ``server_alembic_version``: every server table is named ``server_*``,
and a server may run on a file that is also a local store, which keeps its own revision in
``alembic_version``. A database made before Alembic (``create_all``: the tables, no version
table) is stamped at the baseline, 0001, which is that schema; a new one is made by upgrading.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

HEAD = "0009"  # the newest revision in versions/ (tests/test_server_migrations.py checks)
BASELINE = "0001"
VERSION_TABLE = "server_alembic_version"
SCRIPTS = Path(__file__).resolve().parent


def server_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(conn: Connection) -> str:
    """Bring the server's tables to HEAD in the caller's transaction (``ensure_schema``, which
    holds the schema lock); return the revision. At HEAD already: no Alembic import."""
    current = server_revision(conn)
    if current == HEAD:
        return HEAD
    from alembic import command

    from mentor_tui.db.migrations.runner import alembic_config, known_revisions, newer_than_this

    config = alembic_config(SCRIPTS, conn)
    if current is None:
        if inspect(conn).has_table("server_meta"):  # made by create_all before Alembic
            command.stamp(config, BASELINE)
    elif current not in known_revisions(SCRIPTS):
        raise newer_than_this(current, HEAD)
    command.upgrade(config, "head")
    return HEAD
