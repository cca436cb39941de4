"""Each live student's sort keys, kept by the store's triggers (``db/derived_tables.py``,
local revision 0022) whenever their user row or their progress or submission totals change:
``full_name`` and the figures the students list sorts by, ``completion``, ``pending`` and
``last_activity`` (the stored time's text, '' for none), each order with its own index, so
that a page in a figure's order is read by walking that index (``student_pages.py``).

``recount`` is the definition, counted from users, progress rows and submissions; ``kept``
what the table holds; ``rebuild`` makes the table anew from ``recount`` (after the totals
tables it reads are rebuilt); tests compare ``kept`` with ``recount`` after random writes.
"""

from __future__ import annotations

from sqlalchemy import Select, String, column, func, literal_column, select, table, type_coerce
from sqlmodel import Session

from mentor_tui.core.people import progress, progress_totals, submission_totals
from mentor_tui.db.derived_tables import (
    PROGRESS_TOTALS,
    SORT_KEYS,
    SUBMISSION_TOTALS,
    refill,
    refill_sql,
)
from mentor_tui.db.models import User

Keys = dict[str, tuple[str, float, int, str]]
"""student id -> (name, completion, pending, last activity's text or '')."""


def recount_query() -> Select[str, str, float, int, str]:
    done = progress_totals.recount_query().subquery("done")
    sent = submission_totals.recount_query().subquery("sent")
    d, s = list(done.c), list(sent.c)
    last = progress.latest_of(d[3], s[3])
    return (
        select(
            User.id,
            User.full_name,
            progress.completion_rate(d[1], d[2]),
            progress.as_int(s[1]),
            func.coalesce(type_coerce(last, String()), literal_column("''")),
        )
        .outerjoin(done, d[0] == User.id)
        .outerjoin(sent, s[0] == User.id)
        .where(User.role == "student", progress.live(User))
    )


def recount(session: Session) -> Keys:
    """Every live student's keys counted from the rows themselves (the full recomputation)."""
    return {
        sid: (name, float(rate), int(pending), last)
        for sid, name, rate, pending, last in session.execute(recount_query()).all()
    }


def kept(session: Session) -> Keys:
    """The keys the triggers keep."""
    k = SORT_KEYS.c
    query = select(k.user_id, k.full_name, k.completion, k.pending, k.last_activity)
    return {
        sid: (name, float(rate), int(pending), last)
        for sid, name, rate, pending, last in session.execute(query).all()
    }


def rebuild(session: Session) -> int:
    """Make the table anew from the rows (in the caller's transaction); how many students."""
    return refill(session, SORT_KEYS, recount_query())


def refill_statements(loaded: str | None = None) -> list[str]:
    """The derived tables made anew, as SQLite statements for a raw connection, after a bulk
    load that went without the triggers that keep them (``derived_tables.set_aside``): those
    the ``loaded`` table feeds (``users``: the keys; ``module_progress`` or ``submissions``:
    its totals, then the keys), or all three (None; a first sync's whole snapshot). The totals
    from the rows (each ``rebuild``), then the keys from the totals just made, through the
    view the triggers read (local revision 0024): half the cost of ``recount_query``, which
    groups the rows again; tests compare both."""
    view = table("student_sort_keys_source", *(column(name) for name in SORT_KEYS.c.keys()))
    totals = {
        "module_progress": refill_sql(PROGRESS_TOTALS, progress_totals.recount_query()),
        "submissions": refill_sql(SUBMISSION_TOTALS, submission_totals.recount_query()),
    }
    made = [*totals["module_progress"], *totals["submissions"]] if loaded is None else []
    # in the table's key order: appended, not spliced into it (0.6 -> 0.07 s for 50,000 keys)
    keys = select(*view.c).order_by(view.c.user_id)
    return made + totals.get(loaded or "", []) + refill_sql(SORT_KEYS, keys)


FEEDERS = ("users", "module_progress", "submissions")  # the rows the derived tables count


__all__ = ["FEEDERS", "SORT_KEYS", "Keys", "kept", "rebuild", "recount", "refill_statements"]
