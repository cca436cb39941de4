"""`mentor-tui queue` and `mentor-tui review`: JSON shapes, decisions and one-sentence refusals."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mentor_tui.cli import main
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Notification, Submission
from tests import factory

MARIA = "maria@example.org"
OTTO = "otto@example.org"
ADMIN = "ada@example.org"


@pytest.fixture
def store(engine) -> dict[str, str]:
    now = clock.now()
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email=MARIA)
        otto = factory.mentor(s, "Otto Other", email=OTTO)
        sam = factory.student(s, "Sam Student", email="sam@example.org", mentor=maria)
        eve = factory.student(s, "[bold]Eve[/bold]\x1b[31m", email="eve@example.org", mentor=maria)
        uma = factory.student(s, "Uma Unrelated", email="uma@example.org", mentor=otto)
        _, (module,) = factory.course(s, "Python", modules=1)
        recursion = factory.assignment(s, module, "Recursion")
        sorting = factory.assignment(s, module, "Sorting")
        ids = {
            "sam_recursion": factory.submission(
                s, sam, recursion, submitted_at=now - timedelta(hours=60)
            ).id,
            "eve_sorting": factory.submission(
                s, eve, sorting, submitted_at=now - timedelta(hours=30)
            ).id,
            "sam_sorting": factory.submission(
                s, sam, sorting, submitted_at=now - timedelta(hours=5)
            ).id,
            "uma_recursion": factory.submission(
                s, uma, recursion, submitted_at=now - timedelta(hours=40)
            ).id,
        }
    return ids


def run(db_path: Path, capsys, *argv: str) -> tuple[int, str, str]:
    """The console script's exit status and output (usage mistakes exit from argparse)."""
    try:
        code = main([*argv, "--db", str(db_path)])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def queue_json(db_path: Path, capsys, user: str, *extra: str) -> list[dict]:
    code, out, err = run(db_path, capsys, "queue", "--user", user, "--json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def stored(engine, submission_id: str) -> Submission:
    with session_scope(engine) as s:
        return s.get_one(Submission, submission_id)


# --- queue ----------------------------------------------------------------------------------


def test_queue_json_shape_and_order(db_path, capsys, store) -> None:
    items = queue_json(db_path, capsys, MARIA)
    assert [i["id"] for i in items] == [
        store["sam_recursion"],
        store["eve_sorting"],
        store["sam_sorting"],
    ]
    first = items[0]
    assert {
        "id",
        "student_id",
        "student_email",
        "assignment_title",
        "submitted_at",
        "due_by",
        "overdue",
    } <= set(first)
    assert first["student_email"] == "sam@example.org"
    assert first["assignment_title"] == "Recursion"
    assert first["overdue"] is True and items[1]["overdue"] is False
    submitted = datetime.fromisoformat(first["submitted_at"])
    due = datetime.fromisoformat(first["due_by"])
    assert submitted.utcoffset() == timedelta(0) and first["due_by"].endswith("+00:00")
    assert due - submitted == timedelta(hours=48)
    assert first["hours_left"] == pytest.approx(-12, abs=0.05)
    assert items[1]["student_name"] == "[bold]Eve[/bold]\x1b[31m"  # JSON keeps the data as is


def test_queue_is_scoped_to_the_acting_user(db_path, capsys, store) -> None:
    assert [i["id"] for i in queue_json(db_path, capsys, OTTO)] == [store["uma_recursion"]]
    assert len(queue_json(db_path, capsys, ADMIN)) == 4


def test_queue_overdue_filter_and_limit(db_path, capsys, store) -> None:
    assert [i["id"] for i in queue_json(db_path, capsys, MARIA, "--overdue")] == [
        store["sam_recursion"]
    ]
    assert [i["id"] for i in queue_json(db_path, capsys, MARIA, "--filter", "sorting")] == [
        store["eve_sorting"],
        store["sam_sorting"],
    ]
    assert [i["id"] for i in queue_json(db_path, capsys, ADMIN, "--filter", "uma@")] == [
        store["uma_recursion"]
    ]
    code, out, err = run(db_path, capsys, "queue", "--user", ADMIN, "--json", "--limit", "2")
    assert code == 0 and len(json.loads(out)) == 2
    assert err == "Showing 2 of 4 pending; --limit 0 lists them all.\n"
    assert len(queue_json(db_path, capsys, ADMIN, "--limit", "0")) == 4


def test_queue_text_shows_user_text_without_control_characters(db_path, capsys, store) -> None:
    code, out, err = run(db_path, capsys, "queue", "--user", MARIA, "--limit", "2")
    assert (code, err) == (0, "Showing 2 of 3 pending; --limit 0 lists them all.\n")
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID",
        "STUDENT",
        "ASSIGNMENT",
        "SUBMITTED",
        "REVIEW",
        "DUE",
        "ASKED",
    ]
    assert store["sam_recursion"] in lines[1] and "overdue by 12 h" in lines[1]
    assert "[bold]Eve[/bold]\N{REPLACEMENT CHARACTER}[31m" in lines[2]
    assert "in 18 h" in lines[2] or "in 17 h" in lines[2]
    assert "\x1b" not in out and len(lines) == 3  # the header and two rows: the hint is on stderr


def test_empty_queue_says_so(db_path, capsys, store) -> None:
    code, out, _ = run(db_path, capsys, "queue", "--user", OTTO, "--filter", "nothing-like-it")
    assert (code, out) == (0, "No pending submissions match.\n")


@pytest.mark.parametrize("limit", ["-1", "ten"])
def test_queue_refuses_a_bad_limit(db_path, capsys, store, limit) -> None:
    code, out, err = run(db_path, capsys, "queue", "--user", MARIA, "--limit", limit)
    assert code == 2 and out == ""
    assert "--limit" in err and "Traceback" not in err


# --- review ---------------------------------------------------------------------------------


def test_review_approve_json(db_path, engine, capsys, store) -> None:
    sid = store["sam_sorting"]
    code, out, err = run(
        db_path,
        capsys,
        "review",
        sid,
        "--approve",
        "--feedback",
        "Nice!",
        "--user",
        MARIA,
        "--json",
    )
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["id"] == sid and body["status"] == "approved"
    assert body["feedback"] == "Nice!"
    assert body["student_email"] == "sam@example.org"
    assert body["assignment_title"] == "Sorting"
    assert body["version"] == 2
    assert datetime.fromisoformat(body["reviewed_at"]).utcoffset() == timedelta(0)
    after = stored(engine, sid)
    assert (after.status, after.feedback, after.version) == ("approved", "Nice!", 2)
    assert after.reviewer_id == body["reviewer_id"]
    with session_scope(engine) as s:
        told = s.execute(select(Notification).where(Notification.type == "feedback_received"))
        assert [n.user_id for n in told.scalars()] == [after.student_id]
    assert sid not in [i["id"] for i in queue_json(db_path, capsys, MARIA)]


def test_review_text_output(db_path, engine, capsys, store) -> None:
    sid = store["eve_sorting"]
    code, out, err = run(
        db_path,
        capsys,
        "review",
        sid,
        "--request-changes",
        "--feedback",
        "Sort in place.",
        "--user",
        MARIA,
    )
    assert (code, err) == (0, "")
    assert out.startswith("Requested changes on [bold]Eve[/bold]\N{REPLACEMENT CHARACTER}[31m's")
    assert "eve@example.org has been told feedback is available." in out
    assert stored(engine, sid).status == "changes_requested"


@pytest.mark.parametrize("flag", ["--reject", "--request-changes"])
def test_review_without_feedback_is_refused(db_path, engine, capsys, store, flag) -> None:
    sid = store["eve_sorting"]
    code, out, err = run(db_path, capsys, "review", sid, flag, "--user", MARIA, "--feedback", " ")
    assert (code, out) == (2, "")
    assert err.startswith("mentor-tui: Write feedback to ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert stored(engine, sid).status == "pending"


def test_review_refuses_a_second_decision(db_path, engine, capsys, store) -> None:
    sid = store["sam_recursion"]
    assert run(db_path, capsys, "review", sid, "--approve", "--user", ADMIN)[0] == 0
    code, out, err = run(
        db_path, capsys, "review", sid, "--reject", "--feedback", "no", "--user", MARIA
    )
    assert (code, out) == (2, "")
    assert err.startswith("mentor-tui: Sam Student's 'Recursion' was already approved by Ada Admin")
    assert err.count("\n") == 1
    assert stored(engine, sid).status == "approved"


def test_review_refuses_another_mentors_student(db_path, engine, capsys, store) -> None:
    sid = store["uma_recursion"]
    code, out, err = run(db_path, capsys, "review", sid, "--approve", "--user", MARIA)
    assert (code, out) == (2, "")
    assert err == "mentor-tui: That submission is from uma@example.org, who is not your student.\n"
    assert stored(engine, sid).status == "pending"


def test_review_of_an_unknown_id(db_path, capsys, store) -> None:
    code, _, err = run(db_path, capsys, "review", "nope", "--approve", "--user", MARIA)
    assert code == 2 and err == "mentor-tui: No submission 'nope' in this database.\n"


def test_review_feedback_from_a_file_is_kept_exactly(db_path, engine, capsys, store, tmp_path):
    text = "Два замечания:\r\n\n- [red]base case[/red]\n```py\nreturn n\n```\n   "
    path = tmp_path / "feedback.md"
    path.write_bytes(text.encode("utf-8"))
    sid = store["sam_sorting"]
    code, _, err = run(
        db_path, capsys, "review", sid, "--reject", "--feedback-file", str(path), "--user", MARIA
    )
    assert (code, err) == (0, "")
    assert stored(engine, sid).feedback == text


def test_review_feedback_from_stdin(db_path, engine, capsys, store, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Piped 👍\n".encode())))
    sid = store["sam_sorting"]
    code, _, err = run(
        db_path, capsys, "review", sid, "--approve", "--feedback-file", "-", "--user", MARIA
    )
    assert (code, err) == (0, "")
    assert stored(engine, sid).feedback == "Piped 👍\n"


def test_review_feedback_file_problems(db_path, engine, capsys, store, tmp_path) -> None:
    sid = store["sam_sorting"]
    missing = tmp_path / "missing.md"
    code, _, err = run(
        db_path, capsys, "review", sid, "--reject", "--feedback-file", str(missing), "--user", MARIA
    )
    assert code == 2 and err == f"mentor-tui: There is no feedback file {missing}.\n"
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Grüße".encode("latin-1"))
    code, _, err = run(
        db_path, capsys, "review", sid, "--reject", "--feedback-file", str(latin1), "--user", MARIA
    )
    assert code == 2 and err == f"mentor-tui: The feedback file {latin1} is not UTF-8 text.\n"
    assert stored(engine, sid).status == "pending"


@pytest.mark.parametrize(
    "argv",
    [
        ["review", "x"],  # no decision
        ["review", "x", "--approve", "--reject"],
        ["review", "x", "--approve", "--feedback", "a", "--feedback-file", "f"],
    ],
)
def test_review_usage_mistakes(db_path, capsys, store, argv) -> None:
    code, out, err = run(db_path, capsys, *argv, "--user", MARIA)
    assert code == 2 and out == ""
    assert err.startswith("mentor-tui: ") and err.count("\n") == 1
