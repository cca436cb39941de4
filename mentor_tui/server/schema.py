"""The server's database: the same domain tables as a local store, plus the server's own.

Server-only tables (all named ``server_*`` so a server can run on a file that is also a local
store, such as a demo database):

- ``server_log_counter``: one row holding the last position handed out in the change log.
  Writers take positions with ``UPDATE ... RETURNING`` as the last step of their transaction;
  the row lock serialises them, so positions become visible in order (see docs/sync.md).
- ``server_log_rows``: every synced row's latest position, and when and by whom (origin)
  each of its fields last changed (for field-by-field merges).
- ``server_log_revokes``: "this row is no longer yours" events, positioned in the same log.
- ``server_applied_changes``: every pushed change id and its outcome (pushing twice is a no-op).
- ``server_credentials``, ``server_tokens``, ``server_login_failures``: accounts' password
  hashes, login tokens (hashed) and the failed-login record rate limiting reads.
- ``server_meta``: this database's server id.
- ``server_email_deliveries``, ``server_email_items``: every email and digest made for a
  person's notifications, and which notifications each carried (server/mail.py).
- ``server_integrations``: integration accounts (a learning platform posting xAPI statements):
  not users, never synced; their password hashes are in ``server_credentials``.
- ``server_xapi_statements``: every xAPI statement as received (immutable), with what it named
  and what came of it (``outcome``: applied, unknown actor, unknown activity, no effect).
- ``server_lms_rows``, ``server_lms_cursors``, ``server_lms_conflicts``: the learning platform
  bridge's bookkeeping when it runs on this database, and the changes made through the server
  that lost to the platform (kept for the admins, who are also notified).

The schema is changed by Alembic revisions only (``server/migrations``); ``ensure_schema``
brings the database to the newest one. The tables below are what the code reads and writes;
tests/test_server_migrations.py checks that they equal what the revisions make.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import make_url

from mentor_tui.db.models import AuditEntry, SQLModel
from mentor_tui.db.private_files import private_database
from mentor_tui.errors import UserError
from mentor_tui.paths import data_dir
from mentor_tui.server import migrations
from mentor_tui.sync.protocol import table_specs

SQLITE_MMAP_BYTES = 2**31
metadata = MetaData()

log_counter = Table(
    "server_log_counter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", BigInteger, nullable=False),
)

log_rows = Table(
    "server_log_rows",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("entity_id", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    # field -> [version, origin]: the row version at which the field last changed, and who
    # changed it ("<account id>/<client id>", "server")
    Column("field_versions", JSON, nullable=False),
    Index("ix_server_log_rows_entity_position", "entity", "position"),
    Index("ix_server_log_rows_position", "position"),
)

log_revokes = Table(
    "server_log_revokes",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("account_id", String(64), nullable=True),  # NULL: every account
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Index("ix_server_log_revokes_account", "account_id", "position"),
)

applied_changes = Table(
    "server_applied_changes",
    metadata,
    Column("change_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("outcome", JSON, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

credentials = Table(
    "server_credentials",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("password_hash", String(512), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

tokens = Table(
    "server_tokens",
    metadata,
    Column("token_hash", String(128), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_server_tokens_user", "user_id"),
)

login_failures = Table(
    "server_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_server_login_failures_email", "email", "at"),
    Index("ix_server_login_failures_address", "address", "at"),
)

integrations = Table(
    "server_integrations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

xapi_statements = Table(
    "server_xapi_statements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("body", Text, nullable=False),  # the statement as received
    Column("account_id", String(64), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(330), nullable=True),
    Column("verb", String(2048), nullable=False),
    Column("activity_id", String(2048), nullable=True),
    Column("outcome", String(32), nullable=False),
    Index("ix_server_xapi_statements_outcome", "outcome", "activity_id"),
)

# Emails and digests (server/mail.py): one row per email, unique per person, kind and period
# (a notification's id for an email at once, a day or an ISO week for a digest), so none is
# made twice; ``server_email_items`` names each notification an email carried, at most once.
email_deliveries = Table(
    "server_email_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # email, daily, weekly
    Column("period", String(64), nullable=False),
    # claimed (to send), sending (handed to SMTP), sent, unconfirmed (the sender stopped
    # while handing it over: never sent again), failed (refused, or out of retries)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_try_at", DateTime(timezone=True), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("error", Text, nullable=True),
    UniqueConstraint("user_id", "kind", "period", name="uq_server_email_period"),
    Index("ix_server_email_deliveries_status", "status", "next_try_at"),
)

email_items = Table(
    "server_email_items",
    metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("delivery_id", String(36), nullable=False),
    Index("ix_server_email_items_delivery", "delivery_id"),
)

# the learning platform bridge run on this database (server/lms_store.py): its bookkeeping, as
# a local store's lms_rows and lms_cursors, and what it kept when the platform won a change
lms_rows = Table(
    "server_lms_rows",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("platform_id", String(64), primary_key=True),
    Column("local_id", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("local_version", Integer, nullable=False),
    Column("base", Text, nullable=True),
    Index("ix_server_lms_rows_local", "entity", "local_id"),
)

lms_cursors = Table(
    "server_lms_cursors",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("updated_at", String(64), nullable=False),
)

lms_conflicts = Table(
    "server_lms_conflicts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("fields", JSON, nullable=False),  # field -> {"mine", "theirs"}
    Column("message", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_server_lms_conflicts_created", "created_at"),
)

meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'server.db'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` -> psycopg 3; a bare path -> an SQLite file."""
    url = url.strip()
    if not url:
        raise UserError("Give a database URL such as postgresql://host/db or a file path.")
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme = url.split("://", 1)[0]
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme in ("postgresql+psycopg", "sqlite"):
        return url
    raise UserError(f"Unsupported database URL scheme {scheme!r}; use postgresql:// or sqlite://.")


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun explicitly (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Reads through a memory map, not a read() per page: a snapshot reads rows in key order,
    # which on a big table is one random page per row.
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


def _sqlite_begin(conn) -> None:
    # A write transaction takes the write lock up front, so two writers queue on the busy
    # timeout instead of failing to upgrade a read lock; reads get a snapshot from BEGIN.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


_ENCODE = msgspec.json.Encoder().encode


def json_text(value: Any) -> str:
    """A JSON column's value as the server's SQLite database stores it: msgspec's encoding
    (the same JSON as the standard library's, written compactly and in UTF-8), several times
    faster; the change log's field versions and the audit's details of a big xAPI batch spent
    a tenth of its time being encoded."""
    found = _ENCODE(value)
    if b"null" in found:  # perhaps a NaN or an infinity, which msgspec writes as null
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return found.decode()


def make_server_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or default_database_url())
    if url.startswith("postgresql") and importlib.util.find_spec("psycopg") is None:
        raise UserError(
            "A PostgreSQL database needs the postgres extra: pip install 'mentor-tui[postgres]'."
        )
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            private_database(Path(path))  # 0600 in a 0700 folder, as the local store
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 15},
            json_serializer=json_text,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def write_options(engine: Engine) -> dict[str, str]:
    return {} if is_postgres(engine) else {"sqlite_begin": "IMMEDIATE"}


def snapshot_options(engine: Engine) -> dict[str, str]:
    """One consistent view for every query of a pull (see docs/sync.md)."""
    return {"isolation_level": "REPEATABLE READ"} if is_postgres(engine) else {}


def domain_tables() -> list[Table]:
    specs = table_specs()
    return [t for t in SQLModel.metadata.sorted_tables if t.name in specs] + [
        AuditEntry.__table__  # type: ignore[list-item]
    ]


def ensure_schema(engine: Engine) -> str:
    """Bring the schema to the newest revision (several processes may start at once: one
    transaction under a lock, so the others wait and find it done) and give positions to rows
    that have none yet (a database built without the server, such as the demo).
    Returns this database's server id."""
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        if is_postgres(engine):
            conn.execute(text("SELECT pg_advisory_xact_lock(7415001)"))
        migrations.upgrade(conn)
        if (
            conn.execute(select(log_counter.c.position).where(log_counter.c.id == 1)).first()
            is None
        ):
            conn.execute(insert(log_counter).values(id=1, position=0))
        server_id = conn.execute(select(meta.c.value).where(meta.c.key == "server_id")).scalar()
        if server_id is None:
            server_id = str(uuid.uuid4())
            conn.execute(insert(meta).values(key="server_id", value=server_id))
        _position_unlogged_rows(conn)
    return server_id


def _position_unlogged_rows(conn) -> None:
    """Rows written straight into the database (bulk demo, restore) join the log once, in
    key order. One ``INSERT ... SELECT`` per table: a demo's million rows never come through
    Python. (Rows that came through the server got theirs in the transaction that wrote them.)"""
    for name, table_spec in table_specs().items():
        table = table_spec.table
        unlogged = ~(
            select(log_rows.c.entity_id)
            .where(log_rows.c.entity == name, log_rows.c.entity_id == table.c.id)
            .exists()
        )
        count = conn.execute(select(func.count()).select_from(table).where(unlogged)).scalar_one()
        if not count:
            continue
        end = conn.execute(
            log_counter.update()
            .where(log_counter.c.id == 1)
            .values(position=log_counter.c.position + count)
            .returning(log_counter.c.position)
        ).scalar_one()
        first = end - count + 1
        rows = select(
            literal(name, String),
            table.c.id,
            literal(first - 1, BigInteger) + func.row_number().over(order_by=table.c.id),
            literal_column("'{}'"),
        ).where(unlogged)
        added = conn.execute(
            insert(log_rows).from_select(
                ["entity", "entity_id", "position", "field_versions"], rows
            )
        ).rowcount
        if added != count:  # the same transaction saw a different set of rows: change nothing
            raise RuntimeError(f"{name}: {added} rows joined the log, {count} expected")


__all__ = [
    "default_database_url",
    "display_url",
    "ensure_schema",
    "make_server_engine",
]
