"""The program report's tables (``program.program_figures``): headings, columns and notes
around the figures, each table's rows as the figure functions of ``program`` give them."""

from __future__ import annotations

from typing import Any

from mentor_tui.core.analytics.report import Column, Table

RETENTION_DAYS = (30, 60, 90)


def program_tables(
    by_mentor: list[dict[str, Any]],
    course_times: list[dict[str, Any]],
    retention: list[dict[str, Any]],
    specializations: list[dict[str, Any]],
    ratings: list[dict[str, Any]],
    correlations: list[dict[str, Any]],
) -> list[Table]:
    """The six tables in the report's order."""
    completion = Table(
        "Completion by mentor",
        (
            Column("name", "Mentor"),
            Column("students", "Students", "int"),
            Column("average_completion_rate", "Avg completion", "percent"),
            Column("graduated_students", "Graduated", "int"),
        ),
        by_mentor,
        ("Mean completion of each mentor's students with progress rows.",),
    )
    times = Table(
        "Time to course completion",
        (
            Column("course", "Course"),
            Column("completions", "Completions", "int"),
            Column("average_days", "Avg days", "number"),
            Column("fastest_days", "Fastest", "number"),
            Column("slowest_days", "Slowest", "number"),
        ),
        course_times,
        (
            "A course starts when the student enrolled in it (else at their first progress on "
            "it) and ends when every module of it is completed.",
        ),
    )
    retention_columns = [Column("cohort", "Cohort month"), Column("students", "Students", "int")]
    for d in RETENTION_DAYS:
        retention_columns.append(Column(f"retained_{d}", f"Active at {d} d", "share"))
        retention_columns.append(Column(f"measured_{d}", f"n ({d} d)", "int"))
    kept = Table(
        "Retention by cohort",
        tuple(retention_columns),
        retention,
        (
            "Share of a month's new students with activity 30, 60, 90 days or more after "
            "their first; n counts those whose first activity is that long ago.",
        ),
    )
    specs = Table(
        "By verified specialization",
        (
            Column("specialization", "Specialization"),
            Column("mentors", "Mentors", "int"),
            Column("students", "Students", "int"),
            Column("average_completion_rate", "Avg completion", "percent"),
            Column("graduated_students", "Graduated", "int"),
        ),
        specializations,
        ("A student counts under each verified specialization of their mentor.",),
    )

    rated = sum(r["count"] for r in ratings)
    mean = sum(r["rating"] * r["count"] for r in ratings) / rated if rated else None
    satisfied = Table(
        "Satisfaction",
        (
            Column("rating", "Rating", "int"),
            Column("count", "Sessions rated", "int"),
            Column("share", "Share", "share"),
        ),
        ratings,
        (
            f"{rated} ratings"
            + (f", mean {mean:.2f} of 5." if mean is not None else "; nothing to average."),
        ),
    )
    corr = Table(
        "Success correlations",
        (
            Column("name", "Pair"),
            Column("n", "n", "int"),
            Column("r", "Pearson r", "number"),
            Column("reading", "Reading"),
        ),
        correlations,
        ("Over all time, whatever the period. Correlation is not cause.",),
    )
    return [completion, times, kept, specs, satisfied, corr]


__all__ = ["RETENTION_DAYS", "program_tables"]
