"""The dashboard figures read before the ORM is loaded (``summary_counts.EarlyCounts`` with a
capacity: the student cards, the review queue card and the program overview or a mentor's
performance, in plain SQL from ``core/analytics/dashboard_figures.py``): the same figures as
the ORM path's parts, at several moments on a store where they differ, and painted by the
screen before its parts, for an admin and for a mentor."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store, services_for, settle
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.analytics import dashboard, dashboard_figures
from mentor_tui.core.analytics import summary_counts as counts
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorProfile, Submission, User
from mentor_tui.screens.dashboard import DashboardScreen
from tests import factory

CONFIG = Config()


def _admin(session):
    admin = session.execute(select(User).where(User.role == "admin")).scalars().first()
    return factory.actor(admin)


def _vary(path: Path) -> None:
    """A store where every figure has something to count: a mentor at a small capacity of
    their own, students graduated, unassigned, paused and deleted, work deleted."""
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            students = s.execute(
                select(User).where(User.role == "student").order_by(User.id)
            ).scalars().all()  # fmt: skip
            students[0].status = dashboard_figures.GRADUATED
            students[1].mentor_id = None
            students[2].status = "Paused"
            students[2].mentor_id = None
            students[3].deleted_at = clock.now()
            profile = s.execute(select(MentorProfile)).scalars().first()
            assert profile is not None
            profile.capacity = 1
            pending = s.execute(
                select(Submission).where(Submission.status == "pending")
            ).scalars().first()  # fmt: skip
            assert pending is not None
            pending.deleted_at = clock.now()
    finally:
        engine.dispose()


@pytest.mark.parametrize("days", [0, 2, 40])
def test_the_early_figures_are_the_orms(template, tmp_path, days: int) -> None:
    path = copy_store(template, tmp_path / "demo.db")
    _vary(path)
    now = FROZEN_NOW + timedelta(days=days)
    moment = counts.risk_moment(now, CONFIG.assignment_review_sla_hours)
    early = counts.start_early_counts(path, moment, CONFIG.max_students_per_mentor)
    assert early is not None
    found = early.figures()
    assert found is not None and found.counts is not None
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            admin = _admin(s)
            reviews = dashboard.review_queue(s, admin, CONFIG, now=now)
            overview = dashboard.overview_figures(s, admin, CONFIG, now=now)
            summary = dashboard.student_summary(s, admin, CONFIG, now=now)
    finally:
        engine.dispose()
    assert found.reviews == reviews
    assert found.overview == overview
    assert reviews.pending_reviews > 0 and reviews.oldest_pending_at is not None
    assert overview.graduated_students >= 1 and overview.unassigned_students >= 1
    assert overview.mentors_at_capacity >= 1 and overview.completion_by_mentor
    groups, ranked = found.counts.groups, found.counts.ranked
    cards = (groups.students, groups.active, ranked.at_risk, groups.average_completion)
    assert cards == (
        summary.student_count,
        summary.active_students,
        summary.at_risk_count,
        summary.average_completion,
    )


def test_the_review_queues_overdue_count_follows_the_moment(template, tmp_path) -> None:
    """The moments above differ where it matters: later, more work is over the SLA."""
    path = copy_store(template, tmp_path / "demo.db")
    overdue = []
    for days in (-30, 0, 40):
        moment = counts.risk_moment(FROZEN_NOW + timedelta(days=days), 48)
        early = counts.start_early_counts(path, moment, 20)
        assert early is not None
        found = early.figures()
        assert found is not None
        overdue.append(found.reviews.overdue_reviews)
    assert overdue[0] < overdue[1] <= overdue[2]


def test_no_figures_without_a_capacity(template, tmp_path) -> None:
    """The counts alone (the summary worker's), when the caller asked for nothing more."""
    path = copy_store(template, tmp_path / "demo.db")
    early = counts.start_early_counts(path, counts.risk_moment(FROZEN_NOW, 48))
    assert early is not None
    assert early.result() is not None
    assert early.figures() is None


CARDS = ("#card-completion", "#card-students", "#card-risk", "#card-reviews", "#performance")


async def _painted_early(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user, email: str
):
    """The ORM's summary, review card and overview for the user ``user(session)`` finds, and
    the text of each card (``CARDS``) once an app signed in as ``email`` has started with the
    parts read through the ORM never painted: so whatever the cards show came from the early
    read."""
    path = copy_store(template, tmp_path / "s.db")
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    monkeypatch.setattr(
        DashboardScreen, "_painter", lambda self, part, paint, unpainted: lambda data: None
    )
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            person = user(s)
            summary = dashboard.student_summary(s, person, CONFIG, now=FROZEN_NOW)
            reviews = dashboard.review_queue(s, person, CONFIG, now=FROZEN_NOW)
            overview = dashboard.overview_figures(s, person, CONFIG, now=FROZEN_NOW)
    finally:
        engine.dispose()
    app = MentorApp(services_for(path, email))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        shown = {card: str(screen.query_one(card).render()) for card in CARDS}
        assert screen.query_one("#attention").row_count == 0  # the table: the ORM's part
    return summary, reviews, overview, shown


def _counted(summary, shown: dict[str, str]) -> None:
    assert f"{summary.average_completion:.0f}%" in shown["#card-completion"]
    assert f"{summary.student_count}" in shown["#card-students"]
    assert f"{summary.at_risk_count}" in shown["#card-risk"]


async def test_an_admins_cards_are_painted_from_the_early_read(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the parts read through the ORM never painted, the cards and the program overview
    still show the store's figures: painted from the early read."""
    summary, reviews, overview, shown = await _painted_early(
        template, tmp_path, monkeypatch, _admin, ADMIN
    )
    assert isinstance(overview, dashboard_figures.ProgramOverview)
    _counted(summary, shown)
    assert "Pending reviews" in shown["#card-reviews"]
    assert f"{reviews.pending_reviews}" in shown["#card-reviews"]
    assert f"{reviews.overdue_reviews} over" in shown["#card-reviews"]
    assert "Graduated" in shown["#performance"]
    assert f"{overview.unassigned_students}" in shown["#performance"]


async def test_a_mentors_cards_are_painted_from_the_early_read(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mentor's cards and performance, with the parts read through the ORM never painted:
    from the early read too."""
    from app_support import MENTOR

    summary, reviews, performance, shown = await _painted_early(
        template, tmp_path, monkeypatch, lambda s: _mentor(s, MENTOR), MENTOR
    )
    assert isinstance(performance, dashboard_figures.MentorPerformance)
    _counted(summary, shown)
    assert f"{reviews.pending_reviews}" in shown["#card-reviews"]
    assert "Graduated" in shown["#performance"]
    assert f"{performance.students}" in shown["#performance"]


def _mentor(session, email: str):
    user = session.execute(select(User).where(User.email == email)).scalars().one()
    return factory.actor(user)


def _busiest_mentor(session):
    """The demo's mentor with the most live students."""
    mentors = session.execute(select(User).where(User.role == "mentor")).scalars().all()
    load = {
        m.id: len(
            session.execute(
                select(User.id).where(User.mentor_id == m.id, User.deleted_at.is_(None))
            ).all()
        )
        for m in mentors
    }
    return factory.actor(next(m for m in mentors if load[m.id] == max(load.values())))


@pytest.mark.parametrize("days", [0, 2, 40])
def test_a_mentors_early_figures_are_the_orms(template, tmp_path, days: int) -> None:
    """The mentor's cards, review queue card and performance read early are the ORM path's,
    and its counts (SQLite's, ``MINE_SQL``) the same as the summary counted in Python from
    its own reads (the path of a store on another database)."""
    from test_risk_kept_ranked import add_signals

    from mentor_tui.core.analytics import summary
    from mentor_tui.core.people.students import RiskContext

    path = copy_store(template, tmp_path / "demo.db")
    _vary(path)
    now = FROZEN_NOW + timedelta(days=days)
    engine = make_engine(path)
    try:
        with session_scope(engine) as s:
            mentor = _busiest_mentor(s)
        add_signals(path, mentor.id)
        with session_scope(engine) as s:
            sla = CONFIG.assignment_review_sla_hours
            early = counts.start_early_counts(
                path,
                counts.risk_moment(now, sla),
                CONFIG.max_students_per_mentor,
                mentor=mentor.id,
                sla_hours=sla,
            )
            assert early is not None
            found = early.figures()
            assert found is not None and found.counts is not None
            reviews = dashboard.review_queue(s, mentor, CONFIG, now=now)
            performance = dashboard.overview_figures(s, mentor, CONFIG, now=now)
            counted = dashboard.student_summary(s, mentor, CONFIG, now=now)
            ctx = RiskContext.build(s, CONFIG, now)
            db = s.connection()
            in_python = summary._summarize(s, db, mentor, ctx, summary.visible_student_ids(mentor))
    finally:
        engine.dispose()
    assert found.reviews == reviews and reviews.pending_reviews > 0
    assert found.overview == performance
    assert isinstance(performance, dashboard_figures.MentorPerformance)
    assert performance.students > 1 and performance.reviews > 0
    groups, ranked = found.counts.groups, found.counts.ranked
    cards = (groups.students, groups.active, ranked.at_risk, groups.average_completion)
    assert cards == (
        counted.student_count,
        counted.active_students,
        counted.at_risk_count,
        counted.average_completion,
    )
    assert counted == in_python
    assert counted.attention and counted.at_risk_count > 0
