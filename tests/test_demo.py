"""The demo database: realistic proportions, deterministic content, rows SQLModel reads back,
never over capacity, never double-booked, never written over a real store; and the CLI verb."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.people.settings import LAST_USER, get_setting
from mentor_tui.core.sessions.templates import template_views
from mentor_tui.db.engine import make_engine
from mentor_tui.db.models import (
    ATTENDANCE,
    NOTE_KINDS,
    SUBMISSION_STATUSES,
    SYNCED_TABLES,
    Setting,
    Submission,
    User,
)
from mentor_tui.demo import build as demo
from mentor_tui.demo.build import (
    ADMIN_EMAIL,
    COLUMNS,
    DEMO_MENTOR_EMAIL,
    StoreNotEmpty,
    StoreUnreadable,
    build_demo,
    table_counts,
)
from mentor_tui.demo.rows import uuid_maker
from mentor_tui.demo.texts import SESSION_TEMPLATES
from mentor_tui.errors import UserError

REFERENCE = datetime(2025, 3, 17, 14, 0, tzinfo=UTC)
STUDENTS, MENTORS = 200, 10
DATETIME_TEXT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
DATE_TEXT = re.compile(r"^\d{4}-\d\d-\d\d$")


def _build(path: Path, **options: object) -> demo.DemoSummary:
    settings: dict[str, object] = {
        "students": STUDENTS,
        "mentors": MENTORS,
        "seed": 7,
        "reference": REFERENCE,
        "config": Config(),
    }
    settings.update(options)
    return build_demo(path, **settings)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, _build(path)


@pytest.fixture
def conn(built: tuple[Path, demo.DemoSummary]):
    connection = sqlite3.connect(built[0])
    yield connection
    connection.close()


def _one(conn: sqlite3.Connection, sql: str, *params: object) -> object:
    return conn.execute(sql, params).fetchone()[0]


def _minutes(clock_text: str) -> int:
    hours, minutes = clock_text.split(":")
    return int(hours) * 60 + int(minutes)


def _ref_text(delta: timedelta = timedelta(0)) -> str:
    return (REFERENCE + delta).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- shape and proportions -------------------------------------------------------------------


def test_counts_match_the_summary_and_the_proportions(built, conn) -> None:
    _path, summary = built
    counts = table_counts(conn)
    assert counts == summary.counts
    assert counts["users"] == 1 + MENTORS + STUDENTS
    roles = dict(conn.execute("SELECT role, count(*) FROM users GROUP BY role").fetchall())
    assert roles == {"admin": 1, "mentor": MENTORS, "student": STUDENTS}
    assert counts["student_profiles"] == STUDENTS
    assert counts["mentor_profiles"] == MENTORS
    assert counts["courses"] >= 3
    # every student has a progress row for every module of their course, no more
    expected_progress = _one(
        conn,
        "SELECT sum(n) FROM (SELECT (SELECT count(*) FROM modules m2 WHERE m2.course_id ="
        " m.course_id) AS n FROM module_progress p JOIN modules m ON m.id = p.module_id"
        " GROUP BY p.user_id)",
    )
    assert counts["module_progress"] == expected_progress
    assert _one(conn, "SELECT count(DISTINCT user_id) FROM module_progress") == STUDENTS
    # about 20 submissions, 4 notes and 2 sessions per student
    assert 16 <= counts["submissions"] / STUDENTS <= 24
    assert 3.5 <= counts["mentorship_notes"] / STUDENTS <= 4.5
    assert 1.7 <= counts["mentorship_sessions"] / STUDENTS <= 2.3
    assert counts["session_attendees"] >= counts["mentorship_sessions"]
    assert counts["messages"] > 0 and counts["notifications"] > 0
    assert summary.rows == sum(counts.values())
    assert summary.admin_email == ADMIN_EMAIL
    assert summary.demo_mentor_email == DEMO_MENTOR_EMAIL


def test_about_one_student_in_ten_waits_for_a_mentor(built, conn) -> None:
    unassigned = _one(conn, "SELECT count(*) FROM users WHERE role='student' AND mentor_id IS NULL")
    assert unassigned == STUDENTS // 10 == built[1].unassigned_students


def test_no_mentor_is_over_capacity_and_capacities_respect_the_limit(built, conn) -> None:
    rows = conn.execute(
        "SELECT u.email, p.capacity, (SELECT count(*) FROM users s WHERE s.mentor_id = u.id)"
        " FROM users u JOIN mentor_profiles p ON p.user_id = u.id"
    ).fetchall()
    assert len(rows) == MENTORS
    for email, capacity, load in rows:
        assert load <= capacity <= 20, email
    capacities = {capacity for _e, capacity, _l in rows}
    assert len(capacities) > 2, "capacities should vary"


def test_more_students_than_seats_leaves_the_rest_unassigned(tmp_path: Path) -> None:
    tight = Config(max_students_per_mentor=5)
    summary = _build(tmp_path / "tight.db", students=60, mentors=2, config=tight)
    conn = sqlite3.connect(tmp_path / "tight.db")
    loads = conn.execute(
        "SELECT p.capacity, (SELECT count(*) FROM users s WHERE s.mentor_id = p.user_id)"
        " FROM mentor_profiles p"
    ).fetchall()
    assert all(load <= capacity <= 5 for capacity, load in loads)
    assigned = sum(load for _c, load in loads)
    assert summary.unassigned_students == 60 - assigned >= 50


def test_the_demo_mentor_has_students_at_risk_and_overdue_work(conn) -> None:
    mentor_id, role = conn.execute(
        "SELECT id, role FROM users WHERE email = ?", (DEMO_MENTOR_EMAIL,)
    ).fetchone()
    assert role == "mentor"
    assert _one(conn, "SELECT role FROM users WHERE email = ?", ADMIN_EMAIL) == "admin"
    students = _one(conn, "SELECT count(*) FROM users WHERE mentor_id = ?", mentor_id)
    assert students >= 3
    quiet = _one(
        conn,
        "SELECT count(*) FROM users s WHERE s.mentor_id = ? AND (SELECT max(last_activity_at)"
        " FROM module_progress p WHERE p.user_id = s.id) < ?",
        mentor_id,
        _ref_text(-timedelta(days=14)),
    )
    assert quiet >= 1, "some of the demo mentor's students have been quiet for over 14 days"
    overdue = _one(
        conn,
        "SELECT count(*) FROM submissions x JOIN users s ON s.id = x.student_id"
        " WHERE s.mentor_id = ? AND x.status = 'pending' AND x.submitted_at < ?",
        mentor_id,
        _ref_text(-timedelta(hours=48)),
    )
    assert overdue >= 2
    fresh = _one(
        conn,
        "SELECT count(*) FROM submissions x JOIN users s ON s.id = x.student_id"
        " WHERE s.mentor_id = ? AND x.status = 'pending' AND x.submitted_at >= ?",
        mentor_id,
        _ref_text(-timedelta(hours=48)),
    )
    assert fresh >= 1
    assert _one(conn, "SELECT count(*) FROM messages WHERE sender_id = ?", mentor_id) >= 2


def test_students_have_varied_statuses_and_some_are_quiet(conn) -> None:
    statuses = dict(
        conn.execute(
            "SELECT status, count(*) FROM users WHERE role = 'student' GROUP BY status"
        ).fetchall()
    )
    assert set(statuses) == {"Active", "Inactive", "Passed out / Completed"}
    assert statuses["Active"] > STUDENTS / 2
    last_activity = [
        row[0]
        for row in conn.execute(
            "SELECT max(last_activity_at) FROM module_progress GROUP BY user_id"
        ).fetchall()
    ]
    quiet = sum(1 for moment in last_activity if moment < _ref_text(-timedelta(days=14)))
    assert 0.1 * STUDENTS < quiet < 0.6 * STUDENTS
    passed = _one(
        conn,
        "SELECT count(*) FROM users u WHERE u.status = 'Passed out / Completed' AND EXISTS"
        " (SELECT 1 FROM module_progress p WHERE p.user_id = u.id AND p.is_completed = 0)",
    )
    assert passed == 0, "students who passed out completed every module"


def test_submissions_in_every_status_with_overdue_pending_ones(conn) -> None:
    by_status = dict(
        conn.execute("SELECT status, count(*) FROM submissions GROUP BY status").fetchall()
    )
    assert set(by_status) == set(SUBMISSION_STATUSES)
    overdue = _one(
        conn,
        "SELECT count(*) FROM submissions WHERE status = 'pending' AND submitted_at < ?",
        _ref_text(-timedelta(hours=48)),
    )
    assert 0.1 * by_status["pending"] < overdue < 0.9 * by_status["pending"]
    # pending ones wait for a reviewer; reviewed ones say who, when and why
    assert (
        _one(
            conn,
            "SELECT count(*) FROM submissions WHERE status = 'pending' AND (reviewer_id IS NOT"
            " NULL OR reviewed_at IS NOT NULL OR feedback IS NOT NULL)",
        )
        == 0
    )
    assert (
        _one(
            conn,
            "SELECT count(*) FROM submissions WHERE status != 'pending' AND (reviewer_id IS NULL"
            " OR reviewed_at IS NULL OR feedback = '' OR reviewed_at < submitted_at"
            " OR reviewed_at > ?)",
            _ref_text(),
        )
        == 0
    )
    assert _one(conn, "SELECT count(*) FROM submissions WHERE submitted_at > ?", _ref_text()) == 0
    # the assigned reviewer is the student's mentor
    assert (
        _one(
            conn,
            "SELECT count(*) FROM submissions x JOIN users s ON s.id = x.student_id WHERE"
            " s.mentor_id IS NOT NULL AND x.reviewer_id IS NOT NULL AND x.reviewer_id !="
            " s.mentor_id",
        )
        == 0
    )
    content = _one(conn, "SELECT content FROM submissions LIMIT 1")
    assert content.startswith("## ") and "\n```" in content
    attempts = _one(conn, "SELECT max(attempt) FROM submissions")
    assert attempts >= 2


def test_sessions_never_double_book_a_mentor(conn) -> None:
    clashes = _one(
        conn,
        "SELECT count(*) FROM mentorship_sessions a JOIN mentorship_sessions b"
        " ON a.mentor_id = b.mentor_id AND a.id < b.id"
        " WHERE julianday(a.starts_at) < julianday(b.starts_at) + b.duration_minutes / 1440.0"
        " AND julianday(b.starts_at) < julianday(a.starts_at) + a.duration_minutes / 1440.0",
    )
    assert clashes == 0
    assert _one(conn, "SELECT count(*) FROM mentorship_sessions") > 100


def test_sessions_past_and_future_with_attendance_and_ratings(conn) -> None:
    now = _ref_text()
    statuses = dict(
        conn.execute("SELECT status, count(*) FROM mentorship_sessions GROUP BY status").fetchall()
    )
    assert set(statuses) == {"scheduled", "completed", "cancelled"}
    assert _one(
        conn, "SELECT count(*) FROM mentorship_sessions WHERE status='scheduled' AND starts_at < ?",
        now,
    ) == 0  # fmt: skip
    assert _one(
        conn, "SELECT count(*) FROM mentorship_sessions WHERE status!='scheduled' AND starts_at > ?",
        now,
    ) == 0  # fmt: skip
    group_sizes = [
        row[0]
        for row in conn.execute(
            "SELECT count(*) FROM session_attendees a JOIN mentorship_sessions s"
            " ON s.id = a.session_id WHERE s.kind = 'group' GROUP BY s.id"
        ).fetchall()
    ]
    assert group_sizes and min(group_sizes) >= 3
    assert any(
        conn.execute(
            "SELECT 1 FROM mentorship_sessions WHERE kind='group' AND status='scheduled'"
        ).fetchall()
    )
    attendance = {
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT a.attendance FROM session_attendees a JOIN mentorship_sessions s"
            " ON s.id = a.session_id WHERE s.status = 'completed'"
        )
    }
    assert attendance == set(ATTENDANCE)
    ratings = {row[0] for row in conn.execute("SELECT DISTINCT rating FROM session_attendees")}
    assert {4, 5} <= ratings <= {None, 1, 2, 3, 4, 5}
    assert (
        _one(
            conn,
            "SELECT count(*) FROM session_attendees a JOIN mentorship_sessions s"
            " ON s.id = a.session_id WHERE s.status != 'completed' AND (a.attendance IS NOT NULL"
            " OR a.rating IS NOT NULL)",
        )
        == 0
    )
    # sessions are held by the attendee's own mentor
    assert (
        _one(
            conn,
            "SELECT count(*) FROM session_attendees a JOIN mentorship_sessions s"
            " ON s.id = a.session_id JOIN users u ON u.id = a.student_id"
            " WHERE u.mentor_id IS NOT s.mentor_id",
        )
        == 0
    )


def test_notes_of_every_kind_by_the_students_mentor(conn) -> None:
    kinds = {row[0] for row in conn.execute("SELECT DISTINCT kind FROM mentorship_notes")}
    assert kinds == set(NOTE_KINDS)
    done = {
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT done FROM mentorship_notes WHERE kind = 'action_item'"
        )
    }
    assert done == {0, 1}
    assert (
        _one(
            conn,
            "SELECT count(*) FROM mentorship_notes WHERE kind = 'action_item' AND due_date IS NULL",
        )
        == 0
    )
    assert (
        _one(
            conn,
            "SELECT count(*) FROM mentorship_notes n LEFT JOIN mentorship_sessions s"
            " ON s.id = n.session_id WHERE n.kind = 'session_summary' AND s.id IS NULL",
        )
        == 0
    )
    assert (
        _one(
            conn,
            "SELECT count(*) FROM mentorship_notes n JOIN users s ON s.id = n.student_id"
            " WHERE s.mentor_id IS NOT n.mentor_id",
        )
        == 0
    )


def test_notifications_are_shaped_like_the_services_and_reach_the_right_people(conn) -> None:
    types = dict(conn.execute("SELECT type, count(*) FROM notifications GROUP BY type").fetchall())
    assert set(types) == {
        "new_student_assignment",
        "mentor_assigned",
        "student_milestone_achieved",
        "feedback_received",
    }
    wrong_feedback = _one(
        conn,
        "SELECT count(*) FROM notifications n LEFT JOIN submissions x"
        " ON x.id = json_extract(n.data, '$.submission_id') WHERE n.type = 'feedback_received'"
        " AND (x.id IS NULL OR x.student_id != n.user_id"
        " OR x.status != json_extract(n.data, '$.status')"
        " OR x.assignment_id != json_extract(n.data, '$.assignment_id'))",
    )
    assert wrong_feedback == 0
    wrong_mentor = _one(
        conn,
        "SELECT count(*) FROM notifications n LEFT JOIN users s"
        " ON s.id = json_extract(n.data, '$.student_id')"
        " WHERE n.type IN ('new_student_assignment', 'student_milestone_achieved')"
        " AND (s.id IS NULL OR s.mentor_id != n.user_id)",
    )
    assert wrong_mentor == 0
    assert (
        _one(
            conn,
            "SELECT count(*) FROM notifications WHERE created_at > ? OR read_at < created_at",
            _ref_text(),
        )
        == 0
    )
    unread = _one(conn, "SELECT count(*) FROM notifications WHERE read_at IS NULL")
    assert 0 < unread < sum(types.values())


def test_notes_are_in_the_full_text_index(conn) -> None:
    total = _one(conn, "SELECT count(*) FROM mentorship_notes WHERE note LIKE '%pacing%'")
    hits = _one(conn, "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'pacing'")
    assert total > 0 and hits == total


def test_agenda_templates_are_shared_so_every_mentor_can_use_them(built, conn) -> None:
    owned = _one(conn, "SELECT count(*) FROM session_templates WHERE owner_id IS NOT NULL")
    assert owned == 0
    # every demo session's agenda came from one of them
    stray = _one(
        conn,
        "SELECT count(*) FROM mentorship_sessions "
        "WHERE agenda NOT IN (SELECT agenda FROM session_templates)",
    )
    assert stray == 0
    engine = make_engine(built[0])
    try:
        with Session(engine) as s:
            mentor = actor_for_email(s, DEMO_MENTOR_EMAIL)
            admin = actor_for_email(s, ADMIN_EMAIL)
            seen = template_views(s, mentor)
            expected = sorted((title for title, _agenda in SESSION_TEMPLATES), key=str.casefold)
            assert [v.title for v in seen] == expected
            assert all(v.shared and not v.editable for v in seen)
            assert all(v.editable for v in template_views(s, admin))
    finally:
        engine.dispose()


def test_people_look_real(conn) -> None:
    names = [row[0] for row in conn.execute("SELECT full_name FROM users WHERE role='mentor'")]
    assert len(set(names)) == MENTORS
    emails = [row[0] for row in conn.execute("SELECT email FROM users")]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.\-]+@example\.(org|net)", e) for e in emails)
    zones = {row[0] for row in conn.execute("SELECT DISTINCT timezone FROM users")}
    assert len(zones) > 10
    for zone in zones:
        ZoneInfo(zone)
    expertise: set[str] = set()
    for areas, availability, style, hours in conn.execute(
        "SELECT expertise, availability, teaching_style, weekly_hours FROM mentor_profiles"
    ):
        expertise.update(json.loads(areas))
        windows = json.loads(availability)
        assert windows and style in {"visual", "auditory", "kinesthetic", "mixed"}
        for window in windows:
            assert 0 <= window["weekday"] <= 6
            assert re.fullmatch(r"\d\d:\d\d", window["start"]) and window["start"] < window["end"]
        minutes = sum(_minutes(w["end"]) - _minutes(w["start"]) for w in windows)
        assert hours >= minutes // 60
    assert len(expertise) >= 8
    verified = {
        row[0] for row in conn.execute("SELECT DISTINCT verified FROM mentor_specializations")
    }
    assert verified == {0, 1}
    levels = {
        row[0] for row in conn.execute("SELECT proficiency_level FROM mentor_specializations")
    }
    assert levels <= {1, 2, 3, 4, 5} and len(levels) >= 3
    assert _one(
        conn, "SELECT count(*) FROM mentor_specializations WHERE certification_url LIKE 'https://%'"
    ) > 0  # fmt: skip
    backups = _one(
        conn,
        "SELECT count(*) FROM mentor_profiles WHERE backup_mentor_id IS NOT NULL"
        " AND backup_mentor_id != user_id",
    )
    assert backups == MENTORS
    skills = _one(conn, "SELECT needed_skills FROM student_profiles LIMIT 1")
    assert json.loads(skills)


# --- exact storage format ---------------------------------------------------------------------


def test_every_row_is_stored_exactly_as_sqlmodel_stores_it(conn) -> None:
    for table, model in SYNCED_TABLES.items():
        if table not in COLUMNS:
            continue
        for column in model.__table__.columns:  # type: ignore[attr-defined]
            kind = type(column.type).__name__
            values = [
                row[0]
                for row in conn.execute(
                    f"SELECT DISTINCT {column.name} FROM {table} WHERE {column.name} IS NOT NULL"
                    " LIMIT 500"
                )
            ]
            where = f"{table}.{column.name}"
            if kind == "UTCDateTime":
                assert all(DATETIME_TEXT.match(v) for v in values), where
            elif kind == "Date":
                assert all(DATE_TEXT.match(v) for v in values), where
            elif kind == "Boolean":
                assert set(values) <= {0, 1}, where
            elif kind == "JSON":
                assert all(v == json.dumps(json.loads(v)) for v in values), where
    assert (
        _one(conn, "SELECT count(*) FROM users WHERE version != 1 OR deleted_at IS NOT NULL") == 0
    )
    assert _one(conn, "SELECT count(*) FROM submissions WHERE updated_at < created_at") == 0
    for (user_id,) in conn.execute("SELECT id FROM users LIMIT 50"):
        assert str(uuid.UUID(user_id)) == user_id and uuid.UUID(user_id).version == 4


def test_rows_load_through_the_sqlmodel_models(built) -> None:
    engine = make_engine(built[0])
    try:
        with Session(engine) as session:
            for model in SYNCED_TABLES.values():
                if model.__tablename__ not in COLUMNS:  # type: ignore[attr-defined]
                    continue
                rows = session.execute(select(model).limit(25)).scalars().all()
                assert rows, model.__tablename__  # type: ignore[attr-defined]
                for row in rows:
                    assert row.version == 1 and row.deleted_at is None
                    assert row.created_at.tzinfo is not None
                    assert row.created_at <= row.updated_at <= REFERENCE
            mentor = session.execute(
                select(User).where(User.email == DEMO_MENTOR_EMAIL)
            ).scalar_one()
            assert mentor.full_name and mentor.role == "mentor"
            reviewed = (
                session.execute(select(Submission).where(Submission.status == "approved").limit(5))
                .scalars()
                .all()
            )
            assert all(
                s.reviewed_at is not None and s.reviewed_at >= s.submitted_at for s in reviewed
            )
            assert session.get(Setting, "demo_seed").value == "7"  # type: ignore[union-attr]
            assert session.get(Setting, "demo_reference").value == REFERENCE.isoformat()  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_the_store_is_consistent_and_back_in_wal_mode(conn) -> None:
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert _one(conn, "PRAGMA integrity_check") == "ok"
    assert _one(conn, "PRAGMA journal_mode") == "wal"
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_submissions_queue", "ix_notes_mentor_student_added"} <= indexes


def test_uuid_maker_gives_the_uuid_modules_version_4_text() -> None:
    import random

    new_id = uuid_maker(random.Random(3))
    bits = random.Random(3)
    for _ in range(200):
        assert new_id() == str(uuid.UUID(int=bits.getrandbits(128), version=4))


# --- determinism ------------------------------------------------------------------------------


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [  # the rows, not the bookkeeping of FTS, SQLite or Alembic
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'notes_%'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
        }
    finally:
        conn.close()


def test_same_seed_same_database_other_seed_other_people(built, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    _build(again)
    first, second = _dump(built[0]), _dump(again)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert len(first["submissions"]) > 1000

    other = tmp_path / "other.db"
    _build(other, seed=8)
    assert _dump(other)["users"] != first["users"]


def test_times_follow_the_reference(tmp_path: Path) -> None:
    later = REFERENCE + timedelta(days=30)
    _build(tmp_path / "later.db", reference=later + timedelta(minutes=41, seconds=5))
    conn = sqlite3.connect(tmp_path / "later.db")
    assert _one(conn, "SELECT value FROM settings WHERE key='demo_reference'") == later.isoformat()
    newest = _one(conn, "SELECT max(submitted_at) FROM submissions")
    assert _ref_text(timedelta(days=25)) < newest < later.strftime("%Y-%m-%d %H:%M:%S.%f")


# --- refusing, rolling back, reporting --------------------------------------------------------


def test_a_store_with_users_is_never_written_over(built) -> None:
    path, _summary = built
    before = _dump(path)
    with pytest.raises(StoreNotEmpty, match="already has users"):
        _build(path, seed=99)
    assert _dump(path) == before


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n" * 200)
    with pytest.raises(StoreUnreadable):
        _build(path)
    assert path.read_text() == "my shopping list\n" * 200


def test_a_failed_build_leaves_the_store_empty(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "broken.db"

    def broken(self: demo.DemoBuilder):
        yield from []
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo.DemoBuilder, "activity_rows", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _build(path)
    conn = sqlite3.connect(path)
    assert _one(conn, "SELECT count(*) FROM users") == 0
    assert _one(conn, "SELECT count(*) FROM settings") == 0
    assert _one(conn, "PRAGMA journal_mode") == "wal"
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_submissions_queue" in indexes, "dropped indexes come back on rollback"
    monkeypatch.undo()
    # the reader above is still open, so this build stays in WAL mode; it works all the same
    assert _build(path, students=20, mentors=2).counts["users"] == 23
    assert _one(conn, "SELECT count(*) FROM users") == 23
    conn.close()


def test_bad_sizes_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="students must be between 1"):
        build_demo(tmp_path / "x.db", students=0)
    with pytest.raises(UserError, match="mentors must be between 1"):
        build_demo(tmp_path / "x.db", mentors=0)
    assert not (tmp_path / "x.db").exists()


def test_progress_reports_every_stage_to_the_end(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    _build(tmp_path / "p.db", students=40, mentors=3, progress=lambda *a: seen.append(a))
    stages = list(dict.fromkeys(stage for stage, _d, _t in seen))
    assert stages == ["planning", "people", "courses", "activity", "indexing", "saving"]
    for stage in stages:
        done, total = [(d, t) for s, d, t in seen if s == stage][-1]
        assert done == total > 0, stage
    assert ("activity", 40, 40) in seen


def test_tiny_programmes_still_have_a_demo_mentor_with_a_student(tmp_path: Path) -> None:
    summary = _build(tmp_path / "tiny.db", students=1, mentors=1)
    assert summary.demo_mentor_students == 1 and summary.unassigned_students == 0
    conn = sqlite3.connect(tmp_path / "tiny.db")
    assert _one(conn, "SELECT count(*) FROM submissions WHERE status = 'pending'") >= 1


# --- the CLI verb -------------------------------------------------------------------------------


def _students_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(_one(conn, "SELECT count(*) FROM users WHERE role = 'student'"))
    finally:
        conn.close()


def test_cli_builds_without_launching_and_remembers_the_demo_mentor(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cli.db"
    code = main(["demo", "--no-launch", "--students", "50", "--mentors", "5", "--db", str(path)])
    assert code == 0
    assert _students_in(path) == 50
    out = capsys.readouterr().out
    assert "mentor@example.org" in out and "50 students" in out
    engine = make_engine(path)
    try:
        with Session(engine) as session:
            assert get_setting(session, LAST_USER) == DEMO_MENTOR_EMAIL
    finally:
        engine.dispose()


def test_cli_json_summary(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cli.db"
    args = ["demo", "--no-launch", "--json", "--students", "30", "--mentors", "3", "--seed", "4"]
    assert main([*args, "--db", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["users"] == 34 and report["seed"] == 4
    assert report["path"] == str(path)


def test_cli_rejects_zero_students_with_one_sentence(tmp_path: Path, capsys) -> None:
    path = tmp_path / "none.db"
    assert main(["demo", "--no-launch", "--students", "0", "--db", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--students must be at least 1" in err
    assert "Traceback" not in err
    assert not path.exists()


def test_cli_refuses_an_existing_store_unless_forced(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cli.db"
    small = ["demo", "--no-launch", "--students", "20", "--mentors", "2", "--db", str(path)]
    assert main(small) == 0
    capsys.readouterr()
    assert main([*small, "--seed", "5"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--force" in err and err.count("\n") == 0
    assert main([*small, "--students", "30", "--force"]) == 0
    assert _students_in(path) == 30
    for suffix in ("-journal",):
        assert not Path(str(path) + suffix).exists()


def test_cli_opens_the_app_as_the_demo_mentor_unless_told_not_to(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    from mentor_tui.commands import open_app as open_app_module
    from mentor_tui.core.people.settings import sign_in

    opened: list[str] = []

    def fake_open_app(ctx) -> int:
        with ctx.session() as session:
            opened.append(sign_in(session, ctx.args.user).email)
        return 7

    monkeypatch.setattr(open_app_module, "open_app", fake_open_app)
    path = tmp_path / "launch.db"
    assert main(["demo", "--students", "12", "--mentors", "2", "--db", str(path)]) == 7
    assert opened == [DEMO_MENTOR_EMAIL]
    assert "Opening it as mentor@example.org" in capsys.readouterr().out


def test_the_verb_repeats_the_builders_constants_exactly() -> None:
    from mentor_tui.commands import demo as demo_verb

    assert demo_verb.DEMO_MENTOR_EMAIL == DEMO_MENTOR_EMAIL
    assert demo_verb.SETTING_SEED == demo.SETTING_SEED


def test_running_demo_again_opens_the_existing_demo(tmp_path, capsys, monkeypatch) -> None:
    """Reopening paints from the peek (the store not opened yet) as the demo mentor, then the
    app's first use of the store signs in and remembers the demo mentor, whoever was last."""
    from mentor_tui.cli import main
    from mentor_tui.demo.build import ADMIN_EMAIL

    db = tmp_path / "again.db"
    assert main(["demo", "--no-launch", "--students", "12", "--mentors", "2", "--db", str(db)]) == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = ?", (ADMIN_EMAIL, LAST_USER))
    conn.close()
    before = db.stat().st_size
    seen: list[tuple[str, bool]] = []
    import mentor_tui.commands.open_app as open_app_module

    def fake_run(services) -> int:  # the app: its first frame, then a worker opens the store
        seen.append((services.actor.email, services.is_open))
        services.run(lambda _session: None)
        seen.append((services.actor.email, services.is_open))
        services.close()
        return 0

    monkeypatch.setattr(open_app_module, "_run", fake_run)
    assert main(["demo", "--students", "12", "--mentors", "2", "--db", str(db)]) == 0
    assert seen == [(DEMO_MENTOR_EMAIL, False), (DEMO_MENTOR_EMAIL, True)]
    assert "Opening the demo already at" in capsys.readouterr().err
    assert db.stat().st_size == before
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            assert get_setting(session, LAST_USER) == DEMO_MENTOR_EMAIL
    finally:
        engine.dispose()

    seen.clear()  # --user still chooses someone else, and they are remembered
    assert main(["demo", "--students", "12", "--mentors", "2", "--db", str(db), "--user",
                 ADMIN_EMAIL]) == 0  # fmt: skip
    assert seen == [(ADMIN_EMAIL, False), (ADMIN_EMAIL, True)]
    conn = sqlite3.connect(db)
    assert _one(conn, "SELECT value FROM settings WHERE key = ?", LAST_USER) == ADMIN_EMAIL
    conn.close()
