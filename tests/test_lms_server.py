"""The learning platform bridge on a sync server's database: a real PostgreSQL platform, a
real server database (SQLite and PostgreSQL), and clients pulling from a real uvicorn server.
Rows come in through the server's change log, decisions pushed by clients go out, a change the
platform made meanwhile wins and is kept for the admins."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, func, select

from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.notes.notes import save_note
from mentor_tui.core.reviews.decisions import decide
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.learning_models import Enrollment
from mentor_tui.db.models import MentorshipNote, ModuleProgress, Notification, Submission, User
from mentor_tui.errors import UserError
from mentor_tui.server.accounts import add_server_user
from mentor_tui.server.lms_runner import server_pass
from mentor_tui.server.schema import ensure_schema, lms_conflicts, log_rows, make_server_engine
from mentor_tui.sync.client import login, sync_once
from tests.lms_support import ID, make_platform, run
from tests.sync_helpers import PASSWORD, ThreadServer, fast_hashing, free_port, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def platform(pg_url: str) -> str:
    return make_platform(pg_url)


@pytest.fixture
def other_schema() -> Iterator[str]:
    """A second schema of the test database, for the server's own PostgreSQL database."""
    base = os.environ["MENTOR_TUI_TEST_DATABASE_URL"]
    import psycopg

    schema = f"mentor_srv_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "server.db")
    return str(request.getfixturevalue("other_schema"))


@pytest.fixture
def server(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    fast_hashing(monkeypatch)
    engine = make_server_engine(server_url)
    yield engine
    engine.dispose()


def client_store(root: Path, name: str, url: str, email: str) -> Engine:
    store = make_engine(root / f"{name}.db")
    login(store, url, email, PASSWORD)
    sync_once(store)
    return store


def count(engine: Engine, model: Any, *where: Any) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_a_pass_into_a_server_reaches_every_client_and_decisions_go_back(
    platform: str, server: Engine, tmp_path: Path
) -> None:
    first = server_pass(platform, server, Config())
    assert first.taken_in["users"] == 7 and first.taken_in["submissions"] == 3
    with server.connect() as conn:  # every row has a position in the change log
        logged = conn.execute(
            select(func.count()).select_from(log_rows).where(log_rows.c.entity == "submissions")
        ).scalar_one()
    assert logged == 3
    for email, role in (("mia@school.example", "mentor"), ("ada@school.example", "admin")):
        add_server_user(server, email, role=role, name=email, password=PASSWORD)
    with ThreadServer(server) as api:
        mia = client_store(tmp_path, "mia", api.url, "mia@school.example")
        ada = client_store(tmp_path, "ada", api.url, "ada@school.example")
        # the mentor's store holds her students and what hangs off them, and no one else's
        with session_scope(mia) as s:
            students = {
                u.id for u in s.execute(select(User).where(User.role == "student")).scalars()
            }
            assert students == {ID["s1"], ID["s2"]}
            assert s.get(Submission, ID["sub1"]).content == "print(1)"
            assert s.get(MentorshipNote, ID["n1"]).note == "Good start"
        assert count(mia, ModuleProgress) == 4  # s1's three modules and s2's one
        assert count(mia, Enrollment) == 2  # s1's and s2's, synced like progress
        assert count(ada, User) == 7
        # a decision made in the mentor's app goes through the server to the platform
        with session_scope(mia) as s:
            actor = actor_for_email(s, "mia@school.example")
            decide(s, actor, ID["sub1"], "approve", "Well done", Config())
        sync_once(mia)
        out = server_pass(platform, server, Config())
        assert out.written_out["submissions"] == 1
        assert run(platform, "SELECT status, feedback, reviewed_by::text FROM submissions "
                   "WHERE id = %s", (ID["sub1"],)) == [("approved", "Well done", ID["m1"])]  # fmt: skip
        assert run(platform, "SELECT user_id::text, type FROM notifications") == [
            (ID["s1"], "feedback_available")
        ]
        again = server_pass(platform, server, Config())
        assert (again.rows_in, again.rows_out) == (0, 0)

        # both sides change: the platform wins, the mentor's version is kept for the admins
        with session_scope(mia) as s:
            actor = actor_for_email(s, "mia@school.example")
            decide(s, actor, ID["sub2"], "approve", "Offline: fine", Config())
            save_note(s, actor, ID["n1"], text="Good start (Mia's edit)")
        sync_once(mia)
        run(platform, "UPDATE submissions SET status = 'rejected', feedback = 'Copied', "
            "reviewed_by = %s, reviewed_at = now(), updated_at = now() WHERE id = %s",
            (ID["m2"], ID["sub2"]))  # fmt: skip
        run(
            platform,
            "UPDATE mentorship_notes SET note = 'Platform edit' WHERE id = %s",
            (ID["n1"],),
        )
        run(platform, "DELETE FROM mentorship_notes WHERE id = %s", (ID["n2"],))
        run(platform, "UPDATE user_module_progress SET progress_percent = 75, updated_at = now() "
            "WHERE id = %s", (ID["p3"],))  # fmt: skip
        clash = server_pass(platform, server, Config())
        assert clash.conflicts == 2
        with server.connect() as conn:
            kept = {r.entity: r for r in conn.execute(select(lms_conflicts))}
        assert kept["submissions"].fields["status"] == {"mine": "approved", "theirs": "rejected"}
        assert kept["mentorship_notes"].fields["note"]["mine"] == "Good start (Mia's edit)"
        sync_once(mia), sync_once(ada)
        with session_scope(mia) as s:
            sub = s.get(Submission, ID["sub2"])
            assert (sub.status, sub.feedback) == ("rejected", "Copied")
            assert s.get(MentorshipNote, ID["n1"]).note == "Platform edit"
            assert s.get(MentorshipNote, ID["n2"]).deleted_at is not None  # deleted there
            progress = s.execute(
                select(ModuleProgress).where(ModuleProgress.id == ID["p3"])
            ).scalar_one()
            assert progress.percent == 75
        for store in (ada, mia):  # the admin and the mentor are told, with the lost text
            with session_scope(store) as s:
                told = (
                    s.execute(select(Notification).where(Notification.type == "lms_conflict"))
                    .scalars()
                    .all()
                )
            assert any("Mia's edit" in n.message for n in told)
        assert run(platform, "SELECT status FROM submissions WHERE id = %s", (ID["sub2"],)) == [
            ("rejected",)
        ]
        assert server_pass(platform, server, Config()).rows_out == 0


def test_a_student_moved_to_another_mentor_in_the_platform_moves_between_stores(
    platform: str, server: Engine, tmp_path: Path
) -> None:
    server_pass(platform, server, Config())
    for email in ("mia@school.example", "max@school.example"):
        add_server_user(server, email, role="mentor", name=email, password=PASSWORD)
    with ThreadServer(server) as api:
        mia = client_store(tmp_path, "mia", api.url, "mia@school.example")
        max_ = client_store(tmp_path, "max", api.url, "max@school.example")
        assert count(mia, Submission, Submission.student_id == ID["s2"]) == 1
        run(platform, "UPDATE users SET mentor_id = %s, updated_at = now() WHERE id = %s",
            (ID["m2"], ID["s2"]))  # fmt: skip
        server_pass(platform, server, Config())
        sync_once(mia), sync_once(max_)
        assert count(mia, User, User.id == ID["s2"]) == 0
        assert count(mia, Submission, Submission.student_id == ID["s2"]) == 0
        assert count(max_, User, User.id == ID["s2"]) == 1
        assert count(max_, Submission, Submission.student_id == ID["s2"]) == 1
        assert count(max_, ModuleProgress, ModuleProgress.user_id == ID["s2"]) == 1
        # Mia's notes on her former student are hers (private notes): not sent to Max
        assert count(max_, MentorshipNote, MentorshipNote.student_id == ID["s2"]) == 0


def test_the_command_line_pass_into_a_server_database(
    platform: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mentor_tui.cli import main

    database = str(tmp_path / "server.db")
    assert main(["lms", "sync", "--from", platform, "--database", database]) == 0
    assert "row(s) in" in capsys.readouterr().out
    engine = make_server_engine(database)
    try:
        assert count(engine, User) == 7
    finally:
        engine.dispose()
    assert main(["lms", "sync", "--from", platform, "--database", database, "--json"]) == 0
    assert '"rows_in": 0' in capsys.readouterr().out
    assert main(["serve", "--database", database, "--lms-every", "5"]) == 2
    assert "--lms-every needs --lms" in capsys.readouterr().err


def test_serve_with_lms_passes_inside_the_server(platform: str, tmp_path: Path) -> None:
    """`mentor-tui serve --lms URL` in its own process: its passes bring the platform in, and
    a client logged in to it pulls the rows."""
    database = tmp_path / "server.db"
    port = free_port()
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    secret = "s3cret-w0rd"  # the test server trusts; the password is there to be hidden
    with_password = platform.replace("postgres@", f"postgres:{secret}@", 1)
    assert secret in with_password
    command = [sys.executable, "-m", "mentor_tui", "serve", "--database", str(database),
               "--port", str(port), "--lms", with_password, "--lms-every", "0.5"]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        engine = make_server_engine(str(database))

        def users_in() -> bool:
            try:
                return count(engine, User) == 7
            except Exception:
                return False

        wait_until(users_in, timeout=60)
        add_server_user(engine, "mia@school.example", role="mentor", name="Mia", password=PASSWORD)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _up(url), timeout=30)
        mia = client_store(tmp_path, "mia", url, "mia@school.example")
        assert count(mia, Submission) == 3  # s1's two and s2's one
        run(platform, "INSERT INTO mentorship_notes (id, mentor_id, student_id, note) VALUES "
            "(%s, %s, %s, 'From the platform')", (str(uuid.uuid4()), ID["m1"], ID["s1"]))  # fmt: skip

        def note_arrived() -> bool:
            sync_once(mia)
            return count(mia, MentorshipNote, MentorshipNote.note == "From the platform") == 1

        wait_until(note_arrived, timeout=30)
        engine.dispose()
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert secret not in err and "postgres:***@" in err
    assert "learning platform passes with" in err and "Learning platform pass done" in err


def _up(url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_second_pass_at_once_on_one_postgresql_database_is_skipped(
    platform: str, other_schema: str
) -> None:
    from sqlalchemy import text

    from mentor_tui.server import lms_runner

    engine = make_server_engine(other_schema)
    try:
        server_pass(platform, engine, Config())
        with engine.connect() as holder:
            key = {"c": lms_runner.PASS_LOCK, "s": ensure_schema(engine)}
            holder.execute(text("SELECT pg_advisory_lock(:c, hashtext(:s))"), key)
            with pytest.raises(UserError, match="Another learning platform pass is running"):
                server_pass(platform, engine, Config())
            holder.execute(text("SELECT pg_advisory_unlock(:c, hashtext(:s))"), key)
        assert server_pass(platform, engine, Config()).rows_in == 0
    finally:
        engine.dispose()
