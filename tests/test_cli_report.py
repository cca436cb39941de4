"""`mentor-tui report`: the core's figures, the same in JSON, CSV and Markdown; who may ask
for which report; bad input in one sentence."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mentor_tui.cli import main
from mentor_tui.config import Config
from mentor_tui.core.analytics.mentors import mentor_table
from mentor_tui.db.engine import session_scope
from tests import factory
from tests.school import School, build_school


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def run(db_path: Path, capsys, *argv: str, user: str = "admin@example.org"):
    try:
        code = main([*argv, "--db", str(db_path), "--user", user])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def core_rows(engine, who):
    with session_scope(engine) as s:
        return mentor_table(s, factory.actor(who), Config())


def test_json_csv_and_markdown_carry_the_cores_figures(engine, db_path, capsys, school) -> None:
    expected = core_rows(engine, school.admin)
    code, out, err = run(db_path, capsys, "report", "mentors", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["report"] == "mentors" and data["from"] is None
    (table,) = data["tables"]
    assert table["rows"] == [
        {k: v for k, v in row.as_dict().items() if k != "mentor_id"} for row in expected
    ]
    assert table["rows"][1]["average_review_hours"] == 20.0

    code, out, _ = run(db_path, capsys, "report", "mentors", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Maria Mentor", "Otto Other"]
    maria, otto = rows
    assert maria["average_completion_rate"] == "50.0" and maria["average_review_hours"] == ""
    assert maria["attendance_rate"] == str(round(4 / 6, 4)) and maria["at_risk_students"] == "2"
    assert otto["reviews_within_sla_share"] == "1.0" and otto["sessions_held"] == "5"

    code, out, _ = run(db_path, capsys, "report", "mentors")  # Markdown by default
    assert code == 0
    assert out.startswith("# Mentor performance\n")
    assert "\n## Mentors\n" in out
    line = next(x for x in out.splitlines() if x.startswith("| Maria Mentor |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[5] == "50.0 %" and cells[7] == "—" and cells[10] == "66.7 %"
    assert cells[-1] == "2"


def test_who_may_ask_for_which_report(engine, db_path, capsys, school) -> None:
    code, out, _ = run(
        db_path, capsys, "report", "mentors", "--format", "json", user="maria@example.org"
    )
    assert code == 0
    assert [r["name"] for r in json.loads(out)["tables"][0]["rows"]] == ["Maria Mentor"]
    code, out, err = run(db_path, capsys, "report", "program", user="maria@example.org")
    assert (code, out) == (2, "")
    assert err.strip() == "mentor-tui: Only an admin can see the program report."
    code, _, err = run(db_path, capsys, "report", "mentors", user="ada@example.org")
    assert code == 2 and "Only an admin or a mentor" in err
    code, out, _ = run(
        db_path, capsys, "report", "students", "--format", "json", user="ada@example.org"
    )
    assert [r["name"] for r in json.loads(out)["tables"][0]["rows"]] == ["Ada"]
    code, out, _ = run(
        db_path, capsys, "report", "students", "--format", "csv", user="maria@example.org"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["name"], r["at_risk"]) for r in rows] == [
        ("Ada", "no"),
        ("Ben", "yes"),
        ("Cleo", "yes"),
    ]


def test_out_file_period_and_bad_input(engine, db_path, capsys, school, tmp_path) -> None:
    target = tmp_path / "mentors.md"
    code, out, _ = run(db_path, capsys, "report", "mentors", "--out", str(target))
    assert code == 0
    assert out.strip() == f"Wrote the mentors report (2 rows, md) to {target}."
    assert target.read_text().startswith("# Mentor performance")
    code, out, _ = run(
        db_path, capsys, "report", "mentors", "--format", "json", "--from", "2000-01-01",
        "--to", "2000-01-31",
    )  # fmt: skip
    data = json.loads(out)
    assert (data["from"], data["to"]) == ("2000-01-01", "2000-01-31")
    assert [r["sessions_held"] for r in data["tables"][0]["rows"]] == [0, 0]
    for argv, words in (
        (("--from", "2026-02-30"), "is not a date"),
        (("--from", "2026-03-02", "--to", "2026-03-01"), "starts (2026-03-02) after it ends"),
        (("--out", str(tmp_path)), "is a folder"),
        (("--out", str(tmp_path / "missing" / "x.md")), "does not exist"),
    ):
        code, out, err = run(db_path, capsys, "report", "mentors", *argv)
        assert code == 2 and out == "" and words in err, err
        assert len(err.strip().splitlines()) == 1
    code, _, err = run(db_path, capsys, "report", "students", "--from", "2026-01-01")
    assert code == 2 and "as of now" in err
    code, _, err = run(db_path, capsys, "report", "salaries")
    assert code == 2 and "invalid choice" in err


def test_names_are_data_in_every_format(engine, db_path, capsys) -> None:
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email="admin@example.org")
        factory.mentor(s, "=HYPERLINK(1)|x\x1b[31m", email="odd@example.org")
    code, out, _ = run(db_path, capsys, "report", "mentors", "--format", "csv")
    assert code == 0 and "\x1b" not in out
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["name"].startswith("'=HYPERLINK(1)|x")  # a spreadsheet shows it, never runs it
    code, out, _ = run(db_path, capsys, "report", "mentors")
    assert "\x1b" not in out
    line = next(x for x in out.splitlines() if "HYPERLINK" in x)
    assert line.startswith("| =HYPERLINK(1)\\|x")  # the pipe cannot split the row
    assert line.count(" | ") == 14  # fifteen cells
    code, out, _ = run(db_path, capsys, "report", "mentors", "--format", "json")
    assert "\x1b" not in out  # escaped by JSON
    assert json.loads(out)["tables"][0]["rows"][0]["name"] == "=HYPERLINK(1)|x\x1b[31m"
