"""The learning platform bridge against a real PostgreSQL: a platform database made from
mentor_tui/lms/platform_schema.sql and filled by plain SQL below (not by mentor-tui), passes in
and out, changes on both sides, and both databases checked after each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mentor_tui.config import Config, LmsSettings
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.assignment.seats import assign_student
from mentor_tui.core.notes.notes import add_note, save_note
from mentor_tui.core.people.students import list_students
from mentor_tui.core.reviews.decisions import decide
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import (
    AuditEntry,
    JournalEntry,
    MentorshipNote,
    MentorshipSession,
    MentorSpecialization,
    ModuleProgress,
    Notification,
    SessionAttendee,
    Submission,
    User,
)
from mentor_tui.errors import UserError
from mentor_tui.lms import bookkeeping, bridge
from mentor_tui.lms.stats import PassStats
from mentor_tui.sync.conflicts import list_conflicts, resolve_conflict
from tests.lms_support import ID, make_platform, pid, run

pytestmark = pytest.mark.postgres


@pytest.fixture
def platform(pg_url: str) -> str:
    return make_platform(pg_url)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    engine = make_engine(tmp_path / "store.db")
    yield engine
    engine.dispose()


def sync(engine: Any, url: str, config: Config | None = None) -> PassStats:
    return bridge.run_pass(url, engine, config or Config())


def journal_size(engine: Any) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_a_first_pass_brings_everything_in_and_a_second_writes_nothing(
    platform: str, store: Any
) -> None:
    first = sync(store, platform)
    assert first.taken_in["users"] == 7 and first.taken_in["submissions"] == 3
    assert first.taken_in["mentor_specializations"] == 1
    with session_scope(store) as s:
        sam = s.get(User, ID["s1"])
        assert (sam.role, sam.status, sam.timezone, sam.mentor_id) == (
            "student", "Active", "America/New_York", ID["m1"])  # fmt: skip
        assert s.get(User, ID["s2"]).timezone == "UTC"  # not a zone: the default
        assert s.get(User, ID["s4"]).status == "Passed out / Completed"
        assert s.get(User, ID["m2"]).timezone == "UTC"
        p1 = s.get(ModuleProgress, ID["p1"])
        assert (p1.percent, p1.time_spent_minutes, p1.quiz_score) == (100.0, 90, 88.5)
        sub3 = s.get(Submission, ID["sub3"])
        assert (sub3.status, sub3.feedback, sub3.reviewer_id) == ("approved", "Nice", ID["m1"])
        session_row = s.get(MentorshipSession, ID["ses1"])
        assert (session_row.duration_minutes, session_row.meeting_link) == (
            45,
            "https://meet.example/x",
        )
        attendees = s.execute(select(SessionAttendee.student_id).where(
            SessionAttendee.session_id == ID["ses1"])).scalars().all()  # fmt: skip
        assert attendees == [ID["s1"]]
        assert s.get(MentorSpecialization, ID["sp1"]).proficiency_level == 4
        assert s.get(MentorSpecialization, ID["sp2"]) is None  # no mentor: nothing to hold it
        assert s.get(MentorshipNote, ID["n1"]).note == "Good start"
        # every figure comes from these rows: completion per student as the platform computes it
        admin = actor_for_email(s, "ada@school.example")
        shown = {row.id: row.completion_rate for row in list_students(s, admin, config=Config())}
    expected = dict(run(platform, """
        SELECT u.id::text, coalesce(count(p.id) FILTER (WHERE p.is_completed) * 100.0
                                    / nullif(count(p.id), 0), 0)::float
        FROM users u LEFT JOIN user_module_progress p ON p.user_id = u.id
        WHERE u.role = 'student' GROUP BY u.id"""))  # fmt: skip
    assert shown == pytest.approx(expected)
    assert expected[ID["s1"]] == pytest.approx(200 / 3)

    # audited; not journaled in a store never joined to a server, whose first login queues
    # every row it holds (tests/test_lms_journal_push.py: journaled in a store logged in)
    with session_scope(store) as s:
        entries = (
            s.execute(select(JournalEntry).where(JournalEntry.entity == "users")).scalars().all()
        )
        assert entries == []
        # the first pass into an empty table: one audit entry for its rows, with their count
        (audited,) = s.execute(select(AuditEntry).where(
            AuditEntry.entity == "module_progress", AuditEntry.action == "lms sync")).scalars()  # fmt: skip
        assert (audited.entity_id, audited.actor_id) == ("", None)
        assert audited.detail == {"rows": 6, "bulk": True}
        progress = s.execute(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.entity == "module_progress", JournalEntry.op == "insert")).scalar_one()  # fmt: skip
        assert progress == 0
        assert s.get(User, ID["s1"]).version == 1
    before = journal_size(store)
    again = sync(store, platform)
    assert (again.rows_in, again.rows_out, again.conflicts) == (0, 0, 0)
    assert journal_size(store) == before


def test_changes_and_deletions_in_the_platform_arrive_once(platform: str, store: Any) -> None:
    sync(store, platform)
    run(platform, "UPDATE user_module_progress SET is_completed = true, progress_percent = 100, "
        "updated_at = now() WHERE id = %s", (ID["p3"],))  # fmt: skip
    run(platform, "UPDATE mentorship_notes SET note = 'Great progress' WHERE id = %s", (ID["n1"],))
    run(platform, "DELETE FROM mentorship_notes WHERE id = %s", (ID["n2"],))
    run(platform, "INSERT INTO submissions (id, student_id, assignment_id, content) "
        "VALUES (%s, %s, %s, 'late work')", (pid("sub4"), ID["s1"], ID["as2"]))  # fmt: skip
    stats = sync(store, platform)
    assert dict(stats.taken_in) == {
        "user_module_progress": 1, "mentorship_notes": 2, "submissions": 1}  # fmt: skip
    with session_scope(store) as s:
        assert s.get(ModuleProgress, ID["p3"]).is_completed
        assert s.get(MentorshipNote, ID["n1"]).note == "Great progress"
        assert s.get(MentorshipNote, ID["n2"]).deleted_at is not None  # a tombstone
        alerts = (
            s.execute(select(Notification).where(Notification.type == "new_submission"))
            .scalars()
            .all()
        )
        assert [(n.user_id, n.data["submission_id"]) for n in alerts] == [(ID["m1"], pid("sub4"))]
    assert sync(store, platform).rows_in == 0


def test_decisions_assignments_notes_and_sessions_go_out(platform: str, store: Any) -> None:
    sync(store, platform)
    with session_scope(store) as s:
        mia = actor_for_email(s, "mia@school.example")
        decide(s, mia, ID["sub1"], "request_changes", "Add a docstring", Config())
        note = add_note(s, mia, "sam@school.example", "Wants to learn Django")
        made = schedule_session(s, mia, Config(), students=["sue@school.example"],
                                starts_at=datetime.now(UTC) + timedelta(days=3), duration_minutes=30)  # fmt: skip
        save_note(s, mia, ID["n2"], text="Ask about recursion and memoization")
        ada = actor_for_email(s, "ada@school.example")
        assign_student(s, ada, "sid@school.example", "max@school.example", config=Config())
        note_id, session_id = note.id, made.id
    stats = sync(store, platform)
    assert stats.rows_in == 0 and stats.conflicts == 0
    assert stats.written_out["submissions"] == 1 and stats.written_out["users"] == 1
    sub = run(platform, "SELECT status, feedback, reviewed_by::text, reviewed_at IS NOT NULL "
              "FROM submissions WHERE id = %s", (ID["sub1"],))  # fmt: skip
    assert sub == [("changes_requested", "Add a docstring", ID["m1"], True)]
    assert run(platform, "SELECT mentor_id::text FROM users WHERE id = %s", (ID["s3"],)) == [
        (ID["m2"],)
    ]
    assert run(platform, "SELECT mentor_id::text, student_id::text, note FROM mentorship_notes "
               "WHERE id = %s", (note_id,)) == [(ID["m1"], ID["s1"], "Wants to learn Django")]  # fmt: skip
    assert run(platform, "SELECT note FROM mentorship_notes WHERE id = %s", (ID["n2"],)) == [
        ("Ask about recursion and memoization",)]  # fmt: skip
    assert run(platform, "SELECT mentor_id::text, student_id::text, duration_minutes FROM "
               "mentorship_sessions WHERE id = %s", (session_id,)) == [(ID["m1"], ID["s2"], 30)]  # fmt: skip
    sent = run(
        platform,
        "SELECT user_id::text, type, metadata->>'submission_id' FROM notifications ORDER BY type",
    )
    assert sent == [(ID["s1"], "feedback_available", ID["sub1"]), (ID["m2"], "new_student", None)]
    before = journal_size(store)
    again = sync(store, platform)
    assert (again.rows_in, again.rows_out) == (0, 0)
    assert journal_size(store) == before


def test_a_decision_made_in_the_platform_meanwhile_wins_and_both_are_kept(
    platform: str, store: Any
) -> None:
    sync(store, platform)
    with session_scope(store) as s:
        mia = actor_for_email(s, "mia@school.example")
        decide(s, mia, ID["sub2"], "approve", "Offline: well done", Config())
        save_note(s, mia, ID["n1"], text="Good start (my offline edit)")
    run(platform, "UPDATE submissions SET status = 'rejected', feedback = 'Copied', reviewed_by = %s, "
        "reviewed_at = now(), updated_at = now() WHERE id = %s", (ID["m2"], ID["sub2"]))  # fmt: skip
    run(
        platform,
        "UPDATE mentorship_notes SET note = 'Good start (platform edit)' WHERE id = %s",
        (ID["n1"],),
    )
    stats = sync(store, platform)
    assert stats.conflicts == 2
    with session_scope(store) as s:
        sub = s.get(Submission, ID["sub2"])
        assert (sub.status, sub.feedback, sub.reviewer_id) == ("rejected", "Copied", ID["m2"])
        assert s.get(MentorshipNote, ID["n1"]).note == "Good start (platform edit)"
    by_entity = {c.entity: c for c in list_conflicts(store)}
    review = by_entity["submissions"]
    assert review.kind == "review"
    assert review.fields["status"] == {"mine": "approved", "theirs": "rejected"}
    assert review.fields["feedback"] == {"mine": "Offline: well done", "theirs": "Copied"}
    assert by_entity["mentorship_notes"].fields["note"] == {
        "mine": "Good start (my offline edit)", "theirs": "Good start (platform edit)"}  # fmt: skip
    # the platform's decision stays there, and nothing more moves
    assert run(platform, "SELECT status FROM submissions WHERE id = %s", (ID["sub2"],)) == [
        ("rejected",)
    ]
    again = sync(store, platform)
    assert (again.rows_in, again.rows_out, again.conflicts) == (0, 0, 0)
    # a submission is decided once: the mentor cannot keep theirs over the platform's, only
    # dismiss it; the platform's decision stays and nothing goes out
    with session_scope(store) as s:
        mia = actor_for_email(s, "mia@school.example")
    with pytest.raises(UserError, match="decided once"):
        resolve_conflict(store, review.id, "mine", actor=mia)
    resolve_conflict(store, review.id, "theirs", actor=mia)
    assert sync(store, platform).rows_out == 0
    assert run(platform, "SELECT status, feedback, reviewed_by::text FROM submissions WHERE id = %s",
               (ID["sub2"],)) == [("rejected", "Copied", ID["m2"])]  # fmt: skip


def test_a_pass_stopped_midway_is_finished_once_by_the_next(
    platform: str, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentor_tui.core import writes
    from mentor_tui.lms import inbound

    real_insert = writes.insert_many

    def dying_insert(session: Any, actor: Any, model: Any, rows: Any, **kwargs: Any) -> int:
        if model is ModuleProgress and rows:  # the fourth table, after the first three
            raise KeyboardInterrupt
        return real_insert(session, actor, model, rows, **kwargs)

    monkeypatch.setattr(inbound.writes, "insert_many", dying_insert)
    with pytest.raises(KeyboardInterrupt):
        sync(store, platform)
    monkeypatch.setattr(inbound.writes, "insert_many", real_insert)
    with session_scope(store) as s:  # a first pass into an empty store is one transaction
        assert s.execute(select(func.count()).select_from(User)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(ModuleProgress)).scalar_one() == 0
    rest = sync(store, platform)
    assert rest.taken_in["users"] == 7 and rest.taken_in["user_module_progress"] == 6
    # a later pass, one transaction per table: stopped on the progress, the users before it stay
    run(platform, "INSERT INTO users (id, full_name, email, role) "
        "VALUES (%s, 'Zoe', 'zoe@school.example', 'student')", (pid("zoe"),))  # fmt: skip
    run(platform, "UPDATE user_module_progress SET progress_percent = 95, updated_at = now() "
        "WHERE id = %s", (ID["p3"],))  # fmt: skip
    real_update = writes.update

    def dying_update(session: Any, actor: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(row, ModuleProgress):
            raise KeyboardInterrupt
        return real_update(session, actor, row, *args, **kwargs)

    monkeypatch.setattr(inbound.writes, "update", dying_update)
    with pytest.raises(KeyboardInterrupt):
        sync(store, platform)
    monkeypatch.setattr(inbound.writes, "update", real_update)
    with session_scope(store) as s:
        assert s.get(User, pid("zoe")) is not None
        assert s.get(ModuleProgress, ID["p3"]).percent != 95
    rest = sync(store, platform)
    assert rest.taken_in["users"] == 0 and rest.taken_in["user_module_progress"] == 1
    # out: stopped after the platform committed, before this store recorded it
    with session_scope(store) as s:
        decide(s, actor_for_email(s, "mia@school.example"), ID["sub1"], "approve", "Good", Config())
    real_save = bookkeeping.save_link
    from mentor_tui.lms import outbound

    def dying_save(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outbound.book, "save_link", dying_save)
    with pytest.raises(KeyboardInterrupt):
        sync(store, platform)
    monkeypatch.setattr(outbound.book, "save_link", real_save)
    after = sync(store, platform)
    assert after.conflicts == 0 and after.rows_out == 0
    assert run(platform, "SELECT count(*) FROM notifications") == [(1,)]
    assert run(platform, "SELECT status FROM submissions WHERE id = %s", (ID["sub1"],)) == [
        ("approved",)
    ]
    assert sync(store, platform).rows_in == 0


def test_names_map_through_the_config_and_a_missing_column_is_named(
    platform: str, store: Any
) -> None:
    run(platform, "ALTER TABLE users RENAME TO profiles")
    run(platform, "ALTER TABLE profiles RENAME COLUMN full_name TO display_name")
    run(platform, "ALTER TABLE profiles DROP COLUMN timezone")  # optional: may be absent
    with pytest.raises(UserError, match="no table 'users'"):
        sync(store, platform)
    mapped = Config(lms=LmsSettings(tables={"users": "profiles"}))
    with pytest.raises(
        UserError, match=r"'profiles' has no column 'full_name'.*lms\.columns\.users"
    ):
        sync(store, platform, mapped)
    mapped = Config(lms=LmsSettings(tables={"users": "profiles"},
                                    columns={"users": {"full_name": "display_name"}}))  # fmt: skip
    assert sync(store, platform, mapped).taken_in["users"] == 7
    with session_scope(store) as s:
        sam = s.get(User, ID["s1"])
        assert (sam.full_name, sam.timezone) == ("Sam Student", "UTC")
    with pytest.raises(UserError, match="does not know"):
        sync(store, platform, Config(lms=LmsSettings(tables={"people": "x"})))


def test_a_local_user_with_the_same_email_is_the_platform_user(platform: str, store: Any) -> None:
    from mentor_tui.core import writes

    with session_scope(store) as s:
        mine = writes.insert(
            s, None, User(full_name="Mia", email="mia@school.example", role="mentor")
        )
        mine_id = mine.id
    sync(store, platform)
    with session_scope(store) as s:
        assert s.get(User, ID["m1"]) is None
        assert s.get(User, ID["s1"]).mentor_id == mine_id
        assert s.get(MentorshipNote, ID["n1"]).mentor_id == mine_id
        add_note(s, actor_for_email(s, "mia@school.example"), "sue@school.example", "From here")
    sync(store, platform)
    assert run(platform, "SELECT mentor_id::text FROM mentorship_notes WHERE note = 'From here'") == [
        (ID["m1"],)]  # fmt: skip


def test_the_password_never_shows(
    platform: str, store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from mentor_tui.cli import main

    secret = "s3cr3t-Pa55word"
    wrong_user = f"postgresql://nobody_here:{secret}@127.0.0.1:5432/nowhere"
    unreachable = f"postgresql://postgres:{secret}@127.0.0.1:1/db"
    for url in (wrong_user, unreachable, f"postgresql://u:{secret}@[bad"):
        with pytest.raises(UserError) as caught:
            sync(store, url)
        assert secret not in str(caught.value)
        assert "@[bad" in url or "postgresql://" + url.split("://")[1].split(":")[
            0
        ] + ":***@" in str(caught.value)
        assert main(["--db", str(store.url.database), "lms", "sync", "--from", url]) == 2
        out, err = capsys.readouterr()
        assert secret not in out + err and err.startswith("mentor-tui: ")


def test_the_command_line_pass(platform: str, store: Any, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from mentor_tui.cli import main

    db = str(store.url.database)
    assert main(["--db", db, "lms", "sync"]) == 2
    assert "No learning platform URL" in capsys.readouterr().err
    monkeypatch.setenv("MENTOR_TUI_LMS_URL", platform)
    assert main(["--db", db, "lms", "sync", "--json"]) == 0
    assert '"rows_in": ' in capsys.readouterr().out
    assert main(["--db", db, "lms", "sync"]) == 0
    assert capsys.readouterr().out == "Learning platform pass done: 0 row(s) in, 0 row(s) out.\n"


def test_without_psycopg_one_sentence_says_what_to_install(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(UserError, match=r"pip install 'mentor-tui\[postgres\]'"):
        sync(store, "postgresql://u@127.0.0.1/db")


def test_every_keeps_passing_and_says_each_failure(platform: str, store: Any) -> None:
    import threading

    stop, seen = threading.Event(), []

    def report(result: Any) -> None:
        seen.append(result)
        if len(seen) == 2:
            run(platform, "ALTER TABLE courses RENAME TO old_courses")
        if len(seen) == 3:
            stop.set()

    bridge.run_every(platform, store, Config(), 0.01, report, stop)
    assert [type(r) for r in seen] == [PassStats, PassStats, UserError]
    assert seen[0].rows_in > 0 and seen[1].rows_in == 0
    assert "no table 'courses'" in str(seen[2])


def test_the_lms_section_of_the_config_is_checked(tmp_path: Path) -> None:
    from mentor_tui.config import parse_config

    path = tmp_path / "config.toml"
    good = parse_config({"lms": {"url": " postgresql://h/db ", "tables": {"users": "profiles"},
                                 "columns": {"users": {"full_name": "name"}}}}, path)  # fmt: skip
    assert good.lms == LmsSettings(
        "postgresql://h/db", {"users": "profiles"}, {"users": {"full_name": "name"}}
    )
    for bad, words in (({"lms": {"tables": {"users": 3}}}, "lms.tables"),
                       ({"lms": {"port": 1}}, "lms.port"),
                       ({"lms": {"url": 5}}, "lms.url"),
                       ({"lms": {"columns": {"users": "x"}}}, "lms.columns.users")):  # fmt: skip
        with pytest.raises(UserError, match=words.replace(".", r"\.")):
            parse_config(bad, path)
    assert Config(lms=good.lms).to_toml().count("[lms") >= 1


def test_a_record_imported_from_a_file_and_then_bridged_is_one_row(
    platform: str, store: Any, tmp_path: Path
) -> None:
    """The file import and the bridge map a platform record to the same row (its UUID)."""
    import json

    from mentor_tui.core.learning.importer import import_learning
    from mentor_tui.db.models import Course, Module

    lines = [
        {"type": "user", "id": "local-admin", "full_name": "Ida Import", "role": "admin",
         "email": "ida@school.example"},
        {"type": "course", "id": ID["c1"], "title": "Python (from a file)"},
        {"type": "module", "id": ID["md1"], "course_id": ID["c1"], "title": "Basics", "position": 1},
    ]  # fmt: skip
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    with session_scope(store) as s:
        from tests import factory

        ida = factory.admin(s, "Ida", email="ida@school.example")
        import_learning(s, factory.actor(ida), records, config=Config())
    sync(store, platform)
    with session_scope(store) as s:
        courses = s.execute(select(Course.id, Course.title)).all()
        assert courses == [(ID["c1"], "Python")]  # the platform's row, not a second one
        modules = s.execute(select(Module.id).where(Module.course_id == ID["c1"])).scalars()
        assert sorted(modules) == sorted([ID["md1"], ID["md2"], ID["md3"]])


def test_enrollments_come_in_and_make_a_students_courses(platform: str, store: Any) -> None:
    from mentor_tui.core.analytics.student_view import student_detail
    from mentor_tui.db.learning_models import Enrollment

    run(platform, "INSERT INTO courses (id, title) VALUES (%s, 'SQL')", (pid("c2"),))
    run(platform, "INSERT INTO modules (id, course_id, title, position) VALUES (%s, %s, 'Joins', 1)",
        (pid("c2m1"), pid("c2")))  # fmt: skip
    run(platform, "INSERT INTO enrollments (id, user_id, course_id, enrolled_at) VALUES "
        "(%s, %s, %s, now() - interval '4 days')", (pid("e9"), ID["s4"], pid("c2")))  # fmt: skip
    first = sync(store, platform)
    assert first.taken_in["enrollments"] == 3
    with session_scope(store) as s:
        mine = s.get(Enrollment, pid("e9"))
        assert (mine.user_id, mine.course_id) == (ID["s4"], pid("c2"))
        assert mine.enrolled_at is not None
        admin = actor_for_email(s, "ada@school.example")
        # enrolled, no progress yet: the course is one of the student's, at 0 %
        courses = student_detail(s, admin, ID["s4"]).courses
        assert [(c.title, c.modules_total, c.percent) for c in courses] == [("SQL", 1, 0.0)]
    run(platform, "UPDATE enrollments SET completed_at = now(), updated_at = now() WHERE id = %s",
        (pid("e9"),))  # fmt: skip
    run(platform, "DELETE FROM enrollments WHERE user_id = %s", (ID["s2"],))
    again = sync(store, platform)
    assert again.taken_in["enrollments"] == 2  # one changed, one gone
    with session_scope(store) as s:
        assert s.get(Enrollment, pid("e9")).completed_at is not None
        gone = s.execute(select(Enrollment).where(Enrollment.user_id == ID["s2"])).scalar_one()
        assert gone.deleted_at is not None


def test_deletions_and_every_student_of_a_group_session_go_out(platform: str, store: Any) -> None:
    from mentor_tui.core import writes
    from mentor_tui.core.notes.notes import delete_note
    from mentor_tui.core.sessions.scheduling import edit_session

    sync(store, platform)
    with session_scope(store) as s:
        mia = actor_for_email(s, "mia@school.example")
        delete_note(s, mia, ID["n2"])
        group = schedule_session(
            s, mia, Config(), students=["sam@school.example", "sue@school.example"],
            starts_at=datetime.now(UTC) + timedelta(days=4), duration_minutes=30,
        ).id  # fmt: skip
    out = sync(store, platform)
    assert out.written_out["mentorship_notes"] == 1  # the deleted note
    assert run(platform, "SELECT count(*) FROM mentorship_notes WHERE id = %s", (ID["n2"],)) == [
        (0,)
    ]
    rows = run(platform, "SELECT id::text, student_id::text, duration_minutes FROM "
               "mentorship_sessions WHERE mentor_id = %s AND duration_minutes = 30 ORDER BY "
               "student_id", (ID["m1"],))  # fmt: skip
    assert sorted((r[1], r[2]) for r in rows) == sorted([(ID["s1"], 30), (ID["s2"], 30)])
    assert group in {r[0] for r in rows}  # the first student's row is the session's own
    again = sync(store, platform)
    assert (again.rows_in, again.rows_out) == (0, 0)  # nothing comes back as a new session
    with session_scope(store) as s:
        assert s.execute(select(func.count()).select_from(MentorshipSession)).scalar_one() == 2
        mia = actor_for_email(s, "mia@school.example")
        edit_session(s, mia, group, duration_minutes=45)
    sync(store, platform)
    durations = run(platform, "SELECT duration_minutes FROM mentorship_sessions WHERE "
                    "mentor_id = %s AND scheduled_time > now() + interval '3 days'", (ID["m1"],))  # fmt: skip
    assert durations == [(45,), (45,)]  # a change reaches every student's row
    # a student leaves the group: their row goes; the session deleted here: all of it goes
    with session_scope(store) as s:
        mia = actor_for_email(s, "mia@school.example")
        first = (
            s.execute(
                select(SessionAttendee.student_id)
                .where(SessionAttendee.session_id == group)
                .order_by(SessionAttendee.created_at, SessionAttendee.id)
            )
            .scalars()
            .first()
        )
        edit_session(s, mia, group, students=[first])
    sync(store, platform)
    left = run(platform, "SELECT student_id::text FROM mentorship_sessions WHERE mentor_id = %s "
               "AND scheduled_time > now() + interval '3 days'", (ID["m1"],))  # fmt: skip
    assert left == [(first,)]
    with session_scope(store) as s:  # as a deletion pulled from a sync server arrives
        writes.tombstone(s, None, s.get(MentorshipSession, group))
    assert sync(store, platform).written_out["mentorship_sessions"] == 1
    assert run(platform, "SELECT count(*) FROM mentorship_sessions WHERE scheduled_time > "
               "now() + interval '3 days'") == [(0,)]  # fmt: skip
    assert sync(store, platform).rows_out == 0
