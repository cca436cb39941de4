"""The students list in the at-risk order (issue 21): read by keyset, page after page forwards
and backwards, it is the list sorted here from what every row shows (how many at-risk
reasons, ties by name then id), at any moment and cohort average, after any mix of writes to
submissions, statuses, attendance and sessions; the scores the store keeps (as of their
basis) equal a full recount as of that basis, but for the students marked stale since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, REFERENCE, copy_store, services_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mentor_tui.core import writes
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.student_figures import RiskContext
from mentor_tui.core.people.student_pages import read_page
from mentor_tui.core.people.students import list_students
from mentor_tui.db.derived_tables import RISK_BASIS, RISK_STALE
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipSession, SessionAttendee, Submission, User


@dataclass(frozen=True)
class Basis:
    """The moments and threshold the kept scores were counted as of (``RiskTerms``)."""

    now: datetime
    idle_before: datetime
    overdue_before: datetime
    behind_threshold: float | None


write = st.one_of(
    st.tuples(st.just("review"), st.integers(0, 500), st.sampled_from(["approved", "pending"])),
    st.tuples(st.just("take_back"), st.integers(0, 500)),
    st.tuples(st.just("status"), st.integers(0, 500), st.sampled_from(["Active", "Inactive"])),
    st.tuples(st.just("attend"), st.integers(0, 500), st.sampled_from(["no_show", "attended"])),
    st.tuples(st.just("move_session"), st.integers(0, 500), st.integers(-20, 20)),
    st.tuples(st.just("rename"), st.integers(0, 500), st.sampled_from(["Aa", "Mm", "Zz"])),
)
reading = st.tuples(
    st.integers(-40, 40).map(lambda hours: REFERENCE + timedelta(hours=12 * hours)),
    st.one_of(st.none(), st.floats(20, 80)),  # the cohort average (None: the store's own)
    st.sampled_from([0, 2, 500]),  # how many students a read counts afresh before writing
    st.booleans(),  # descending
)


def _pick(session, model, n: int):
    rows = session.execute(select(model).order_by(model.id)).scalars().all()
    return rows[n % len(rows)]


def _apply(session, op: tuple) -> None:
    kind, n = op[0], op[1]
    if kind == "review":
        writes.update(session, None, _pick(session, Submission, n), {"status": op[2]})
    elif kind == "take_back":
        writes.tombstone(session, None, _pick(session, Submission, n))
    elif kind == "status":
        student = (
            session.execute(select(User).where(User.role == "student").order_by(User.id))
            .scalars()
            .all()[n % 60]
        )
        writes.update(session, None, student, {"status": op[2]})
    elif kind == "attend":
        writes.update(session, None, _pick(session, SessionAttendee, n), {"attendance": op[2]})
    elif kind == "move_session":
        row = _pick(session, MentorshipSession, n)
        writes.update(session, None, row, {"starts_at": row.starts_at + timedelta(days=op[2])})
    else:
        student = (
            session.execute(select(User).where(User.role == "student").order_by(User.id))
            .scalars()
            .all()[n % 60]
        )
        writes.update(session, None, student, {"full_name": f"{op[2]} {student.email[:3]}"})


def _walk(session, actor, backwards: bool, **options) -> list[str]:
    found: list[str] = []
    anchor = None
    while True:
        page = read_page(session, actor, limit=6, after=anchor, backwards=backwards, **options)
        if not page:
            return found
        ids = [row.id for row, _ in page]
        found = ids + found if backwards else found + ids
        anchor = page[0][1] if backwards else page[-1][1]


def test_at_risk_pages_equal_the_full_sort(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    actor = services.actor
    assert actor is not None

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=st.lists(write, max_size=4), reads=st.lists(reading, min_size=1, max_size=3))
    def check(ops: list[tuple], reads: list[tuple]) -> None:
        with session_scope(services.engine) as session:
            for op in ops:
                _apply(session, op)
        for now, average, recount_at, descending in reads:
            monkeypatch.setattr(risk_keys, "RECOUNT_AT", recount_at)
            options = {
                "sort": "at_risk",
                "descending": descending,
                "now": now,
                "cohort_average": average,
                "include_graduated": False,
            }
            with session_scope(services.engine) as session:
                rows = list_students(session, actor, limit=10_000, **{**options, "sort": "name"})
                sign = -1 if descending else 1
                rows.sort(key=lambda r: (sign * len(r.at_risk_reasons), r.full_name, r.id))
                whole = [row.id for row in rows]
                assert _walk(session, actor, False, **options) == whole
                assert _walk(session, actor, True, **options) == whole
            with session_scope(services.engine) as session:  # the kept scores, as of their basis
                b = session.execute(select(RISK_BASIS)).one()
                basis = Basis(b.now, b.idle_before, b.overdue_before, b.behind)
                stale = set(session.execute(select(RISK_STALE.c.user_id)).scalars())
                kept = risk_keys.kept(session)
                recounted = risk_keys.recount(session, basis)
                assert kept.keys() - stale == recounted.keys() - stale
                assert {k: v for k, v in kept.items() if k not in stale} == {
                    k: v for k, v in recounted.items() if k not in stale
                }

    check()


def test_a_student_whose_missed_sessions_start_between_reads_moves(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two missed sessions of a student that start after the kept scores' moment and before a
    read's: the read counts that student afresh (one more rule holds) and the pages follow."""
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    actor = services.actor
    assert actor is not None
    options = {"sort": "at_risk", "descending": True, "include_graduated": False}
    with session_scope(services.engine) as session:
        read_page(session, actor, limit=1, now=REFERENCE, **options)  # the kept scores' moment
        student = (
            session.execute(
                select(User)
                .where(User.role == "student", User.status == "Active")
                .order_by(User.id)
            )
            .scalars()
            .first()
        )
        assert student is not None and student.mentor_id is not None
        for hours in (1, 2):
            meeting = MentorshipSession(
                mentor_id=student.mentor_id, starts_at=REFERENCE + timedelta(hours=hours)
            )
            writes.insert(session, None, meeting)
            attendee = SessionAttendee(session_id=meeting.id, student_id=student.id)
            attendee.attendance = "no_show"
            writes.insert(session, None, attendee)
    later = REFERENCE + timedelta(hours=3)
    monkeypatch.setattr(risk_keys, "RECOUNT_AT", 0)  # the written students counted and kept
    with session_scope(services.engine) as session:
        read_page(session, actor, limit=1, now=REFERENCE, **options)
        assert not session.execute(select(RISK_STALE)).all()
    monkeypatch.setattr(risk_keys, "RECOUNT_AT", 500)
    with session_scope(services.engine) as session:
        rows = list_students(session, actor, limit=10_000, now=later, **{**options, "sort": "name"})
        rows.sort(key=lambda r: (-len(r.at_risk_reasons), r.full_name, r.id))
        assert any(
            "missed" in reason
            for reason in next(r for r in rows if r.id == student.id).at_risk_reasons
        )
        assert student.id in risk_keys.prepare(session, RiskContext.build(session, None, later))
        assert _walk(session, actor, False, now=later, **options) == [row.id for row in rows]
