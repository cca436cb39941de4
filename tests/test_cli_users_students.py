"""`mentor-tui users list/add/import` and `mentor-tui students`, through ``cli.main`` as a
script would run them: JSON shapes, the aligned table, user text shown literally, and every
error as one sentence on stderr with exit status 2."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.cli import main
from mentor_tui.commands import students as students_command
from mentor_tui.core.people import students as students_core
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User
from tests import factory
from tests.people_csv import write_people_csv
from tests.school import School, build_school

MARKUP_NAME = "[bold]Eve[/bold]"
ESC_NAME = "Mallory\x1b[31mRed\x1b]8;;https://x\x07"


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        school = build_school(s)
        factory.student(s, MARKUP_NAME, email="markup@example.org", mentor=school.otto)
        factory.student(s, ESC_NAME, email="esc@example.org", mentor=school.otto)
        return school


def run(capsys, db_path: Path, *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr; argparse's own usage errors exit through SystemExit."""
    try:
        code = main([*argv, "--db", str(db_path)])
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def users_in(engine) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(User)).scalar_one())


# ---------------------------------------------------------------------------------------------
# students


def test_students_json_shape(capsys, db_path, school: School) -> None:
    code, out, err = run(capsys, db_path, "students", "--user", "maria@example.org", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [r["full_name"] for r in rows] == ["Ada", "Ben", "Cleo"]
    ada, ben, cleo = rows
    assert {
        "id",
        "full_name",
        "email",
        "status",
        "mentor_id",
        "completion_rate",
        "pending_submissions",
        "last_activity_at",
        "at_risk",
        "at_risk_reasons",
    } <= set(ada)
    assert ada["id"] == school.ada.id and ada["mentor_id"] == school.maria.id
    assert (ada["completion_rate"], ada["pending_submissions"], ada["at_risk"]) == (75.0, 1, False)
    assert ada["at_risk_reasons"] == []
    moment = datetime.fromisoformat(ada["last_activity_at"])
    assert ada["last_activity_at"].endswith("+00:00") and moment.utcoffset() is not None
    assert ben["at_risk"] is True and ben["at_risk_reasons"][0] == "no activity for 20 days"
    assert cleo["last_activity_at"] is None


def test_students_filter_sort_and_limit(capsys, db_path, school: School) -> None:
    code, out, err = run(
        capsys,
        db_path,
        "students",
        "--user",
        "admin@example.org",
        "--json",
        "--sort",
        "completion",
        "--desc",
        "--limit",
        "3",
        "--all",  # Eve has graduated: without --all she leaves the list
    )
    assert code == 0
    assert [r["full_name"] for r in json.loads(out)] == ["Dan", "Eve", "Ada"]
    assert err == "Showing 3 of 8 students; --limit 0 lists them all.\n"
    admin = ("--user", "admin@example.org")
    code, out, err = run(capsys, db_path, "students", *admin, "--limit", "3", "--offset", "5")
    assert code == 0 and len(out.splitlines()) == 3  # the header and the last two (not Eve)
    assert err == "Showing 6-7 of 7 students; --limit 0 lists them all.\n"
    code, out, err = run(capsys, db_path, "students", *admin, "--limit", "3", "--offset", "3")
    assert err == "Showing 4-6 of 7 students; --limit 0 lists them all.\n"
    code, out, err = run(
        capsys,
        db_path,
        "students",
        "--user",
        "admin@example.org",
        "--json",
        "--filter",
        "EXAMPLE",
        "--limit",
        "0",
        "--all",
    )
    assert len(json.loads(out)) == 8 and err == ""
    code, out, _ = run(
        capsys,
        db_path,
        "students",
        "--user",
        "admin@example.org",
        "--json",
        "--filter",
        "[bold]",
    )
    assert [r["full_name"] for r in json.loads(out)] == [MARKUP_NAME]
    assert students_command.SORT_KEYS == students_core.SORT_KEYS


def test_students_table_is_aligned_and_literal(capsys, db_path, school: School) -> None:
    code, out, err = run(capsys, db_path, "students", "--user", "otto@example.org", "--all")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "name",
        "email",
        "status",
        "mentor",
        "completion",
        "pending",
        "last",
        "activity",
        "at",
        "risk",
    ]
    assert len(lines) == 5  # header + Dan, Eve, and the two odd names
    column = lines[0].index("email")
    assert all(line[column - 2 : column] == "  " for line in lines[1:])
    markup = next(line for line in lines if "markup@example.org" in line)
    assert markup.startswith(MARKUP_NAME)
    assert "\x1b" not in out and "\x07" not in out
    assert "Mallory\N{REPLACEMENT CHARACTER}[31mRed" in out
    dan = next(line for line in lines if line.startswith("Dan "))
    assert "100%" in dan and "1 submission waiting for review longer than 48 h" in dan


def test_students_errors_are_one_sentence(capsys, db_path, school: School) -> None:
    code, out, err = run(capsys, db_path, "students", "--user", "nobody@example.org")
    assert code == 2 and out == ""
    assert err == "mentor-tui: No user with the email 'nobody@example.org' in this database.\n"
    code, _, err = run(capsys, db_path, "students", "--user", "ada@example.org", "--sort", "age")
    assert code == 2 and err.startswith("mentor-tui: argument --sort: invalid choice: 'age'")
    assert err.count("\n") == 1
    code, _, err = run(capsys, db_path, "students", "--user", "ada@example.org", "--limit", "-3")
    assert code == 2 and "--limit cannot be negative" in err and "Traceback" not in err


def test_a_student_lists_only_themself(capsys, db_path, school: School) -> None:
    code, out, _ = run(capsys, db_path, "students", "--user", "finn@example.org", "--json")
    assert code == 0 and [r["email"] for r in json.loads(out)] == ["finn@example.org"]


# ---------------------------------------------------------------------------------------------
# users list / add


def test_users_list_json_and_table(capsys, db_path, school: School) -> None:
    code, out, _ = run(capsys, db_path, "users", "list", "--user", "admin@example.org", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 11
    assert {"id", "email", "full_name", "role", "status", "mentor_id"} <= set(rows[0])
    dan = next(r for r in rows if r["email"] == "dan@example.org")
    assert (dan["role"], dan["status"], dan["mentor_id"]) == ("student", "Active", school.otto.id)
    code, out, _ = run(
        capsys,
        db_path,
        "users",
        "list",
        "--user",
        "maria@example.org",
        "--role",
        "student",
        "--json",
    )
    assert [r["email"] for r in json.loads(out)] == [
        "ada@example.org",
        "ben@example.org",
        "cleo@example.org",
    ]
    code, out, _ = run(
        capsys, db_path, "users", "list", "--user", "otto@example.org", "--role", "student"
    )
    assert code == 0 and "\x1b" not in out
    assert any(line.startswith(MARKUP_NAME) for line in out.splitlines())
    assert "otto@example.org" in out  # the mentor column names the mentor by email


def test_users_add_prints_the_new_id(capsys, db_path, engine, school: School) -> None:
    code, out, err = run(
        capsys,
        db_path,
        "users",
        "add",
        "--user",
        "admin@example.org",
        "--email",
        "nia@example.org",
        "--name",
        "Nia Mentor",
        "--role",
        "mentor",
        "--capacity",
        "2",
        "--expertise",
        "Python, SQL",
        "--timezone",
        "Europe/Berlin",
    )
    assert (code, err) == (0, "")
    new_id = out.strip()
    with session_scope(engine) as s:
        nia = s.get(User, new_id)
        assert nia is not None and (nia.email, nia.role, nia.timezone) == (
            "nia@example.org",
            "mentor",
            "Europe/Berlin",
        )
    code, out, _ = run(
        capsys,
        db_path,
        "users",
        "add",
        "--user",
        "admin@example.org",
        "--email",
        "kid@example.org",
        "--name",
        "Kid",
        "--role",
        "student",
        "--mentor",
        "nia@example.org",
        "--json",
    )
    assert code == 0 and json.loads(out)["mentor_id"] == new_id


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (
            [
                "--user",
                "maria@example.org",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "student",
            ],
            "mentor-tui: Only an admin can add users.\n",
        ),
        (
            [
                "--user",
                "admin@example.org",
                "--email",
                "ada@example.org",
                "--name",
                "X",
                "--role",
                "student",
            ],
            "mentor-tui: ada@example.org already has an account.\n",
        ),
        (
            [
                "--user",
                "admin@example.org",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "student",
                "--mentor",
                "maria@example.org",
            ],
            (
                "mentor-tui: Maria Mentor is at capacity (3 of 3 students); force the assignment "
                "to go over it.\n"
            ),
        ),
        (
            [
                "--user",
                "admin@example.org",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "mentor",
                "--timezone",
                "Moon/Base",
            ],
            "mentor-tui: Unknown timezone 'Moon/Base'; use an IANA name such as Europe/Berlin.\n",
        ),
    ],
)
def test_users_add_errors(capsys, db_path, engine, school: School, argv, sentence) -> None:
    before = users_in(engine)
    code, out, err = run(capsys, db_path, "users", "add", *argv)
    assert (code, out, err) == (2, "", sentence)
    assert users_in(engine) == before


def test_users_add_on_an_empty_store_makes_the_first_admin(capsys, db_path, engine) -> None:
    code, _, err = run(
        capsys,
        db_path,
        "users",
        "add",
        "--email",
        "s@example.org",
        "--name",
        "S",
        "--role",
        "student",
    )
    assert code == 2 and "the first account must be an admin" in err
    code, out, err = run(
        capsys,
        db_path,
        "users",
        "add",
        "--email",
        "root@example.org",
        "--name",
        "Root",
        "--role",
        "admin",
    )
    assert (code, err) == (0, "")
    with session_scope(engine) as s:
        assert s.get(User, out.strip()).role == "admin"


def test_users_without_an_action(capsys, db_path, school: School) -> None:
    code = main(["users"])
    _, err = capsys.readouterr()
    assert code == 2 and err == (
        "mentor-tui: Say what to do with users: list, add or import (see `mentor-tui users -h`).\n"
    )


# ---------------------------------------------------------------------------------------------
# users import


def test_users_import(capsys, db_path, engine, school: School, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        "full_name,email,role,mentor_email,capacity\n"
        "Nia,nia@example.org,mentor,,2\n"
        "Kid One,kid1@example.org,student,nia@example.org,\n"
        "Kid Two,kid2@example.org,student,nia@example.org,\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, db_path, "users", "import", str(csv_file), "--user", "admin@example.org"
    )
    assert (code, err) == (0, "")
    assert out == "Created 3 users (1 mentor, 2 students).\n"


class TerminalStderr(io.StringIO):
    """stderr as an interactive terminal would report itself."""

    def isatty(self) -> bool:
        return True


def test_users_import_shows_progress_on_a_terminal_only(
    capsys, monkeypatch, db_path, engine, school: School, tmp_path: Path
) -> None:
    people = write_people_csv(tmp_path / "people.csv", mentors=4, students=116, capacity=30)
    terminal = TerminalStderr()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(
        ["users", "import", str(people.path), "--user", "admin@example.org", "--db", str(db_path)]
    )
    monkeypatch.undo()
    assert code == 0
    assert capsys.readouterr().out == "Created 120 users (4 mentors, 116 students).\n"
    shown = terminal.getvalue()
    assert shown.endswith("\n") and shown.count("\n") == 1
    assert shown.split("\r")[1:] == [
        "Importing users: 0 of 120 rows",
        "Importing users: 50 of 120 rows",
        "Importing users: 100 of 120 rows",
        "Importing users: 120 of 120 rows\n",
    ]
    # not a terminal (a pipe, a log): the result only, no progress line
    again = write_people_csv(tmp_path / "more.csv", mentors=0, students=60, seed=12)
    code, out, err = run(
        capsys, db_path, "users", "import", str(again.path), "--user", "admin@example.org"
    )
    assert (code, out, err) == (0, "Created 60 users (60 students).\n", "")


def test_users_import_writes_nothing_and_lists_bad_lines(
    capsys, db_path, engine, school: School, tmp_path: Path
) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text(
        "full_name,email,role\nGood,good@example.org,student\nBad,bad,student\n\nWho,who@example.org,chef\n",
        encoding="utf-8",
    )
    before = users_in(engine)
    code, out, err = run(
        capsys, db_path, "users", "import", str(csv_file), "--user", "admin@example.org"
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "mentor-tui: Nothing was imported: 2 lines have problems.",
        "line 3: 'bad' is not an email address like name@example.org.",
        "line 5: Unknown role 'chef'; use one of admin, mentor, student.",
    ]
    assert users_in(engine) == before
    code, _, err = run(
        capsys,
        db_path,
        "users",
        "import",
        str(tmp_path / "nope.csv"),
        "--user",
        "admin@example.org",
    )
    assert code == 2 and err.startswith("mentor-tui: There is no file")
    code, _, err = run(
        capsys, db_path, "users", "import", str(csv_file), "--user", "maria@example.org"
    )
    assert (code, err) == (2, "mentor-tui: Only an admin can import users.\n")
