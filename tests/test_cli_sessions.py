"""`mentor-tui sessions add / list / cancel / import` and `mentor-tui export ics`: JSON shapes,
what a person reads, and one-sentence refusals with exit status 2."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from mentor_tui.cli import main
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipSession
from tests import session_people as people

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture
def store(db_path: Path) -> dict[str, str]:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
            omar = people.mentor(s, "Omar Other", email="omar@example.org")
            sam = people.student(s, "Sam Tanaka", maria, tz="Asia/Tokyo", email="sam@example.org")
            ana = people.student(
                s, "Ana Ruiz", maria, tz="America/New_York", email="ana@example.org"
            )
            zoe = people.student(s, "Zoe Zhang", omar, email="zoe@example.org")
            return {"maria": maria.id, "sam": sam.id, "ana": ana.id, "zoe": zoe.id}
    finally:
        engine.dispose()


def run(db_path: Path, *args: str, user: str = "maria@example.org") -> int:
    return main([*args, "--db", str(db_path), "--user", user])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def add(db_path: Path, *extra: str) -> int:
    return run(db_path, "sessions", "add", "--student", "sam@example.org", *extra)


def test_add_prints_each_students_local_time(store, db_path: Path, capsys) -> None:
    code = add(db_path, "--at", "2030-03-05 11:00", "--link", "https://meet.example.org/a")
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "Scheduled 'Session with Sam Tanaka' on Tue 2030-03-05 11:00-12:00 CET."
    assert re.fullmatch(r"  id       [0-9a-f-]{36}", out[1])
    assert out[2] == "  link     https://meet.example.org/a"
    assert out[3] == "  Sam Tanaka (sam@example.org): Tue 2030-03-05 19:00-20:00 JST"


def test_a_right_to_left_override_in_a_title_prints_escaped(store, db_path: Path, capsys) -> None:
    title = "Review \u202egnp.exe"
    assert add(db_path, "--at", "2030-03-05 11:00", "--title", title) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert out.startswith("Scheduled 'Review \\u202egnp.exe' on ")
    assert run(db_path, "sessions", "list") == 0
    listed = capsys.readouterr().out
    assert "\u202e" not in listed and "Review \\u202egnp.exe" in listed
    assert run(db_path, "sessions", "list", "--json") == 0
    assert out_json(capsys)[0]["title"] == title


def test_add_json_and_list_json_shapes(store, db_path: Path, capsys) -> None:
    assert (
        run(
            db_path,
            "sessions",
            "add",
            "--student",
            "sam@example.org",
            "--student",
            "ana@example.org",
            "--at",
            "2030-03-05 09:30",
            "--tz",
            "America/New_York",
            "--duration",
            "45",
            "--title",
            "Group review",
            "--json",
        )
        == 0
    )
    added = out_json(capsys)
    assert isinstance(added, dict)
    assert added["start"] == "2030-03-05T09:30:00-05:00"
    assert (added["duration_minutes"], added["status"], added["kind"]) == (45, "scheduled", "group")
    assert sorted(added["student_ids"]) == sorted([store["sam"], store["ana"]])
    assert added["mentor_id"] == store["maria"]

    assert run(db_path, "sessions", "list", "--json") == 0
    listed = out_json(capsys)
    assert isinstance(listed, list) and len(listed) == 1
    item = listed[0]
    assert {"id", "mentor_id", "student_ids", "start", "duration_minutes", "status"} <= set(item)
    assert ISO_WITH_OFFSET.match(item["start"])
    assert item["id"] == added["id"]
    assert datetime.fromisoformat(item["start"]).astimezone(UTC) == datetime(
        2030, 3, 5, 14, 30, tzinfo=UTC
    )
    local = {a["student_id"]: a["local_start"] for a in item["attendees"]}
    assert local[store["sam"]] == "2030-03-05T23:30:00+09:00"


def test_list_by_days_in_the_users_timezone(store, db_path: Path, capsys) -> None:
    add(
        db_path, "--at", "2030-03-05 00:30"
    )  # Berlin: just after midnight, 23:30 UTC the day before
    add(db_path, "--at", "2030-03-06 10:00")
    capsys.readouterr()
    assert (
        run(db_path, "sessions", "list", "--from", "2030-03-05", "--to", "2030-03-05", "--json")
        == 0
    )
    assert [i["start"] for i in out_json(capsys)] == ["2030-03-05T00:30:00+01:00"]
    assert run(db_path, "sessions", "list", "--from", "2030-03-06") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "START", "MIN", "STATUS", "TITLE", "STUDENTS"]
    assert len(table) == 2 and "Wed 2030-03-06 10:00 CET" in table[1] and "Sam Tanaka" in table[1]
    assert run(db_path, "sessions", "list", "--to", "2030-03-01") == 0
    assert capsys.readouterr().out == "No sessions in that range.\n"


def test_cancel_by_id_and_then_the_time_is_free(store, db_path: Path, capsys) -> None:
    add(db_path, "--at", "2030-03-05 11:00", "--json")
    session_id = out_json(capsys)["id"]  # type: ignore[index]
    assert run(db_path, "sessions", "cancel", session_id) == 0
    assert capsys.readouterr().out == (
        "Cancelled 'Session with Sam Tanaka' on Tue 2030-03-05 11:00-12:00 CET.\n"
    )
    assert run(db_path, "sessions", "list", "--json") == 0
    assert [i["status"] for i in out_json(capsys)] == ["cancelled"]  # type: ignore[union-attr]
    assert add(db_path, "--at", "2030-03-05 11:00") == 0


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--student", "ana@example.org", "--at", "2030-03-05 11:30"],
            (
                r"That time is double-booked: you already have 'Booked' \([0-9a-f]{8}\) on "
                r"Tue 2030-03-05 11:00-12:00 CET\."
            ),
        ),
        (
            ["--student", "nobody@example.org", "--at", "2030-03-07 10:00"],
            r"No user 'nobody@example.org' in this database\.",
        ),
        (
            ["--student", "zoe@example.org", "--at", "2030-03-07 10:00"],
            r"zoe@example.org is not one of your students\.",
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-02-30 10:00"],
            (
                r"'2030-02-30 10:00' is not a date and time \(February 2030 has no day 30\); "
                r"use YYYY-MM-DD HH:MM, for example 2025-03-04 14:30\."
            ),
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-13-01 10:00"],
            r"'2030-13-01 10:00' is not a date and time \(there is no month 13\); use YYYY.*",
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-03-01 25:00"],
            r"'2030-03-01 25:00' is not a date and time \(the hour 25 is past 23\); use YYYY.*",
        ),
        (
            ["--student", "sam@example.org", "--at", "2020-03-05 11:00"],
            (
                r"That time has passed: Thu 2020-03-05 11:00 CET is before now "
                r"\(\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T\)\."
            ),
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-03-07 10:00", "--tz", "Europe/Atlantis"],
            r"Unknown timezone 'Europe/Atlantis'; use an IANA name such as Europe/Berlin\.",
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-03-31 02:30"],
            (
                r"2030-03-31 02:30 does not exist in Europe/Berlin: the clocks go forward from 02:00 to "
                r"03:00 that day; try 2030-03-31 01:30 or 2030-03-31 03:30\."
            ),
        ),
        (
            [
                "--student",
                "sam@example.org",
                "--at",
                "2030-11-03 01:30",
                "--tz",
                "America/New_York",
            ],
            (
                r"2030-11-03 01:30 is ambiguous in America/New_York: it happens twice as the clocks go "
                r"back from 02:00 to 01:00; say 2030-11-03 01:30-04:00 \(EDT, the first\) or "
                r"2030-11-03 01:30-05:00 \(EST, the second\)\."
            ),
        ),
        (
            ["--student", "sam@example.org", "--at", "2030-03-07 10:00", "--duration", "2"],
            r"A session lasts from 5 to 1440 minutes, not 2\.",
        ),
    ],
)
def test_refusals_are_one_sentence_and_exit_2(
    store, db_path: Path, capsys, args: list[str], sentence: str
) -> None:
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        from mentor_tui.db.models import User

        maria, sam = s.get(User, store["maria"]), s.get(User, store["sam"])
        assert maria is not None and sam is not None
        people.booked(s, maria, [sam], datetime(2030, 3, 5, 10, 0, tzinfo=UTC))
    engine.dispose()
    capsys.readouterr()
    assert run(db_path, "sessions", "add", *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(f"mentor-tui: {sentence}\n", captured.err), captured.err


def test_an_ambiguous_time_with_its_offset_is_taken(store, db_path: Path, capsys) -> None:
    assert add(db_path, "--at", "2030-11-03 01:30-05:00", "--tz", "America/New_York", "--json") == 0
    assert out_json(capsys)["start"] == "2030-11-03T01:30:00-05:00"  # type: ignore[index]


def test_list_and_cancel_refusals(store, db_path: Path, capsys) -> None:
    assert run(db_path, "sessions", "list", "--from", "March 5") == 2
    assert capsys.readouterr().err == (
        "mentor-tui: 'March 5' is not a date; use YYYY-MM-DD, for example 2025-03-04.\n"
    )
    assert run(db_path, "sessions", "list", "--from", "2030-03-06", "--to", "2030-03-05") == 2
    assert "ends (2030-03-05) before it starts (2030-03-06)" in capsys.readouterr().err
    assert run(db_path, "sessions", "cancel", "0000") == 2
    assert capsys.readouterr().err == "mentor-tui: No session '0000' that you can see.\n"
    add(db_path, "--at", "2030-03-05 11:00", "--json")
    session_id = out_json(capsys)["id"]  # type: ignore[index]
    assert run(db_path, "sessions", "cancel", session_id, user="omar@example.org") == 2
    assert "that you can see" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        run(db_path, "sessions")
    assert usage.value.code == 2
    assert "the following arguments are required: ACTION" in capsys.readouterr().err


def test_export_and_import_round_trip_on_the_command_line(
    store, db_path: Path, tmp_path: Path, capsys
) -> None:
    add(db_path, "--at", "2030-03-05 11:00")
    add(db_path, "--at", "2030-04-05 11:00")
    capsys.readouterr()
    out = tmp_path / "march.ics"
    assert (
        run(
            db_path,
            "export",
            "ics",
            "--from",
            "2030-03-01",
            "--to",
            "2030-03-31",
            "--out",
            str(out),
        )
        == 0
    )
    assert capsys.readouterr().out == f"Wrote 1 session to {out}.\n"
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]).endswith("@mentor-tui")

    assert run(db_path, "export", "ics") == 0
    whole = capsys.readouterr().out
    assert whole.startswith("BEGIN:VCALENDAR") and whole.count("BEGIN:VEVENT") == 2

    assert run(db_path, "sessions", "import", str(out)) == 0
    assert capsys.readouterr().out == (
        "Imported march.ics: 0 created, 0 updated, 1 unchanged, 0 skipped.\n"
    )


def test_import_reports_what_it_cannot_take_and_exits_1(
    store, db_path: Path, tmp_path: Path, capsys
) -> None:
    ics = tmp_path / "mixed.ics"
    ics.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20300310T100000Z\r\nSUMMARY:Good\r\n"
        b"ATTENDEE:mailto:sam@example.org\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20300311T100000Z\r\nSUMMARY:\x1b[2JZoe\r\n"
        b"ATTENDEE:mailto:zoe@example.org\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    assert run(db_path, "sessions", "import", str(ics)) == 1
    assert capsys.readouterr().out == (
        "Imported mixed.ics: 1 created, 0 updated, 0 unchanged, 1 skipped.\n"
        "  skipped '\N{REPLACEMENT CHARACTER}[2JZoe' at 20300311T100000Z: "
        "zoe@example.org is not one of your students.\n"
    )
    assert run(db_path, "sessions", "import", str(ics), "--json") == 1
    report = out_json(capsys)
    assert isinstance(report, dict)
    assert (len(report["created"]), len(report["unchanged"]), len(report["skipped"])) == (0, 1, 1)
    assert run(db_path, "sessions", "import", str(tmp_path / "missing.ics")) == 2
    assert capsys.readouterr().err == f"mentor-tui: There is no file {tmp_path / 'missing.ics'}.\n"
    (tmp_path / "junk.ics").write_text("not a calendar")
    assert run(db_path, "sessions", "import", str(tmp_path / "junk.ics")) == 2
    assert capsys.readouterr().err.startswith("mentor-tui: That is not an iCalendar file")


# --- agenda templates ------------------------------------------------------------------------


def _templates(db_path: Path, capsys, user: str = "maria@example.org") -> list[dict]:
    assert run(db_path, "sessions", "templates", "--json", user=user) == 0
    return out_json(capsys)  # type: ignore[return-value]


def test_templates_add_list_use_edit_delete(store, db_path: Path, tmp_path: Path, capsys) -> None:
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        people.admin(s, email="ada@example.org")
    engine.dispose()
    agenda = tmp_path / "agenda.md"
    agenda.write_text("1. Wins\n2. Blockers\n" + "- [ ] a long line\n" * 400, encoding="utf-8")
    assert run(db_path, "sessions", "template-add", "--title", " Weekly  check-in ",
               "--agenda-file", str(agenda)) == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("Added the agenda template 'Weekly check-in' (yours")
    assert run(db_path, "sessions", "template-add", "--title", "Onboarding", "--agenda", "Hi",
               user="ada@example.org") == 0  # fmt: skip
    capsys.readouterr()
    mine, shared = _templates(db_path, capsys)[1], _templates(db_path, capsys)[0]
    assert (shared["title"], shared["shared"], shared["editable"]) == ("Onboarding", True, False)
    assert (mine["title"], mine["shared"], mine["editable"]) == ("Weekly check-in", False, True)
    assert mine["agenda"] == agenda.read_text(encoding="utf-8")
    assert [t["title"] for t in _templates(db_path, capsys, "omar@example.org")] == ["Onboarding"]
    assert run(db_path, "sessions", "templates") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "TITLE", "WHOSE", "YOU", "MAY", "CHANGE", "AGENDA"]
    assert "shared" in table[1] and "yours" in table[2] and "1. Wins" in table[2]

    # a mentor may not touch the shared one: one sentence, nothing written
    assert run(db_path, "sessions", "template-edit", "Onboarding", "--title", "Mine") == 2
    assert capsys.readouterr().err == (
        "mentor-tui: Only an admin can change a shared agenda template.\n"
    )
    assert run(db_path, "sessions", "template-delete", shared["id"]) == 2
    capsys.readouterr()
    assert _templates(db_path, capsys, "ada@example.org")[0]["version"] == 1

    assert add(db_path, "--at", "2030-03-05 11:00", "--template", "weekly check-in", "--json") == 0
    view = out_json(capsys)
    assert (view["title"], view["agenda"]) == ("Weekly check-in", mine["agenda"])  # type: ignore[index]
    assert run(db_path, "sessions", "template-edit", mine["id"][:8], "--agenda", "1. Wins") == 0
    assert capsys.readouterr().out.startswith("Saved the agenda template 'Weekly check-in'")
    edited = _templates(db_path, capsys)[1]
    assert (edited["agenda"], edited["version"]) == ("1. Wins", 2)
    assert run(db_path, "sessions", "template-delete", "Weekly check-in") == 0
    assert capsys.readouterr().out == "Deleted the agenda template 'Weekly check-in'.\n"
    assert [t["title"] for t in _templates(db_path, capsys)] == ["Onboarding"]
    engine = make_engine(db_path)
    with session_scope(engine) as s:  # the session keeps the agenda it was given
        row = s.get(MentorshipSession, view["id"])  # type: ignore[index]
        assert row is not None and row.agenda == mine["agenda"]
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["template-add", "--title", "  ", "--agenda", "x"], "An agenda template needs a title."),
        (["template-add", "--title", "Onboarding", "--agenda-file", "/nonexistent/a.md"],
         "Cannot read /nonexistent/a.md (No such file or directory)."),
        (["template-edit", "Nope", "--title", "x"], "No agenda template 'Nope' that you can use."),
        (["template-edit", "Weekly"], "Say what to change: --title, --agenda or --agenda-file."),
        (["template-add", "--title", "weekly", "--agenda", "x"],
         "There is already an agenda template called 'weekly'."),
        (["add", "--student", "sam@example.org", "--at", "2030-03-05 11:00", "--template", "x"],
         "No agenda template 'x' that you can use."),
    ],
)  # fmt: skip
def test_template_refusals_are_one_sentence(
    store, db_path: Path, capsys, args: list[str], sentence: str
) -> None:
    assert run(db_path, "sessions", "template-add", "--title", "Weekly", "--agenda", "1.") == 0
    capsys.readouterr()
    assert run(db_path, "sessions", *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"mentor-tui: {sentence}\n"
    assert [t["title"] for t in _templates(db_path, capsys)] == ["Weekly"]
