"""The learning platform bridge's figures (issue 16), against a real PostgreSQL.

1. A first pass of N students with their progress and submissions into an empty store, in rows
   per second, beside a plain SELECT of the same rows from the same database (the anchor).
2. An incremental pass after 100 progress rows changed in the platform, in seconds.

    MENTOR_TUI_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test \\
        python benchmarks/lms_bridge.py --students 50000

The platform is made in a schema of its own (dropped afterwards) from
``mentor_tui/lms/platform_schema.sql`` and filled by plain SQL (``generate_series``): a mentor
per 25 students, one course of 8 modules, 4 progress rows and 2 submissions per student.
Rows carry the spread of ``updated_at`` a live platform has (the last hour of yesterday), not
one timestamp for all. ``MENTOR_TUI_TEST_DATABASE_URL`` is used when the benchmark variable is not set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.3
TARGET_INCREMENTAL_SECONDS = 1.0
URL_VARIABLES = ("MENTOR_TUI_BENCH_DATABASE_URL", "MENTOR_TUI_TEST_DATABASE_URL")

FILL = """
INSERT INTO users (id, full_name, email, role) VALUES
  (gen_random_uuid(), 'Admin', 'admin@platform.example', 'admin');
INSERT INTO users (id, full_name, email, role, timezone)
  SELECT gen_random_uuid(), 'Mentor ' || i, 'mentor' || i || '@platform.example', 'mentor',
         'Europe/Berlin'
  FROM generate_series(1, {mentors}) AS i;
CREATE TEMP TABLE mentor_list AS
  SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users WHERE role = 'mentor';
INSERT INTO users (id, full_name, email, role, status, mentor_id, timezone, updated_at)
  SELECT gen_random_uuid(), 'Student ' || i, 'student' || i || '@platform.example', 'student',
         CASE WHEN i % 20 = 0 THEN 'Inactive' ELSE 'Active' END,
         (SELECT id FROM mentor_list WHERE n = i % {mentors}), 'America/New_York',
         now() - interval '1 day' - i * interval '1 millisecond'
  FROM generate_series(1, {students}) AS i;
INSERT INTO courses (id, title) VALUES (gen_random_uuid(), 'Programming');
INSERT INTO modules (id, course_id, title, position)
  SELECT gen_random_uuid(), (SELECT id FROM courses), 'Module ' || m, m
  FROM generate_series(1, 8) AS m;
CREATE TEMP TABLE module_list AS
  SELECT id, position FROM modules;
INSERT INTO assignments (id, module_id, title)
  SELECT gen_random_uuid(), id, 'Assignment ' || position FROM module_list;
INSERT INTO user_module_progress (id, user_id, module_id, is_completed, progress_percent,
                                  time_spent_minutes, quiz_score, last_activity_at, updated_at)
  SELECT gen_random_uuid(), u.id, m.id, m.position <= 2, CASE WHEN m.position <= 2 THEN 100 ELSE 40 END,
         30 * m.position, 70 + m.position, now() - interval '3 days',
         now() - interval '1 day' - random() * interval '1 hour'
  FROM users u CROSS JOIN module_list m WHERE u.role = 'student' AND m.position <= 4;
INSERT INTO submissions (id, student_id, assignment_id, content, status, created_at, updated_at)
  SELECT gen_random_uuid(), u.id, a.id, 'work of ' || u.full_name,
         CASE WHEN m.position = 1 THEN 'approved' ELSE 'pending' END,
         now() - interval '2 days', now() - interval '1 day' - random() * interval '1 hour'
  FROM users u CROSS JOIN assignments a JOIN module_list m ON m.id = a.module_id
  WHERE u.role = 'student' AND m.position <= 2;
"""

# the rows a pass reads, as a plain SELECT reads them (the anchor)
PLAIN = (
    "SELECT id, full_name, email, role, status, mentor_id, timezone, created_at, updated_at FROM users",
    "SELECT id, title, created_at, updated_at FROM courses",
    "SELECT id, course_id, title, position, updated_at FROM modules",
    "SELECT id, user_id, module_id, is_completed, progress_percent, time_spent_minutes, quiz_score,"
    " last_activity_at, completed_at, updated_at FROM user_module_progress",
    "SELECT id, module_id, title, instructions, updated_at FROM assignments",
    "SELECT id, student_id, assignment_id, content, status, feedback, reviewed_by, reviewed_at,"
    " created_at, updated_at FROM submissions",
)


def platform(base: str, students: int) -> tuple[str, str]:
    """A schema of its own, made and filled; (its URL, its name)."""
    import psycopg

    schema = f"lms_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    text = resources.files("mentor_tui.lms").joinpath("platform_schema.sql").read_text()
    with psycopg.connect(url) as conn:
        conn.execute(text)
        conn.execute(FILL.format(students=int(students), mentors=max(1, int(students) // 25)))
        conn.execute("ANALYZE")
    return url, schema


def plain_select(url: str) -> tuple[int, float]:
    import psycopg

    started = time.perf_counter()
    rows = 0
    with psycopg.connect(url) as conn:
        for query in PLAIN:
            rows += len(conn.execute(query).fetchall())
    return rows, time.perf_counter() - started


def measure(base: str, students: int, work: Path) -> dict[str, Any]:
    import psycopg

    from mentor_tui.config import Config
    from mentor_tui.db.engine import make_engine
    from mentor_tui.lms.bridge import run_pass

    url, schema = platform(base, students)
    try:
        rows, plain_seconds = plain_select(url)
        engine = make_engine(work / "lms.db")
        try:
            started = time.perf_counter()
            first = run_pass(url, engine, Config())
            first_seconds = time.perf_counter() - started
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    "UPDATE user_module_progress SET is_completed = true, progress_percent = 100, "
                    "updated_at = now() WHERE id IN (SELECT id FROM user_module_progress "
                    "WHERE NOT is_completed ORDER BY id LIMIT 100)"
                )
            started = time.perf_counter()
            again = run_pass(url, engine, Config())
            incremental_seconds = time.perf_counter() - started
        finally:
            engine.dispose()
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return {
        "students": students,
        "rows": rows,
        "rows_in": first.rows_in,
        "first_pass_seconds": first_seconds,
        "rows_per_second": rows / first_seconds,
        "plain_rows_per_second": rows / plain_seconds,
        "ratio": plain_seconds / first_seconds,
        "incremental_rows_in": again.rows_in,
        "incremental_seconds": incremental_seconds,
    }


def database_url() -> str | None:
    return next((os.environ[v] for v in URL_VARIABLES if os.environ.get(v)), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50_000)
    args = parser.parse_args(argv)
    base = database_url()
    if base is None:
        print(f"Set {URL_VARIABLES[0]} to a PostgreSQL database to measure.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mentor-lms-bench-") as folder:
        result = measure(base, args.students, Path(folder))
    print(
        f"first pass, {result['students']:,} students, {result['rows']:,} rows: "
        f"{result['rows_per_second']:,.0f} rows/s, plain SELECT {result['plain_rows_per_second']:,.0f}"
        f" rows/s, {result['ratio']:.2f}x (target >= {TARGET_RATIO}x)"
    )
    print(
        f"incremental pass, {result['incremental_rows_in']} rows changed: "
        f"{result['incremental_seconds']:.2f} s (target < {TARGET_INCREMENTAL_SECONDS:g} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
