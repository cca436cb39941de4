"""What the analytics screens chart, as ``ChartSpec``s built from the core's figures (the same
values their tables show): a mentor's review time by week, and for the program report's
sections time to completion by course, retention by cohort, completion by specialization,
satisfaction and the correlations as scatter plots. A section with no chart gives None."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mentor_tui.core.analytics.correlations import Correlation
from mentor_tui.core.analytics.mentor_detail import ReviewWeek
from mentor_tui.core.analytics.program import RETENTION_DAYS
from mentor_tui.core.analytics.report import Table
from mentor_tui.core.text import clean_line
from mentor_tui.widgets.chart import ChartSpec, Series


def review_weeks_chart(weeks: Sequence[ReviewWeek], sla_hours: int) -> ChartSpec:
    """Mean review time (hours) of each week with decisions, the SLA as a second line."""
    ticks = tuple(w.week.strftime("%m-%d") for w in weeks)
    xs = list(range(1, len(weeks) + 1))
    series = [Series("mean review hours", xs, [w.average_hours for w in weeks])]
    if weeks:
        series.append(Series(f"SLA {sla_hours} h", xs, [float(sla_hours)] * len(weeks)))
    return ChartSpec(
        "Review time by week (hours)",
        "bar" if len(weeks) < 2 else "line",
        "week of (Monday)",
        "hours",
        tuple(series),
        ticks,
        empty="No decisions in these weeks, so there is no review time to chart.",
    )


def _named_bars(title: str, rows: list[dict[str, Any]], name: str, value: str, y: str) -> ChartSpec:
    kept = [r for r in rows if r.get(value) is not None]
    ticks = tuple(clean_line(str(r[name])) for r in kept)
    xs = list(range(1, len(kept) + 1))
    return ChartSpec(title, "bar", "", y, (Series(y, xs, [float(r[value]) for r in kept]),), ticks)


def retention_chart(rows: list[dict[str, Any]]) -> ChartSpec:
    """One line per day mark (30, 60, 90): the share of each cohort still active, in %."""
    ticks = tuple(str(r["cohort"])[2:] for r in rows)  # 2025-03 -> 25-03
    series = []
    for d in RETENTION_DAYS:
        pairs = [
            (n, r[f"retained_{d}"]) for n, r in enumerate(rows, 1) if r[f"retained_{d}"] is not None
        ]
        series.append(Series(f"{d} d", [x for x, _ in pairs], [v * 100 for _, v in pairs]))
    return ChartSpec(
        "Retention by cohort month (% still active)",
        "line",
        "cohort (YY-MM of first activity)",
        "%",
        tuple(series),
        ticks,
        (0.0, 100.0),
        empty="No cohort is old enough to measure retention yet.",
    )


def correlation_chart(c: Correlation) -> ChartSpec:
    r = "no r" if c.r is None else f"r = {c.r:.2f}"
    return ChartSpec(
        f"{c.name} (n = {c.n}, {r})",
        "scatter",
        c.x_label,
        c.y_label,
        (Series(c.name, [x for x, _ in c.points], [y for _, y in c.points]),),
        empty=f"{c.name}: no pairs to plot.",
    )


def completion_histogram(rows: list[dict[str, Any]]) -> ChartSpec:
    """How many mentors' students average each tenth of completion (0-10 %, ..., 90-100 %)."""
    counts = [0] * 10
    for row in rows:
        rate = row.get("average_completion_rate")
        if rate is not None:
            counts[min(int(rate // 10), 9)] += 1
    ticks = tuple(f"{10 * n}-{10 * n + 10}" for n in range(10))
    return ChartSpec(
        "Mentors by their students' average completion (%)",
        "bar",
        "average completion of the mentor's students, %",
        "mentors",
        (Series("mentors", list(range(1, 11)) if any(counts) else [], [float(c) for c in counts]),),
        ticks,
        empty="No mentor's students have progress yet.",
    )


def section_chart(table: Table, correlations: Sequence[Correlation], row: int) -> ChartSpec | None:
    """The chart of one program report section (``row``: the correlation under the cursor)."""
    heading = table.heading
    if heading == "Completion by mentor":
        return completion_histogram(table.rows)
    if heading == "Time to course completion":
        return _named_bars(
            "Average days to complete a course", table.rows, "course", "average_days", "days"
        )
    if heading == "Retention by cohort":
        return retention_chart(table.rows)
    if heading == "By verified specialization":
        return _named_bars(
            "Average completion by verified specialization (%)",
            table.rows, "specialization", "average_completion_rate", "%",
        )  # fmt: skip
    if heading == "Satisfaction":
        return _named_bars(
            "Session ratings (count of each)", table.rows, "rating", "count", "sessions"
        )
    if heading == "Success correlations" and correlations:
        return correlation_chart(correlations[min(max(row, 0), len(correlations) - 1)])
    return None


__all__ = [
    "completion_histogram",
    "correlation_chart",
    "retention_chart",
    "review_weeks_chart",
    "section_chart",
]
