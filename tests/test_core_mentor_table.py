"""The per-mentor table (core/analytics/mentors.py) on tests/school.py's program, where every
figure is worked out by hand, and against each mentor's own performance figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.analytics.mentors import Period, mentor_table
from mentor_tui.core.analytics.performance import mentor_performance
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import StudentProfile
from mentor_tui.errors import AccessDenied, UserError
from tests import factory
from tests.school import School, build_school

CONFIG = Config()


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def table(engine, school: School, who, **kw):
    with session_scope(engine) as s:
        return mentor_table(s, factory.actor(who), CONFIG, now=school.now, **kw)


def test_admin_sees_every_mentor_with_figures_worked_out_by_hand(engine, school: School) -> None:
    maria, otto = table(engine, school, school.admin)
    assert (maria.name, otto.name) == ("Maria Mentor", "Otto Other")
    # Maria: Ada 75 %, Ben 25 %, Cleo no rows; Ben (idle 20 d) and Cleo (nothing yet) at risk
    assert (maria.students, maria.active_students, maria.graduated_students) == (3, 3, 0)
    assert maria.average_completion_rate == 50.0
    assert (maria.reviews, maria.average_review_hours, maria.reviews_within_sla_share) == (
        0,
        None,
        None,
    )
    # six past sessions with Ada: four attended, two no-shows; nobody rated
    assert (maria.sessions_held, maria.attendance_rate) == (6, pytest.approx(4 / 6))
    assert (maria.average_rating, maria.ratings, maria.at_risk_students) == (None, 0, 2)
    # Otto: Dan 100 %, Eve (graduated) 100 %; Dan has a submission past the SLA: at risk
    assert (otto.students, otto.active_students, otto.graduated_students) == (2, 1, 1)
    assert otto.average_completion_rate == 100.0
    assert (otto.reviews, otto.average_review_hours, otto.reviews_within_sla_share) == (1, 20, 1)
    # five past sessions with Finn (the cancelled and the future one do not count): 2 of 4
    assert (otto.sessions_held, otto.attendance_rate, otto.at_risk_students) == (5, 0.5, 1)


def test_table_agrees_with_each_mentors_own_performance(engine, school: School) -> None:
    now = school.now
    with session_scope(engine) as s:
        for hours, task in ((10, school.tasks[1]), (48, school.tasks[2]), (49, school.tasks[3])):
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
            [(school.ada, "attended"), (school.ben, "excused")],
            starts_at=now - timedelta(hours=3),
            status="completed",
            ratings={school.ada.id: 4, school.ben.id: 5},
        )
        rows = mentor_table(s, factory.actor(school.admin), CONFIG, now=now)
        for row in rows:
            perf = mentor_performance(
                s, factory.actor(school.admin), row.mentor_id, CONFIG, now=now
            )
            assert row.students == perf.students
            assert (row.average_completion_rate or 0.0) == perf.average_completion_rate
            assert row.reviews == perf.reviews
            assert row.average_review_hours == pytest.approx(perf.average_review_hours)
            assert row.reviews_within_sla_share == perf.reviews_within_sla_share
            assert row.attendance_rate == perf.session_attendance_rate
            assert row.average_rating == perf.average_rating
            assert row.graduated_students == perf.graduated_students
    maria = rows[0]
    # 48 h exactly is inside the 48 h SLA, 49 h is not
    assert maria.reviews_within_sla_share == pytest.approx(2 / 3)
    assert maria.average_review_hours == pytest.approx((10 + 48 + 49) / 3)
    assert (maria.sessions_held, maria.average_rating, maria.ratings) == (7, 4.5, 2)


def test_a_mentor_sees_only_themself_and_a_student_nothing(engine, school: School) -> None:
    (row,) = table(engine, school, school.maria)
    assert row.name == "Maria Mentor"
    with pytest.raises(AccessDenied):
        table(engine, school, school.maria, mentor_id=school.otto.id)
    with pytest.raises(AccessDenied):
        table(engine, school, school.ada)
    (otto,) = table(engine, school, school.admin, mentor_id=school.otto.id)
    assert otto.name == "Otto Other"


def test_period_narrows_the_dated_figures(engine, school: School) -> None:
    today = school.now.date()
    with session_scope(engine) as s:
        profile = s.exec(
            select(StudentProfile).where(StudentProfile.user_id == school.eve.id)
        ).one()
        writes.update(s, None, profile, {"graduated_on": today - timedelta(days=40)})
    # the last three days: Maria's sessions of 1, 2 and 3 days ago (attended, attended, no-show
    # is 3 days ago) and none of Otto's but the one 2 days ago; no graduation
    last_days = Period(today - timedelta(days=2), today)
    maria, otto = table(engine, school, school.admin, period=last_days)
    assert (maria.sessions_held, maria.attendance_rate) == (2, 1.0)
    assert (otto.sessions_held, otto.attendance_rate) == (1, 0.0)
    assert (otto.reviews, otto.graduated_students) == (0, 0)
    assert otto.students == 2  # counts are as of now
    older = Period(today - timedelta(days=45), today - timedelta(days=7))
    maria, otto = table(engine, school, school.admin, period=older)
    assert (otto.reviews, otto.graduated_students, maria.sessions_held) == (1, 1, 1)


def test_sorting_and_bad_periods(engine, school: School) -> None:
    rows = table(engine, school, school.admin, sort="at_risk_students", descending=True)
    assert [r.name for r in rows] == ["Maria Mentor", "Otto Other"]
    rows = table(engine, school, school.admin, sort="average_review_hours", descending=True)
    assert [r.name for r in rows] == ["Otto Other", "Maria Mentor"]  # None sorts last
    with pytest.raises(UserError, match="Unknown sort key"):
        table(engine, school, school.admin, sort="salary")
    with pytest.raises(UserError, match="starts"):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_empty_store(engine) -> None:
    with session_scope(engine) as s:
        admin = factory.admin(s)
        assert mentor_table(s, factory.actor(admin), CONFIG) == []
        lone = factory.mentor(s, "Lone Mentor")
        (row,) = mentor_table(s, factory.actor(admin), CONFIG)
    assert row.mentor_id == lone.id and row.students == 0
    assert row.average_completion_rate is None and row.attendance_rate is None


def test_drill_in_students_and_review_weeks(engine, school: School) -> None:
    from mentor_tui.core.analytics.mentor_detail import mentor_detail

    now = school.now
    with session_scope(engine) as s:
        # two decisions by Otto in one week (10 h and 60 h), one the week before (30 h)
        monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=9, minute=0, second=0)
        for submitted, hours, task in (
            (monday, 10, school.tasks[1]),
            (monday + timedelta(days=1), 60, school.tasks[2]),
            (monday - timedelta(days=6), 30, school.tasks[3]),
        ):
            factory.submission(
                s,
                school.dan,
                task,
                submitted_at=submitted,
                status="approved",
                reviewer=school.otto,
                reviewed_at=submitted + timedelta(hours=hours),
                feedback="Fine",
            )
        detail = mentor_detail(s, factory.actor(school.admin), CONFIG, school.otto.id, now=now)
        with pytest.raises(AccessDenied):
            mentor_detail(s, factory.actor(school.maria), CONFIG, school.otto.id, now=now)
    assert [st.full_name for st in detail.students] == ["Dan", "Eve"]
    assert detail.row.name == "Otto Other" and detail.row.reviews == 4
    # by hand: each decision's Monday (the build's own: 8 days ago, 20 h)
    decisions = [
        (monday, 10),
        (monday + timedelta(days=1), 60),
        (monday - timedelta(days=6), 30),
        (now - timedelta(days=8), 20),
    ]
    expected: dict = {}
    for submitted, hours in decisions:
        day = (submitted + timedelta(hours=hours)).date()
        expected.setdefault(day - timedelta(days=day.weekday()), []).append(hours)
    assert [(w.week, w.reviews) for w in detail.weeks] == [
        (week, len(hours)) for week, hours in sorted(expected.items())
    ]
    for w in detail.weeks:
        hours = expected[w.week]
        assert w.average_hours == pytest.approx(sum(hours) / len(hours))
        assert w.within_sla_share == sum(h <= 48 for h in hours) / len(hours)
