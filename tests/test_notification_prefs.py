"""Notification preferences per person (issue 17): per kind off / app / email / daily / weekly,
defaulting to the config's toggles, honoured when a notification is written, set from the CLI,
and synced: the server takes a person's preferences from that person (or an admin) only."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import factory
import pytest
from sqlalchemy import select

from mentor_tui.cli import main
from mentor_tui.config import Config, Notifications
from mentor_tui.core import clock
from mentor_tui.core.notifications import prefs
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Notification
from mentor_tui.db.notification_models import NotificationPreference, preference_id
from mentor_tui.errors import AccessDenied, UserError
from mentor_tui.sync.protocol import wire_time
from tests import sync_helpers
from tests.sync_helpers import Program
from tests.sync_helpers import change as _change
from tests.sync_helpers import push as _push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


@pytest.fixture
def people(engine) -> dict[str, Any]:
    with session_scope(engine) as s:
        admin = factory.admin(s, email="admin@example.org")
        mentor = factory.mentor(s, email="maria@example.org")
        other = factory.mentor(s, "Mark Mentor", email="mark@example.org")
        student = factory.student(s, mentor=mentor, email="sam@example.org")
        return {
            "admin": factory.actor(admin),
            "mentor": factory.actor(mentor),
            "other": factory.actor(other),
            "student": factory.actor(student),
        }


def _kinds(found: list[prefs.Preference]) -> dict[str, str]:
    return {p.kind: p.delivery for p in found}


def test_defaults_follow_the_config_toggles_and_a_choice_overrides_them(engine, people) -> None:
    quiet = Config(notifications=replace(Notifications(), session_reminders=False))
    with session_scope(engine) as s:
        found = _kinds(prefs.preferences(s, quiet, people["mentor"]))
        assert found["session_reminders"] == "off"
        assert found["sessions"] == "app" and found["new_student_assignment"] == "app"
        prefs.set_preference(s, people["mentor"], "session-reminders", "daily")
        chosen = prefs.preferences(s, quiet, people["mentor"])
    assert _kinds(chosen)["session_reminders"] == "daily"
    assert [p.chosen for p in chosen if p.kind == "session_reminders"] == [True]


def test_a_kind_turned_off_writes_no_notification_and_one_turned_on_beats_the_toggle(
    engine, people
) -> None:
    mentor = people["mentor"]
    with session_scope(engine) as s:
        prefs.set_preference(s, mentor, "sessions", "off")
        assert notify(s, Config(), user_id=mentor.id, type="session_cancelled", title="x") is None
        # the toggle is off for everyone, but this person asked for it by email
        quiet = Config(notifications=replace(Notifications(), new_student_assignment=False))
        assert (
            notify(s, quiet, user_id=mentor.id, type="new_student_assignment", title="y",
                   toggle="new_student_assignment")
            is None
        )  # fmt: skip
        prefs.set_preference(s, mentor, "new_student_assignment", "email")
        written = notify(
            s, quiet, user_id=mentor.id, type="new_student_assignment", title="y",
            toggle="new_student_assignment",
        )  # fmt: skip
        assert written is not None
        # another person's choice is theirs alone: Mark still gets session notices
        assert notify(s, Config(), user_id=people["other"].id, type="session_cancelled", title="z")
        titles = s.execute(select(Notification.title)).scalars().all()
    assert sorted(titles) == ["y", "z"]


def test_only_an_admin_sets_someone_elses_preferences(engine, people) -> None:
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied, match="Only your own notification preferences"):
            prefs.set_preference(s, people["mentor"], "sessions", "off", "sam@example.org")
        with pytest.raises(AccessDenied):
            prefs.preferences(s, Config(), people["student"], "maria@example.org")
        prefs.set_preference(s, people["admin"], "sessions", "weekly", "sam@example.org")
        assert _kinds(prefs.preferences(s, Config(), people["student"]))["sessions"] == "weekly"
        with pytest.raises(UserError, match="There is no notification kind 'gossip'"):
            prefs.set_preference(s, people["mentor"], "gossip", "off")
        with pytest.raises(UserError, match="A delivery is one of off, app, email, daily"):
            prefs.set_preference(s, people["mentor"], "sessions", "pigeon")


def _cli(db_path: Path, capsys, user: str, *argv: str) -> tuple[int, Any, str]:
    try:
        code = main([*argv, "--db", str(db_path), "--user", user])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in argv and code == 0 else out), err


def test_the_cli_lists_and_sets_preferences(db_path: Path, people, capsys) -> None:
    code, found, _ = _cli(db_path, capsys, "maria@example.org", "notifications", "--json")
    assert code == 0 and {p["kind"]: p["default"] for p in found}["sessions"] is True
    code, chosen, _ = _cli(
        db_path, capsys, "maria@example.org",
        "notifications", "prefs", "set", "sessions", "daily", "--json",
    )  # fmt: skip
    assert code == 0 and chosen == {
        "kind": "sessions",
        "label": "Sessions scheduled, moved, cancelled, booked",
        "delivery": "daily",
        "default": False,
    }
    code, out, _ = _cli(db_path, capsys, "maria@example.org", "notifications", "prefs")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("sessions "))
    assert "daily" in line and "(default)" not in line
    code, _, err = _cli(
        db_path, capsys, "sam@example.org",
        "notifications", "prefs", "set", "sessions", "off", "--for", "maria@example.org",
    )  # fmt: skip
    assert code == 2
    assert err.strip().endswith("Only your own notification preferences are yours to see or set.")
    code, _, err = _cli(
        db_path, capsys, "maria@example.org", "notifications", "prefs", "set", "sessions", "loud"
    )
    assert code == 2 and "A delivery is one of off, app, email, daily, weekly" in err


def _pref(user_id: str, kind: str, delivery: str) -> dict[str, Any]:
    now = wire_time(clock.now())
    row_id = preference_id(user_id, kind)
    fields = {
        "id": row_id, "created_at": now, "updated_at": now, "version": 1, "deleted_at": None,
        "user_id": user_id, "kind": kind, "delivery": delivery,
    }  # fmt: skip
    return _change("notification_preferences", row_id, "insert", fields)


def test_the_server_takes_preferences_from_their_owner_only(program: Program) -> None:
    h, ids = program.harness, program.ids
    refused = _push(
        h,
        "s1@example.org",
        _pref(ids["m1"], "sessions", "off"),  # the mentor's, in their student's name
        _pref(ids["s1"], "sessions", "loud"),  # not a delivery
    )
    assert [r["status"] for r in refused] == ["rejected", "rejected"], refused
    taken = _push(h, "s1@example.org", _pref(ids["s1"], "sessions", "weekly"))
    assert [r["status"] for r in taken] == ["applied"], taken
    # a mentor's own store: set there, synced, seen by nobody else
    mentor_store = h.store("m1")
    h.login(mentor_store, "m1@example.org")
    with session_scope(mentor_store) as s:
        me = sync_helpers.actor_in(mentor_store, "m1@example.org")
        prefs.set_preference(s, me, "pending_submission_reminder", "email")
    report = h.sync(mentor_store)
    assert report.rejected == 0, report
    with session_scope(h.engine) as s:
        on_server = {
            (r.user_id, r.kind): r.delivery
            for r in s.execute(select(NotificationPreference)).scalars()
        }
    assert on_server == {
        (ids["s1"], "sessions"): "weekly",
        (ids["m1"], "pending_submission_reminder"): "email",
    }
    seen = sync_helpers.pull_everything(h, h.token("m2@example.org"))
    assert not seen.get("notification_preferences")
    seen = sync_helpers.pull_everything(h, h.token("s1@example.org"))
    assert seen.get("notification_preferences") == {preference_id(ids["s1"], "sessions")}
