"""On SQLite the server has the database write each row's JSON (server/pull.py); the rows must
be exactly what encoding the typed values in Python gives (the PostgreSQL path), whatever the
values: floats to the last bit, infinities, booleans, JSON columns, awkward text."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from app_support import copy_store
from sqlalchemy import select

from mentor_tui.core.access import Actor
from mentor_tui.server import pull
from mentor_tui.server.schema import ensure_schema, make_server_engine
from mentor_tui.sync.protocol import table_specs
from mentor_tui.sync.scopes import readable

AWKWARD_TEXT = 'quote " backslash \\ nul-free \x01\x1f tab\t newline\n \u2028 é 😀 </script>'
FLOATS = [0.1 + 0.2, 1e-300, 5e-324, 123456789.123456789, 2.0 / 3.0, -0.0, 1e21, math.inf]


@pytest.fixture
def server(template: Path, tmp_path: Path) -> Any:
    path = copy_store(template, tmp_path / "server.db")
    conn = sqlite3.connect(path)
    ids = [r[0] for r in conn.execute("SELECT id FROM module_progress ORDER BY id LIMIT 8")]
    for n, (row_id, value) in enumerate(zip(ids, FLOATS, strict=True)):
        conn.execute(
            "UPDATE module_progress SET percent = ?, quiz_score = ?, is_completed = ? WHERE id = ?",
            (value, None if n == 0 else -value, n % 2, row_id),
        )
    mentor = conn.execute("SELECT user_id FROM mentor_profiles ORDER BY user_id").fetchone()[0]
    conn.execute(
        "UPDATE mentor_profiles SET bio = ?, expertise = ?, unavailable_until = NULL WHERE user_id = ?",
        (AWKWARD_TEXT, json.dumps([AWKWARD_TEXT, {"n": 1.5, "t": True, "z": None}]), mentor),
    )
    conn.execute("UPDATE users SET full_name = ? WHERE id = ?", (AWKWARD_TEXT, mentor))
    conn.commit()
    conn.close()
    engine = make_server_engine(str(path))
    ensure_schema(engine)
    yield engine
    engine.dispose()


def _admin(engine: Any) -> Actor:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT id, role, email, full_name, timezone FROM users WHERE role = 'admin' LIMIT 1"
        ).one()
    return Actor(*row)


def _python_encoded(engine: Any, name: str, actor: Actor) -> dict[str, list[Any]]:
    """The live rows of ``name`` the actor may read, as the Python encoder sends them, by id
    (an admin reads every row but other people's conversations)."""
    spec = table_specs()[name]
    table = spec.table
    query = select(*table.c).where(table.c.deleted_at.is_(None), readable(actor, name))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    encoded = pull._encode(spec, rows)
    return {row[0]: json.loads(json.dumps(row)) for row in encoded}


def _same(a: list[Any], b: list[Any]) -> bool:
    """Equal, floats to the bit (-0.0 and 0.0 told apart)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, float) or isinstance(y, float):
            if not (isinstance(x, float) and isinstance(y, float)):
                return False
            if math.copysign(1.0, x) != math.copysign(1.0, y) or x != y:
                return False
        elif x != y:
            return False
    return True


def test_snapshot_rows_made_by_sqlite_equal_the_python_encoding(server: Any) -> None:
    admin = _admin(server)
    got: dict[str, dict[str, list[Any]]] = {}
    table = after = None
    while True:
        page = pull.snapshot_page(server, admin, table, after, 500)
        body = json.loads(pull.page_json({"server_id": "s", **page}))
        for block in body["tables"]:
            assert block["columns"] == list(table_specs()[block["table"]].columns)
            for row in block["rows"]:
                got.setdefault(block["table"], {})[row[0]] = row
        if body["next"] is None:
            break
        table, after = body["next"]["table"], body["next"]["after"]
    assert set(got) >= {"users", "module_progress", "mentor_profiles"}
    for name, rows in got.items():
        expected = _python_encoded(server, name, admin)
        assert rows.keys() == expected.keys(), name
        for row_id, row in rows.items():
            assert _same(row, expected[row_id]), (name, row, expected[row_id])

    progress = table_specs()["module_progress"].columns
    at = progress.index("percent")
    sent = {row[at] for row in got["module_progress"].values() if row[at] is not None}
    assert {0.30000000000000004, 5e-324, math.inf} <= sent  # exact, not SQLite's 15 digits
    profile = table_specs()["mentor_profiles"].columns
    bios = [row[profile.index("bio")] for row in got["mentor_profiles"].values()]
    assert AWKWARD_TEXT in bios
    expertise = [row[profile.index("expertise")] for row in got["mentor_profiles"].values()]
    assert [AWKWARD_TEXT, {"n": 1.5, "t": True, "z": None}] in expertise


def test_log_pages_made_by_sqlite_equal_the_python_encoding(server: Any) -> None:
    admin = _admin(server)
    page = pull.pull_page(server, admin, 0, 100_000)
    body = json.loads(pull.page_json({"server_id": "s", **page}))
    assert not body["more"]
    for block in body["tables"]:
        expected = _python_encoded(server, block["table"], admin)
        for row in block["rows"]:
            if row[0] in expected:  # tombstones are in the log too, not in the live rows
                assert _same(row, expected[row[0]]), (block["table"], row)
    flags = [
        row[table_specs()["module_progress"].columns.index("is_completed")]
        for block in body["tables"]
        if block["table"] == "module_progress"
        for row in block["rows"]
    ]
    assert {True, False} <= set(flags) and all(isinstance(f, bool) for f in flags)


def test_sqlite_snapshot_pages_carry_every_value_as_the_server_holds_it(server: Any) -> None:
    """``format=sqlite`` pages: the very values of the server's rows, floats to the bit,
    infinities, JSON text and awkward text, with nothing left out or added."""
    admin = _admin(server)
    got: dict[str, dict[str, tuple[Any, ...]]] = {}
    table = after = None
    while True:
        data, meta = pull.snapshot_page_sqlite(server, admin, table, after, 500, "s")
        page = sqlite3.connect(":memory:")
        page.deserialize(data)
        assert json.loads(page.execute("SELECT meta FROM _page").fetchone()[0]) == meta
        for name in meta["tables"]:
            columns = [r[1] for r in page.execute(f'PRAGMA table_info("{name}")')]
            assert columns == list(table_specs()[name].columns)
            for row in page.execute(f'SELECT * FROM "{name}"'):
                got.setdefault(name, {})[row[0]] = row
        page.close()
        if meta["next"] is None:
            break
        table, after = meta["next"]["table"], meta["next"]["after"]
    raw = sqlite3.connect(server.url.database)
    for name, rows in got.items():
        readable_ids = _python_encoded(server, name, admin).keys()
        held = {
            r[0]: r
            for r in raw.execute(f'SELECT * FROM "{name}" WHERE deleted_at IS NULL')
            if r[0] in readable_ids
        }
        assert rows.keys() == held.keys(), name
        for row_id, row in rows.items():
            assert _same(list(row), list(held[row_id])), (name, row, held[row_id])
    raw.close()
    progress = table_specs()["module_progress"].columns
    sent = {row[progress.index("percent")] for row in got["module_progress"].values()}
    assert {0.30000000000000004, 5e-324, math.inf} <= sent
    bios = {
        row[table_specs()["mentor_profiles"].columns.index("bio")]
        for row in got["mentor_profiles"].values()
    }
    assert AWKWARD_TEXT in bios
