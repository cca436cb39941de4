"""The bridge's own tables: ``lms_rows`` and ``lms_cursors`` in a local store (revision 0010),
``server_lms_rows`` and ``server_lms_cursors`` in a server's database (server revision 0006);
``store.table`` names them for the session's store.

A value is compared across the two sides in one form (``norm``): times as ISO text in UTC,
numbers as floats, everything else as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from mentor_tui.core.writes import begin_for_ddl, json_encoder
from mentor_tui.lms.mapping import utc
from mentor_tui.lms.store import PREFIX_KEY
from mentor_tui.lms.store import table as named

STUDENT = "_student"  # in a session's base: the local student its platform row carries


@dataclass
class Link:
    local_id: str  # "" when the platform row maps to nothing here (skipped)
    digest: str
    local_version: int
    base: dict[str, Any] | None


def norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def wire(value: Any) -> Any:
    """A value as a conflict keeps it (the sync protocol's forms: times as UTC text)."""
    if isinstance(value, datetime):
        m = utc(value)
        assert m is not None
        return m.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def links(session: Session, entity: str, pids: list[str] | None = None) -> dict[str, Link]:
    """The links of one platform table: all of them, or those of ``pids``."""
    query = (
        "SELECT platform_id, local_id, digest, local_version, base "
        f"FROM {named(session, 'lms_rows')} WHERE entity = :e"
    )
    found: dict[str, Link] = {}
    chunks = [None] if pids is None else [pids[i : i + 500] for i in range(0, len(pids), 500)]
    for chunk in chunks:
        params: dict[str, Any] = {"e": entity}
        sql = query
        if chunk is not None:
            if not chunk:
                continue
            marks = ", ".join(f":p{i}" for i in range(len(chunk)))
            sql += f" AND platform_id IN ({marks})"
            params |= {f"p{i}": pid for i, pid in enumerate(chunk)}
        for pid, local_id, seal, version, base in session.execute(text(sql), params):
            found[pid] = Link(local_id, seal, version, json.loads(base) if base else None)
    return found


def link_count(session: Session, entity: str) -> int:
    return int(
        session.execute(
            text(f"SELECT count(*) FROM {named(session, 'lms_rows')} WHERE entity = :e"),
            {"e": entity},
        ).scalar_one()
    )


def links_of(session: Session, entity: str, pid: str) -> Link | None:
    row = session.execute(
        text(
            "SELECT local_id, digest, local_version, base "
            f"FROM {named(session, 'lms_rows')} WHERE entity = :e AND platform_id = :p"
        ),
        {"e": entity, "p": pid},
    ).first()
    if row is None:
        return None
    local_id, seal, version, base = row
    return Link(local_id, seal, version, json.loads(base) if base else None)


def _save(session: Session, mark: str) -> str:
    marks = ", ".join([mark] * 6)
    return (
        f"INSERT INTO {named(session, 'lms_rows')} "
        "(entity, platform_id, local_id, digest, local_version, base) "
        f"VALUES ({marks}) ON CONFLICT (entity, platform_id) DO UPDATE SET "
        "local_id = excluded.local_id, digest = excluded.digest, "
        "local_version = excluded.local_version, base = excluded.base"
    )


_BASE_TEXT = json_encoder(sort_keys=True)  # json.dumps(base, sort_keys=True)


def _params(entity: str, pid: str, link: Link) -> tuple[Any, ...]:
    base = None if link.base is None else _BASE_TEXT(link.base)
    return (entity, pid, link.local_id, link.digest, link.local_version, base)


def save_link(session: Session, entity: str, pid: str, link: Link) -> None:
    save_links(session, entity, {pid: link})


def save_links(session: Session, entity: str, links: dict[str, Link]) -> None:
    """Many at once: one statement, executed for each by the driver."""
    if links:
        conn = session.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            _save(session, mark), [_params(entity, pid, link) for pid, link in links.items()]
        )


def drop_link(session: Session, entity: str, pid: str) -> None:
    session.execute(
        text(f"DELETE FROM {named(session, 'lms_rows')} WHERE entity = :e AND platform_id = :p"),
        {"e": entity, "p": pid},
    )


def user_links(session: Session) -> dict[str, str]:
    """Platform user id -> local user id, where they differ."""
    rows = session.execute(
        text(
            f"SELECT platform_id, local_id FROM {named(session, 'lms_rows')} WHERE entity = 'users' "
            "AND local_id != platform_id AND local_id != ''"
        )
    )
    return {pid: local for pid, local in rows}


def cursor(session: Session, entity: str) -> datetime | None:
    value = session.execute(
        text(f"SELECT updated_at FROM {named(session, 'lms_cursors')} WHERE entity = :e"),
        {"e": entity},
    ).scalar()
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def save_cursor(session: Session, entity: str, moment: datetime) -> None:
    session.execute(
        text(
            f"INSERT INTO {named(session, 'lms_cursors')} (entity, updated_at) VALUES (:e, :t) "
            "ON CONFLICT (entity) DO UPDATE SET updated_at = excluded.updated_at"
        ),
        {"e": entity, "t": utc(moment).isoformat()},  # type: ignore[union-attr]
    )


def never_joined(session: Session, table: str) -> bool:
    """A local store never joined to a server (no login yet) that holds users, or is taking in
    users (``table``): its first login queues every row it then holds for the server, as it
    then is, and marks every older journal entry sent (``sync/adopt.py``), so a row written
    now needs no journal entry of its own. Read in the writing transaction, which SQLite
    serialises with a login's (a login that found the store empty and sees users at its end
    asks to log in again: ``sync/client.py``)."""
    conn = session.connection()
    if session.info.get(PREFIX_KEY, "") or conn.dialect.name != "sqlite":
        return False
    begin_for_ddl(conn)  # the read below in the transaction that writes the rows
    joined = session.execute(
        text("SELECT 1 FROM sync_state WHERE server_id IS NOT NULL OR adopted_at IS NOT NULL")
    ).first()
    if joined is not None:
        return False
    return (
        table == "users" or session.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None
    )
