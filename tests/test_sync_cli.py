"""The sync verbs from the command line: serve, server-user add, login, sync, logout. The
token never appears in any output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mentor_tui.cli import main
from mentor_tui.core import clock, writes
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipNote
from mentor_tui.server.schema import make_server_engine
from mentor_tui.sync import credentials, sync_status
from tests import sync_helpers
from tests.sync_helpers import (
    PASSWORD,
    Program,
    ThreadServer,
    free_port,
)

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_server_user_add_from_the_command_line(tmp_path: Path, capsys, monkeypatch) -> None:
    database = str(tmp_path / "server.db")
    code, out, err = run(capsys, monkeypatch, "server-user", "add", "Ada@Example.org", "--role", "admin",
                         "--name", "Ada", "--password-stdin", "--database", database, stdin=PASSWORD + "\n")  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "Created admin account ada@example.org.\n"
    code, out, _ = run(capsys, monkeypatch, "server-user", "add", "ada@example.org", "--role", "admin",
                       "--password-stdin", "--database", database, stdin="another password\n")  # fmt: skip
    assert (code, out) == (0, "Set the password of admin account ada@example.org.\n")
    code, out, err = run(capsys, monkeypatch, "server-user", "add", "ada@example.org", "--role", "mentor",
                         "--password-stdin", "--database", database, stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 2 and out == ""
    assert err == "mentor-tui: ada@example.org is a admin on this server, not a mentor.\n"
    code, _, err = run(capsys, monkeypatch, "server-user", "add", "x@example.org", "--role", "mentor",
                       "--name", "X", "--password-stdin", "--database", database, stdin="")  # fmt: skip
    assert code == 2 and err == "mentor-tui: The password is empty.\n"


def test_login_sync_logout_from_the_command_line(
    program: Program, tmp_path: Path, capsys, monkeypatch
) -> None:
    h, ids = program.harness, program.ids
    db = str(tmp_path / "cli.db")
    with ThreadServer(h.engine) as server:
        code, out, err = run(capsys, monkeypatch, "login", server.url, "--email", "m1@example.org",
                             "--password-stdin", "--db", db, stdin=PASSWORD + "\n")  # fmt: skip
        assert code == 0, err
        assert out.startswith(f"Logged in to {server.url} as m1@example.org (mentor).\n")
        store = make_engine(db)
        token = credentials.load_token(sync_status(store).client_id)
        assert token is not None
        with session_scope(store) as s:
            writes.insert(s, ids["m1"], MentorshipNote(mentor_id=ids["m1"], student_id=ids["s1"],
                                                       note="from the CLI store", added_at=clock.now()))  # fmt: skip
        code, out, err = run(capsys, monkeypatch, "sync", "--json", "--db", db)
        assert code == 0, err
        report = json.loads(out)
        assert report["pushed"] == 1 and report["conflicts"] == 0 and "pulled" in report
        code, out, err = run(capsys, monkeypatch, "sync", "--conflicts", "--json", "--db", db)
        assert (code, json.loads(out)) == (0, [])
        code, out, err = run(capsys, monkeypatch, "logout", "--db", db)
        assert (code, out) == (0, "Logged out; the token is revoked.\n")
        outputs = out + err
        assert token.token not in outputs
        code, out, err = run(capsys, monkeypatch, "sync", "--db", db)
        assert code == 2 and "You are logged out" in err and "Traceback" not in err
        store.dispose()


def test_login_with_a_wrong_password_is_one_sentence(
    program: Program, tmp_path: Path, capsys, monkeypatch
) -> None:
    with ThreadServer(program.harness.engine) as server:
        code, out, err = run(capsys, monkeypatch, "login", server.url, "--email", "m1@example.org",
                             "--password-stdin", "--db", str(tmp_path / "x.db"), stdin="wrong\n")  # fmt: skip
    assert code == 2 and out == ""
    assert err == "mentor-tui: Login refused: Wrong email or password.\n"


def test_sync_without_a_server_says_how_to_connect(tmp_path: Path, capsys, monkeypatch) -> None:
    code, out, err = run(capsys, monkeypatch, "sync", "--db", str(tmp_path / "alone.db"))
    assert code == 2 and out == ""
    assert (
        err
        == "mentor-tui: This store is not connected to a server; run `mentor-tui login URL --email E`.\n"
    )


def test_serve_runs_the_server_on_the_given_database(tmp_path: Path) -> None:
    database = tmp_path / "served.db"
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mentor_tui",
            "serve",
            "--database",
            str(database),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        proc.stderr.read().decode() if proc.stderr else "no output"
                    ) from None
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        assert "/sync/pull" in httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"]
        engine = make_server_engine(str(database))
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT position FROM server_log_counter").scalar() == 0
        engine.dispose()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert f"mentor-tui sync server on http://127.0.0.1:{port}" in err.decode()


def test_serve_refuses_a_bad_database_url_in_one_sentence(capsys, monkeypatch) -> None:
    code, out, err = run(capsys, monkeypatch, "serve", "--database", "mysql://x/y")
    assert code == 2 and out == ""
    assert (
        err
        == "mentor-tui: Unsupported database URL scheme 'mysql'; use postgresql:// or sqlite://.\n"
    )
