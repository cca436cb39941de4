"""`mentor-tui notes add / list / search / purge`: JSON shapes, plain output, access refusals
and error sentences."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from two_mentors import ADA, MAX, MIA, SAM, TOM, build_two_mentors

from mentor_tui import cli
from mentor_tui.commands import COMMAND_MODULES
from mentor_tui.config import Config, save_config
from mentor_tui.core import clock, writes
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import AuditEntry, MentorshipNote, User


@pytest.fixture
def store(db_path: Path) -> dict[str, str]:
    """Ids of two mentors with a student each and an admin."""
    return build_two_mentors(db_path)


def run(db_path: Path, user: str, verb: str, *args: str) -> int:
    return cli.main(["notes", verb, "--db", str(db_path), "--user", user, *args])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_notes_is_a_registered_verb() -> None:
    assert "notes" in COMMAND_MODULES


def test_add_then_list_as_json_keeps_the_exact_text(db_path, store, capsys) -> None:
    body = "Talked about [bold]goals[/bold]\n\x1b[31mpasted red\x1b[0m and 学习 🎉 שלום"
    assert run(db_path, MIA, "add", SAM, body, "--json") == 0
    added = out_json(capsys)
    assert added["note"] == body and added["kind"] == "note" and added["version"] == 1
    assert (
        run(
            db_path,
            MIA,
            "add",
            store["sam"],
            "Send reading list",
            "--kind",
            "action_item",
            "--due",
            "2030-04-01",
        )
        == 0
    )
    assert "Added action item" in capsys.readouterr().out
    assert run(db_path, MIA, "list", SAM, "--json") == 0
    listed = out_json(capsys)
    assert [item["kind"] for item in listed] == ["action_item", "note"]
    first, second = listed
    assert {"id", "student_id", "kind", "note", "added_at", "updated_at"} <= set(first)
    assert first["student_id"] == store["sam"] and first["due_date"] == "2030-04-01"
    assert first["done"] is False
    assert second["id"] == added["id"] and second["note"] == body
    assert second["added_at"].endswith("+00:00")


def test_plain_list_makes_control_characters_visible(db_path, store, capsys) -> None:
    run(db_path, MIA, "add", SAM, "line one\n\x1b]8;;https://evil\x07link\x1b[2J [b]x[/b]")
    capsys.readouterr()
    assert run(db_path, MIA, "list", SAM) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "    line one\n" in out
    assert "    \ufffd]8;;https://evil\ufffdlink\ufffd[2J [b]x[/b]" in out


def test_add_reads_a_utf8_file_or_stdin(db_path, store, capsys, tmp_path, monkeypatch) -> None:
    note_file = tmp_path / "note.md"
    body = "# Session\n\n- résumé review\n- 次回はテスト\n" + "x" * 100_000
    note_file.write_text(body, encoding="utf-8")
    assert (
        run(
            db_path,
            MIA,
            "add",
            SAM,
            "--file",
            str(note_file),
            "--json",
            "--kind",
            "session_summary",
        )
        == 0
    )
    assert out_json(capsys)["note"] == body
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("from stdin ✓".encode())))
    assert run(db_path, MIA, "add", SAM, "--file", "-", "--json") == 0
    assert out_json(capsys)["note"] == "from stdin ✓"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", SAM], "Give the note either as TEXT or with --file F, not both or neither."),
        (["add", SAM, "x", "--file", "f.txt"], "Give the note either as TEXT or with --file F"),
        (["add", SAM, "--file", "missing.txt"], "Cannot read missing.txt: No such file"),
        (["add", SAM, "   "], "A note needs some text."),
        (["add", SAM, "x", "--due", "soon"], "A due date looks like 2026-03-31, today, tomorrow"),
        (["add", SAM, "x", "--kind", "action_item", "--due", "2026-02-30"], "no 30 February"),
        (["add", SAM, "x", "--due", "2030-01-01"], "Only an action item has a due date."),
        (["add", "nobody@example.org", "x"], "No user 'nobody@example.org' in this database."),
        (["add", TOM, "x"], "tom.student@example.org is not one of your students."),
        (["add", MAX, "x"], "max.mentor@example.org is not a student."),
        (["list", TOM], "tom.student@example.org is not one of your students."),
        (["search", "   "], "Give some words to search for."),
        (["search", "x", "--limit", "0"], "between 1 and 500"),
    ],
)
def test_mistakes_are_one_sentence_on_stderr(db_path, store, capsys, args, message) -> None:
    assert run(db_path, MIA, *args) == cli.EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mentor-tui: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_a_file_that_is_not_utf8_is_refused(db_path, store, capsys, tmp_path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    assert run(db_path, MIA, "add", SAM, "--file", str(bad)) == cli.EXIT_USER_ERROR
    assert capsys.readouterr().err == f"mentor-tui: {bad} is not UTF-8 text.\n"


def test_another_mentor_finds_nothing_and_cannot_list(db_path, store, capsys) -> None:
    run(db_path, MIA, "add", SAM, "secret about recursion")
    capsys.readouterr()
    assert run(db_path, MAX, "search", "recursion", "--json") == 0
    assert out_json(capsys) == []
    assert run(db_path, MAX, "list", SAM, "--json") == cli.EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "mentor-tui: sam.student@example.org is not one of your students.\n"


@pytest.mark.parametrize(
    ("user", "sentence"),
    [
        (
            ADA,
            (
                "Mentorship notes are private to the mentor who wrote them; an admin cannot "
                "search them, only count them."
            ),
        ),
        (SAM, "Mentorship notes are private to the mentor who wrote them."),
    ],
)
def test_admins_and_students_are_refused(db_path, store, capsys, user, sentence) -> None:
    run(db_path, MIA, "add", SAM, "secret about recursion")
    capsys.readouterr()
    assert run(db_path, user, "search", "recursion", "--json") == cli.EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"mentor-tui: {sentence}\n"
    assert run(db_path, user, "list", SAM, "--json") == cli.EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == "" and "private to the mentor who wrote them" in captured.err
    assert run(db_path, user, "add", SAM, "sneaky") == cli.EXIT_USER_ERROR
    assert "private to the mentor who wrote them" in capsys.readouterr().err


def test_search_json_has_snippets_and_highlight_ranges(db_path, store, capsys) -> None:
    run(db_path, MIA, "add", SAM, "We discussed recursion and memoisation today.")
    run(db_path, MIA, "add", SAM, "复习递归，然后练习算法")
    capsys.readouterr()
    assert run(db_path, MIA, "search", "recur", "--json") == 0
    [hit] = out_json(capsys)
    assert {"id", "student_id", "snippet"} <= set(hit)
    assert hit["student_id"] == store["sam"]
    start, end = hit["ranges"][0]
    assert hit["snippet"][start:end] == "recursion"
    assert run(db_path, MIA, "search", "递归", "--json") == 0
    [hit] = out_json(capsys)
    start, end = hit["ranges"][0]
    assert hit["snippet"][start:end] == "递归"


def test_search_with_fts_syntax_characters_succeeds(db_path, store, capsys) -> None:
    run(db_path, MIA, "add", SAM, 'quotes " and NEAR(x) and col:on')
    capsys.readouterr()
    for query in ['"', "NEAR(a b)", "col:on", "-x", "*", "(", "a OR b", "--"]:
        assert run(db_path, MIA, "search", "--json", "--", query) == 0, query
        assert isinstance(out_json(capsys), list)


def test_a_right_to_left_override_prints_escaped_and_stays_literal_in_json(
    db_path, store, capsys
) -> None:
    run(db_path, MIA, "add", SAM, "paid \u202e001$ \u2066isolated\u2069 goals")
    capsys.readouterr()
    assert run(db_path, MIA, "list", SAM) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\u2066" not in out and "\u2069" not in out
    assert "    paid \\u202e001$ \\u2066isolated\\u2069 goals\n" in out
    assert run(db_path, MIA, "search", "goals") == 0
    row = capsys.readouterr().out.splitlines()[1]
    assert "\u202e" not in row and "\\u202e001$" in row
    assert run(db_path, MIA, "list", SAM, "--json") == 0
    assert out_json(capsys)[0]["note"] == "paid \u202e001$ \u2066isolated\u2069 goals"


def test_plain_search_prints_one_clean_row_per_hit(db_path, store, capsys) -> None:
    run(db_path, MIA, "add", SAM, "first line about goals\n\x1b[31msecond line about goals")
    capsys.readouterr()
    assert run(db_path, MIA, "search", "goals") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ADDED", "STUDENT", "KIND", "SNIPPET", "ID"]
    assert len(lines) == 2 and "\x1b" not in lines[1] and "Sam Student" in lines[1]
    assert run(db_path, MIA, "search", "absentword") == 0
    assert capsys.readouterr().out == "No notes match.\n"


def _old_note(db_path: Path, mentor_id: str, student_id: str, days: int) -> str:
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        row = MentorshipNote(
            mentor_id=mentor_id,
            student_id=student_id,
            note=f"{days} days old",
            added_at=clock.now() - timedelta(days=days),
        )
        writes.insert(s, mentor_id, row)
    engine.dispose()
    return row.id


def test_purge_says_how_many_and_a_dry_run_changes_nothing(db_path, store, capsys) -> None:
    old = _old_note(db_path, store["mia"], store["sam"], 400)
    _old_note(db_path, store["mia"], store["sam"], 10)
    _old_note(db_path, store["max"], store["tom"], 400)
    assert run(db_path, MIA, "purge", "--dry-run") == 0
    assert capsys.readouterr().out == (
        "1 note older than 365 days would be purged (dry run: nothing changed).\n"
    )
    assert run(db_path, MIA, "purge", "--dry-run", "--json") == 0
    assert out_json(capsys) == {"count": 1, "dry_run": True, "retention_days": 365}
    assert run(db_path, MIA, "purge") == 0
    assert capsys.readouterr().out == "Purged 1 note older than 365 days.\n"
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        assert s.get(MentorshipNote, old).deleted_at is not None
        live = s.execute(select(MentorshipNote.id).where(MentorshipNote.deleted_at.is_(None)))
        assert len(live.all()) == 2
        purges = s.execute(select(AuditEntry).where(AuditEntry.action == "notes.purge")).scalars()
        assert [entry.detail["count"] for entry in purges] == [1]
    engine.dispose()


def test_purge_follows_the_configured_retention(db_path, store, capsys) -> None:
    save_config(Config(note_retention_days=30))
    _old_note(db_path, store["mia"], store["sam"], 40)
    _old_note(db_path, store["mia"], store["sam"], 45)
    assert run(db_path, MIA, "purge", "--json") == 0
    assert out_json(capsys) == {"count": 2, "dry_run": False, "retention_days": 30}


def test_an_admin_cannot_purge_mentors_notes(db_path, store, capsys) -> None:
    _old_note(db_path, store["mia"], store["sam"], 400)
    assert run(db_path, ADA, "purge") == cli.EXIT_USER_ERROR
    assert "an admin cannot purge them" in capsys.readouterr().err


# -- due dates ---------------------------------------------------------------------------------

# late on Monday 2 March in UTC is already Tuesday 3 March in Auckland, where Mia lives
LATE_MONDAY_UTC = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


@pytest.fixture
def auckland(db_path, store, monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: LATE_MONDAY_UTC)
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        writes.update(s, None, s.get(User, store["mia"]), {"timezone": "Pacific/Auckland"})
    engine.dispose()


def _action_item(db_path: Path, capsys, *extra: str) -> dict:
    args = ["add", SAM, "Send the CV", "--kind", "action_item", *extra, "--json"]
    assert run(db_path, MIA, *args) == 0
    return out_json(capsys)


def _stored_due(db_path: Path, note_id: str) -> tuple[object, int]:
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        row = s.get(MentorshipNote, note_id)
        result = (row.due_date, row.version)
    engine.dispose()
    return result


def test_add_takes_the_friendly_forms_in_the_mentors_timezone(db_path, auckland, capsys) -> None:
    assert _action_item(db_path, capsys, "--due", "tomorrow")["due_date"] == "2026-03-04"
    assert _action_item(db_path, capsys, "--due", "+1w")["due_date"] == "2026-03-10"
    assert _action_item(db_path, capsys, "--due", "fri")["due_date"] == "2026-03-06"
    assert (
        run(db_path, MIA, "add", SAM, "Book room", "--kind", "action_item", "--due", "today") == 0
    )
    assert capsys.readouterr().out.endswith(", due Tue 03 Mar 2026.\n")


def test_due_sets_changes_and_clears_a_due_date(db_path, auckland, capsys) -> None:
    note_id = _action_item(db_path, capsys)["id"]
    assert run(db_path, MIA, "due", note_id, "13 mar") == 0
    assert capsys.readouterr().out == (
        f"Action item {note_id} is due Fri 13 Mar 2026 (in 10 days).\n"
    )
    assert _stored_due(db_path, note_id) == (date(2026, 3, 13), 2)
    assert run(db_path, MIA, "due", note_id, "2026-03-01", "--json") == 0
    changed = out_json(capsys)
    assert changed["due_date"] == "2026-03-01" and changed["version"] == 3
    assert run(db_path, MIA, "list", SAM) == 0
    assert "open  due 2026-03-01  OVERDUE  " + note_id in capsys.readouterr().out
    assert run(db_path, MIA, "due", note_id, "none") == 0
    assert capsys.readouterr().out == f"Action item {note_id} has no due date now.\n"
    assert _stored_due(db_path, note_id) == (None, 4)
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        audits = s.execute(select(AuditEntry.detail).where(AuditEntry.entity_id == note_id))
        fields = sorted(str(d.get("fields")) for (d,) in audits)
        assert fields == ["None", "['due_date']", "['due_date']", "['due_date']"]
    engine.dispose()


@pytest.mark.parametrize(
    ("user", "target", "typed", "sentence"),
    [
        (
            MAX,
            "item",
            "fri",
            "That note belongs to another mentor; notes are private to their author.",
        ),
        (ADA, "item", "fri", "an admin cannot read or write them, only count them."),
        (SAM, "item", "fri", "Mentorship notes are private to the mentor who wrote them."),
        (MIA, "note", "fri", "Only an action item has a due date; this note is a note."),
        (MIA, "item", "someday", "A due date looks like 2026-03-31, today, tomorrow, +3d"),
        (MIA, "item", "31 jun", "There is no 31 June; June has at most 30 days."),
        (MIA, "missing", "fri", "No note 'missing' in this database."),
    ],
)
def test_due_refusals_are_one_sentence_and_change_nothing(
    db_path, auckland, capsys, user, target, typed, sentence
) -> None:
    item = _action_item(db_path, capsys, "--due", "2026-03-20")["id"]
    assert run(db_path, MIA, "add", SAM, "plain", "--json") == 0
    ids = {"item": item, "note": out_json(capsys)["id"], "missing": "missing"}
    assert run(db_path, user, "due", ids[target], typed) == cli.EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("mentor-tui: ") and sentence in captured.err
    assert _stored_due(db_path, ids["item"]) == (date(2026, 3, 20), 1)
