"""Alembic, run in code: the slow path of ``migrations.upgrade`` (a store not at HEAD).

The whole upgrade is one SQLite transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``, DDL included):
stamping a store made before Alembic, every pending revision and the new user_version commit
together or not at all, and a second process opening the same old store waits for the first
and then finds nothing left to do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from mentor_tui.errors import UserError

STORE_SCRIPTS = Path(__file__).resolve().parent
# The last PRAGMA user_version mentor-tui set before Alembic; 1..8 are revisions 0001..0008.
LEGACY_LAST = 8


def alembic_config(script_location: Path, connection: Connection) -> Config:
    """An Alembic config with no ini file: the scripts shipped in the package, and the open
    connection (already in its transaction) for ``env.py`` to run on."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def known_revisions(script_location: Path) -> set[str]:
    return {script.revision for script in ScriptDirectory(str(script_location)).walk_revisions()}


def newer_than_this(found: str, knows: str) -> UserError:
    return UserError(
        f"This database was written by a newer mentor-tui (schema {found}, this one knows up to "
        f"{knows}); upgrade mentor-tui to open it."
    )


def upgrade_store(engine: Engine, target: str) -> str:
    """Stamp a store made before Alembic, then upgrade to ``target``; return the revision."""
    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        assert isinstance(dbapi, sqlite3.Connection)
        old_isolation = dbapi.isolation_level
        dbapi.isolation_level = None  # BEGIN and COMMIT are ours, so the DDL is transactional
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                reached = _upgrade_in_transaction(conn, target)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            return reached
        finally:
            dbapi.isolation_level = old_isolation


def _revision(conn: Connection) -> str | None:
    exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    if conn.exec_driver_sql(exists).first() is None:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _upgrade_in_transaction(conn: Connection, target: str) -> str:
    from mentor_tui.db.migrations import HEAD, revision_number

    config = alembic_config(STORE_SCRIPTS, conn)
    current = _revision(conn)  # again, now under the write lock
    if current is None:
        legacy = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        if legacy > LEGACY_LAST:
            raise newer_than_this(str(legacy), HEAD)
        if legacy:  # made before Alembic: the same schema as that revision
            command.stamp(config, f"{legacy:04d}")
    elif current not in known_revisions(STORE_SCRIPTS):
        raise newer_than_this(current, HEAD)
    command.upgrade(config, target)
    reached = _revision(conn)
    assert reached is not None
    # what a mentor-tui from before Alembic reads: it refuses any number above its own
    conn.exec_driver_sql(f"PRAGMA user_version = {revision_number(reached)}")
    return reached


def sql_statements(name: str) -> Iterator[str]:
    """The statements of one SQL file beside this module, in order."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    pending = ""
    for line in text.splitlines(keepends=True):
        if not pending and line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        raise RuntimeError(f"migration {name} ends with an incomplete statement")


def analyze_if_gathered(names: tuple[str, ...]) -> None:
    """Planner statistics for these tables or indexes, when the store already keeps statistics
    (a store without them plans without, as before)."""
    from alembic import op

    bind = op.get_bind()
    gathered = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    if gathered is not None:
        for name in names:
            bind.exec_driver_sql(f"ANALYZE {name}")


def run_sql_file(name: str) -> None:
    """Run one SQL file in the revision being applied (a revision's ``upgrade``)."""
    from alembic import op

    bind = op.get_bind()
    for statement in sql_statements(name):
        bind.exec_driver_sql(statement)
