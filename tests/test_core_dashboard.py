"""Dashboard numbers for an admin, a mentor and a student, worked out by hand from
tests/school.py, and a mentor's performance figures."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from mentor_tui.config import Config
from mentor_tui.core.access import visible_student_ids
from mentor_tui.core.analytics import dashboard as dashboard_module
from mentor_tui.core.analytics.dashboard import dashboard, student_summary
from mentor_tui.core.analytics.performance import mentor_performance
from mentor_tui.core.analytics.summary import ATTENTION_ROWS
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import list_students
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User
from tests import factory
from tests.school import School, build_school

CONFIG = Config()


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def board(engine, school: School, who):
    with session_scope(engine) as s:
        return dashboard(s, factory.actor(who), CONFIG, now=school.now)


def test_admin_dashboard(engine, school: School) -> None:
    data = board(engine, school, school.admin)
    now = school.now
    assert data.role == "admin"
    assert (data.student_count, data.active_students, data.at_risk_count) == (6, 5, 4)
    assert data.average_completion == 60.0  # (75 + 25 + 100 + 100 + 0) / 5; Cleo has no rows
    assert (data.pending_reviews, data.overdue_reviews) == (3, 1)
    assert data.oldest_pending_at == now - timedelta(hours=50)
    # at risk first (most reasons first), then most pending; Eve needs nothing
    assert [r.full_name for r in data.attention] == ["Ben", "Cleo", "Finn", "Dan", "Ada"]
    assert [i.text for i in data.recent_activity[:5]] == [
        "Dan submitted Task 2",
        "Ada submitted Task 1",
        "Ada started Python 4 (Python)",  # 48 h ago
        "Dan submitted Task 1",  # 50 h ago
        "Ada completed Python 3 (Python)",
    ]
    assert len(data.recent_activity) == 10
    assert data.recent_activity[0].at == now - timedelta(hours=1)
    (upcoming,) = data.upcoming_sessions
    assert upcoming.starts_at == now + timedelta(days=2)
    assert upcoming.student_names == ["Finn"] and upcoming.kind == "one_on_one"
    assert data.performance is None
    program = data.program
    assert program is not None
    assert (program.mentors, program.active_mentors, program.students) == (2, 2, 6)
    assert program.unassigned_students == 1  # Finn
    assert program.mentors_at_capacity == 1  # Maria: 3 of 3
    assert program.graduated_students == 1
    assert program.completion_by_mentor == [("Maria Mentor", 50.0, 3), ("Otto Other", 100.0, 2)]


def test_mentor_dashboard_sees_only_their_students(engine, school: School) -> None:
    data = board(engine, school, school.maria)
    assert (data.student_count, data.active_students, data.at_risk_count) == (3, 3, 2)
    assert data.average_completion == 50.0  # Ada 75, Ben 25
    assert (data.pending_reviews, data.overdue_reviews) == (1, 0)
    assert data.oldest_pending_at == school.now - timedelta(hours=10)
    assert [r.full_name for r in data.attention] == ["Ben", "Cleo", "Ada"]
    names = {i.student_name for i in data.recent_activity}
    assert names == {"Ada", "Ben"}
    assert data.upcoming_sessions == []
    assert data.program is None
    perf = data.performance
    assert perf is not None
    assert (perf.students, perf.average_completion_rate, perf.graduated_students) == (3, 50.0, 0)
    assert perf.average_review_hours is None and perf.reviews_within_sla_share is None
    assert perf.session_attendance_rate == pytest.approx(4 / 6)  # Ada: 4 attended, 2 no-shows
    assert perf.average_rating is None


def test_other_mentor_performance(engine, school: School) -> None:
    perf = board(engine, school, school.otto).performance
    assert perf is not None
    assert (perf.students, perf.average_completion_rate, perf.graduated_students) == (2, 100.0, 1)
    assert perf.average_review_hours == 20.0 and perf.reviews_within_sla_share == 1.0
    # Finn: attended 2, no-show 2, excused 1 (not counted); the cancelled one does not count
    assert perf.session_attendance_rate == 0.5


def test_review_times_sla_share_and_ratings(engine, school: School) -> None:
    now = school.now
    with session_scope(engine) as s:
        for hours, task in ((10, school.tasks[1]), (60, school.tasks[2]), (47, school.tasks[3])):
            submitted = now - timedelta(days=5)
            factory.submission(
                s,
                school.ben,
                task,
                submitted_at=submitted,
                status="changes_requested",
                reviewer=school.maria,
                reviewed_at=submitted + timedelta(hours=hours),
                feedback="More tests",
            )
        factory.meeting(
            s,
            school.maria,
            [(school.ada, "attended"), (school.ben, "attended")],
            starts_at=now - timedelta(hours=3),
            status="completed",
            ratings={school.ada.id: 4, school.ben.id: 5},
        )
        perf = mentor_performance(s, factory.actor(school.maria), school.maria.id, CONFIG, now=now)
    assert perf.reviews == 3
    assert perf.average_review_hours == pytest.approx((10 + 60 + 47) / 3)
    assert perf.reviews_within_sla_share == pytest.approx(2 / 3)
    assert perf.average_rating == 4.5
    assert perf.session_attendance_rate == pytest.approx(6 / 8)


def test_student_dashboard_is_about_themself(engine, school: School) -> None:
    data = board(engine, school, school.finn)
    assert (data.student_count, data.at_risk_count, data.pending_reviews) == (1, 1, 0)
    assert [r.full_name for r in data.attention] == ["Finn"]
    assert data.performance is None and data.program is None
    assert [u.student_names for u in data.upcoming_sessions] == [["Finn"]]
    assert {i.student_name for i in data.recent_activity} == {"Finn"}


def test_group_session_shows_a_student_only_their_own_name(engine, school: School) -> None:
    with session_scope(engine) as s:
        factory.meeting(
            s,
            school.maria,
            [school.ada, school.ben],
            starts_at=school.now + timedelta(hours=5),
            title="Group review",
        )
    mentor_view = board(engine, school, school.maria).upcoming_sessions
    assert [(u.title, u.kind, u.student_names) for u in mentor_view] == [
        ("Group review", "group", ["Ada", "Ben"])
    ]
    student_view = board(engine, school, school.ada).upcoming_sessions
    assert [u.student_names for u in student_view] == [["Ada"]]
    assert board(engine, school, school.otto).upcoming_sessions[0].title == "Check-in"


def test_empty_store_dashboard(engine) -> None:
    with session_scope(engine) as s:
        admin = factory.admin(s)
        data = dashboard(s, factory.actor(admin), CONFIG)
    assert (data.student_count, data.at_risk_count, data.average_completion) == (0, 0, 0.0)
    assert data.attention == [] and data.recent_activity == [] and data.oldest_pending_at is None
    assert data.program is not None and data.program.completion_by_mentor == []


@pytest.mark.parametrize("who", ["admin", "maria", "otto", "finn"])
@pytest.mark.parametrize("limit", [1, 3, 10, 50])
def test_reading_by_time_matches_reading_student_by_student(
    engine, school: School, who: str, limit: int
) -> None:
    actor = factory.actor(getattr(school, who))
    with session_scope(engine) as s:
        by_student = progress.activity(
            s, actor, visible_student_ids(actor), limit=limit, with_names=True
        )
        by_time = progress.recent_activity(s, actor, limit=limit)
        visible = {r.id for r in list_students(s, actor, config=CONFIG)}
    assert [(i.at, i.kind) for i in by_time] == [(i.at, i.kind) for i in by_student]
    assert {i.student_id for i in by_time} <= visible
    assert len(by_time) == min(limit, len(progress_events(engine, actor)))


def progress_events(engine, actor) -> list:
    with session_scope(engine) as s:
        return progress.activity(s, actor, visible_student_ids(actor))


def test_a_large_program_reads_recent_activity_by_time(
    engine, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = board(engine, school, school.admin).recent_activity
    monkeypatch.setattr(dashboard_module, "FEW_STUDENTS", 0)
    many = board(engine, school, school.admin).recent_activity
    assert [(i.at, i.kind) for i in many] == [(i.at, i.kind) for i in few]
    assert "reviewed" not in {i.kind for i in many}


def test_the_dashboard_is_kept_until_the_store_changes(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        first = dashboard(s, admin, CONFIG, now=school.now)
        assert dashboard(s, admin, CONFIG, now=school.now) is first
    with session_scope(engine) as s:
        factory.student(s, "Gus", email="gus@example.org")
    with session_scope(engine) as s:
        again = dashboard(s, admin, CONFIG, now=school.now)
        assert again is not first and again.student_count == first.student_count + 1
        assert dashboard(s, admin, Config(assignment_review_sla_hours=72), now=school.now) != again


@pytest.mark.parametrize("days", [0, 10, 40])
def test_student_summary_matches_the_students_list_on_a_demo_store(
    template, tmp_path, days: int
) -> None:
    """The dashboard's summary (read part by part, counted in Python) against the students
    list's rows (one straightforward join per student) on a generated 60-student program, for
    the admin, every mentor and a student, at moments that move students in and out of risk."""
    from app_support import FROZEN_NOW, copy_store

    engine = make_engine(copy_store(template, tmp_path / "demo.db"))
    moment = FROZEN_NOW + timedelta(days=days)
    try:
        with session_scope(engine) as s:
            users = s.execute(select(User).where(User.role != "student")).scalars().all()
            student = s.execute(select(User).where(User.role == "student")).scalars().first()
            actors = [factory.actor(u) for u in [*users, student]]
            assert {a.role for a in actors} == {"admin", "mentor", "student"}
            for actor in actors:
                summary = student_summary(s, actor, CONFIG, now=moment)
                rows = list_students(s, actor, config=CONFIG, now=moment, limit=10_000)
                rated = [r.completion_rate for r in rows if r.modules_total]
                active = sum(r.status == "Active" for r in rows)
                at_risk = sum(r.at_risk for r in rows)
                assert (summary.student_count, summary.active_students, summary.at_risk_count) == (
                    len(rows),
                    active,
                    at_risk,
                ), actor.email
                average = statistics.fmean(rated) if rated else 0.0
                assert summary.average_completion == pytest.approx(average, abs=1e-9)
                needing = [r for r in rows if r.at_risk or r.pending_submissions]
                needing.sort(
                    key=lambda r: (
                        -len(r.at_risk_reasons),
                        -r.pending_submissions,
                        r.full_name,
                        r.id,
                    )
                )
                assert summary.attention == needing[:ATTENTION_ROWS], actor.email
                assert summary.attention_total == len(needing), actor.email
                if actor.is_admin:  # the comparison is not vacuous
                    assert 0 < at_risk and len(summary.attention) == 8
                    assert at_risk < active or days > 0
    finally:
        engine.dispose()


def test_the_newest_activity_is_read_through_indexes_not_sorted(engine, school: School) -> None:
    """On a large program the dashboard's recent activity takes each source's newest rows by
    time (module starts, completions, submissions): migration 8 indexes each of those times
    (one of them an expression, which SQLite matches only when the query says exactly the
    same), so none of these reads sorts a whole table."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    admin = factory.actor(school.admin)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope(engine) as s:
            steps = dashboard_module.STUDENT_STEPS
            progress.recent_activity(s, admin, limit=10, kinds=steps)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    by_time = [st for st in statements if "ORDER BY" in st and "LIMIT" in st and "IN (" not in st]
    assert len(by_time) == len(steps)
    with engine.connect() as conn:
        for statement in by_time:
            sql = statement.replace("?", "NULL")  # LIMIT ? takes NULL as no limit: same plan
            plan = " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert "TEMP B-TREE" not in plan and "USING INDEX" in plan, (statement, plan)
