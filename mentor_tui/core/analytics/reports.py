"""The reports ``mentor-tui report`` writes and the app exports: each built from the same core
figures the app shows (``mentors.mentor_table``, the students list's rows, ``program``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.analytics.early_reads import EarlyReads
from mentor_tui.core.analytics.mentors import EVERYTHING, Period, mentor_table
from mentor_tui.core.analytics.program import program_report
from mentor_tui.core.analytics.report import Column, Report, Table, mentor_table_section
from mentor_tui.core.people.students import count_students, list_students
from mentor_tui.errors import UserError

KINDS = ("mentors", "program", "students")

STUDENT_COLUMNS = (
    Column("name", "Student"),
    Column("email", "Email"),
    Column("status", "Status"),
    Column("mentor", "Mentor"),
    Column("completion_rate", "Completion", "percent"),
    Column("modules_completed", "Modules done", "int"),
    Column("modules_total", "Modules", "int"),
    Column("pending_submissions", "Pending", "int"),
    Column("overdue_submissions", "Overdue", "int"),
    Column("last_activity_at", "Last activity", "time"),
    Column("at_risk", "At risk"),
    Column("at_risk_reasons", "Reasons"),
)


def mentors_report(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    period: Period = EVERYTHING,
    now: datetime | None = None,
) -> Report:
    moment = clock.aware(now) if now else clock.now()
    rows = mentor_table(session, actor, config, period=period, now=moment)
    table = mentor_table_section(rows)
    notes = (
        f"Review SLA: {config.assignment_review_sla_hours} h. A dash is a figure with nothing "
        "to measure. README's Figures section defines each column.",
    )
    return Report("mentors", "Mentor performance", moment, period, [table], notes)


def students_report(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    period: Period = EVERYTHING,
    now: datetime | None = None,
) -> Report:
    if period.bounded:
        raise UserError(
            "The students report is as of now; --from and --to apply to the mentors and "
            "program reports."
        )
    moment = clock.aware(now) if now else clock.now()
    total = count_students(session, actor)
    rows = list_students(session, actor, limit=total, config=config, now=moment)
    table = Table(
        "Students",
        STUDENT_COLUMNS,
        [
            {
                "name": r.full_name,
                "email": r.email,
                "status": r.status,
                "mentor": r.mentor_name,
                "completion_rate": r.completion_rate,
                "modules_completed": r.modules_completed,
                "modules_total": r.modules_total,
                "pending_submissions": r.pending_submissions,
                "overdue_submissions": r.overdue_submissions,
                "last_activity_at": r.last_activity_at,
                "at_risk": r.at_risk,
                "at_risk_reasons": list(r.at_risk_reasons),
            }
            for r in rows
        ],
    )
    return Report("students", "Students", moment, period, [table])


def build_report(
    session: Session,
    actor: Actor,
    config: Config,
    kind: str,
    *,
    period: Period = EVERYTHING,
    now: datetime | None = None,
    early_reads: EarlyReads | None = None,
) -> Report:
    """``early_reads``: the program report's reads started beforehand (``early_reads``)."""
    if kind == "mentors":
        return mentors_report(session, actor, config, period=period, now=now)
    if kind == "students":
        return students_report(session, actor, config, period=period, now=now)
    if kind == "program":
        return program_report(
            session, actor, config, period=period, now=now, early_reads=early_reads
        )
    raise UserError(f"Unknown report {kind!r}; use one of {', '.join(KINDS)}.")


__all__ = ["KINDS", "STUDENT_COLUMNS", "build_report", "mentors_report", "students_report"]
