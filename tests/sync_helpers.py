"""Shared set-up for the sync and server tests: a server (in-process, or a real uvicorn on
127.0.0.1), accounts, local stores logged in to it, and a small program seeded through sync."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from mentor_tui.core.access import Actor
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User
from mentor_tui.server import auth
from mentor_tui.server.accounts import add_server_user
from mentor_tui.server.app import create_app
from mentor_tui.server.schema import make_server_engine
from mentor_tui.sync import login, sync_once
from mentor_tui.sync.client import LoginReport, SyncReport
from mentor_tui.sync.protocol import table_specs
from mentor_tui.sync.scopes import readable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
FAST_SCRYPT_N = 2**10  # the real cost is 2**15; tests log in hundreds of times
# How long a test server (uvicorn in a thread or its own process) may take to come up: a ceiling
# only, as a server that started returns at once; a few seconds is usual, but a loaded machine
# (CI running the suite on two workers beside other work) took over 10 and 20 s at times
START_CEILING = 60.0


def fast_hashing(monkeypatch: Any) -> None:
    monkeypatch.setattr(auth, "SCRYPT_N", FAST_SCRYPT_N)


class Harness:
    """One server database and app, reached through FastAPI's TestClient (an httpx.Client)."""

    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = root
        self.url = url or str(root / "server.db")
        self.engine = make_server_engine(self.url)
        self.app = create_app(self.engine)
        self.client = TestClient(self.app)
        self.base = "http://testserver"
        self._stores: list[Engine] = []

    def close(self) -> None:
        for store in self._stores:
            store.dispose()
        self.client.close()
        self.engine.dispose()

    def account(self, email: str, role: str, name: str | None = None) -> str:
        return add_server_user(
            self.engine,
            email,
            role=role,
            name=name or email.split("@")[0].title(),
            password=PASSWORD,
        ).user_id

    def store(self, name: str) -> Engine:
        engine = make_engine(self.root / "stores" / f"{name}.db")
        self._stores.append(engine)
        return engine

    def login(self, store: Engine, email: str, client: httpx.Client | None = None) -> LoginReport:
        return login(store, self.base, email, PASSWORD, client=client or self.client)

    def sync(self, store: Engine, client: httpx.Client | None = None) -> SyncReport:
        return sync_once(store, client=client or self.client)

    def token(self, email: str) -> dict[str, str]:
        answer = self.client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}


def user_id(store: Engine, email: str) -> str:
    with Session(store) as s:
        return s.execute(select(User.id).where(User.email == email)).scalar_one()


def actor_in(engine: Engine, email: str) -> Actor:
    with Session(engine) as s:
        return Actor.of(s.execute(select(User).where(User.email == email)).scalar_one())


def live_rows(engine: Engine, table: str, condition: Any = None) -> dict[str, dict[str, Any]]:
    """id -> column values (as plain comparable values) of the live rows of ``table``."""
    spec = table_specs()[table]
    query = select(spec.table).where(spec.table.c.deleted_at.is_(None))
    if condition is not None:
        query = query.where(condition)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return {r["id"]: {k: _plain(v) for k, v in r.items() if k != "updated_at"} for r in rows}


def _plain(value: Any) -> Any:
    from datetime import datetime

    from mentor_tui.sync.protocol import wire_time

    return wire_time(value) if isinstance(value, datetime) else value


def server_view(server: Engine, store: Engine, email: str) -> dict[str, dict[str, dict[str, Any]]]:
    """What the account may see on the server, table by table (live rows)."""
    actor = actor_in(server, email)
    return {name: live_rows(server, name, readable(actor, name)) for name in table_specs()}


def store_view(store: Engine) -> dict[str, dict[str, dict[str, Any]]]:
    return {name: live_rows(store, name) for name in table_specs()}


def pull_everything(h: Harness, headers: dict[str, str]) -> dict[str, set[str]]:
    """The ids a token's account is sent, table by table: a snapshot page and a pull from 0."""
    seen: dict[str, set[str]] = {}
    page = h.client.get("/sync/snapshot", params={"limit": 1000}, headers=headers).json()
    for block in page["tables"]:
        seen.setdefault(block["table"], set()).update(r[0] for r in block["rows"])
    pulled = h.client.get("/sync/pull", params={"after": 0}, headers=headers).json()
    for block in pulled["tables"]:
        seen.setdefault(block["table"], set()).update(r[0] for r in block["rows"])
    return seen


def change(
    entity: str, entity_id: str, op: str, fields: dict[str, Any], base: int = 1
) -> dict[str, Any]:
    """One change as a client pushes it (a hand-made one: what an attacker can send)."""
    return {
        "change_id": str(uuid.uuid4()),
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "base_version": 0 if op == "insert" else base,
        "fields": fields,
    }


def push(h: Harness, email: str, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    """Push ``changes`` with a valid token of ``email``; the outcome of each."""
    answer = h.client.post(
        "/sync/push",
        json={"client_id": "attacker", "changes": list(changes)},
        headers=h.token(email),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


@dataclass
class Program:
    """A small programme on the server: an admin, two mentors, three students and their work.

    Built by the admin's store through sync (so it is all journaled and pushed), with each
    mentor's private notes written in that mentor's own store."""

    harness: Harness
    admin_store: Engine
    ids: dict[str, str]


def seed_program(h: Harness) -> Program:
    from datetime import timedelta

    from mentor_tui.core import clock
    from tests import factory

    h.account("admin@example.org", "admin", "Ada Admin")
    admin_store = h.store("admin")
    h.login(admin_store, "admin@example.org")
    now = clock.now()
    with session_scope(admin_store) as s:
        m1 = factory.mentor(s, "Maria Mentor", email="m1@example.org")
        m2 = factory.mentor(s, "Mark Mentor", email="m2@example.org")
        s1 = factory.student(s, "Sam One", email="s1@example.org", mentor=m1, goals="ship a CLI")
        s2 = factory.student(s, "Sue Two", email="s2@example.org", mentor=m2)
        s3 = factory.student(s, "Sid Three", email="s3@example.org", mentor=m1)
        _course, modules = factory.course(s, "Python", modules=2)
        task = factory.assignment(s, modules[0], "Parse a CSV")
        sub1 = factory.submission(
            s, s1, task, submitted_at=now - timedelta(hours=5), content="csv v1"
        )
        sub2 = factory.submission(
            s, s2, task, submitted_at=now - timedelta(hours=3), content="csv v2"
        )
        factory.progress(s, s1, modules[0], percent=40.0, minutes=30, at=now - timedelta(days=1))
        factory.progress(s, s2, modules[0], percent=60.0, minutes=50, at=now - timedelta(days=2))
        meet1 = factory.meeting(s, m1, [s1], starts_at=now + timedelta(days=1))
        meet2 = factory.meeting(s, m2, [s2], starts_at=now + timedelta(days=2))
        msg1 = factory.message(s, m1, s1, "Welcome, Sam")
        msg2 = factory.message(s, m2, s2, "Welcome, Sue")
        ids = {
            "m1": m1.id, "m2": m2.id, "s1": s1.id, "s2": s2.id, "s3": s3.id, "task": task.id,
            "module": modules[0].id, "sub1": sub1.id, "sub2": sub2.id, "meet1": meet1.id,
            "meet2": meet2.id, "msg1": msg1.id, "msg2": msg2.id,
        }  # fmt: skip
    report = h.sync(admin_store)
    assert report.rejected == 0 and report.conflicts == 0, report
    for email in ("m1@example.org", "m2@example.org", "s1@example.org", "s2@example.org"):
        role = "student" if email.startswith("s") else "mentor"
        h.account(email, role)
    return Program(h, admin_store, ids)


@dataclass(frozen=True)
class Template:
    """A seeded programme on disk, built once per test session and copied for each test."""

    root: Path
    ids: dict[str, str]


@contextmanager
def _template_dirs(root: Path) -> Iterator[None]:
    """The config and data dirs under ``root`` (a template's logins are kept there), and fast
    password hashing, while a session fixture builds a template."""
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    old_n = auth.SCRYPT_N
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    auth.SCRYPT_N = FAST_SCRYPT_N
    try:
        yield
    finally:
        auth.SCRYPT_N = old_n
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build_template(root: Path) -> Template:
    import json

    with _template_dirs(root):
        h = Harness(root)
        program = seed_program(h)
        h.close()
    (root / "ids.json").write_text(json.dumps(program.ids))
    return Template(root, program.ids)


def logged_in_template(template: Template, root: Path, logins: dict[str, str]) -> Template:
    """``template`` copied to ``root`` with a store more for each of ``logins`` (store name ->
    email), each logged in to its server: made once for the tests that start from them, as
    each login pulls the whole programme into a new store."""
    import shutil

    shutil.copytree(template.root, root, dirs_exist_ok=True)
    with _template_dirs(root):
        h = Harness(root)
        for name, email in logins.items():
            h.login(h.store(name), email)
        h.close()  # every store's last connection closed: their WALs are checkpointed away
    return Template(root, dict(template.ids))


def program_from(template: Template, root: Path) -> Program:
    """A fresh copy of the template's server and stores (the admin's, and those of a
    ``logged_in_template``) under ``root``, with the stores' logins in this test's config
    dir."""
    import shutil

    from mentor_tui.sync.credentials import credentials_path

    (root / "stores").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.root / "server.db", root / "server.db")
    for store in (template.root / "stores").glob("*.db"):  # admin's, and any logged in more
        shutil.copyfile(store, root / "stores" / store.name)
    target = credentials_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.root / "config" / "mentor-tui" / "credentials.json", target)
    os.chmod(target.parent, 0o700)
    os.chmod(target, 0o600)
    h = Harness(root)
    return Program(h, h.store("admin"), dict(template.ids))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


STOP_GRACE = 0.5
"""Seconds a stopping ThreadServer lets its requests under way finish."""


class ThreadServer:
    """A real uvicorn server on 127.0.0.1 in a thread of the test process."""

    def __init__(self, engine: Engine, port: int | None = None) -> None:
        import uvicorn

        self.port = port or free_port()
        # A stopping server waits for the requests under way, a client's long poll too (up to
        # its wait, 2 s in the app tests): past this grace uvicorn cancels them, as a server
        # stopped by its host does; the client sees the request fail and retries.
        config = uvicorn.Config(
            create_app(engine),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=STOP_GRACE,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + START_CEILING
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


SERVE_SCRIPT = """
import sys, uvicorn
from mentor_tui.server.app import create_app
from mentor_tui.server.schema import make_server_engine
uvicorn.run(create_app(make_server_engine(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


class ProcessServer:
    """A real server in its own process, so a test can kill it (SIGKILL) mid-request."""

    def __init__(self, database: str, port: int | None = None) -> None:
        self.database = database
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ProcessServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, self.database, str(self.port)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + START_CEILING
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the server process exited")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the server process did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


__all__ = [
    "Harness",
    "Program",
    "Template",
    "build_template",
    "logged_in_template",
    "program_from",
    "seed_program",
]


@pytest.fixture(scope="session")
def program_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return build_template(tmp_path_factory.mktemp("program"))


@pytest.fixture
def program(program_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The seeded programme (see ``seed_program``), a private copy for this test."""
    fast_hashing(monkeypatch)
    copy = program_from(program_template, tmp_path)
    yield copy
    copy.harness.close()


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A bare server harness (no programme), quick password hashing; closed after the test."""
    fast_hashing(monkeypatch)
    made = Harness(tmp_path)
    yield made
    made.close()
