"""A store logged in to a server acts only as its account: --user naming anyone else is refused in
one sentence (the CLI and the app's entry), and a last-used user left from before the login gives
way to the account."""

from __future__ import annotations

import io
import json
import sys

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.commands import open_app
from mentor_tui.core.people.settings import LAST_USER, get_setting, set_setting, sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import JournalEntry, MentorshipNote
from mentor_tui.db.sync_models import SyncState
from mentor_tui.errors import UserError
from tests import factory, sync_helpers
from tests.sync_helpers import Program

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

ACCOUNT = "admin@example.org"  # the program's admin store is logged in as this account
REFUSED = (
    "mentor-tui: This store is linked to http://testserver as admin@example.org; it can act "
    "only as admin@example.org (use another --db to act as someone else).\n"
)


def run(capsys: pytest.CaptureFixture[str], monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def store_path(store: Engine) -> str:
    database = store.url.database
    assert database
    return database


def counts(store: Engine) -> tuple[int, int]:
    with Session(store) as s:
        notes = s.execute(select(func.count()).select_from(MentorshipNote)).scalar_one()
        journal = s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    return notes, journal


def remember(store: Engine, email: str) -> None:
    with session_scope(store) as s:
        set_setting(s, LAST_USER, email)


def last_user(store: Engine) -> str | None:
    with Session(store) as s:
        return get_setting(s, LAST_USER)


def test_the_cli_refuses_user_naming_anyone_but_the_account(
    program: Program, capsys, monkeypatch
) -> None:
    store = program.admin_store
    before = counts(store)
    code, out, err = run(capsys, monkeypatch, "notes", "add", "--db", store_path(store),
                         "--user", "m1@example.org", "s1@example.org", "written as m1")  # fmt: skip
    assert (code, out, err) == (2, "", REFUSED)
    assert counts(store) == before
    assert last_user(store) == ACCOUNT


def test_the_cli_acts_as_the_account_when_the_last_user_is_someone_else(
    program: Program, capsys, monkeypatch
) -> None:
    store = program.admin_store
    remember(store, "m1@example.org")  # left from before the login
    code, out, err = run(capsys, monkeypatch, "students", "--json", "--db", store_path(store))
    assert code == 0, err
    assert len(json.loads(out)) == 3  # the admin's view: m1 has two students
    assert last_user(store) == ACCOUNT
    code, _, err = run(capsys, monkeypatch, "students", "--db", store_path(store),
                       "--user", "Admin@Example.org")  # fmt: skip
    assert code == 0, err


@pytest.fixture
def started(monkeypatch) -> list[Services]:
    """The app's entry up to starting the app: what it would have started with."""
    seen: list[Services] = []

    def fake_run(services: Services) -> int:
        seen.append(services)
        services.close()
        return 0

    monkeypatch.setattr(open_app, "_run", fake_run)
    return seen


def test_the_app_refuses_user_naming_anyone_but_the_account_before_starting(
    program: Program, started: list[Services], capsys, monkeypatch
) -> None:
    store = program.admin_store
    code, out, err = run(capsys, monkeypatch, "--db", store_path(store), "--user", "m2@example.org")
    assert (code, out, err) == (2, "", REFUSED)
    assert started == []
    assert last_user(store) == ACCOUNT


def test_the_app_opens_as_the_account_when_the_last_user_is_someone_else(
    program: Program, started: list[Services], capsys, monkeypatch
) -> None:
    store = program.admin_store
    remember(store, "m1@example.org")
    code, _, err = run(capsys, monkeypatch, "--db", store_path(store))
    assert (code, err) == (0, "")
    [services] = started
    assert services.actor is not None and services.actor.email == ACCOUNT


def test_a_linked_store_without_its_account_yet_says_to_sync(engine: Engine) -> None:
    with session_scope(engine) as s:
        factory.admin(s, email="local@example.org")
        set_setting(s, LAST_USER, "local@example.org")
        s.add(SyncState(server_url="http://sync.example", account_id="x",
                        account_email="ghost@example.org"))  # fmt: skip
    with Session(engine) as s, pytest.raises(UserError) as refused:
        sign_in(s, None)
    assert str(refused.value) == (
        "This store is linked to http://sync.example as ghost@example.org, whose account is not "
        "in it yet; run `mentor-tui sync` first."
    )
