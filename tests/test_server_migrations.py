"""The server database's schema by Alembic, on SQLite and on PostgreSQL: a new database is made
by the revisions and equals the tables the code uses, one made before Alembic (``create_all``)
is stamped at the baseline with nothing lost, a failed upgrade changes nothing, a newer one is
refused, and a server may still run on a local store's file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, insert, inspect, select, text
from sqlmodel import SQLModel

from mentor_tui.core import writes
from mentor_tui.db import migrations as store_migrations
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User
from mentor_tui.errors import UserError
from mentor_tui.server import migrations, schema
from mentor_tui.server.schema import ensure_schema, make_server_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = str(tmp_path / "server.db")
    else:
        url = request.getfixturevalue("pg_url")
    eng = make_server_engine(url)
    yield eng
    eng.dispose()


def _code_tables() -> MetaData:
    """The tables the server code reads and writes: the synced models and ``schema.metadata``."""
    tables = MetaData()
    for table in [*schema.domain_tables(), *schema.metadata.sorted_tables]:
        table.to_metadata(tables)
    return tables


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return migrations.server_revision(conn)


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


AFTER_BASELINE = {
    "server_integrations",  # made by 0002
    "server_xapi_statements",
    "server_email_deliveries",  # made by 0006
    "server_email_items",
    "server_lms_rows",  # made by 0007
    "server_lms_cursors",
    "server_lms_conflicts",
}
"""Server tables that later revisions make: a database from before Alembic had none of them."""


def _made_before_alembic(engine: Engine) -> None:
    """What ``ensure_schema`` made before Alembic (main at 8f22ba9): every table by
    ``create_all``, the log counter, and the server id beside a schema version."""
    with engine.connect() as conn, conn.begin():
        SQLModel.metadata.create_all(conn, tables=schema.domain_tables(), checkfirst=True)
        baseline = [t for t in schema.metadata.sorted_tables if t.name not in AFTER_BASELINE]
        schema.metadata.create_all(conn, tables=baseline, checkfirst=True)
        conn.execute(insert(schema.log_counter).values(id=1, position=0))
        conn.execute(
            insert(schema.meta),
            [{"key": "server_id", "value": "made-before"}, {"key": "schema_version", "value": "1"}],
        )


def test_head_is_alembics_head() -> None:
    assert ScriptDirectory(str(migrations.SCRIPTS)).get_heads() == [migrations.HEAD]


def test_a_new_database_is_made_by_the_revisions_and_matches_the_code(engine: Engine) -> None:
    assert _tables(engine) == set()
    server_id = ensure_schema(engine)
    assert _revision(engine) == migrations.HEAD
    assert _tables(engine) == set(_code_tables().tables) | {migrations.VERSION_TABLE}
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _parent: name != migrations.VERSION_TABLE,
            },
        )
        assert compare_metadata(context, _code_tables()) == []
    assert ensure_schema(engine) == server_id  # and again: nothing to do


def test_a_database_made_before_alembic_is_stamped_with_nothing_lost(engine: Engine) -> None:
    _made_before_alembic(engine)
    with engine.connect() as conn, conn.begin():
        conn.execute(
            insert(schema.credentials).values(
                user_id="u1", password_hash="h", updated_at=datetime.now(UTC)
            )
        )
    before = _tables(engine)
    assert _revision(engine) is None

    assert ensure_schema(engine) == "made-before"
    assert _revision(engine) == migrations.HEAD
    assert _tables(engine) == before | {migrations.VERSION_TABLE} | AFTER_BASELINE
    with engine.connect() as conn:
        assert conn.execute(select(schema.credentials.c.user_id)).scalars().all() == ["u1"]
        assert conn.execute(select(schema.log_counter.c.position)).scalar_one() == 0


def test_a_failed_upgrade_leaves_the_database_as_it_was(engine: Engine) -> None:
    # an index name the baseline needs, taken: its CREATE INDEX fails after other tables were made
    with engine.connect() as conn, conn.begin():
        conn.execute(text("CREATE TABLE bystander (x INTEGER)"))
        conn.execute(text("CREATE INDEX ix_server_tokens_user ON bystander (x)"))
    with pytest.raises(Exception, match="ix_server_tokens_user"):
        ensure_schema(engine)
    assert _tables(engine) == {"bystander"}


def test_a_database_from_a_newer_mentor_tui_is_refused_with_a_sentence(engine: Engine) -> None:
    ensure_schema(engine)
    with engine.connect() as conn, conn.begin():
        conn.execute(text(f"UPDATE {migrations.VERSION_TABLE} SET version_num = '0999'"))
    with pytest.raises(UserError, match=r"newer mentor-tui \(schema 0999, this one knows up to"):
        ensure_schema(engine)


def test_a_server_runs_on_a_local_stores_file_each_with_its_own_revision(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    store = make_engine(path)
    with session_scope(store) as session:
        writes.insert(session, None, User(full_name="Ada", email="ada@example.org", role="admin"))
    store.dispose()

    server = make_server_engine(str(path))
    try:
        ensure_schema(server)
        assert _revision(server) == migrations.HEAD
        with server.connect() as conn:
            logged = conn.execute(select(schema.log_rows.c.entity)).scalars().all()
        assert logged == ["users"]  # the store's row joined the change log
    finally:
        server.dispose()
    conn = sqlite3.connect(path)
    assert store_migrations.store_revision(conn) == store_migrations.HEAD
    conn.close()
    make_engine(path).dispose()  # the store still opens


def test_ensuring_a_current_schema_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    engine = make_server_engine(str(path))
    ensure_schema(engine)
    engine.dispose()
    probe = (
        "import json, sys\n"
        "from mentor_tui.server.schema import ensure_schema, make_server_engine\n"
        f"ensure_schema(make_server_engine({str(path)!r}))\n"
        "print(json.dumps('alembic' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) is False
