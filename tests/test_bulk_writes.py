"""server/bulk.py: rows written in bulk are stored exactly as SQLAlchemy stores them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    text,
)
from sqlmodel.sql.sqltypes import UTCDateTime

from mentor_tui.server.bulk import insert_many, update_many
from mentor_tui.server.schema import make_server_engine

metadata = MetaData()
things = Table(
    "bulk_things",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=True),
    Column("done", Boolean, nullable=False),
    Column("share", Float, nullable=True),
    Column("detail", JSON, nullable=False),
)
PARIS = timezone(timedelta(hours=1))


def _rows(prefix: str) -> list[dict[str, object]]:
    moment = datetime(2026, 3, 5, 10, 0, 0, 123456, tzinfo=PARIS)
    return [
        {
            "id": f"{prefix}{n}",
            "part": n % 2,
            "at": None if n == 3 else moment,  # the same moment many times, and one None
            "done": n % 2 == 0,
            "share": [1, 1.5, 2, 0.5][n % 4],
            # equal values of different types stay apart (1, true and 1.0 in JSON)
            "detail": [{"n": n, "name": "é"}, 1, True, 1.0, None][n % 5],
        }
        for n in range(6)
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path):
    url = (
        str(tmp_path / "bulk.db")
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    made = make_server_engine(url)
    metadata.create_all(made)
    yield made
    made.dispose()


def _stored(conn, prefix: str) -> list[tuple[object, ...]]:
    """The values as the database holds them (no result processing), by id."""
    rows = conn.execute(
        text(
            "SELECT id, part, at, done, share, detail FROM bulk_things WHERE id LIKE :p ORDER BY id"
        ),
        {"p": f"{prefix}%"},
    )
    return [tuple(row) for row in rows]


def test_insert_many_stores_what_sqlalchemy_stores(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(things), _rows("a"))
        insert_many(conn, things, _rows("b"))
        plain, bulk = _stored(conn, "a"), _stored(conn, "b")
    assert [row[1:] for row in bulk] == [row[1:] for row in plain]
    assert [row[0] for row in bulk] == [f"b{n}" for n in range(6)]
    with engine.connect() as conn:
        back = conn.execute(select(things.c.at, things.c.detail).where(things.c.id == "b0")).one()
    assert back.at == datetime(2026, 3, 5, 9, 0, 0, 123456, tzinfo=UTC)
    assert back.detail == {"n": 0, "name": "é"}


def test_update_many_sets_each_row_by_its_keys(engine) -> None:
    later = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
    with engine.begin() as conn:
        insert_many(conn, things, _rows("c"))
        update_many(
            conn,
            things,
            ["id", "part"],
            [
                {"id": "c0", "part": 0, "share": 0.25, "detail": {"k": 1}},
                {"id": "c1", "part": 1, "share": None, "detail": {"k": 2}},
                {"id": "c2", "part": 1, "share": 9.0, "detail": {"k": 3}},  # no such row
            ],
            {"at": later},
        )
        rows = {
            r.id: r for r in conn.execute(select(things).where(things.c.id.in_(["c0", "c1", "c2"])))
        }
    assert (rows["c0"].share, rows["c0"].detail, rows["c0"].at) == (0.25, {"k": 1}, later)
    assert (rows["c1"].share, rows["c1"].detail, rows["c1"].at) == (None, {"k": 2}, later)
    assert (rows["c2"].share, rows["c2"].detail, rows["c2"].at) == (2, True, rows["c2"].at)
    assert rows["c2"].at != later  # untouched


def test_rows_naming_different_columns_are_refused(tmp_path: Path) -> None:
    made = make_server_engine(str(tmp_path / "bulk.db"))
    metadata.create_all(made)
    rows = _rows("d")
    del rows[1]["share"]
    with made.begin() as conn, pytest.raises(ValueError, match="same columns"):
        insert_many(conn, things, rows)
    made.dispose()


def test_server_sqlite_stores_json_compactly_and_reads_it_back(tmp_path: Path) -> None:
    """JSON columns on the server's SQLite database are encoded by msgspec: the same JSON,
    compact and in UTF-8, read back equal, the same through SQLAlchemy and in bulk."""
    made = make_server_engine(str(tmp_path / "bulk.db"))
    metadata.create_all(made)
    detail = {"fields": ["percent", "quiz_score"], "name": "é", "n": [1, [2, "x/y"]], "no": None}
    row = {"part": 0, "at": None, "done": True, "share": None, "detail": detail}
    with made.begin() as conn:
        conn.execute(insert(things), [{"id": "j0", **row}])
        insert_many(conn, things, [{"id": "j1", **row}])
        stored = [r[5] for r in _stored(conn, "j")]
        back = conn.execute(select(things.c.detail).order_by(things.c.id)).scalars().all()
    made.dispose()
    text = '{"fields":["percent","quiz_score"],"name":"é","n":[1,[2,"x/y"]],"no":null}'
    assert stored == [text, text]
    assert back == [detail, detail]


def test_server_json_keeps_nan_and_infinity_as_the_standard_library_writes_them() -> None:
    from mentor_tui.server.schema import json_text

    value = {"a": float("nan"), "b": [float("inf"), None], "c": "é"}
    assert json_text(value) == '{"a":NaN,"b":[Infinity,null],"c":"é"}'
