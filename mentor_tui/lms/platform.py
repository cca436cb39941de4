"""The connection to the learning platform's PostgreSQL, and the queries its tables take.

The URL's password never leaves this module: error sentences name the URL with the password
masked, and any text psycopg returns has it masked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from mentor_tui.errors import UserError
from mentor_tui.lms.mapping import (
    BY_TABLE,
    ENTITIES,
    NOTIFICATION_COLUMNS,
    NOTIFICATIONS,
    Entity,
    Names,
    quote,
)

INSTALL = (
    "The learning platform bridge needs psycopg; install it with "
    "`pip install 'mentor-tui[postgres]'`."
)
CONNECT_TIMEOUT_SECONDS = 10


def batches(cur: Any, query: str, params: Any, size: int) -> Iterator[list[Any]]:
    """The rows ``query`` reads, ``size`` at a time. Streamed where libpq can (17 and later:
    chunked rows): the platform's server makes and sends the next rows while the caller takes
    these in, on another core, instead of all of them before the first is read (50,000
    students: 0.7 s less waiting for the platform, the rows and their order the same).
    The connection is busy until the last batch is read: nothing else may use it meanwhile
    (psycopg holds its lock), and a caller that stops early has the query cancelled."""
    import psycopg

    if size > 1 and psycopg.capabilities.has_stream_chunked():
        rows = cur.stream(query, params, size=size)
        while batch := list(islice(rows, size)):
            yield batch
        return
    cur.execute(query, params)
    while batch := cur.fetchmany(size):
        yield batch


def _password(url: str) -> str | None:
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return None if password is None else unquote(password)


def redact(url: str) -> str:
    """The URL with its password (if any) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "The learning platform URL given"
    if parts.password is None:
        return url
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def scrub(text: str, url: str) -> str:
    """``text`` with the URL's password masked wherever it appears (raw or URL-encoded)."""
    password = _password(url)
    if password:
        raw = urlsplit(url).netloc.split("@")[0].partition(":")[2]
        for secret in {password, raw}:
            if secret:
                text = text.replace(secret, "***")
    return text


def check_url(url: str) -> None:
    if not url:
        raise UserError(
            "No learning platform URL: pass --from URL, set MENTOR_TUI_LMS_URL, or set url in "
            "the config's [lms] section."
        )
    try:
        scheme = urlsplit(url).scheme
        urlsplit(url).port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise UserError(f"{redact(url)} is not a URL this bridge can read.") from None
    if scheme not in ("postgresql", "postgres"):
        raise UserError(
            f"{redact(url)} is not a PostgreSQL URL (postgresql://user:password@host/db)."
        )


def connect(url: str) -> Any:
    check_url(url)
    try:
        import psycopg
    except ImportError as exc:
        raise UserError(INSTALL) from exc
    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        # times read in UTC: psycopg gives them ``timezone.utc``, which every time the bridge
        # makes UTC keeps as it is, instead of converting each from the server's zone (the
        # same instants; nothing the bridge asks depends on the session's zone)
        conn.execute("SET TIME ZONE 'UTC'")
        conn.commit()
        return conn
    except Exception as exc:  # psycopg.Error, or a bad URL psycopg refuses
        detail = scrub(" ".join(str(exc).split()), url).rstrip(".?! ")
        raise UserError(
            f"Cannot connect to the learning platform at {redact(url)}: {detail}."
        ) from None


class Tables:
    """The platform's tables and columns as they are, checked against what the bridge needs."""

    def __init__(self, conn: Any, names: Names) -> None:
        self.names = names
        found: dict[str, set[str]] = {}
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY (current_schemas(false))"
        ).fetchall()
        for table, column in rows:
            found.setdefault(table, set()).add(column)
        self.found = found
        self.present: dict[str, set[str]] = {}
        for entity in ENTITIES:
            self.present[entity.table] = self._check(entity.table, entity.columns, entity.optional)
            if entity.cursor:
                self._check(entity.table, ("updated_at",), frozenset())
        self.present[NOTIFICATIONS] = self._check(
            NOTIFICATIONS, NOTIFICATION_COLUMNS, frozenset({"metadata"})
        )

    def _check(self, table: str, columns: tuple[str, ...], optional: frozenset[str]) -> set[str]:
        real = self.names.table(table)
        have = self.found.get(real)
        if have is None:
            raise UserError(
                f"The learning platform has no table {real!r} (for {table}); create it or map "
                f"it in the config's [lms.tables]."
            )
        present = set()
        for column in columns:
            name = self.names.column(table, column)
            if name in have:
                present.add(column)
            elif column not in optional:
                raise UserError(
                    f"The learning platform's table {real!r} has no column {name!r}; map it in "
                    f"the config's [lms.columns.{table}]."
                )
        return present

    def table(self, default: str) -> str:
        return quote(self.names.table(default))

    def column(self, table: str, default: str) -> str:
        return quote(self.names.column(table, default))

    def select_list(self, entity: Entity) -> str:
        """The entity's columns under their default names (NULL for an absent optional one)."""
        present = self.present[entity.table]
        return ", ".join(
            f"{self.column(entity.table, c)} AS {quote(c)}"
            if c in present
            else f"NULL AS {quote(c)}"
            for c in entity.columns
        )

    def has(self, table: str, column: str) -> bool:
        return column in self.present.get(table, set())


def entity(name: str) -> Entity:
    return BY_TABLE[name]
