"""A learning platform database for the bridge's tests: the schema the bridge ships
(mentor_tui/lms/platform_schema.sql) filled by plain SQL (not by mentor-tui)."""

from __future__ import annotations

import uuid
from importlib import resources
from typing import Any

NS = uuid.UUID("0b8f6b1e-2a55-4c1a-9d43-7f0e3c5a9b10")


def pid(name: str) -> str:
    return str(uuid.uuid5(NS, name))


FILL = """
INSERT INTO users (id, full_name, email, role, status, mentor_id, timezone) VALUES
  ('{a0}', 'Ada Admin', 'ada@school.example', 'admin', 'Active', NULL, 'UTC'),
  ('{m1}', 'Mia Mentor', 'mia@school.example', 'mentor', 'Active', NULL, 'Europe/Berlin'),
  ('{m2}', 'Max Mentor', 'max@school.example', 'mentor', 'Active', NULL, NULL),
  ('{s1}', 'Sam Student', 'sam@school.example', 'student', 'Active', '{m1}', 'America/New_York'),
  ('{s2}', 'Sue Student', 'sue@school.example', 'student', 'Active', '{m1}', 'Not/AZone'),
  ('{s3}', 'Sid Student', 'sid@school.example', 'student', 'Inactive', NULL, 'UTC'),
  ('{s4}', 'Sol Student', 'sol@school.example', 'student', 'Passed out / Completed', '{m2}',
   'Asia/Kolkata');
INSERT INTO courses (id, title) VALUES ('{c1}', 'Python');
INSERT INTO modules (id, course_id, title, position) VALUES
  ('{md1}', '{c1}', 'Basics', 1), ('{md2}', '{c1}', 'Functions', 2), ('{md3}', '{c1}', 'Web', 3);
INSERT INTO enrollments (user_id, course_id) VALUES ('{s1}', '{c1}'), ('{s2}', '{c1}');
INSERT INTO user_module_progress
  (id, user_id, module_id, is_completed, progress_percent, time_spent_minutes, quiz_score,
   last_activity_at, completed_at) VALUES
  ('{p1}', '{s1}', '{md1}', true, 100, 90, 88.5, now() - interval '3 days', now() - interval '3 days'),
  ('{p2}', '{s1}', '{md2}', true, 100, 60, 72, now() - interval '2 days', now() - interval '2 days'),
  ('{p3}', '{s1}', '{md3}', false, 40, 30, NULL, now() - interval '1 day', NULL),
  ('{p4}', '{s2}', '{md1}', true, 100, 45, 95, now() - interval '5 days', now() - interval '5 days'),
  ('{p5}', '{s3}', '{md1}', false, 10, 5, NULL, now() - interval '30 days', NULL),
  ('{p6}', '{s3}', '{md2}', false, 0, 0, NULL, NULL, NULL);
INSERT INTO assignments (id, module_id, title, instructions) VALUES
  ('{as1}', '{md1}', 'Hello world', 'Print it'), ('{as2}', '{md2}', 'Recursion', NULL);
INSERT INTO submissions (id, student_id, assignment_id, content, status, feedback, reviewed_by,
                         reviewed_at, created_at) VALUES
  ('{sub1}', '{s1}', '{as1}', 'print(1)', 'pending', NULL, NULL, NULL, now() - interval '1 day'),
  ('{sub2}', '{s2}', '{as1}', 'print(2)', 'pending', NULL, NULL, NULL, now() - interval '2 days'),
  ('{sub3}', '{s1}', '{as2}', 'def f(): f()', 'approved', 'Nice', '{m1}', now() - interval '1 hour',
   now() - interval '3 days');
INSERT INTO mentor_specializations (id, mentor_id, specialization, proficiency_level, verified)
  VALUES ('{sp1}', '{m1}', 'python', 4, true), ('{sp2}', NULL, 'orphan', 2, false);
INSERT INTO mentorship_sessions (id, mentor_id, student_id, scheduled_time, duration_minutes,
                                 meeting_url, platform, status) VALUES
  ('{ses1}', '{m1}', '{s1}', now() + interval '2 days', 45, 'https://meet.example/x', 'meet',
   'scheduled');
INSERT INTO mentorship_notes (id, mentor_id, student_id, note) VALUES
  ('{n1}', '{m1}', '{s1}', 'Good start'), ('{n2}', '{m1}', '{s2}', 'Ask about recursion');
"""
NAMES = ("a0 m1 m2 s1 s2 s3 s4 c1 md1 md2 md3 p1 p2 p3 p4 p5 p6 as1 as2 sub1 sub2 sub3 sp1 sp2 "
         "ses1 n1 n2").split()  # fmt: skip
ID = {name: pid(name) for name in NAMES}


def run(url: str, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def make_platform(url: str) -> str:
    schema = resources.files("mentor_tui.lms").joinpath("platform_schema.sql").read_text()
    run(url, schema)
    run(url, FILL.format(**ID))
    return url
