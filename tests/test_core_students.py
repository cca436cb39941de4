"""The students list: figures as the seed defines them, each at-risk rule, sorting, filtering
and paging; and the student view built from the same small program (tests/school.py)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from mentor_tui.config import Config
from mentor_tui.core.analytics.student_view import student_detail
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import (
    SORT_KEYS,
    StudentRow,
    count_students,
    list_students,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import ModuleProgress
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import factory
from tests.school import School, build_school

CONFIG = Config()


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def rows(engine, school: School, who, **kw) -> list[StudentRow]:
    with session_scope(engine) as s:
        return list_students(s, factory.actor(who), config=CONFIG, now=school.now, **kw)


def by_name(found: list[StudentRow]) -> dict[str, StudentRow]:
    return {r.full_name: r for r in found}


def test_figures_follow_the_seed_definitions(engine, school: School) -> None:
    found = by_name(rows(engine, school, school.admin))
    assert list(found) == ["Ada", "Ben", "Cleo", "Dan", "Eve", "Finn"]
    assert {n: r.completion_rate for n, r in found.items()} == {
        "Ada": 75.0,
        "Ben": 25.0,
        "Cleo": 0.0,
        "Dan": 100.0,
        "Eve": 100.0,
        "Finn": 0.0,
    }
    assert {n: r.pending_submissions for n, r in found.items()} == {
        "Ada": 1,
        "Ben": 0,
        "Cleo": 0,
        "Dan": 2,
        "Eve": 0,
        "Finn": 0,
    }
    assert found["Dan"].overdue_submissions == 1
    now = school.now
    assert found["Ada"].last_activity_at == now - timedelta(hours=10)  # the submission
    assert found["Ben"].last_activity_at == now - timedelta(days=20)  # progress
    assert found["Cleo"].last_activity_at is None
    assert found["Dan"].last_activity_at == now - timedelta(hours=1)
    assert found["Ada"].last_activity_at.tzinfo is not None
    assert found["Ada"].mentor_name == "Maria Mentor"
    assert found["Finn"].mentor_id is None and found["Finn"].mentor_name is None
    assert (found["Ada"].modules_total, found["Ada"].modules_completed) == (4, 3)


def test_each_at_risk_rule_gives_its_own_sentence(engine, school: School) -> None:
    found = by_name(rows(engine, school, school.admin))
    assert found["Ada"].at_risk_reasons == ()  # one no-show in her last five only
    assert found["Ada"].at_risk is False
    assert found["Ben"].at_risk_reasons == (
        "no activity for 20 days",
        "completion 25% is 25 points below the cohort average of 50%",
    )
    assert found["Cleo"].at_risk_reasons == (
        "no activity recorded yet",
        "completion 0% is 50 points below the cohort average of 50%",
    )
    assert found["Dan"].at_risk_reasons == ("1 submission waiting for review longer than 48 h",)
    assert found["Eve"].at_risk_reasons == ()  # graduated: not studying, not at risk
    assert found["Finn"].at_risk_reasons == (
        "completion 0% is 50 points below the cohort average of 50%",
        "missed 2 of the last 5 sessions",
    )
    assert [n for n, r in found.items() if r.at_risk] == ["Ben", "Cleo", "Dan", "Finn"]


def test_cohort_average_is_program_wide_whoever_asks(engine, school: School) -> None:
    with session_scope(engine) as s:
        assert progress.cohort_average(s) == 50.0
    maria_view = by_name(rows(engine, school, school.maria))
    assert list(maria_view) == ["Ada", "Ben", "Cleo"]
    # Ben is judged against all four Active students with progress, not Maria's three.
    assert maria_view["Ben"].at_risk_reasons[1].endswith("cohort average of 50%")


def test_the_sla_comes_from_the_config(engine, school: School) -> None:
    with session_scope(engine) as s:
        relaxed = list_students(
            s,
            factory.actor(school.admin),
            config=Config(assignment_review_sla_hours=72),
            now=school.now,
        )
    dan = by_name(relaxed)["Dan"]
    assert dan.overdue_submissions == 0 and dan.at_risk is False


def test_sorting_by_every_key(engine, school: School) -> None:
    def order(sort: str, descending: bool = False) -> list[str]:
        return [
            r.full_name
            for r in rows(engine, school, school.admin, sort=sort, descending=descending)
        ]

    assert order("name") == ["Ada", "Ben", "Cleo", "Dan", "Eve", "Finn"]
    assert order("name", True) == ["Finn", "Eve", "Dan", "Cleo", "Ben", "Ada"]
    assert order("status") == ["Ada", "Ben", "Cleo", "Dan", "Finn", "Eve"]
    # ties keep name order whichever way the key runs
    assert order("completion") == ["Cleo", "Finn", "Ben", "Ada", "Dan", "Eve"]
    assert order("completion", True) == ["Dan", "Eve", "Ada", "Ben", "Cleo", "Finn"]
    assert order("pending", True) == ["Dan", "Ada", "Ben", "Cleo", "Eve", "Finn"]
    assert order("last_activity") == ["Cleo", "Eve", "Ben", "Finn", "Ada", "Dan"]
    assert order("at_risk", True) == ["Ben", "Cleo", "Finn", "Dan", "Ada", "Eve"]
    assert set(SORT_KEYS) == {"name", "status", "completion", "pending", "last_activity", "at_risk"}


@pytest.mark.parametrize("sort", ["name", "status", "completion", "pending", "at_risk"])
def test_pages_neither_overlap_nor_skip(engine, school: School, sort: str) -> None:
    whole = [r.id for r in rows(engine, school, school.admin, sort=sort)]
    paged = []
    for offset in range(0, 7, 2):
        paged += [
            r.id for r in rows(engine, school, school.admin, sort=sort, offset=offset, limit=2)
        ]
    assert paged == whole and len(whole) == 6
    assert rows(engine, school, school.admin, sort=sort, offset=6) == []


@pytest.mark.parametrize("sort", ["name", "status", "completion", "pending", "at_risk"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_page_read_from_the_end_is_the_same_page(
    engine, school: School, sort: str, descending: bool
) -> None:
    whole = [r.id for r in rows(engine, school, school.admin, sort=sort, descending=descending)]
    for offset, limit in ((0, 2), (1, 2), (4, 2), (0, 6), (5, 1)):
        backwards = rows(
            engine, school, school.admin, sort=sort, descending=descending,
            offset=offset, limit=limit, from_end=True,
        )  # fmt: skip
        start = len(whole) - offset - limit
        assert [r.id for r in backwards] == whole[start : start + limit], (offset, limit)


def test_filter_matches_name_or_email_case_insensitively(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        factory.student(s, "Zoë 100%_done", email="zoe@example.org")

        def names(text: str) -> list[str]:
            return [r.full_name for r in list_students(s, admin, text_filter=text, config=CONFIG)]

        assert names("ADA") == ["Ada"]
        assert names("  dan@ ") == ["Dan"]
        assert names("example.org") == ["Ada", "Ben", "Cleo", "Dan", "Eve", "Finn", "Zoë 100%_done"]
        assert names("%") == ["Zoë 100%_done"]  # a wildcard is taken literally
        assert names("0%_") == ["Zoë 100%_done"]
        assert names("a_a") == []
        assert names("nobody") == []
        assert count_students(s, admin, text_filter="ADA") == 1
        assert count_students(s, admin, text_filter="%") == 1
        assert count_students(s, admin) == 7
        assert count_students(s, factory.actor(school.maria)) == 3
        assert count_students(s, factory.actor(school.maria), text_filter="dan") == 0
        assert count_students(s, factory.actor(school.ada)) == 1


def test_bad_sort_and_paging_are_one_sentence(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        with pytest.raises(UserError, match=r"^Unknown sort key 'age'; use one of name, status"):
            list_students(s, admin, sort="age", config=CONFIG)
        with pytest.raises(UserError, match="zero or more"):
            list_students(s, admin, offset=-1, config=CONFIG)


def test_tombstoned_rows_do_not_count(engine, school: School) -> None:
    with session_scope(engine) as s:
        from mentor_tui.core import writes

        row = s.get(ModuleProgress, _progress_id(s, school.ada.id, school.modules[3].id))
        writes.tombstone(s, None, row)
    ada = by_name(rows(engine, school, school.admin))["Ada"]
    assert ada.completion_rate == 100.0 and ada.modules_total == 3


def _progress_id(s, user_id: str, module_id: str) -> str:
    from sqlalchemy import select

    return s.execute(
        select(ModuleProgress.id).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    ).scalar_one()


def test_cached_cohort_average_follows_every_commit(engine, school: School, db_path) -> None:
    with session_scope(engine) as s:
        assert progress.cohort_average_cached(s) == 50.0
        assert progress.cohort_average_cached(s) == 50.0
    with session_scope(engine) as s:  # this store's own write: Finn finishes a module
        s.execute(
            update(ModuleProgress)
            .where(
                ModuleProgress.user_id == school.finn.id,
                ModuleProgress.module_id == school.modules[0].id,
            )
            .values(is_completed=True)
        )
        # uncommitted: computed afresh, not kept
        assert progress.cohort_average_cached(s) == (75 + 25 + 100 + 25) / 4
    with session_scope(engine) as s:
        assert progress.cohort_average_cached(s) == (75 + 25 + 100 + 25) / 4
    other = sqlite3.connect(db_path)  # another process's write
    with other:
        other.execute("UPDATE users SET status = 'Inactive' WHERE email = 'finn@example.org'")
    other.close()
    with session_scope(engine) as s:
        assert progress.cohort_average_cached(s) == (75 + 25 + 100) / 3


def test_a_rolled_back_write_leaves_no_stale_cohort(engine, school: School) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        s.execute(update(ModuleProgress).values(is_completed=True))
        assert progress.cohort_average_cached(s) == 100.0
        raise RuntimeError("roll back")
    with session_scope(engine) as s:
        assert progress.cohort_average_cached(s) == 50.0


# ---------------------------------------------------------------------------------------------
# The student view


def test_student_view_figures_courses_and_history(engine, school: School) -> None:
    with session_scope(engine) as s:
        detail = student_detail(
            s, factory.actor(school.maria), "ada@example.org", CONFIG, now=school.now
        )
    assert detail.row.full_name == "Ada" and detail.row.completion_rate == 75.0
    assert detail.mentor_name == "Maria Mentor"
    assert detail.goals == "Ship a web app" and detail.learning_style == "mixed"
    assert detail.time_spent_minutes == 3 * 30 + 15
    assert detail.quiz_average == 85.0  # 80, 85, 90
    # modules touched in 14 days: all four (9, 6, 3, 2 days ago); one submission 10 h ago
    assert detail.engagement_14d == 5
    (course,) = detail.courses
    assert (course.title, course.modules_total, course.modules_completed, course.percent) == (
        "Python",
        4,
        3,
        75.0,
    )
    assert [(m.title, m.percent, m.is_completed) for m in course.modules] == [
        ("Python 1", 100.0, True),
        ("Python 2", 100.0, True),
        ("Python 3", 100.0, True),
        ("Python 4", 40.0, False),
    ]
    assert [(i.kind, i.text) for i in detail.history[:4]] == [
        ("submitted", "Submitted Task 1"),
        ("module_started", "Started Python 4 (Python)"),
        ("module_completed", "Completed Python 3 (Python)"),
        ("module_started", "Started Python 3 (Python)"),
    ]
    assert len(detail.history) == 4 + 3 + 1  # started 4, completed 3, submitted 1
    assert [i.at for i in detail.history] == sorted((i.at for i in detail.history), reverse=True)
    assert len(detail.sessions) == 6
    assert detail.sessions[0].starts_at > detail.sessions[-1].starts_at
    assert detail.sessions[0].attendance == "attended"


def test_milestones_and_progress_series(engine, school: School) -> None:
    with session_scope(engine) as s:
        ada = student_detail(s, factory.actor(school.admin), school.ada.id, CONFIG, now=school.now)
        dan = student_detail(
            s, factory.actor(school.admin), "dan@example.org", CONFIG, now=school.now
        )
    now = school.now
    assert [(m.at, m.text) for m in ada.milestones] == [
        (now - timedelta(days=9), "Completed module Python 1"),
        (now - timedelta(days=9), "Reached 25% completion"),
        (now - timedelta(days=6), "Completed module Python 2"),
        (now - timedelta(days=6), "Reached 50% completion"),
        (now - timedelta(days=3), "Completed module Python 3"),
        (now - timedelta(days=3), "Reached 75% completion"),
    ]
    assert ada.progress_series == [
        ((now - timedelta(days=9)).date(), 25.0),
        ((now - timedelta(days=6)).date(), 50.0),
        ((now - timedelta(days=3)).date(), 75.0),
    ]
    texts = [m.text for m in dan.milestones]
    assert texts == [
        "First submission approved: Task 3",
        "Completed module Python 1",
        "Reached 25% completion",
        "Reached 50% completion",
        "Completed module Python 2",
        "Reached 75% completion",
        "Reached 100% completion",
    ]
    assert all(isinstance(day, date) for day, _ in dan.progress_series)


def test_course_completed_milestone(engine, school: School) -> None:
    with session_scope(engine) as s:
        eve = student_detail(
            s, factory.actor(school.otto), "eve@example.org", CONFIG, now=school.now
        )
    assert eve.milestones[-1].text == "Completed the course Python"
    assert eve.row.at_risk is False and eve.row.status == "Passed out / Completed"


def test_student_view_refuses_other_mentors_students(engine, school: School) -> None:
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied, match=r"dan@example.org is not one of your students"):
            student_detail(s, factory.actor(school.maria), "dan@example.org", CONFIG)
        with pytest.raises(NotFound):
            student_detail(s, factory.actor(school.maria), "nobody@example.org", CONFIG)
        with pytest.raises(UserError, match="is not a student"):
            student_detail(s, factory.actor(school.admin), "otto@example.org", CONFIG)
