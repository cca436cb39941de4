"""`mentor-tui import FILE`: learning records from JSON Lines or a folder of CSV files, through
``cli.main`` as a person runs it, checked against the store afterwards."""

from __future__ import annotations

import io
import json
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.cli import main
from mentor_tui.core.learning.keys import NAMESPACE, progress_row_id, row_id
from mentor_tui.db.engine import session_scope
from mentor_tui.db.learning_models import Enrollment
from mentor_tui.db.models import (
    Course,
    JournalEntry,
    Module,
    ModuleProgress,
    Notification,
    Submission,
    User,
)
from tests import factory

ADMIN = "admin@example.org"

GOOD = [
    {"type": "user", "id": "m1", "full_name": "Maria Mentor", "email": "maria@example.org",
     "role": "mentor", "timezone": "Europe/Berlin"},
    {"type": "user", "id": "s1", "full_name": "Sam Student", "email": "sam@example.org",
     "role": "student", "mentor_id": "m1"},
    {"type": "course", "id": "c1", "title": "Python for the web"},
    {"type": "module", "id": "c1-m1", "course_id": "c1", "title": "HTTP basics", "position": 1},
    {"type": "module", "id": "c1-m2", "course_id": "c1", "title": "Flask", "position": 2},
    {"type": "module", "id": "c1-m3", "course_id": "c1", "title": "Testing", "position": 3},
    {"type": "enrollment", "id": "e1", "user_id": "s1", "course_id": "c1"},
    {"type": "progress", "id": "p1", "user_id": "s1", "module_id": "c1-m1", "is_completed": True,
     "progress_percent": 100, "time_spent_minutes": 95, "quiz_score": 88.5,
     "last_activity_at": "2026-03-01T14:30:00Z"},
    {"type": "assignment", "id": "a1", "module_id": "c1-m1", "title": "A tiny server",
     "instructions": "Serve *one* page."},
    {"type": "submission", "id": "sub1", "student_id": "s1", "assignment_id": "a1",
     "content": "print('hi')", "created_at": "2026-03-02T09:00:00+01:00"},
]  # fmt: skip


@pytest.fixture
def store(engine) -> None:
    with session_scope(engine) as s:
        factory.admin(s, email=ADMIN)


def run(capsys, db_path: Path, *argv: str) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--db", str(db_path)])
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write_jsonl(path: Path, records: list[dict[str, object]], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    return path


def journal_size(engine) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_import_jsonl_writes_every_record(capsys, db_path, engine, store, tmp_path) -> None:
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    code, out, err = run(capsys, db_path, "import", str(path), "--user", ADMIN)
    assert (code, err) == (0, "")
    assert out == (
        "Read 10 records (2 users, 1 course, 3 modules, 1 progress, 1 enrollment, "
        "1 assignment, 1 submission); wrote 17 rows (1 assignments, 1 courses, "
        "1 enrollments, 1 mentor_profiles, 3 module_progress, 3 modules, 2 notifications, "
        "1 student_profiles, 1 submissions, 3 users).\n"
    )
    with session_scope(engine) as s:
        sam = s.get(User, row_id("user", "s1"))
        maria = s.get(User, row_id("user", "m1"))
        assert sam is not None and maria is not None
        assert (sam.email, sam.role, sam.mentor_id) == ("sam@example.org", "student", maria.id)
        assert maria.timezone == "Europe/Berlin"
        course = s.get(Course, row_id("course", "c1"))
        assert course is not None and course.title == "Python for the web"
        modules = s.execute(select(Module).where(Module.course_id == course.id)).scalars()
        assert sorted(m.position for m in modules) == [1, 2, 3]
        rows = s.execute(select(ModuleProgress).where(ModuleProgress.user_id == sam.id)).scalars()
        by_module = {r.module_id: r for r in rows}
        assert len(by_module) == 3  # the enrollment: one row per module of the course
        enrolled = s.execute(select(Enrollment).where(Enrollment.user_id == sam.id)).scalars()
        assert [(e.course_id, e.deleted_at) for e in enrolled] == [(course.id, None)]
        done = by_module[row_id("module", "c1-m1")]
        assert (done.is_completed, done.percent, done.time_spent_minutes, done.quiz_score) == (
            True,
            100.0,
            95,
            88.5,
        )
        assert done.last_activity_at is not None
        assert done.last_activity_at.isoformat() == "2026-03-01T14:30:00+00:00"
        assert sum(r.is_completed for r in by_module.values()) == 1
        work = s.get(Submission, row_id("submission", "sub1"))
        assert work is not None and work.status == "pending"
        assert work.submitted_at.isoformat() == "2026-03-02T08:00:00+00:00"
        told = s.execute(
            select(Notification).where(Notification.user_id == maria.id).order_by(Notification.type)
        ).scalars()
        # the assignment, and the new pending work waiting for her (as the bridge tells it)
        assert [(n.type, n.title, n.message) for n in told] == [
            ("new_student_assignment", "New student assigned",
             "Sam Student (sam@example.org) is now your student."),
            ("new_submission", "New submission", "Sam Student submitted A tiny server."),
        ]  # fmt: skip
    # the student list now shows the platform's completion: 1 of 3 modules
    code, out, _ = run(capsys, db_path, "students", "--user", ADMIN, "--json")
    assert [(r["email"], round(r["completion_rate"], 1)) for r in json.loads(out)] == [
        ("sam@example.org", 33.3)
    ]


def test_reimport_writes_nothing_and_a_change_writes_only_it(
    capsys, db_path, engine, store, tmp_path
) -> None:
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    before = journal_size(engine)
    code, out, err = run(capsys, db_path, "import", str(path), "--user", ADMIN)
    assert (code, out, err) == (
        0,
        "Read 10 records; wrote 0 rows: the database already holds all of it.\n",
        "",
    )
    assert journal_size(engine) == before
    changed = [dict(r) for r in GOOD]
    changed[7] = changed[7] | {"quiz_score": 91}
    write_jsonl(path, changed)
    code, out, _ = run(capsys, db_path, "import", str(path), "--user", ADMIN, "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["rows_written"], report["written_by_table"]) == (1, {"module_progress": 1})
    assert journal_size(engine) == before + 1


def test_a_decision_made_in_mentor_tui_stays_when_the_platform_still_says_pending(
    capsys, db_path, engine, store, tmp_path
) -> None:
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    code, _, err = run(
        capsys, db_path, "review", row_id("submission", "sub1"), "--approve",
        "--feedback", "Nice.", "--user", "maria@example.org",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    with session_scope(engine) as s:
        work = s.get(Submission, row_id("submission", "sub1"))
        assert work is not None and (work.status, work.feedback) == ("approved", "Nice.")
    decided = [dict(r) for r in GOOD]
    decided[9] = decided[9] | {"status": "rejected", "feedback": "Platform says no."}
    write_jsonl(path, decided)
    assert run(capsys, db_path, "import", str(path), "--user", ADMIN)[0] == 0
    with session_scope(engine) as s:
        work = s.get(Submission, row_id("submission", "sub1"))
        assert work is not None and (work.status, work.feedback) == (
            "rejected",
            "Platform says no.",
        )


BAD = [
    {"type": "user", "id": "s2", "full_name": "", "email": "nope", "role": "student"},
    {"type": "course", "id": "c2"},
    {"type": "module", "id": "x1", "course_id": "c404", "title": "Lost", "position": "first"},
    {"type": "module", "id": "x2", "course_id": "c404", "title": "Lost too"},
    {"type": "progress", "id": "p9", "user_id": "m1", "module_id": "c1-m1",
     "progress_percent": 120, "last_activity_at": "yesterday"},
    {"type": "lesson", "id": "l1"},
    {"type": "course", "id": "c1", "title": "Again", "colour": "red"},
    {"type": "course", "id": "c1", "title": "Twice"},
    {"type": "course", "id": "c1", "title": "Thrice"},
    {"type": "progress", "id": "p8", "user_id": "m1", "module_id": "c1-m1"},
]  # fmt: skip


def test_bad_file_lists_every_problem_and_writes_nothing(
    capsys, db_path, engine, store, tmp_path
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", GOOD)
    assert run(capsys, db_path, "import", str(good), "--user", ADMIN)[0] == 0
    before = journal_size(engine)
    path = write_jsonl(tmp_path / "bad.jsonl", BAD, extra="{not json\n[1, 2]\n")
    code, out, err = run(capsys, db_path, "import", str(path), "--user", ADMIN)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "mentor-tui: Nothing was imported: the file has 13 problems.",
        "line 1, field 'email': 'nope' is not an email address like name@example.org.",
        "line 1, field 'full_name': a user needs a full_name.",
        "line 2, field 'title': a course needs a title.",
        "line 3, field 'position': 'first' is not a number.",
        "line 4, field 'course_id': no course 'c404' in the file or the database.",
        "line 5, field 'last_activity_at': 'yesterday' is not an ISO 8601 time like "
        "2026-03-01T14:30:00Z.",
        "line 5, field 'progress_percent': 120 is not between 0 and 100.",
        "line 6, field 'type': 'lesson' is not a record type; use one of user, course, module, "
        "progress, enrollment, assignment, submission.",
        "line 7, field 'colour': a course has no such field; its fields are id, title, "
        "description.",
        "line 9, field 'id': the course 'c1' already appears on line 8.",
        "line 10, field 'user_id': the user 'm1' is a mentor, not a student.",
        "line 11: this is not a JSON object (Expecting property name enclosed in double quotes).",
        "line 12: this is not a JSON object with a type.",
    ]
    assert journal_size(engine) == before


def test_check_validates_without_writing(capsys, db_path, engine, store, tmp_path) -> None:
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    before = journal_size(engine)
    code, out, err = run(capsys, db_path, "import", str(path), "--check", "--user", ADMIN)
    assert (code, err) == (0, "")
    assert out == (
        "The file is good: 10 records (2 users, 1 course, 3 modules, 1 progress, 1 enrollment, "
        "1 assignment, 1 submission); nothing was written.\n"
    )
    assert journal_size(engine) == before
    bad = write_jsonl(tmp_path / "bad.jsonl", BAD[:2])
    code, out, err = run(capsys, db_path, "import", str(bad), "--check", "--user", ADMIN)
    assert (code, out) == (2, "")
    assert err.startswith("mentor-tui: Nothing was imported: the file has 3 problems.\n")


def write_csv_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "user.csv").write_text(
        "id,full_name,email,role,mentor_id\n"
        "m1,Maria Mentor,maria@example.org,mentor,\n"
        "s1,Sam Student,sam@example.org,student,m1\n"
        's2,"Lee, Kim",kim@example.org,student,m1\n',
        encoding="utf-8",
    )
    (folder / "course.csv").write_text("id,title\nc1,Python for the web\n", encoding="utf-8")
    (folder / "module.csv").write_text(
        "id,course_id,title,position\nc1-m1,c1,HTTP basics,1\nc1-m2,c1,Flask,2\n",
        encoding="utf-8",
    )
    (folder / "enrollment.csv").write_text(
        "id,user_id,course_id\ne1,s1,c1\ne2,s2,c1\n", encoding="utf-8"
    )
    (folder / "progress.csv").write_text(
        "id,user_id,module_id,is_completed,progress_percent,quiz_score\n"
        "p1,s1,c1-m1,true,100,75\np2,s2,c1-m1,false,40,\n",
        encoding="utf-8",
    )
    return folder


def test_csv_folder_imports_and_reimports_as_nothing(
    capsys, db_path, engine, store, tmp_path
) -> None:
    folder = write_csv_folder(tmp_path / "export")
    code, out, err = run(capsys, db_path, "import", str(folder), "--user", ADMIN, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["by_type"] == {"user": 3, "course": 1, "module": 2, "progress": 2,
                                 "enrollment": 2}  # fmt: skip
    with session_scope(engine) as s:
        kim = s.get(User, row_id("user", "s2"))
        assert kim is not None and kim.full_name == "Lee, Kim"
        count = select(func.count()).select_from(ModuleProgress)
        assert s.execute(count).scalar_one() == 4
        p2 = s.execute(select(ModuleProgress).where(ModuleProgress.user_id == kim.id)).scalars()
        assert sorted((p.percent, p.quiz_score) for p in p2) == [(0.0, None), (40.0, None)]
    code, out, _ = run(capsys, db_path, "import", str(folder), "--user", ADMIN)
    assert (code, out) == (
        0,
        "Read 10 records; wrote 0 rows: the database already holds all of it.\n",
    )


def test_csv_folder_problems_name_the_file(capsys, db_path, store, tmp_path) -> None:
    folder = write_csv_folder(tmp_path / "export")
    (folder / "course.csv").write_text("id,name\nc1,Python\n", encoding="utf-8")
    (folder / "progress.csv").write_text(
        "id,user_id,module_id,is_completed\np1,s1,c1-m1,maybe\np2,s9,c1-m2,no\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, db_path, "import", str(folder), "--user", ADMIN)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "mentor-tui: Nothing was imported: the file has 8 problems.",
        "course.csv line 1, field 'name': a course has no such field; its fields are id, title, "
        "description.",
        "course.csv line 1, field 'title': the header lacks this column, which every course needs.",
        # course.csv was not read: whatever names its courses is reported too
        "enrollment.csv line 2, field 'course_id': no course 'c1' in the file or the database.",
        "enrollment.csv line 3, field 'course_id': no course 'c1' in the file or the database.",
        "module.csv line 2, field 'course_id': no course 'c1' in the file or the database.",
        "module.csv line 3, field 'course_id': no course 'c1' in the file or the database.",
        "progress.csv line 2, field 'is_completed': 'maybe' is not true or false.",
        "progress.csv line 3, field 'user_id': no user 's9' in the file or the database.",
    ]
    (folder / "lessons.csv").write_text("id\n1\n", encoding="utf-8")
    code, _, err = run(capsys, db_path, "import", str(folder), "--user", ADMIN)
    assert code == 2 and err.startswith("mentor-tui: 'lessons.csv' in ")


def test_only_an_admin_imports(capsys, db_path, engine, tmp_path) -> None:
    with session_scope(engine) as s:
        factory.admin(s, email=ADMIN)
        factory.mentor(s, email="otto@example.org")
    path = write_jsonl(tmp_path / "lms.jsonl", GOOD)
    for extra in ((), ("--check",)):
        code, out, err = run(
            capsys, db_path, "import", str(path), *extra, "--user", "otto@example.org"
        )
        assert (code, out, err) == (
            2,
            "",
            "mentor-tui: Only an admin can import learning records.\n",
        )


def test_missing_file_is_one_sentence(capsys, db_path, store, tmp_path) -> None:
    code, out, err = run(capsys, db_path, "import", str(tmp_path / "nope.jsonl"), "--user", ADMIN)
    assert (code, out) == (2, "")
    assert err == f"mentor-tui: There is no file or folder {str(tmp_path / 'nope.jsonl')!r}.\n"


class TerminalStderr(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(capsys, monkeypatch, db_path, store, tmp_path) -> None:
    records = [{"type": "course", "id": f"c{i}", "title": f"Course {i}"} for i in range(450)]
    path = write_jsonl(tmp_path / "many.jsonl", records)
    terminal = TerminalStderr()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["import", str(path), "--user", ADMIN, "--db", str(db_path)])
    monkeypatch.undo()
    assert code == 0
    assert "Importing records" in terminal.getvalue()
    assert "450/450" in terminal.getvalue()
    assert capsys.readouterr().out.startswith("Read 450 records (450 courses); wrote 450 rows")
    # not a terminal: the result only
    records.append({"type": "course", "id": "c-new", "title": "New"})
    write_jsonl(path, records)
    code, out, err = run(capsys, db_path, "import", str(path), "--user", ADMIN)
    assert (code, err) == (0, "")
    assert out == "Read 451 records (451 courses); wrote 1 row (1 courses).\n"


def test_a_progress_row_id_is_the_uuid5_of_its_pair_forever() -> None:
    """Written out without a UUID object (for speed): still uuid5, and the ids already stored."""
    assert progress_row_id("student-1", "module-1") == "99cc21b0-b46f-50e7-82ce-00147c8a77ab"
    for student, module in [("s", "m"), (str(uuid.uuid4()), "módulo-ü"), ("", "")]:
        wanted = uuid.uuid5(NAMESPACE, f"progress:{student}:{module}")
        assert progress_row_id(student, module) == str(wanted)
