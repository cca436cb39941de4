"""The bridge reads a platform table streamed (``platform.batches``): the rows and their order
are those of a plain read, at most ``size`` at a time, the server sending the next ones while
these are taken in; a read stopped early leaves the connection usable."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from mentor_tui.lms.mapping import text_uuids
from mentor_tui.lms.platform import batches

QUERY = (
    "SELECT g, md5(g::text), gen_random_uuid() IS NOT NULL FROM generate_series(1, %s) g ORDER BY g"
)


class _Spied(psycopg.Cursor[Any]):
    """Notes which way a cursor was read."""

    used: list[str]

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        type(self).used.append(f"stream size={kwargs.get('size')}")
        return super().stream(*args, **kwargs)

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        type(self).used.append("execute")
        return super().execute(*args, **kwargs)


@pytest.fixture
def pg(pg_url: str) -> Any:
    conn = psycopg.connect(pg_url, cursor_factory=_Spied)
    _Spied.used = []
    yield conn
    conn.close()


def test_a_table_is_read_streamed_in_batches_with_the_rows_of_a_plain_read(pg: Any) -> None:
    plain = pg.execute(QUERY, (2500,)).fetchall()
    pg.commit()
    _Spied.used = []
    with pg.cursor() as cur:
        text_uuids(cur)
        read = list(batches(cur, QUERY, (2500,), 1000))
    assert [len(b) for b in read] == [1000, 1000, 500]
    assert [row for batch in read for row in batch] == plain
    assert _Spied.used == ["stream size=1000"], "streamed, not read whole first"
    assert psycopg.capabilities.has_stream_chunked()  # libpq 17+: the stream path is taken


def test_without_chunked_streams_a_table_is_read_whole(
    pg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(psycopg.capabilities, "has_stream_chunked", lambda: False)
    with pg.cursor() as cur:
        read = list(batches(cur, QUERY, (5,), 2))
    assert [len(b) for b in read] == [2, 2, 1]
    assert _Spied.used == ["execute"]


def test_a_read_stopped_early_leaves_the_connection_usable(pg: Any) -> None:
    with pg.cursor() as cur:
        rows = batches(cur, QUERY, (100_000,), 1000)
        assert len(next(rows)) == 1000
        rows.close()  # a pass that failed on its first batch
    pg.rollback()
    assert pg.execute("SELECT 41 + 1").fetchone() == (42,)


def test_an_empty_table_reads_no_batch(pg: Any) -> None:
    with pg.cursor() as cur:
        assert list(batches(cur, QUERY, (0,), 1000)) == []
