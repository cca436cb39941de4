"""`mentor-tui messages ...` and `mentor-tui inbox ...`: every verb, its JSON, the refusals (a
student cannot write to another mentor's student) as one sentence on stderr with nothing
written, and hostile text made visible in plain output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from two_mentors import ADA, MAX, MIA, SAM, TOM, build_two_mentors

from mentor_tui import cli
from mentor_tui.config import Config
from mentor_tui.core.notifications.notify import notify
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import AuditEntry, Message, Notification


@pytest.fixture
def store(db_path: Path) -> dict[str, str]:
    """Ids of two mentors with a student each and an admin."""
    return build_two_mentors(db_path)


def run(db_path: Path, user: str, *args: str) -> int:
    return cli.main([*args, "--db", str(db_path), "--user", user])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def _count(db_path: Path, model) -> int:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            return int(s.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def test_send_reply_list_show_and_unread(db_path: Path, store, capsys) -> None:
    assert run(db_path, SAM, "messages", "send", MIA, "Can we meet?", "--json") == 0
    sent = out_json(capsys)
    thread = sent["thread_id"]
    assert sent["id"] == thread and sent["recipient_id"] == store["mia"]

    assert run(db_path, MIA, "messages", "list", "--json") == 0
    listed = out_json(capsys)
    assert listed["unread"] == 1
    [talk] = listed["conversations"]
    assert (talk["title"], talk["unread"], talk["last_preview"]) == (
        "Sam Student",
        1,
        "Can we meet?",
    )

    assert run(db_path, MIA, "messages", "reply", thread, "Yes: Friday.") == 0
    assert "Sent reply" in capsys.readouterr().out
    assert run(db_path, MIA, "messages", "show", thread, "--json") == 0
    shown = out_json(capsys)
    assert [m["body"] for m in shown] == ["Can we meet?", "Yes: Friday."]
    assert run(db_path, MIA, "messages", "--json") == 0  # no subcommand: the list
    assert out_json(capsys)["unread"] == 0, "show marked it read"

    assert run(db_path, SAM, "messages") == 0
    plain = capsys.readouterr().out
    assert "Mia Mentor" in plain and "Yes: Friday." in plain and thread in plain


def test_announce_edit_and_report(db_path: Path, store, capsys) -> None:
    assert run(db_path, MIA, "messages", "announce", "No session Monday", "--json") == 0
    announcement = out_json(capsys)
    assert announcement["audience"] == "students"
    assert run(db_path, SAM, "messages", "list", "--json") == 0
    assert out_json(capsys)["unread"] == 1
    assert run(db_path, TOM, "messages", "list", "--json") == 0
    assert out_json(capsys)["conversations"] == [], "Max's student is not Mia's audience"

    assert run(db_path, MIA, "messages", "edit", announcement["id"], "No session Tuesday") == 0
    capsys.readouterr()
    assert run(db_path, SAM, "messages", "show", announcement["thread_id"], "--json") == 0
    [line] = out_json(capsys)
    assert line["body"] == "No session Tuesday" and line["edited"]
    assert line["history"][0]["body"] == "No session Monday"

    assert run(db_path, SAM, "messages", "report", announcement["id"]) == 0
    assert "Reported" in capsys.readouterr().out
    assert run(db_path, ADA, "inbox", "--json") == 0
    [note] = out_json(capsys)["notifications"]
    assert note["type"] == "message_reported" and note["read_at"] is None


@pytest.mark.parametrize(
    ("user", "args", "sentence"),
    [
        (SAM, ("messages", "send", TOM, "hi"), "a student writes to their mentor"),
        (SAM, ("messages", "send", MAX, "hi"), "a student writes to their mentor"),
        (MIA, ("messages", "send", TOM, "hi"), "a mentor writes to their own students"),
        (SAM, ("messages", "announce", "party"), "Only mentors and admins"),
        (MIA, ("messages", "announce", "x", "--to", "everyone"), "You can announce to"),
        (SAM, ("messages", "send", MIA, "   "), "needs some text"),
        (SAM, ("messages", "reply", "nope", "hi"), "no conversation"),
        (SAM, ("messages", "show", "nope"), "no conversation"),
        (SAM, ("messages", "report", "nope"), "no message"),
        (SAM, ("inbox", "read", "nope"), "no notification"),
        (SAM, ("inbox", "read"), "not both or neither"),
    ],
)
def test_refusals_are_one_sentence_and_write_nothing(
    db_path: Path, store, capsys, user: str, args: tuple[str, ...], sentence: str
) -> None:
    audit_before = _count(db_path, AuditEntry)
    assert run(db_path, user, *args) == 2
    err = capsys.readouterr().err
    assert sentence in err and err.count("\n") == 1 and "Traceback" not in err
    assert _count(db_path, Message) == 0
    assert _count(db_path, AuditEntry) == audit_before


def test_a_student_cannot_reply_into_another_conversation(db_path: Path, store, capsys) -> None:
    assert run(db_path, MAX, "messages", "send", TOM, "private to Tom", "--json") == 0
    thread = out_json(capsys)["thread_id"]
    assert run(db_path, SAM, "messages", "reply", thread, "let me in") == 2
    assert "no conversation" in capsys.readouterr().err
    assert run(db_path, SAM, "messages", "show", thread) == 2
    assert _count(db_path, Message) == 1


def test_inbox_lists_and_marks_read(db_path: Path, store, capsys) -> None:
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        ids = [
            notify(s, Config(), user_id=store["mia"], type="t", title=f"Note {n}").id
            for n in range(3)
        ]
        notify(s, Config(), user_id=store["max"], type="t", title="Max's")
    engine.dispose()
    assert run(db_path, MIA, "inbox", "--unread", "--json") == 0
    listed = out_json(capsys)
    assert listed["unread"] == 3 and len(listed["notifications"]) == 3
    assert run(db_path, MIA, "inbox", "read", ids[0]) == 0
    assert ids[0] in capsys.readouterr().out
    assert run(db_path, MAX, "inbox", "read", ids[1]) == 2, "not Max's"
    assert "no notification" in capsys.readouterr().err
    assert run(db_path, MIA, "inbox", "--all", "--json") == 0
    assert out_json(capsys) == {"marked_read": 2}
    assert run(db_path, MIA, "inbox", "--unread") == 0
    assert "No unread notifications." in capsys.readouterr().out
    with session_scope(make_engine(db_path)) as s:
        unread = s.execute(
            select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
        ).scalar_one()
    assert unread == 1, "Max's stays unread"


def test_hostile_text_is_visible_in_plain_output_and_exact_in_json(
    db_path: Path, store, capsys
) -> None:
    hostile = "[red]x[/] \x1b[2J\x1b[31mred \u202eevil"
    assert run(db_path, SAM, "messages", "send", MIA, hostile, "--json") == 0
    thread = out_json(capsys)["thread_id"]
    assert run(db_path, MIA, "messages", "show", thread) == 0
    plain = capsys.readouterr().out
    assert "\x1b" not in plain and "\u202e" not in plain and "[red]x[/]" in plain
    assert run(db_path, MIA, "messages", "show", thread, "--json") == 0
    assert out_json(capsys)[0]["body"] == hostile
