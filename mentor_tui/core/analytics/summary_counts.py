"""The dashboard's student counts, an admin's or a mentor's (how many, active, at risk, average
completion, who needs attention first) counted by SQLite, on any ``sqlite3`` connection: the
session's own, or a plain read-only one opened while the app still imports SQLAlchemy
(``EarlyCounts``). An admin's ranking reads the kept at-risk scores where they are kept
(``KEPT_RANKED_SQL``, revision 0023's ``student_risk``).

Counted in SQL rather than over 50,000 fetched rows in Python: SQLite lets go of the GIL while
it counts, so the count takes the other core while the app paints and imports, and only a
dozen rows come back. Both paths run these statements, so their figures are the same; the
rules are ``summary.py``'s (``StudentFigures.risk``): an active student is at risk for each of
no activity since the idle limit (progress or a submission), completion at or below the
cohort average minus the behind points, a submission waiting past the SLA, and
``NO_SHOW_LIMIT`` no-shows among their last ``RECENT_SESSIONS`` past sessions.

This module imports nothing but the standard library (no SQLAlchemy), so that the app may run
it before the ORM is loaded.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mentor_tui.core.analytics import dashboard_figures as figures
from mentor_tui.core.analytics.summary_sql import (
    ATTENTION_ROWS,
    BASIS_SQL,
    COHORT_SQL,
    GROUPS_SQL,
    KEPT_RANKED_SQL,
    MINE_GROUPS_SQL,
    MINE_SQL,
    MOVED_SQL,
    RANKED_SQL,
)
from mentor_tui.core.people.risk_rules import (
    BEHIND_POINTS,
    IDLE_DAYS,
    NO_SHOW_LIMIT,
    RECENT_SESSIONS,
)

MOVED_AT = 10_000
"""Past this many students to count afresh, ``RANKED_SQL`` counts every one instead (a basis
weeks old: the app's refresh writes new scores after the start-up figures)."""
READ_CACHE_KIB = 8192
"""SQLite's page cache for these reads (8 MiB; 2 MiB by default): the 50,000 students' totals
looked up in name order reach a few MiB of pages in no order."""


@dataclass(frozen=True)
class Groups:
    """``GROUPS_SQL``'s rows summed: how many students, how many active, the average
    completion of those with progress rows, and the cohort average (the active ones')."""

    students: int
    active: int
    average_completion: float
    cohort_average: float | None


@dataclass(frozen=True)
class Ranked:
    chosen: list[str]  # the first ``ATTENTION_ROWS`` needing attention, in order
    at_risk: int
    total: int  # how many need attention (at risk or with work pending)


@dataclass(frozen=True)
class Counts:
    groups: Groups
    ranked: Ranked
    moment: tuple[str, str, str]  # the stored times counted against (now, idle, overdue)
    cohort: float | None = None  # the cohort average the behind rule was counted against
    mentor: str | None = None  # whose students (None: every student, the admin's)


stored_time = figures.stored_time


def risk_moment(now: datetime, sla_hours: int) -> tuple[str, str, str]:
    """The times the rules count against at ``now``, as the store keeps them: now, the idle
    limit and the SLA's limit (``RiskContext``'s ``now``, ``idle_before``, ``overdue_before``)."""
    return (
        stored_time(now),
        stored_time(now - timedelta(days=IDLE_DAYS)),
        stored_time(now - timedelta(hours=sla_hours)),
    )


def read_groups(conn: sqlite3.Connection, mentor: str | None = None) -> Groups:
    """Every live student's groups (``GROUPS_SQL``), or ``mentor``'s students'."""
    rows = (
        conn.execute(GROUPS_SQL)
        if mentor is None
        else conn.execute(MINE_GROUPS_SQL, {"mentor": mentor})
    )
    students = active = 0
    rates: list[tuple[float, int]] = []
    active_rates: list[tuple[float, int]] = []
    for is_active, rate, n in rows:
        students += n
        if is_active:
            active += n
        if rate is not None:
            rates.append((rate, n))
            if is_active:
                active_rates.append((rate, n))
    return Groups(students, active, _mean(rates) or 0.0, _mean(active_rates))


def _mean(groups: list[tuple[float, int]]) -> float | None:
    """The exact mean of each rate repeated its count (``math.fsum`` is correctly rounded, so
    it is the mean of the rates one by one, in any order)."""
    n = sum(count for _, count in groups)
    if not n:
        return None
    return math.fsum(itertools.chain.from_iterable(itertools.repeat(r, c) for r, c in groups)) / n


def read_ranked(
    conn: sqlite3.Connection,
    moment: tuple[str, str, str],
    behind: float | None,
    mentor: str | None = None,
) -> Ranked:
    """``RANKED_SQL``'s figures at ``moment`` with ``behind`` as the completion at or below
    which a student is behind (None: nobody is): from the kept scores where they are kept
    (``KEPT_RANKED_SQL``); ``mentor``'s students' alone with ``mentor`` (``MINE_SQL``)."""
    now, idle_before, overdue_before = moment
    params: dict[str, Any] = {
        "now": now,
        "idle_before": idle_before,
        "overdue_before": overdue_before,
        "behind": behind,
        "no_show_limit": NO_SHOW_LIMIT,
        "recent_sessions": RECENT_SESSIONS,
    }
    if mentor is not None:
        rows = conn.execute(MINE_SQL, {**params, "mentor": mentor}).fetchall()
    elif _kept(conn, params):
        rows = conn.execute(KEPT_RANKED_SQL, params).fetchall()
    else:  # nothing kept yet, or most kept scores moved: every score counted
        rows = conn.execute(RANKED_SQL, params).fetchall()
    if not rows:
        return Ranked([], 0, 0)
    return Ranked([row[0] for row in rows], int(rows[0][1]), int(rows[0][2]))


def _kept(conn: sqlite3.Connection, params: dict[str, Any]) -> bool:
    """Whether the kept scores serve (``KEPT_RANKED_SQL``), their bounds then added to
    ``params``: not when none are kept yet, on a store without them, or when more than
    ``MOVED_AT`` students would be counted afresh."""
    try:
        row = conn.execute(BASIS_SQL).fetchone()
    except sqlite3.OperationalError:
        return False
    if row is None:
        return False
    kept_now, kept_idle, kept_overdue, kept_behind = row
    params.update(
        _span("now", kept_now, params["now"])
        | _span("idle", kept_idle, params["idle_before"])
        | _span("overdue", kept_overdue, params["overdue_before"])
        | _span("behind", *_behind_span(kept_behind, params["behind"]))
    )
    moved = conn.execute(MOVED_SQL, {**params, "moved_at": MOVED_AT}).fetchone()[0]
    return int(moved) <= MOVED_AT


def _span(name: str, a: Any, b: Any) -> dict[str, Any]:
    """``KEPT_RANKED_SQL``'s bounds ``name_low`` and ``name_high`` between ``a`` and ``b``."""
    low, high = (a, b) if a is None or b is None or a <= b else (b, a)
    return {f"{name}_low": low, f"{name}_high": high}


def _behind_span(kept: float | None, behind: float | None) -> tuple[float | None, float | None]:
    """The completions the behind rule may judge otherwise at ``behind`` than at ``kept``: those
    between them, every one at or below the one that is not None (the rule held for nobody at
    the other), none when neither is."""
    if kept is None and behind is None:
        return None, None
    if kept is None or behind is None:
        return -math.inf, kept if behind is None else behind
    return kept, behind


def count_program(conn: sqlite3.Connection, moment: tuple[str, str, str]) -> Counts | None:
    """Every live student counted on ``conn`` against ``moment``; None for a store without
    students. The cohort average is the one counted here (the admin's)."""
    groups = read_groups(conn)
    if not groups.students:
        return None
    cohort = groups.cohort_average
    behind = None if cohort is None else cohort - BEHIND_POINTS
    return Counts(groups, read_ranked(conn, moment, behind), moment, cohort)


def count_mentor(
    conn: sqlite3.Connection, moment: tuple[str, str, str], mentor: str
) -> Counts | None:
    """``mentor``'s live students counted on ``conn`` against ``moment``, behind the program's
    cohort average (``COHORT_SQL``); None for a mentor without students."""
    groups = read_groups(conn, mentor)
    if not groups.students:
        return None
    found = conn.execute(COHORT_SQL).fetchone()[0]
    cohort = None if found is None else float(found)
    behind = None if cohort is None else cohort - BEHIND_POINTS
    return Counts(groups, read_ranked(conn, moment, behind, mentor), moment, cohort, mentor)


class EarlyCounts:
    """``count_program`` (or with ``mentor``, ``count_mentor``) under way in a thread on a
    read-only connection of its own, started while the app imports the ORM; ``result()``
    waits for it (None if it failed). With ``capacity`` (a mentor's capacity where their
    profile has none; and for a mentor ``sla_hours``), the same thread then reads the review
    queue card and the program overview (or the mentor's performance) on the same snapshot
    (``dashboard_figures``), which ``figures()`` waits for: the screen paints them before the
    ORM is loaded."""

    def __init__(
        self,
        path: Path,
        moment: tuple[str, str, str],
        capacity: int | None = None,
        *,
        mentor: str | None = None,
        sla_hours: int | None = None,
    ) -> None:
        self.moment = moment
        self.mentor = mentor
        self._counts: Counts | None = None
        self._figures: EarlyFigures | None = None
        self._counted = threading.Event()
        self._thread = threading.Thread(
            target=self._count, args=(path, capacity, sla_hours), name="dashboard-early",
            daemon=True,
        )  # fmt: skip
        self._thread.start()

    def _count(self, path: Path, capacity: int | None, sla_hours: int | None) -> None:
        try:
            conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        except sqlite3.Error:
            self._counted.set()
            return
        try:
            conn.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
            conn.execute("BEGIN")  # one snapshot for every read
            try:
                if self.mentor is None:
                    self._counts = count_program(conn, self.moment)
                else:
                    self._counts = count_mentor(conn, self.moment, self.mentor)
            except sqlite3.Error:
                self._counts = None  # a store these reads do not fit: the usual path counts
            self._counted.set()
            if capacity is not None and (self.mentor is None or sla_hours is not None):
                self._figures = self._read_figures(conn, capacity, sla_hours or 0)
        except sqlite3.Error:
            self._figures = None  # the usual path reads them
        finally:
            self._counted.set()
            conn.close()

    def _read_figures(
        self, conn: sqlite3.Connection, capacity: int, sla_hours: int
    ) -> EarlyFigures:
        overdue_before = self.moment[2]
        if self.mentor is None:
            reviews = figures.read_review_queue(conn, overdue_before)
            overview: figures.ProgramOverview | figures.MentorPerformance = (
                figures.read_program_overview(conn, capacity)
            )
        else:
            reviews = figures.read_review_queue(conn, overdue_before, mentor=self.mentor)
            overview = figures.read_mentor_performance(conn, self.mentor, self.moment[0], sla_hours)
        return EarlyFigures(self._counts, reviews, overview)

    def result(self) -> Counts | None:
        """The counts, once counted; None if the count failed or there are no students (the
        usual path then counts, or finds nobody, itself)."""
        self._counted.wait()
        return self._counts

    def figures(self) -> EarlyFigures | None:
        """The counts, the review queue card and the overview, once all are read; None if a
        read failed or none was asked for."""
        self._thread.join()
        return self._figures


@dataclass(frozen=True)
class EarlyFigures:
    counts: Counts | None  # None: no students, or the count failed
    reviews: figures.ReviewQueue
    overview: figures.ProgramOverview | figures.MentorPerformance


def start_early_counts(
    path: Path,
    moment: tuple[str, str, str],
    capacity: int | None = None,
    *,
    mentor: str | None = None,
    sla_hours: int | None = None,
) -> EarlyCounts | None:
    """The count started on the store at ``path`` (an admin's, or ``mentor``'s), or None where
    it should not start: no such file, or a store not at the code's revision (the migration
    comes first)."""
    from mentor_tui.db.migrations import at_head

    if not at_head(path):
        return None
    return EarlyCounts(path, moment, capacity, mentor=mentor, sla_hours=sla_hours)


__all__ = [
    "ATTENTION_ROWS",
    "BASIS_SQL",
    "COHORT_SQL",
    "GROUPS_SQL",
    "KEPT_RANKED_SQL",
    "MINE_GROUPS_SQL",
    "MINE_SQL",
    "MOVED_AT",
    "MOVED_SQL",
    "RANKED_SQL",
    "Counts",
    "EarlyCounts",
    "EarlyFigures",
    "Groups",
    "Ranked",
    "count_mentor",
    "count_program",
    "read_groups",
    "read_ranked",
    "risk_moment",
    "start_early_counts",
    "stored_time",
]
