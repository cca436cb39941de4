"""Each live student's at-risk score, kept for the students list's at-risk order (issue 21;
local revision 0023, ``db/derived_tables.py``).

The score (how many at-risk rules hold, ``score``) depends on the clock, so no trigger can
keep it; but each rule is a kept value compared with a bound that moves with the clock or
the cohort: the last activity with ``idle_before``, the completion with the cohort's
threshold, the oldest pending submission with ``overdue_before``, and the last sessions
with ``now`` (a session joins them when it starts). So ``student_risk`` keeps each score as
of one moment and threshold, its **basis**, and a score differs from the one of another
moment only for a student with a kept value between the two bounds (or a session starting
between the two moments): ``moved`` finds those few through the indexes on those values.
The triggers mark **stale** the students whose rows are written (their name, totals,
status, attendance or sessions). A read counts the moved and stale students afresh and
takes every other score from the table (``student_pages.py``); once they are more than
``RECOUNT_AT``, ``prepare`` writes their scores and the new basis (and on the first read,
every score). The order between students never depends on the moment: only which side of a
bound a kept value lies.

Every score is counted where a bulk write already takes its time (``count_all``: the demo
build, a first snapshot, the learning platform bridge's first pass, the first open after the
upgrade to revision 0023, ``count_if_due``), so a first read finds them kept; and the app
brings them up to date after its start-up figures, off the UI thread (``begin_refresh``, then
``refresh_some`` a chunk per transaction), so a first read after days away finds few moved.

``recount`` is the definition, counted from the rows at a moment; tests compare the list's
order with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.sql.expression import BindParameter, Join, Subquery
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.people import progress
from mentor_tui.core.people.student_figures import (
    NO_SHOW_LIMIT,
    PEOPLE_COLUMNS,
    RiskContext,
    RiskTerms,
)
from mentor_tui.db.derived_tables import (
    PROGRESS_TOTALS,
    RISK,
    RISK_BASIS,
    RISK_STALE,
    SUBMISSION_TOTALS,
)
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User

RECOUNT_AT = 10_000
"""Moved and stale students a read counts afresh before it writes their scores instead (a
read counts many at once rather than hold the write lock: the app's refresh writes them)."""
EVERY_AT = 25_000
"""Moved and stale students past which every score is counted again (one pass over all)."""
REFRESH_AT = 500
"""Moved and stale students past which a refresh (``begin_refresh``) writes their scores."""
CHUNK = 2_000
"""Stale students a refresh step (``refresh_some``) counts and writes in one transaction."""


def with_totals(attendance: Subquery) -> Join:
    """Users with their kept totals and their recent attendance."""
    t, u = PROGRESS_TOTALS.c, SUBMISSION_TOTALS.c
    users = User.__table__
    joined = users.outerjoin(PROGRESS_TOTALS, t.user_id == User.id)
    joined = joined.outerjoin(SUBMISSION_TOTALS, u.user_id == User.id)
    return joined.outerjoin(attendance, attendance.c.sid == User.id)


def score(terms: RiskTerms, attendance: Subquery) -> ColumnElement[Any]:
    """How many at-risk rules hold, from the kept totals (over ``with_totals``): the same
    value as the rows show (``StudentFigures.risk``), counted from the rows themselves."""
    t, u = PROGRESS_TOTALS.c, SUBMISSION_TOTALS.c
    rate = progress.completion_rate(t.modules, t.completed)
    last = progress.latest_of(t.last_activity_at, u.last_submitted_at)
    threshold = terms.behind_threshold
    no_shows = progress.as_int(attendance.c.no_shows)
    rules = [
        or_(last.is_(None), last < terms.idle_before),
        rate <= threshold if threshold is not None else false(),
        u.oldest_pending_at < terms.overdue_before,  # a submission pending past the SLA
        no_shows >= NO_SHOW_LIMIT,
    ]
    return case(
        (User.status == "Active", sum((case((r, 1), else_=0) for r in rules), start=0)), else_=0
    )


def _listed(ids: list[str]) -> Select[Any]:
    """``ids`` as one bound JSON text read by ``json_each`` (any number of them: as bound
    values, SQLite takes at most 32,766)."""
    listed = func.json_each(bindparam("ids", json.dumps(ids))).table_valued("value")
    return select(listed.c.value)


def _scores(ctx: RiskTerms, ids: list[str] | None) -> Select[Any]:
    """The table's rows of live students (of ``ids``, or all) counted as of ``ctx``."""
    students = [User.role == "student", progress.live(User)]
    if ids is not None:
        students.append(User.id.in_(_listed(ids)))
    attendance = progress.recent_attendance(select(User.id).where(*students), ctx.now)
    t, u = PROGRESS_TOTALS.c, SUBMISSION_TOTALS.c
    return (
        select(
            User.id,
            User.full_name,
            score(ctx, attendance),
            progress.latest_of(t.last_activity_at, u.last_submitted_at),
            progress.completion_rate(t.modules, t.completed),
            u.oldest_pending_at,
        )
        .select_from(with_totals(attendance))
        .where(*students)
    )


def recount(session: Session, ctx: RiskTerms) -> dict[str, int]:
    """Every live student's score as of ``ctx``, counted from the rows (the definition)."""
    return {sid: int(value) for sid, _, value, *_ in session.execute(_scores(ctx, None))}


def kept(session: Session) -> dict[str, int]:
    """The scores the table holds (as of its basis)."""
    r = RISK.c
    return {sid: int(value) for sid, value in session.execute(select(r.user_id, r.score))}


def _between(column: Any, a: Any, b: Any) -> ColumnElement[bool]:
    found: ColumnElement[bool] = column.between(min(a, b), max(a, b))
    return found


def moved(session: Session, ctx: RiskContext) -> list[str] | None:
    """The students whose score as of ``ctx`` may differ from the kept one (stale, or with a
    kept value between the basis's bound and ``ctx``'s); None when nothing is kept yet."""
    b = session.execute(select(RISK_BASIS).where(RISK_BASIS.c.id == 1)).first()
    if b is None:
        return None
    r, s, a = RISK.c, MentorshipSession, SessionAttendee
    parts: list[Select[Any]] = [select(RISK_STALE.c.user_id)]
    parts.append(
        select(r.user_id).where(_between(r.last_activity_at, b.idle_before, ctx.idle_before))
    )
    parts.append(
        select(r.user_id).where(_between(r.oldest_pending_at, b.overdue_before, ctx.overdue_before))
    )
    old, new = b.behind, ctx.behind_threshold
    if old is not None and new is not None:
        parts.append(select(r.user_id).where(_between(r.completion, old, new)))
    elif old is not None or new is not None:  # the rule held for no one at one of them
        parts.append(select(r.user_id).where(r.completion <= (old if new is None else new)))
    started = select(s.id).where(_between(s.starts_at, b.now, ctx.now))
    parts.append(select(a.student_id).where(a.session_id.in_(started)))
    return list(session.execute(union(*parts)).scalars())


def _gathered(session: Session) -> bool:
    """Whether the store keeps planner statistics (``ANALYZE``: the demo build's)."""
    found = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    return session.execute(found).first() is not None


def _write(session: Session, ctx: RiskTerms, ids: list[str] | None) -> None:
    """Write the scores of ``ids`` (all students with None) as of ``ctx``, unmarked stale."""
    r = RISK.c
    if ids is None:
        session.execute(delete(RISK))
        session.execute(delete(RISK_STALE))
    else:
        session.execute(delete(RISK).where(r.user_id.in_(_listed(ids))))
        session.execute(delete(RISK_STALE).where(RISK_STALE.c.user_id.in_(_listed(ids))))
    rows = _scores(ctx, ids).order_by(User.id)  # in the table's key order: appended, not spliced
    made = _indexes_dropped(session) if ids is None else []
    session.execute(insert(RISK).from_select(list(RISK.c), rows))
    for sql in made:
        session.execute(text(sql))
    if ids is None and _gathered(session):  # planner statistics, as the other tables have:
        session.execute(text("ANALYZE student_risk"))  # without, it sorts every student


def _indexes_dropped(session: Session) -> list[str]:
    """Before every score is written afresh: the table's indexes dropped, in the caller's
    transaction, and their SQL to make them again once the rows are in (sorted once instead
    of an insert into each of five per student: 1.36 -> 0.66 s CPU for 50,000 students)."""
    found = text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :name "
        "AND sql IS NOT NULL"
    )
    indexes = session.execute(found, {"name": RISK.name}).all()
    for name, _sql in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
    return [str(sql) for _name, sql in indexes]


def _set_basis(session: Session, ctx: RiskTerms) -> None:
    basis = {
        "now": ctx.now,
        "idle_before": ctx.idle_before,
        "overdue_before": ctx.overdue_before,
        "behind": ctx.behind_threshold,
    }
    session.execute(delete(RISK_BASIS))
    session.execute(insert(RISK_BASIS).values(id=1, **basis))


def recount_into(session: Session, ctx: RiskTerms, ids: list[str] | None) -> None:
    """Write the scores of ``ids`` (all students with None) as of ``ctx``, and ``ctx`` as the
    basis; ``ids`` must hold every moved and stale student (``moved``)."""
    _write(session, ctx, ids)
    _set_basis(session, ctx)


def _afresh(session: Session, config: Config | None, now: datetime | None) -> RiskContext:
    """The context of a bulk write's count: the cohort average read afresh (a kept one is
    stale after the write), and not kept (``memo``'s watch would hold the store open)."""
    sla_hours = (config or load_config()).assignment_review_sla_hours
    moment = clock.aware(now) if now else clock.now()
    return RiskContext(moment, sla_hours, progress.cohort_average(session))


def count_all(session: Session, config: Config | None = None, now: datetime | None = None) -> int:
    """Every live student's score counted as of now and written with its basis, in the
    caller's transaction (after a bulk write); how many students."""
    recount_into(session, _afresh(session, config, now), None)
    return int(session.execute(select(func.count()).select_from(RISK)).scalar_one())


def count_if_due(session: Session, config: Config | None = None) -> bool:
    """When the store has live students and no kept scores (its first open after the
    upgrade to revision 0023, which cannot reach the score's definition: the core holds it):
    every score counted (``count_all``), where the upgrade already takes its time. Whether
    they were."""
    if session.execute(select(RISK_BASIS.c.id)).first() is not None:
        return False
    students = select(User.id).where(User.role == "student", progress.live(User)).limit(1)
    if session.execute(students).first() is None:
        return False
    count_all(session, config)
    return True


def count_if_moved(session: Session, config: Config | None = None) -> bool:
    """After a bulk write that may have filled the store (the learning platform bridge's pass):
    every score counted (``count_all``) when nothing is kept yet or more than ``REFRESH_AT``
    students moved or were written. Whether they were."""
    found = moved(session, _afresh(session, config, None))
    if found is not None and len(found) <= REFRESH_AT:
        return False
    count_all(session, config)
    return True


class _Basis:
    """The kept basis's moment, bounds and threshold (``RiskTerms``)."""

    def __init__(self, row: Any) -> None:
        self.now, self.idle_before, self.overdue_before = (
            row.now,
            row.idle_before,
            row.overdue_before,
        )
        self.behind_threshold = row.behind


def begin_refresh(session: Session, ctx: RiskContext) -> int:
    """The first step of bringing the kept scores up to ``ctx`` (one short transaction): when
    more than ``REFRESH_AT`` students moved (or nothing is kept yet: every student), they are
    marked stale and ``ctx`` becomes the basis (a stale score is counted afresh by a read, so
    every other one is as of ``ctx``). How many students are stale, for ``refresh_some``."""
    found = moved(session, ctx)
    if found is not None and len(found) <= REFRESH_AT:
        return 0
    fresh = RISK_STALE.c.user_id
    if found is None:
        session.execute(delete(RISK))
        live = select(User.id).where(User.role == "student", progress.live(User))
        marked = live.where(User.id.not_in(select(fresh)))
    else:
        listed = _listed(found).subquery()
        marked = select(listed.c.value).where(listed.c.value.not_in(select(fresh)))
    session.execute(insert(RISK_STALE).from_select([fresh], marked))
    _set_basis(session, ctx)
    return int(session.execute(select(func.count()).select_from(RISK_STALE)).scalar_one())


def refresh_some(session: Session, limit: int | None = None) -> int:
    """Up to ``limit`` (``CHUNK``) stale students' scores counted as of the kept basis and
    written (one short transaction); how many (0: none are left)."""
    b = session.execute(select(RISK_BASIS).where(RISK_BASIS.c.id == 1)).first()
    if b is None:
        return 0
    stale = select(RISK_STALE.c.user_id).order_by(RISK_STALE.c.user_id).limit(limit or CHUNK)
    ids = list(session.execute(stale).scalars())
    if ids:
        _write(session, _Basis(b), ids)
    return len(ids)


def refresh(run: Callable[[Callable[[Session], int]], int], config: Config | None = None) -> int:
    """Bring the kept scores up to now, ``run`` giving each step its own transaction (the
    app's worker, after its start-up figures): the write lock is held a chunk at a time. How
    many students were counted."""
    if not run(lambda s: begin_refresh(s, RiskContext.build(s, config, None))):
        return 0
    done = 0
    while step := run(refresh_some):
        done += step
    return done


def prepare(session: Session, ctx: RiskContext) -> list[str]:
    """The students a read as of ``ctx`` must count afresh (``moved``); when there is no
        basis yet, or more than ``RECOUNT_AT`` of them, their scores written first (every score
    past ``EVERY_AT``) and none returned."""
    found = moved(session, ctx)
    if found is not None and len(found) <= RECOUNT_AT:
        return found
    recount_into(session, ctx, found if found is not None and len(found) <= EVERY_AT else None)
    return []


LIVE: BindParameter[Any] = bindparam("live", expanding=True)
"""The students counted afresh, in a page's statement."""


def kept_rows(where: list[ColumnElement[bool]]) -> tuple[Select[Any], list[Any]]:
    """Visible students with a kept score not counted afresh, and the columns of their order
    (an index of ``student_risk`` leads with them)."""
    r = RISK.c
    page = select(*PEOPLE_COLUMNS, r.score.label("sort_key")).select_from(RISK)
    page = page.join(User, User.id == r.user_id)
    # every score's range (none below 0), which leads SQLite to walk the order's index
    page = page.where(*where, r.score >= 0, r.user_id.not_in(LIVE))
    return page, [r.score, r.full_name, r.user_id]


def live_rows(terms: RiskTerms, where: list[ColumnElement[bool]]) -> tuple[Select[Any], list[Any]]:
    """Visible students counted afresh, and the columns of their order."""
    ids = select(User.id).where(*where, User.id.in_(LIVE))
    attendance = progress.recent_attendance(ids, terms.now)
    key = score(terms, attendance)
    page = select(*PEOPLE_COLUMNS, key.label("sort_key")).select_from(with_totals(attendance))
    page = page.where(and_(*where), User.id.in_(LIVE))
    return page, [key, User.full_name, User.id]


__all__ = [
    "CHUNK",
    "EVERY_AT",
    "LIVE",
    "RECOUNT_AT",
    "REFRESH_AT",
    "begin_refresh",
    "count_all",
    "count_if_due",
    "count_if_moved",
    "kept",
    "kept_rows",
    "live_rows",
    "moved",
    "prepare",
    "recount",
    "recount_into",
    "refresh",
    "refresh_some",
    "score",
    "with_totals",
]
