"""Milestones told in batches by the learning platform bridge (issues 16 and 17): a pass in which
many students complete modules, some of them their course's last ones, tells exactly the
milestones one completion at a time would, each to the same people, once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.config import Config
from mentor_tui.core.notifications import prefs
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, Notification, User
from mentor_tui.lms import bridge, inbound
from tests import factory
from tests.lms_support import ID, make_platform, pid, run

pytestmark = pytest.mark.postgres

STUDENTS = 40
WEB = "Web"  # the last of course Python's modules: Basics, Functions, Web


def _fill(url: str) -> None:
    """Students stu0..stu39, every fourth without a mentor, each with Basics completed long
    ago and Functions and Web under way."""
    for k in range(STUDENTS):
        mentor = None if k % 4 == 3 else ID["m1"]
        run(
            url,
            "INSERT INTO users (id, full_name, email, role, status, mentor_id) "
            "VALUES (%s, %s, %s, 'student', 'Active', %s)",
            (pid(f"stu{k}"), f"Stu {k}", f"stu{k}@school.example", mentor),
        )
        for module, done in (("md1", True), ("md2", False), ("md3", False)):
            run(
                url,
                "INSERT INTO user_module_progress (id, user_id, module_id, is_completed, "
                "progress_percent, last_activity_at, completed_at) VALUES (%s, %s, %s, %s, "
                "%s, now() - interval '9 days', CASE WHEN %s THEN now() - interval '9 days' END)",
                (pid(f"stu{k}-{module}"), pid(f"stu{k}"), ID[module], done, 100 if done else 20,
                 done),
            )  # fmt: skip


def _complete(url: str, k: int, module: str, *, days_ago: int = 0) -> None:
    run(
        url,
        "UPDATE user_module_progress SET is_completed = true, progress_percent = 100, "
        "completed_at = now() - %s * interval '1 day', updated_at = now() WHERE id = %s",
        (days_ago, pid(f"stu{k}-{module}")),
    )


def _told(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(User.email, Notification.message)
            .join(User, User.id == Notification.user_id)
            .where(Notification.type == "student_milestone_achieved")
            .order_by(Notification.created_at, Notification.id)
        ).all()
    return [(r[0], r[1]) for r in rows]


@pytest.mark.parametrize("batch", [inbound.BATCH, 3])
def test_a_pass_with_many_completions_tells_each_milestone_once(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(inbound, "BATCH", batch)  # 3: a student's completions in two flushes
    url = make_platform(pg_url)
    _fill(url)
    store = make_engine(tmp_path / "store.db")
    try:
        bridge.run_pass(url, store, Config())
        assert _told(store) == []  # the first pass is history
        with session_scope(store) as s:  # stu5 wants no milestones
            stu5 = s.execute(select(User).where(User.email == "stu5@school.example")).scalar_one()
            prefs.set_preference(s, factory.actor(stu5), "student_milestone_achieved", "off")
        expected: list[tuple[str, str]] = []
        for k in range(STUDENTS):
            if k == 1:  # a completion of a month ago: history, nobody is told
                _complete(url, k, "md2", days_ago=30)
                continue
            _complete(url, k, "md2")
            modules = ["Functions"]
            if k % 2 == 0:  # both modules left: the course too, once
                _complete(url, k, "md3")
                modules.append(WEB)
            events = [f"module “{m}”" for m in modules]
            events += ["course “Python”"] if k % 2 == 0 else []
            for event in events:
                if k % 4 != 3:
                    expected.append(("mia@school.example", f"Stu {k} completed the {event}."))
                if k != 5:
                    expected.append((f"stu{k}@school.example", f"You completed the {event}."))
        stats = bridge.run_pass(url, store, Config())
        assert stats.rows_in >= STUDENTS
        told = _told(store)
        assert Counter(told) == Counter(expected)
        assert len(told) == len(set(told))  # nothing twice
        mine = [m for who, m in told if who == "stu0@school.example"]
        assert mine[-1] == "You completed the course “Python”."  # after its modules
        with session_scope(store) as s:  # each journaled and audited, as one at a time is
            ids = set(s.execute(select(Notification.id)).scalars())
            journaled = s.execute(
                select(JournalEntry.entity_id).where(
                    JournalEntry.entity == "notifications", JournalEntry.op == "insert"
                )
            ).scalars()
            audited = s.execute(
                select(AuditEntry.entity_id).where(
                    AuditEntry.entity == "notifications", AuditEntry.action == "notify"
                )
            ).scalars()
            assert sorted(journaled) == sorted(ids) == sorted(audited)
        bridge.run_pass(url, store, Config())  # again: no news
        with session_scope(store) as s:
            count = s.execute(select(func.count()).select_from(Notification)).scalar_one()
        assert count == len(expected)
    finally:
        store.dispose()
