"""The tables a store keeps by triggers from its rows (progress totals, submission totals, a
student's sort keys: local revision 0022), checked against a full recount; shared by the tests
that write to them in every way (tests/test_sort_keys.py, tests/test_derived_pull.py, ...)."""

from __future__ import annotations

from types import ModuleType

import factory
from sqlalchemy import Engine

from mentor_tui.core.people import progress_totals, sort_keys, submission_totals
from mentor_tui.db.engine import session_scope

DERIVED = (progress_totals, submission_totals, sort_keys)
STUDENTS = 3


def check_recounts(engine: Engine, *tables: ModuleType) -> tuple[int, ...]:
    """Each of ``tables`` (a module with ``kept`` and ``recount``; all of ``DERIVED`` when none
    is named) holds in ``engine``'s store exactly what a full recount gives; how many rows each
    holds."""
    sizes = []
    with session_scope(engine) as s:
        for table in tables or DERIVED:
            kept, recount = table.kept(s), table.recount(s)
            name = table.__name__.rsplit(".", 1)[-1]
            assert kept == recount, f"{name}: kept {kept!r}, but a recount gives {recount!r}"
            sizes.append(len(kept))
    return tuple(sizes)


def three_students(engine: Engine) -> tuple[list[str], str, list[str]]:
    """Three students of one mentor, a course of three modules and an assignment in the first:
    (student ids, assignment id, module ids)."""
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        students = [factory.student(s, f"Student {n}", mentor=mentor).id for n in range(STUDENTS)]
        _, modules = factory.course(s, modules=3)
        return students, factory.assignment(s, modules[0]).id, [m.id for m in modules]
