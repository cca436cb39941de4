"""Program-wide figures (core/analytics/program.py, correlations.py) on a store small enough to
work every figure out by hand; the CLI's JSON carries the same values.

NOW = 2026-06-15 12:00 UTC. Course "C" has two modules.

| student | mentor | progress (started -> last)          | done   | first      | last       |
| ------- | ------ | ----------------------------------- | ------ | ---------- | ---------- |
| s1      | m1     | m1 -40 d -> -30 d, m2 -35 d -> -20 d | 2 of 2 | 2026-05-06 | -20 d      |
| s2      | m1     | m1 -10 d -> -6 d, m2 -4 d           | 2 of 2 | 2026-06-05 | -4 d       |
| s3      | m2     | m1 -100 d -> -5 d                    | 1 of 1 | 2026-03-07 | -5 d       |

s3 has one progress row (of the course's two): 100 % by the completion rate, not a finished
course. m1 holds "python" verified; m2 "python" unverified and "sql" verified.
"""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mentor_tui.cli import main
from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.analytics.correlations import correlations, pearson, strength
from mentor_tui.core.analytics.mentors import Period
from mentor_tui.core.analytics.program import (
    by_specialization,
    course_completion_times,
    program_report,
    retention,
    satisfaction,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.learning_models import Enrollment, enrollment_id
from mentor_tui.db.models import MentorSpecialization, Module, ModuleProgress
from mentor_tui.errors import AccessDenied
from tests import factory

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def ago(days: float, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


@pytest.fixture
def program(engine):
    with session_scope(engine) as s:
        admin = factory.admin(s, email="boss@example.org")
        m1 = factory.mentor(s, "Mia One")
        m2 = factory.mentor(s, "Max Two")
        for mentor, name, verified in ((m1, "python", True), (m2, "python", False)):
            spec = MentorSpecialization(mentor_id=mentor.id, specialization=name, verified=verified)
            writes.insert(s, None, spec)
        writes.insert(
            s, None, MentorSpecialization(mentor_id=m2.id, specialization="sql", verified=True)
        )
        s1 = factory.student(s, "S One", mentor=m1)
        s2 = factory.student(s, "S Two", mentor=m1)
        s3 = factory.student(s, "S Three", mentor=m2)
        _course, (a, b) = factory.course(s, "C", modules=2)
        factory.progress(s, s1, a, completed=True, started=ago(40), at=ago(30))
        factory.progress(s, s1, b, completed=True, started=ago(35), at=ago(20))
        factory.progress(s, s2, a, completed=True, started=ago(10), at=ago(6))
        factory.progress(s, s2, b, completed=True, at=ago(4))
        factory.progress(s, s3, a, completed=True, started=ago(100), at=ago(5))
        task = factory.assignment(s, a)
        # reviews: s1 10 h, s2 30 h, s3 60 h (both attempts); feedback 10, 20, 40 characters;
        # the next attempts: s1 approved, s2 approved, s3 sent back again
        for who, mentor, when, hours, feedback, second in (
            (s1, m1, ago(35), 10, "x" * 10, "approved"),
            (s2, m1, ago(9), 30, "y" * 20, "approved"),
            (s3, m2, ago(90), 60, "z" * 40, "changes_requested"),
        ):
            for attempt, status, text in ((1, "changes_requested", feedback), (2, second, "ok")):
                submitted = when + timedelta(days=attempt - 1)
                factory.submission(
                    s,
                    who,
                    task,
                    submitted_at=submitted,
                    status=status,
                    reviewer=mentor,
                    reviewed_at=submitted + timedelta(hours=hours),
                    feedback=text,
                    attempt=attempt,
                )
        factory.meeting(
            s,
            m1,
            [(s1, "attended"), (s2, "attended")],
            starts_at=ago(3),
            status="completed",
            ratings={s1.id: 5, s2.id: 3},
        )
        factory.meeting(
            s, m2, [(s3, "no_show")], starts_at=ago(2), status="cancelled", ratings={s3.id: 1}
        )
        return admin, m1


def test_time_to_completion_retention_specializations_satisfaction(engine, program) -> None:
    with session_scope(engine) as s:
        (course,) = course_completion_times(s, Period())
        assert (course["course"], course["completions"]) == ("C", 2)  # s3 has not finished
        assert course["average_days"] == pytest.approx((20 + 6) / 2)
        assert (course["fastest_days"], course["slowest_days"]) == pytest.approx((6, 20))
        # a period keeps the completions finished in it: s1's, 20 days ago
        first, last = (NOW - timedelta(days=25)).date(), (NOW - timedelta(days=15)).date()
        (course,) = course_completion_times(s, Period(first, last))
        assert course["completions"] == 1 and course["average_days"] == pytest.approx(20)

        march, may, june = retention(s, NOW, Period())
        assert march == {
            "cohort": "2026-03",
            "students": 1,
            **{f"measured_{d}": 1 for d in (30, 60, 90)},
            **{f"retained_{d}": 1.0 for d in (30, 60, 90)},
        }
        assert (may["cohort"], may["measured_30"], may["retained_30"]) == ("2026-05", 1, 0.0)
        assert (may["measured_60"], may["retained_60"]) == (0, None)  # 40 days: not yet
        assert (june["cohort"], june["measured_30"], june["retained_30"]) == ("2026-06", 0, None)

        python, sql = by_specialization(s)
        assert python == {
            "specialization": "python",
            "mentors": 1,  # Max holds it unverified
            "students": 2,
            "average_completion_rate": 100.0,
            "graduated_students": 0,
        }
        assert (sql["mentors"], sql["students"], sql["average_completion_rate"]) == (1, 1, 100.0)

        ratings = satisfaction(s, Period())  # the cancelled session's 1 does not count
        assert [(r["rating"], r["count"]) for r in ratings] == [
            (1, 0),
            (2, 0),
            (3, 1),
            (4, 0),
            (5, 1),
        ]
        assert ratings[2]["share"] == 0.5


def test_correlations_by_hand(engine, program) -> None:
    with session_scope(engine) as s:
        frequency, turnaround, feedback = correlations(s, NOW, 48)
    # sessions a month since the first progress: s1 1 in 40/30 months, s2 1 (one month at
    # least), s3 none; completion 100, 100, 100
    assert frequency.n == 3
    assert sorted(frequency.points) == [(0.0, 100.0), (0.75, 100.0), (1.0, 100.0)]
    assert frequency.r is None and "no spread" in frequency.reading  # completion is constant
    assert turnaround.n == 3
    assert sorted(turnaround.points) == [(10.0, 100.0), (30.0, 100.0), (60.0, 100.0)]
    # feedback 10 -> approved, 20 -> approved, 40 -> sent back again
    assert sorted(feedback.points) == [(10.0, 1.0), (20.0, 1.0), (40.0, 0.0)]
    assert feedback.r == pytest.approx(statistics.correlation([10, 20, 40], [1, 1, 0]))
    assert feedback.r == pytest.approx(-0.9449, abs=1e-4)
    assert feedback.reading.startswith("r = -0.94 over 3: a strong negative relation.")
    # the median is 20: 20 and 40 approved half the time, 10 always: 50 points less
    assert "(2) averaged 50.0 points of approval rate less" in feedback.reading
    assert feedback.reading.endswith("An association, not a cause.")


def test_pearson_and_words() -> None:
    assert pearson([1, 2], [3, 4]) is None  # too few
    assert pearson([1, 2, 3], [5, 5, 5]) is None  # no spread
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert strength(0.05) == "no linear relation to speak of"
    assert strength(-0.4) == "a moderate negative relation"
    assert strength(0.7) == "a strong positive relation"


def test_program_report_is_for_admins_and_the_cli_says_the_same(
    engine, db_path, program, capsys
) -> None:
    admin, m1 = program
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied):
            program_report(s, factory.actor(m1), Config(), now=NOW)
        report = program_report(s, factory.actor(admin), Config())
    assert [t.heading for t in report.tables] == [
        "Completion by mentor",
        "Time to course completion",
        "Retention by cohort",
        "By verified specialization",
        "Satisfaction",
        "Success correlations",
    ]
    code = main(["report", "program", "--format", "json", "--db", str(db_path), "--user",
                 "boss@example.org"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    tables = {t["heading"]: t["rows"] for t in json.loads(out)["tables"]}
    assert tables["Completion by mentor"] == [
        {"name": "Max Two", "students": 1, "average_completion_rate": 100.0, "graduated_students": 0},
        {"name": "Mia One", "students": 2, "average_completion_rate": 100.0, "graduated_students": 0},
    ]  # fmt: skip
    assert tables["Time to course completion"][0]["completions"] == 2
    assert tables["Satisfaction"][4] == {"rating": 5, "count": 1, "share": 0.5}
    pairs = {row["name"]: (row["n"], row["r"]) for row in tables["Success correlations"]}
    assert pairs["Feedback length vs resubmission success"][0] == 3
    assert pairs["Feedback length vs resubmission success"][1] == pytest.approx(-0.9449, abs=1e-4)


def test_time_to_completion_starts_at_the_enrollment_when_there_is_one(engine, program) -> None:
    with session_scope(engine) as s:
        first = s.execute(
            select(ModuleProgress.user_id, Module.course_id, func.min(ModuleProgress.created_at))
            .join(Module, Module.id == ModuleProgress.module_id)
            .group_by(ModuleProgress.user_id, Module.course_id)
        ).all()
        for student, course, started in first:  # each enrolled five days before they started
            enrolled = clock.aware(started) - timedelta(days=5)
            writes.insert(s, None, Enrollment(id=enrollment_id(student, course), user_id=student,
                                              course_id=course, enrolled_at=enrolled))  # fmt: skip
    with session_scope(engine) as s:
        (course,) = course_completion_times(s, Period())
        assert course["completions"] == 2
        assert course["average_days"] == pytest.approx((25 + 11) / 2)


def test_the_reports_time_to_completion_reads_every_student_who_may_have_finished(
    engine, program
) -> None:
    """The report's pass reads only the students with at least as many completed rows as the
    smallest course has live modules (as the kept totals count them): here "C" has 2 and "D"
    3 live modules (and a deleted fourth), s1 and s2 finished "C" with exactly 2 completed
    rows, s4 finished "D" (with an unfinished row on its deleted module), s5 has 2 completed
    rows of "D" and finished nothing; the report's rows equal the plain grouping's."""
    admin, m1 = program
    with session_scope(engine) as s:
        _d, (d1, d2, d3, gone) = factory.course(s, "D", modules=4)
        writes.tombstone(s, None, gone)
        s4 = factory.student(s, "S Four", mentor=m1)
        s5 = factory.student(s, "S Five", mentor=m1)
        for n, module in enumerate((d1, d2, d3)):
            factory.progress(s, s4, module, completed=True, started=ago(30), at=ago(20 - n))
        factory.progress(s, s4, gone, started=ago(30), at=ago(25))
        factory.progress(s, s5, d1, completed=True, started=ago(9), at=ago(8))
        factory.progress(s, s5, d2, completed=True, started=ago(9), at=ago(7))
        factory.progress(s, s5, d3, started=ago(9), at=ago(6))
    with session_scope(engine) as s:
        plain = course_completion_times(s, Period())
        report = program_report(s, factory.actor(admin), Config(), now=NOW)
    rows = {t.heading: t.rows for t in report.tables}["Time to course completion"]
    assert [(r["course"], r["completions"]) for r in rows] == [("C", 2), ("D", 1)]
    assert rows == plain
    assert rows[1]["average_days"] == pytest.approx(30 - 18)
