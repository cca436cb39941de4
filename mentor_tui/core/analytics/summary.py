"""The dashboard's students cards (how many, active, at risk, average completion) and the few
students needing attention: every visible student's figures, the dashboard's costliest part."""

from __future__ import annotations

import heapq
import math
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, select
from sqlmodel import Session

from mentor_tui.core.access import Actor, student_scope, visible_student_ids
from mentor_tui.core.analytics import summary_counts as counts
from mentor_tui.core.memo import memo
from mentor_tui.core.people import progress
from mentor_tui.core.people.student_figures import BEHIND_POINTS
from mentor_tui.core.people.students import (
    NO_SHOW_LIMIT,
    RiskContext,
    StudentFigures,
    StudentRow,
    people_query,
)
from mentor_tui.db.derived_tables import PROGRESS_TOTALS
from mentor_tui.db.models import SessionAttendee, Submission, User

ATTENTION_ROWS = counts.ATTENTION_ROWS
READ_CACHE_KIB = counts.READ_CACHE_KIB
"""SQLite's page cache for the summary's reads (8 MiB; 2 MiB by default): its lookups of
50,000 students' totals in name order reach a few MiB of pages in no order, and with the
default cache each page was read from the file again and again (on the demo store, 60 to 140
ms of system CPU of the admin's summary, to 10-30 ms; a larger cache saves no more)."""


@dataclass(frozen=True)
class StudentSummary:
    student_count: int
    active_students: int
    at_risk_count: int
    average_completion: float
    attention: list[StudentRow]
    attention_total: int = 0  # how many need attention: the screen says "8 of 9"


def summarize_students(
    session: Session, actor: Actor, ctx: RiskContext, early: counts.Counts | None = None
) -> StudentSummary:
    """Counts over every visible student and the few needing attention.

    For an admin, whose students are the whole program, a ``ctx`` without a cohort average
    (``RiskContext.cohort_average`` None) gets the program's from the rows read here: the
    same figure as ``progress.cohort_average`` without its second pass over every progress row
    (kept for the students list, as ``progress.cohort_average_cached`` keeps it).

    The at-risk rules (``StudentFigures.risk``) need, per student, their completion rate, whether
    anything happened since ``ctx.idle_before``, their overdue submissions and recent no-shows.
    Joining every student to a full aggregate of each table costs seconds on a program of
    50,000; here the progress figures are each student's totals kept by the store's triggers
    (``progress_totals``), and the rest is read once through a covering index, only as far as it
    has to go (the pending submissions, the submissions since the idle limit, the students with
    no-shows), and the rules are counted in Python. Only the students shown get their full
    row.

    An admin's or a mentor's, on a local store, is counted by SQLite itself instead
    (``summary_counts``: a dozen rows back, not 50,000, and the GIL free meanwhile); ``early``
    is that count read already on a connection of its own (``summary_counts.EarlyCounts``),
    used when it was counted against the same moment, students and cohort average."""
    ids = visible_student_ids(actor)
    db = session.connection()  # plain rows: tens of thousands of them, no ORM entities
    with _page_cache(db, READ_CACHE_KIB):
        if (actor.is_admin or actor.is_mentor) and db.dialect.name == "sqlite":
            return _summarize_counted(session, db, actor, ctx, early)
        return _summarize(session, db, actor, ctx, ids)


def _summarize_counted(
    session: Session,
    db: Connection,
    actor: Actor,
    ctx: RiskContext,
    early: counts.Counts | None,
) -> StudentSummary:
    """An admin's or a mentor's summary: their live students counted by SQLite
    (``summary_counts``), or the counts ``early`` read already at the same moment; then the
    rows of those shown."""
    dbapi = db.connection.driver_connection
    assert isinstance(dbapi, sqlite3.Connection)
    mentor = None if actor.is_admin else actor.id
    moment = counts.risk_moment(ctx.now, ctx.sla_hours)
    if early is None or early.moment != moment or early.mentor != mentor:
        groups = counts.read_groups(dbapi, mentor)
        ranked, counted = None, None
    else:
        groups, ranked, counted = early.groups, early.ranked, early.cohort
    if not groups.students:
        return StudentSummary(0, 0, 0, 0.0, [])
    cohort = ctx.cohort_average
    if cohort is None and mentor is None:  # the program's, kept as cohort_average_cached does
        cohort = memo(session, progress.COHORT_AVERAGE_KEY, lambda: groups.cohort_average)
    if ranked is None or cohort != counted:
        behind = None if cohort is None else cohort - BEHIND_POINTS
        ranked = counts.read_ranked(dbapi, moment, behind, mentor)
    ctx = replace(ctx, cohort_average=cohort)
    return StudentSummary(
        groups.students,
        groups.active,
        ranked.at_risk,
        groups.average_completion,
        _attention(session, actor, ctx, ranked.chosen),
        ranked.total,
    )


def _summarize(
    session: Session, db: Connection, actor: Actor, ctx: RiskContext, ids: Any
) -> StudentSummary:
    """``summarize_students``'s reads on ``db`` (the session's connection) and its counting."""
    sub = Submission
    # An admin sees every student: the rows of anyone else are left out below, in Python, which
    # keeps each read a plain pass over its index (for attendance, over the no-shows alone).
    theirs: tuple[ColumnElement[bool], ...] = () if actor.is_admin else (sub.student_id.in_(ids),)
    idle_before = ctx.idle_before
    # each student's totals, kept by the store's triggers (core/people/progress_totals.py):
    # one row per student instead of grouping every progress row
    t = PROGRESS_TOTALS.c
    people = _plain_rows(
        db,
        select(
            User.id,
            User.full_name,
            User.status == "Active",
            # progress.rate's arithmetic, NULL for a student without progress rows
            t.completed * 100.0 / t.modules,
            t.last_activity_at >= idle_before,
        )
        .select_from(User)
        .outerjoin(PROGRESS_TOTALS, t.user_id == User.id)
        .where(student_scope(actor)),
    )
    if not people:
        return StudentSummary(0, 0, 0, 0.0, [])
    if actor.is_admin and ctx.cohort_average is None:
        ctx = replace(ctx, cohort_average=_cohort_average(session, people))
    # Counted here rather than grouped in SQL: a GROUP BY would have SQLite walk the student
    # index over every submission instead of the queue's index over the pending ones alone.
    pending: dict[str, tuple[int, int]] = {}
    for sid, late in _plain_rows(
        db,
        select(sub.student_id, sub.submitted_at < ctx.overdue_before).where(
            sub.status == "pending", progress.live(sub), *theirs
        ),
    ):
        waiting, overdue = pending.get(sid, (0, 0))
        pending[sid] = (waiting + 1, overdue + bool(late))
    # not DISTINCT: SQLite would then walk the student index, not the time
    lately = select(sub.student_id).where(
        sub.submitted_at >= idle_before, progress.live(sub), *theirs
    )
    submitted_lately = {sid for (sid,) in _plain_rows(db, lately)}
    att = SessionAttendee
    no_show = select(att.student_id).where(att.attendance == "no_show", progress.live(att))
    attendance = progress.recent_attendance(no_show if actor.is_admin else ids, ctx.now)
    no_shows = {
        sid: int(count or 0)
        for sid, count in db.execute(select(attendance.c.sid, attendance.c.no_shows)).all()
    }

    threshold = ctx.behind_threshold
    behind = -math.inf if threshold is None else threshold
    overdue_ids = {sid for sid, (_, late) in pending.items() if late}
    absent = {sid for sid, count in no_shows.items() if count >= NO_SHOW_LIMIT}
    active = at_risk = 0
    ranked: list[tuple[int, int, str, str]] = []
    for sid, name, is_active, rate, recent in people:  # tens of thousands: kept lean
        risk = 0
        if is_active:
            active += 1
            risk = (
                (not recent and sid not in submitted_lately)
                + ((rate or 0.0) <= behind)
                + (sid in overdue_ids)
                + (sid in absent)
            )
            if risk:
                at_risk += 1
        queued = pending.get(sid)
        if risk or queued:
            ranked.append((-risk, -(queued[0] if queued else 0), name, sid))
    chosen = [sid for *_, sid in heapq.nsmallest(ATTENTION_ROWS, ranked)]
    attention = _attention(session, actor, ctx, chosen)
    rates = [rate for _, _, _, rate, _ in people if rate is not None]
    average = math.fsum(rates) / len(rates) if rates else 0.0
    return StudentSummary(len(people), active, at_risk, average, attention, len(ranked))


def _attention(
    session: Session, actor: Actor, ctx: RiskContext, chosen: list[str]
) -> list[StudentRow]:
    """The full rows of the students ``chosen`` for the attention table, in that order."""
    if not chosen:
        return []
    shown = people_query(actor).where(User.id.in_(chosen)).subquery("people")
    figures = StudentFigures(shown, ctx)
    rows = {row.id: row for row in figures.fetch(session, figures.rows_query())}
    return [rows[sid] for sid in chosen if sid in rows]


@contextmanager
def _page_cache(db: Connection, kib: int) -> Iterator[None]:
    """SQLite's page cache of ``db``'s connection at ``kib`` KiB at least while in the block,
    set back afterwards (the pool's connections keep their default size); other databases as
    they are."""
    if db.dialect.name != "sqlite":
        yield
        return
    kept = int(db.exec_driver_sql("PRAGMA cache_size").scalar_one())
    size = kept if kept < 0 else -kept * _page_kib(db)  # in KiB, negative, as SQLite says it
    if size <= -kib:
        yield
        return
    db.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        db.exec_driver_sql(f"PRAGMA cache_size={kept}")


def _page_kib(db: Connection) -> int:
    return int(db.exec_driver_sql("PRAGMA page_size").scalar_one()) // 1024


def _plain_rows(db: Connection, query: Executable) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as the driver's plain tuples, all at once, for reads of tens of
    thousands of rows whose columns need no conversion (text, numbers, SQLite's 0/1 for a
    comparison): SQLAlchemy's own rows cost a third more CPU than the query itself (60 of 175
    ms for the 50,000 students of the demo)."""
    result = db.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _cohort_average(session: Session, people: Sequence[Any]) -> float | None:
    """``progress.cohort_average`` from every student's row (id, name, active, rate or None
    without progress rows, recent), kept as ``progress.cohort_average_cached`` keeps its own
    (a value kept already, from the students list, is the one used)."""

    def from_rows() -> float | None:
        rates = [row[3] for row in people if row[2] and row[3] is not None]
        return math.fsum(rates) / len(rates) if rates else None

    return memo(session, progress.COHORT_AVERAGE_KEY, from_rows)


__all__ = ["ATTENTION_ROWS", "StudentSummary", "summarize_students"]
