"""Reports: the analytics' tables as one value (``Report``) and its three renderings, CSV, JSON
and Markdown, shared by ``mentor-tui report`` and the app's export, so a figure reads the same
wherever it is written.

- JSON keeps every value as computed (shares as fractions 0..1, rates in percent 0..100, hours
  as hours, None as null); ``ensure_ascii`` keeps control and bidi characters escaped.
- CSV: the same values, floats rounded to four places, None empty; a report of several tables
  writes each after a one-cell row naming it and a blank line between them. A text cell that
  a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) starts with ``'``.
- Markdown reads on its own: a title, the period, each table under its heading with its notes,
  percentages with ``%``, hours with ``h``, a missing figure as ``—``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mentor_tui.core.analytics.mentors import MentorRow, Period
from mentor_tui.core.text import clean_line
from mentor_tui.errors import UserError

FORMATS = ("csv", "json", "md")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    """text, int, number, percent (0..100), share (0..1), hours, time"""


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    generated_at: datetime
    period: Period
    tables: list[Table]
    intro: tuple[str, ...] = field(default=())


MENTOR_COLUMNS = (
    Column("name", "Mentor"),
    Column("email", "Email"),
    Column("status", "Status"),
    Column("students", "Students", "int"),
    Column("active_students", "Active", "int"),
    Column("average_completion_rate", "Avg completion", "percent"),
    Column("reviews", "Reviews", "int"),
    Column("average_review_hours", "Avg review time", "hours"),
    Column("reviews_within_sla_share", "Within SLA", "share"),
    Column("sessions_held", "Sessions held", "int"),
    Column("attendance_rate", "Attendance", "share"),
    Column("average_rating", "Avg rating", "number"),
    Column("ratings", "Ratings", "int"),
    Column("graduated_students", "Graduated", "int"),
    Column("at_risk_students", "At risk now", "int"),
)


def mentor_table_section(rows: Sequence[MentorRow], heading: str = "Mentors") -> Table:
    return Table(heading, MENTOR_COLUMNS, [row.as_dict() for row in rows])


def period_words(period: Period) -> str:
    if not period.bounded:
        return "all time"
    first = period.first.isoformat() if period.first else "the beginning"
    last = period.last.isoformat() if period.last else "now"
    return f"{first} to {last}"


def render(report: Report, fmt: str) -> bytes:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "md":
        return to_markdown(report)
    raise UserError(f"Unknown report format {fmt!r}; use one of {', '.join(FORMATS)}.")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_json(report: Report) -> bytes:
    data = {
        "report": report.kind,
        "title": report.title,
        "generated_at": report.generated_at.isoformat(),
        "from": report.period.first.isoformat() if report.period.first else None,
        "to": report.period.last.isoformat() if report.period.last else None,
        "notes": list(report.intro),
        "tables": [
            {
                "heading": table.heading,
                "notes": list(table.notes),
                "rows": [
                    {c.key: _plain(row.get(c.key)) for c in table.columns} for row in table.rows
                ],
            }
            for table in report.tables
        ],
    }
    return (json.dumps(data, indent=2) + "\n").encode()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        value = clean_line(value)
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value


def to_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    several = len(report.tables) > 1
    for n, table in enumerate(report.tables):
        if several:
            if n:
                writer.writerow([])
            writer.writerow([table.heading])
        writer.writerow([c.key for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(row.get(c.key)) for c in table.columns])
    return out.getvalue().encode()


def shown(value: Any, kind: str) -> str:
    """One value as a person reads it (Markdown, the app's cells)."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:.1f} %"
    if kind == "share":
        return f"{value * 100:.1f} %"
    if kind == "hours":
        return f"{value:.1f} h"
    if kind == "number":
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return "; ".join(clean_line(str(v)) for v in value)
    return clean_line(str(value))


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def to_markdown(report: Report) -> bytes:
    lines = [f"# {_md_cell(report.title)}", ""]
    stamp = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    lines += [f"Generated {stamp}; period: {period_words(report.period)}.", ""]
    for sentence in report.intro:
        lines += [sentence, ""]
    for table in report.tables:
        lines += [f"## {_md_cell(table.heading)}", ""]
        for sentence in table.notes:
            lines += [_md_cell(sentence), ""]
        if not table.rows:
            lines += ["Nothing to show.", ""]
            continue
        lines.append("| " + " | ".join(c.label for c in table.columns) + " |")
        lines.append(
            "| " + " | ".join("---" if c.kind == "text" else "---:" for c in table.columns) + " |"
        )
        for row in table.rows:
            cells = [_md_cell(shown(row.get(c.key), c.kind)) for c in table.columns]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).encode()


__all__ = [
    "FORMATS",
    "MENTOR_COLUMNS",
    "Column",
    "Report",
    "Table",
    "mentor_table_section",
    "period_words",
    "render",
    "save_report",
    "shown",
    "to_csv",
    "to_json",
    "to_markdown",
]


def save_report(report: Report, fmt: str, folder: Path) -> Path:
    """Write ``report`` whole (or not at all) into ``folder`` as ``KIND-YYYYMMDD-HHMMSS.FMT``."""
    data = render(report, fmt)
    stamp = report.generated_at.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{report.kind}-{stamp}.{fmt}"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None
    return path
