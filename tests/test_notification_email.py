"""Notifications by email (issue 17): at once and in daily / weekly digests, sent to a real SMTP
server (aiosmtpd on 127.0.0.1), each at most once, even when the sender is killed mid-send."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import factory
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config, SmtpSettings
from mentor_tui.core.notifications import prefs
from mentor_tui.core.notifications.notify import mark_read, notify
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User
from mentor_tui.server import mail
from mentor_tui.server.schema import email_deliveries, ensure_schema, make_server_engine
from tests import sync_helpers

MONDAY_NOON = datetime.fromisoformat("2026-12-07T12:00:00+00:00")


class Inbox:
    """What the SMTP server received; ``hold`` keeps the server in DATA until released."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.hold = threading.Event()
        self.release = threading.Event()
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.set()
        if self.hold.is_set():
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release.set()
        controller.stop()


def _config(port: int, **kw: Any) -> Config:
    return Config(
        smtp=SmtpSettings(
            host="127.0.0.1",
            port=port,
            security="none",
            from_address="mentor-tui@example.org",
            digest_hour=kw.pop("digest_hour", 0),
        )
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def school(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """A mentor who wants new submissions by email at once and sessions in a daily digest, and a
    student who keeps everything in the app, on the server's database: an SQLite file that is
    also a local store (written directly), or PostgreSQL (a schema of the test's own) that every
    row reaches as in production, pushed by each person's own store through the sync API."""
    if request.param == "sqlite":
        yield from _sqlite_school(tmp_path)
    else:
        yield from _postgres_school(request.getfixturevalue("pg_url"), tmp_path, monkeypatch)


def _sqlite_school(tmp_path: Path) -> Iterator[dict[str, Any]]:
    database = str(tmp_path / "server.db")
    make_engine(Path(database)).dispose()  # the local store's tables, as a demo file has
    server = make_server_engine(database)
    ensure_schema(server)

    @contextmanager
    def write(_who: str) -> Iterator[Session]:
        with session_scope(server) as s:
            yield s

    with write("mentor") as s:
        mentor = factory.mentor(s, "Maria Mentor", email="maria@example.org")
        student = factory.student(s, "Sam Student", mentor=mentor, email="sam@example.org")
        ids = {"mentor": mentor.id, "student": student.id}
    school = {"database": database, "server": server, "write": write, **ids}
    _mentor_prefers(school)
    yield school
    server.dispose()


def _postgres_school(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    sync_helpers.fast_hashing(monkeypatch)
    h = sync_helpers.Harness(tmp_path, url)
    try:
        ensure_schema(h.engine)
        h.account("admin@example.org", "admin", "Ada Admin")
        admin = h.store("admin")
        h.login(admin, "admin@example.org")
        with session_scope(admin) as s:
            mentor = factory.mentor(s, "Maria Mentor", email="maria@example.org")
            student = factory.student(s, "Sam Student", mentor=mentor, email="sam@example.org")
            ids = {"mentor": mentor.id, "student": student.id}
        assert h.sync(admin).rejected == 0
        stores = {}
        for who, email, role in (
            ("mentor", "maria@example.org", "mentor"),
            ("student", "sam@example.org", "student"),
        ):
            h.account(email, role)
            stores[who] = h.store(who)
            h.login(stores[who], email)
            h.sync(stores[who])

        @contextmanager
        def write(who: str) -> Iterator[Session]:
            with session_scope(stores[who]) as s:
                yield s
            report = h.sync(stores[who])
            assert (report.rejected, report.conflicts) == (0, 0), report

        school = {"database": url, "server": h.engine, "write": write, **ids}
        _mentor_prefers(school)
        yield school
    finally:
        h.close()


def _mentor_prefers(school: dict[str, Any]) -> None:
    with school["write"]("mentor") as s:
        me = factory.actor(s.get(User, school["mentor"]))
        prefs.set_preference(s, me, "pending_submission_reminder", "email")
        prefs.set_preference(s, me, "sessions", "daily")


def _notify(school: dict[str, Any], who: str, type_: str, title: str) -> str:
    with school["write"](who) as s:
        row = notify(s, Config(), user_id=school[who], type=type_, title=title, message="m")
        assert row is not None
        return row.id


def _statuses(school: dict[str, Any]) -> list[tuple[str, str]]:
    with school["server"].connect() as conn:
        rows = conn.execute(select(email_deliveries.c.kind, email_deliveries.c.status)).all()
    return sorted((r.kind, r.status) for r in rows)


def test_an_email_at_once_and_a_daily_digest_each_go_once(smtp, school) -> None:
    inbox, port = smtp
    _notify(school, "mentor", "new_submission", "New submission")
    _notify(school, "mentor", "session_scheduled", "Session scheduled")
    _notify(school, "mentor", "session_cancelled", "Session cancelled")
    _notify(school, "student", "new_submission", "Not for email")  # the student: app only
    _notify(school, "mentor", "feedback_requested", "In the app only")  # a kind left in the app

    summary = mail.send_due(school["server"], _config(port), now=MONDAY_NOON)
    assert (summary.planned, summary.sent, summary.failed) == (2, 2, 0)
    assert sorted(inbox.subjects()) == [
        "[mentor-tui] New submission",
        "[mentor-tui] Your daily digest: 2 notifications",
    ]
    digest = next(m for m in inbox.messages if "digest" in m["Subject"])
    assert digest["To"] == "maria@example.org"
    body = digest.get_payload()
    assert "Session scheduled" in body and "Session cancelled" in body
    assert "In the app only" not in body

    # again the same day: nothing new is due, nothing goes twice
    again = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(hours=1))
    assert (again.planned, again.sent) == (0, 0)
    assert len(inbox.messages) == 2

    # a new session notice waits for tomorrow's digest; a new submission goes at once
    _notify(school, "mentor", "session_rescheduled", "Session moved")
    _notify(school, "mentor", "new_submission", "Another submission")
    later = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(hours=2))
    assert later.sent == 1 and inbox.subjects()[-1] == "[mentor-tui] Another submission"
    tomorrow = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(days=1))
    assert tomorrow.sent == 1
    assert inbox.subjects()[-1] == "[mentor-tui] Your daily digest: 1 notification"
    # the day after, nothing new: no digest at all
    after = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(days=2))
    assert (after.planned, after.sent) == (0, 0)
    assert _statuses(school) == [("daily", "sent")] * 2 + [("email", "sent")] * 2


def test_a_digest_waits_for_the_persons_hour_and_a_weekly_one_for_monday(smtp, school) -> None:
    inbox, port = smtp
    with school["write"]("mentor") as s:
        prefs.set_preference(s, factory.actor(s.get(User, school["mentor"])), "sessions", "weekly")
    _notify(school, "mentor", "session_scheduled", "Session scheduled")
    sunday = MONDAY_NOON - timedelta(days=1)
    assert mail.send_due(school["server"], _config(port), now=sunday).planned == 0
    early = MONDAY_NOON.replace(hour=6)
    assert mail.send_due(school["server"], _config(port, digest_hour=7), now=early).planned == 0
    sent = mail.send_due(school["server"], _config(port, digest_hour=7), now=MONDAY_NOON)
    assert sent.sent == 1
    assert inbox.subjects() == ["[mentor-tui] Your weekly digest: 1 notification"]


def test_a_refusing_server_is_retried_later_and_the_email_goes_once(smtp, school) -> None:
    inbox, port = smtp
    _notify(school, "mentor", "new_submission", "New submission")
    closed = _free_port()  # nobody listens here
    down = mail.send_due(school["server"], _config(closed), now=MONDAY_NOON)
    assert (down.planned, down.sent, down.retrying) == (1, 0, 1)
    assert "ConnectionRefusedError" in down.errors[0]
    # too soon: the retry waits its backoff
    soon = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(seconds=10))
    assert soon.sent == 0 and inbox.messages == []
    up = mail.send_due(school["server"], _config(port), now=MONDAY_NOON + timedelta(minutes=2))
    assert up.sent == 1 and inbox.subjects() == ["[mentor-tui] New submission"]
    assert _statuses(school) == [("email", "sent")]


def test_a_notification_read_in_the_app_is_not_emailed(smtp, school) -> None:
    inbox, port = smtp
    note_id = _notify(school, "mentor", "new_submission", "Seen already")
    with school["write"]("mentor") as s:
        mark_read(s, factory.actor(s.get(User, school["mentor"])), note_id)
    assert mail.send_due(school["server"], _config(port), now=MONDAY_NOON).planned == 0
    assert inbox.messages == []


def test_a_sender_killed_while_handing_an_email_over_never_sends_it_again(
    smtp, school, tmp_path: Path, hermetic_dirs: Path
) -> None:
    inbox, port = smtp
    _notify(school, "mentor", "new_submission", "New submission")
    config_dir = hermetic_dirs / "config" / "mentor-tui"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        'from_address = "mentor-tui@example.org"\ndigest_hour = 0\n',
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "mentor_tui",
        "notifications",
        "send-digests",
        "--database",
        school["database"],
        "--json",
    ]
    inbox.hold.set()  # the SMTP server keeps the sender in DATA
    sender = subprocess.Popen(
        command, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert inbox.arrived.wait(60), "the sender never reached the SMTP server"
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            sender.kill()
    inbox.hold.clear()
    inbox.release.set()
    assert _statuses(school) == [("email", "sending")]

    # the next run leaves it alone (it may have gone); ten minutes on it is marked unconfirmed
    rerun = subprocess.run(command, env=os.environ.copy(), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    late = mail.send_due(
        school["server"], _config(port), now=datetime.now().astimezone() + timedelta(minutes=11)
    )
    assert (late.sent, late.unconfirmed) == (0, 1)
    time.sleep(0.2)
    assert inbox.subjects() == ["[mentor-tui] New submission"]  # once, never again
    assert _statuses(school) == [("email", "unconfirmed")]


def test_a_sender_killed_after_planning_sends_each_email_exactly_once(smtp, school) -> None:
    inbox, port = smtp
    _notify(school, "mentor", "new_submission", "New submission")
    _notify(school, "mentor", "session_scheduled", "Session scheduled")
    # a run that stopped after its plan was committed (before any SMTP): what it claimed goes
    # on the next run, once
    assert mail.plan(school["server"], _config(port), MONDAY_NOON) == 2
    summary = mail.send_due(school["server"], _config(port), now=MONDAY_NOON)
    assert (summary.planned, summary.sent) == (0, 2)
    assert len(inbox.messages) == 2
    assert mail.send_due(school["server"], _config(port), now=MONDAY_NOON).sent == 0


def test_without_an_smtp_host_the_command_says_so(capsys, school) -> None:
    from mentor_tui.cli import main

    code = main(["notifications", "send-digests", "--database", school["database"]])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "mentor-tui: No SMTP server is set: add host (and from_address) under [smtp]."
    )


def test_the_smtp_password_is_never_shown() -> None:
    settings = SmtpSettings(host="h", password="hunter2")
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in repr(Config(smtp=settings))
    os.environ["MENTOR_TUI_SMTP_PASSWORD"] = "from-env"
    try:
        assert settings.secret() == "from-env"
    finally:
        del os.environ["MENTOR_TUI_SMTP_PASSWORD"]
    assert settings.secret() == "hunter2"


def test_the_servers_mail_loop_sends_what_is_due_until_stopped(smtp, school) -> None:
    inbox, port = smtp
    _notify(school, "mentor", "new_submission", "New submission")
    stop = threading.Event()
    said: list[str] = []
    loop = threading.Thread(
        target=mail.mail_loop,
        args=(school["server"], _config(port), stop),
        kwargs={"every_seconds": 0.1, "report": said.append},
    )
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert inbox.subjects() == ["[mentor-tui] New submission"]
    assert said[0] == "email: sent 1, to retry 0, failed 0"


def test_two_senders_at_once_send_each_email_exactly_once(smtp, school) -> None:
    """Two `serve` processes (or `serve` and cron) on one database: their plans and sends race,
    and every email still goes once (a unique claim per notification, a guarded status move)."""
    inbox, port = smtp
    titles = [f"Submission {i}" for i in range(12)]
    for title in titles:
        _notify(school, "mentor", "new_submission", title)
    start = threading.Barrier(2)
    summaries: list[mail.Summary] = []

    def sender() -> None:
        start.wait()
        summaries.append(mail.send_due(school["server"], _config(port), now=MONDAY_NOON))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(summaries) == 2
    assert sum(s.planned for s in summaries) == 12
    assert sum(s.sent for s in summaries) == 12
    assert sorted(inbox.subjects()) == sorted(f"[mentor-tui] {t}" for t in titles)
    assert _statuses(school) == [("email", "sent")] * 12
