"""Private mentorship notes in the core: author-only access, kinds, autosave-friendly saves,
search in any script, exact text, and the retention purge."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor
from mentor_tui.core.notes import notes
from mentor_tui.core.notes import search as note_search
from mentor_tui.core.notes import snippets as note_snippets
from mentor_tui.core.notes.terms import substring_glob
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, MentorshipNote, MentorshipSession, User
from mentor_tui.errors import AccessDenied, NotFound, UserError

TRICKY_TEXTS = {
    "rtl": "מנטור טוב מקשיב. المرشد الجيد يستمع جيدا",
    "cjk": "我们今天学习了递归和动态规划。次回はテストを書きましょう。다음 주에 다시 만나요",
    "emoji": "Great progress 🎉🚀 family: 👨‍👩‍👧 thumbs 👍🏽 flag 🇳🇿",
    "combining": "Ame\u0301lie, Zo\u00eb, n\u0303, a\u0301\u0302\u0303, Z\u0351\u0352\u0353algo",
    "markup": "[bold]Eve[/bold] [@click=app.quit]Mallory[/] [link=https://x]y[/link] **md** <b>",
    "escapes": "pre \x1b[31mred\x1b[0m \x1b]8;;https://evil\x07link\x1b]8;;\x07 \x9b2J\x07 post",
    "controls": "nul\x00 bell\x07 del\x7f tab\t cr\r\nline two",
}


def _user(s: Session, name: str, role: str, mentor: User | None = None) -> User:
    email = name.lower().replace(" ", ".") + "@example.org"
    row = User(full_name=name, email=email, role=role, mentor_id=mentor.id if mentor else None)
    writes.insert(s, None, row)
    s.flush()
    return row


@pytest.fixture
def people(engine) -> dict[str, Actor]:
    """Two mentors with a student each, an admin, and a student without notes access."""
    with session_scope(engine) as s:
        mia = _user(s, "Mia Mentor", "mentor")
        max_ = _user(s, "Max Mentor", "mentor")
        users = {
            "mia": mia,
            "max": max_,
            "ada": _user(s, "Ada Admin", "admin"),
            "sam": _user(s, "Sam Student", "student", mia),
            "sue": _user(s, "Sue Student", "student", mia),
            "tom": _user(s, "Tom Student", "student", max_),
        }
    return {key: Actor.of(user) for key, user in users.items()}


def _add(engine, actor: Actor, student: str, body: str, **kw) -> str:
    with session_scope(engine) as s:
        return notes.add_note(s, actor, student, body, **kw).id


def _search(engine, actor: Actor, query: str, **kw) -> list[note_search.SearchHit]:
    with session_scope(engine) as s:
        return notes.search_notes(s, actor, query, **kw)


def _journal(engine, note_id: str) -> list[JournalEntry]:
    with session_scope(engine) as s:
        return list(
            s.execute(
                select(JournalEntry).where(JournalEntry.entity_id == note_id).order_by("seq")
            ).scalars()
        )


def _highlighted(hit: note_search.SearchHit) -> list[str]:
    return [hit.snippet[a:b] for a, b in hit.ranges]


# --- reading and writing -------------------------------------------------------------------


def test_notes_are_listed_newest_first_with_kind_and_student(engine, people) -> None:
    mia = people["mia"]
    first = _add(engine, mia, "sam.student@example.org", "First talk about pacing.")
    summary = _add(engine, mia, people["sam"].id, "Session went well.", kind="session_summary")
    item = _add(
        engine,
        mia,
        "sam.student@example.org",
        "Send the reading list.",
        kind="action_item",
        due_date=date(2030, 5, 1),
    )
    _add(engine, mia, "sue.student@example.org", "Sue's own note.")
    with session_scope(engine) as s:
        lines = notes.list_notes(s, mia, "sam.student@example.org")
        only_items = notes.list_notes(s, mia, people["sam"].id, kind="action_item")
    assert [line.id for line in lines] == [item, summary, first]
    assert [line.kind for line in lines] == ["action_item", "session_summary", "note"]
    assert {line.student_name for line in lines} == {"Sam Student"}
    assert lines[0].due_date == date(2030, 5, 1) and lines[0].done is False
    assert lines[0].version == 1 and lines[0].added_at.tzinfo is not None
    assert [line.id for line in only_items] == [item]


def test_add_note_is_journaled_and_audited(engine, people) -> None:
    note_id = _add(engine, people["mia"], "sam.student@example.org", "Talked about goals.")
    [entry] = _journal(engine, note_id)
    assert entry.op == "insert" and entry.base_version == 0
    assert entry.fields["note"] == "Talked about goals."
    assert entry.fields["mentor_id"] == people["mia"].id
    with session_scope(engine) as s:
        audit = s.execute(select(AuditEntry).where(AuditEntry.entity_id == note_id)).scalar_one()
    assert (audit.actor_id, audit.action) == (people["mia"].id, "create")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   \n\t"}, "A note needs some text."),
        ({"kind": "diary"}, "Unknown note kind 'diary'"),
        ({"due_date": date(2030, 1, 1)}, "Only an action item has a due date."),
        ({"text": "half \ud800 surrogate"}, "not valid Unicode"),
        ({"session_id": "no-such-session"}, "No session 'no-such-session' of yours"),
    ],
)
def test_bad_input_to_add_note_is_one_sentence_and_writes_nothing(
    engine, people, kwargs, message
) -> None:
    body = kwargs.pop("text", "A fine note.")
    with pytest.raises(UserError, match=message), session_scope(engine) as s:
        notes.add_note(s, people["mia"], "sam.student@example.org", body, **kwargs)
    with session_scope(engine) as s:
        assert notes.count_notes(s, people["mia"]) == 0


def test_a_note_longer_than_the_limit_is_refused(engine, people) -> None:
    # the cap is 1,048,576 characters, 1 MB (README)
    with pytest.raises(UserError, match="at most 1,048,576 characters"), session_scope(engine) as s:
        notes.add_note(s, people["mia"], "sam.student@example.org", "x" * 1_048_577)


def test_a_note_may_belong_to_one_of_the_mentors_sessions_only(engine, people) -> None:
    with session_scope(engine) as s:
        mine = MentorshipSession(mentor_id=people["mia"].id, starts_at=clock.now())
        theirs = MentorshipSession(mentor_id=people["max"].id, starts_at=clock.now())
        writes.insert(s, None, mine)
        writes.insert(s, None, theirs)
    note_id = _add(engine, people["mia"], "sam.student@example.org", "Summary", session_id=mine.id)
    with session_scope(engine) as s:
        assert s.get(MentorshipNote, note_id).session_id == mine.id
    with pytest.raises(NotFound), session_scope(engine) as s:
        notes.add_note(s, people["mia"], "sam.student@example.org", "x", session_id=theirs.id)


@pytest.mark.parametrize("name", sorted(TRICKY_TEXTS))
def test_text_is_stored_exactly_as_typed(engine, people, name) -> None:
    body = TRICKY_TEXTS[name]
    note_id = _add(engine, people["mia"], "sam.student@example.org", body)
    with session_scope(engine) as s:
        assert notes.get_note(s, people["mia"], note_id).note == body
        assert notes.list_notes(s, people["mia"], "sam.student@example.org")[0].note == body
    raw = sqlite3.connect(engine.url.database)
    stored = raw.execute("SELECT note FROM mentorship_notes WHERE id = ?", (note_id,)).fetchone()
    raw.close()
    assert stored == (body,)


def test_a_one_megabyte_note_round_trips_and_is_searchable(engine, people) -> None:
    filler = "lorem ipsum dolor sit amet, 学习递归 🎉 שלום " * 25_000
    body = filler[:500_000] + " needleword " + filler[: 1_048_576 - 500_012]
    assert len(body) == 1_048_576
    note_id = _add(engine, people["mia"], "sam.student@example.org", body)
    with session_scope(engine) as s:
        assert notes.get_note(s, people["mia"], note_id).note == body
    [hit] = _search(engine, people["mia"], "needlewo")
    assert hit.id == note_id
    assert len(hit.snippet) <= note_snippets.SNIPPET_CHARS + 2
    assert _highlighted(hit) == ["needleword"]
    [cjk_hit] = _search(engine, people["mia"], "学习递")
    assert cjk_hit.id == note_id and len(cjk_hit.snippet) <= note_snippets.SNIPPET_CHARS + 2
    assert set(_highlighted(cjk_hit)) == {"学习递"}


# --- author-only access --------------------------------------------------------------------


def test_only_the_author_can_read_or_write_a_note(engine, people) -> None:
    note_id = _add(engine, people["mia"], "sam.student@example.org", "private words")
    for who in ("max", "ada", "sam"):
        actor = people[who]
        with session_scope(engine) as s:
            with pytest.raises(AccessDenied):
                notes.get_note(s, actor, note_id)
            with pytest.raises(AccessDenied):
                notes.save_note(s, actor, note_id, text="overwritten")
            with pytest.raises(AccessDenied):
                notes.delete_note(s, actor, note_id)
    with session_scope(engine) as s:
        line = notes.get_note(s, people["mia"], note_id)
    assert (line.note, line.version) == ("private words", 1)


def test_refusals_are_one_clear_sentence(engine, people) -> None:
    note_id = _add(engine, people["mia"], "sam.student@example.org", "private words")
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied) as other:
            notes.get_note(s, people["max"], note_id)
        with pytest.raises(AccessDenied) as admin:
            notes.list_notes(s, people["ada"], "sam.student@example.org")
        with pytest.raises(AccessDenied) as student:
            notes.search_notes(s, people["sam"], "private")
        with pytest.raises(AccessDenied) as not_theirs:
            notes.list_notes(s, people["max"], "sam.student@example.org")
        with pytest.raises(NotFound) as missing:
            notes.get_note(s, people["mia"], "no-such-note")
    assert str(other.value) == (
        "That note belongs to another mentor; notes are private to their author."
    )
    assert str(admin.value) == (
        "Mentorship notes are private to the mentor who wrote them; an admin cannot read or "
        "write them, only count them."
    )
    assert str(student.value) == "Mentorship notes are private to the mentor who wrote them."
    assert str(not_theirs.value) == "sam.student@example.org is not one of your students."
    assert str(missing.value) == "No note 'no-such-note' in this database."


def test_a_new_mentor_does_not_see_the_previous_mentors_notes(engine, people) -> None:
    _add(engine, people["mia"], "sam.student@example.org", "recursion chat with Sam")
    with session_scope(engine) as s:
        sam = s.get(User, people["sam"].id)
        writes.update(s, None, sam, {"mentor_id": people["max"].id})
    with session_scope(engine) as s:
        assert notes.list_notes(s, people["max"], "sam.student@example.org") == []
        assert notes.count_notes(s, people["max"]) == 0
        assert notes.search_notes(s, people["max"], "recursion") == []
    assert len(_search(engine, people["mia"], "recursion")) == 1


def test_search_never_returns_another_mentors_notes(engine, people) -> None:
    mine = _add(engine, people["mia"], "sam.student@example.org", "memoisation and 学习递归 🎉")
    _add(engine, people["max"], "tom.student@example.org", "memoisation and 学习递归 🎉")
    for query in ("memo", "memoisation", "学习", "学习递归", "🎉", "and"):
        assert [hit.id for hit in _search(engine, people["mia"], query)] == [mine], query


def test_admins_count_every_note_and_mentors_their_own(engine, people) -> None:
    _add(engine, people["mia"], "sam.student@example.org", "one")
    _add(engine, people["mia"], "sue.student@example.org", "two")
    _add(engine, people["max"], "tom.student@example.org", "three")
    with session_scope(engine) as s:
        assert notes.count_notes(s, people["ada"]) == 3
        assert notes.count_notes(s, people["ada"], "tom.student@example.org") == 1
        assert notes.count_notes(s, people["mia"]) == 2
        assert notes.count_notes(s, people["mia"], "sue.student@example.org") == 1
        assert notes.count_notes(s, people["max"]) == 1
        with pytest.raises(AccessDenied):
            notes.count_notes(s, people["sam"])
        with pytest.raises(AccessDenied):
            notes.count_notes(s, people["max"], "sam.student@example.org")


# --- saving (autosave) ---------------------------------------------------------------------


def test_identical_saves_write_nothing_and_changes_bump_the_version_once(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", "draft")
    for _ in range(3):
        with session_scope(engine) as s:
            row = notes.save_note(s, mia, note_id, text="draft", kind="note", expected_version=1)
            assert row.version == 1
    assert [e.op for e in _journal(engine, note_id)] == ["insert"]
    with session_scope(engine) as s:
        row = notes.save_note(s, mia, note_id, text="draft, longer", expected_version=1)
        assert row.version == 2
    journal = _journal(engine, note_id)
    assert [e.op for e in journal] == ["insert", "update"]
    assert journal[-1].fields == {"note": "draft, longer"} and journal[-1].base_version == 1
    with session_scope(engine) as s:
        audits = s.execute(select(func.count()).where(AuditEntry.entity_id == note_id)).scalar_one()
    assert audits == 2


def test_a_save_on_a_note_that_moved_on_is_a_conflict(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", "v1")
    with session_scope(engine) as s:
        notes.save_note(s, mia, note_id, text="v2 from $EDITOR")
    with pytest.raises(notes.NoteConflict) as conflict, session_scope(engine) as s:
        notes.save_note(s, mia, note_id, text="v2 from the screen", expected_version=1)
    assert (conflict.value.expected, conflict.value.current) == (1, 2)
    assert "changed since it was opened" in str(conflict.value)
    with session_scope(engine) as s:
        assert notes.get_note(s, mia, note_id).note == "v2 from $EDITOR"


def test_action_items_carry_a_due_date_and_a_done_mark(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", "Write tests", kind="action_item")
    with session_scope(engine) as s:
        notes.save_note(s, mia, note_id, due_date=date(2030, 2, 3))
        notes.save_note(s, mia, note_id, done=True)
        line = notes.get_note(s, mia, note_id)
    assert (line.due_date, line.done, line.version) == (date(2030, 2, 3), True, 3)
    with session_scope(engine) as s:
        notes.save_note(s, mia, note_id, due_date=None)
        assert notes.get_note(s, mia, note_id).due_date is None
    with session_scope(engine) as s:
        notes.save_note(s, mia, note_id, kind="note")
        line = notes.get_note(s, mia, note_id)
    assert (line.kind, line.due_date, line.done) == ("note", None, False)
    with pytest.raises(UserError, match="Only an action item"), session_scope(engine) as s:
        notes.save_note(s, mia, note_id, done=True)
    with pytest.raises(UserError, match="Only an action item"), session_scope(engine) as s:
        notes.save_note(s, mia, note_id, due_date=date(2030, 1, 1))


def test_deleting_tombstones_the_note(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", "gone soon: tombstoneword")
    with session_scope(engine) as s:
        notes.delete_note(s, mia, note_id)
    with session_scope(engine) as s:
        row = s.get(MentorshipNote, note_id)
        assert row.deleted_at is not None and row.version == 2
        assert notes.list_notes(s, mia, "sam.student@example.org") == []
        with pytest.raises(NotFound, match=r"That note was deleted."):
            notes.get_note(s, mia, note_id)
    assert [e.op for e in _journal(engine, note_id)] == ["insert", "delete"]
    assert _search(engine, mia, "tombstoneword") == []


# --- search --------------------------------------------------------------------------------


def test_search_ranks_better_matches_first_and_finds_prefixes(engine, people) -> None:
    mia = people["mia"]
    weak = _add(
        engine,
        mia,
        "sam.student@example.org",
        "We covered many topics today including loops, lists, dictionaries, files, testing, "
        "classes and, briefly, recursion.",
    )
    strong = _add(engine, mia, "sue.student@example.org", "Recursion, recursion, recursion!")
    _add(engine, mia, "sam.student@example.org", "Nothing relevant here.")
    hits = _search(engine, mia, "recur")
    assert [hit.id for hit in hits] == [strong, weak]
    assert hits[0].rank < hits[1].rank
    assert _highlighted(hits[0]) == ["Recursion", "recursion", "recursion"]
    assert hits[0].student_name == "Sue Student" and hits[0].kind == "note"
    assert [hit.id for hit in _search(engine, mia, "RECURSION loops")] == [weak]
    assert _search(engine, mia, "recursive") == []


def test_search_folds_case_and_diacritics_in_either_normal_form(engine, people) -> None:
    mia = people["mia"]
    nfd = _add(
        engine, mia, "sam.student@example.org", "Met Ame\u0301lie about her re\u0301sume\u0301"
    )
    nfc = _add(engine, mia, "sam.student@example.org", "Amélie sent a résumé draft")
    for query in ("amelie", "Amélie", "Ame\u0301lie", "RESUME", "résumé"):
        assert {hit.id for hit in _search(engine, mia, query)} == {nfd, nfc}, query
    [hit] = _search(engine, mia, "draft")
    assert _highlighted(hit) == ["draft"]


@pytest.mark.parametrize(
    ("body", "query", "highlight"),
    [
        ("我们今天学习了递归和动态规划", "学习", "学习"),
        ("我们今天学习了递归和动态规划", "学习了递归", "学习了递归"),
        ("我们今天学习了递归和动态规划", "划", "划"),
        ("次回はテストを書きましょう", "テスト", "テスト"),
        ("다음 주에 다시 만나요", "만나", "만나"),
        ("นักเรียนทำการบ้านเสร็จแล้ว", "การบ้าน", "การบ้าน"),
        ("ពិភាក្សាអំពីគម្រោង", "គម្រោង", "គម្រោង"),
        ("用Python写了一个爬虫", "python", "Python"),
        ("المرشد الجيد يستمع جيدا", "يستمع", "يستمع"),
        ("מנטור טוב מקשיב", "מקשי", "מקשיב"),
        ("Great progress 🎉 today", "🎉", "🎉"),
        ("family 👨‍👩‍👧 photo", "👨‍👩‍👧", "👨‍👩‍👧"),
        ("pasted \x1b[31mred\x1b[0m alert", "red", "red"),
        ("[bold]Eve[/bold] asked", "eve", "Eve"),
        ("Ελληνικά μαθήματα", "ΜΑΘΉΜ", "μαθήματα"),
        ("Привет, студент", "студ", "студент"),
    ],
)
def test_search_finds_any_script(engine, people, body, query, highlight) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", body)
    _add(engine, mia, "sue.student@example.org", "unrelated english words only")
    [hit] = _search(engine, mia, query)
    assert hit.id == note_id
    assert highlight in _highlighted(hit)
    assert hit.snippet.replace(note_snippets.ELLIPSIS, "") in body


def test_cjk_terms_must_all_match(engine, people) -> None:
    mia = people["mia"]
    both = _add(engine, mia, "sam.student@example.org", "复习递归，然后练习算法")
    _add(engine, mia, "sam.student@example.org", "只复习递归")
    assert [hit.id for hit in _search(engine, mia, "递归 算法")] == [both]
    assert [hit.id for hit in _search(engine, mia, "算 递")] == [both]


def test_a_very_common_character_is_checked_on_what_the_other_terms_find(
    engine, people, monkeypatch
) -> None:
    monkeypatch.setattr(note_search, "MAX_EXPANSION", 3)
    mia = people["mia"]
    common = [
        _add(engine, mia, "sam.student@example.org", f"猫{other}很可爱")
        for other in "甲乙丙丁戊甲乙丙"
    ]
    rare = _add(engine, mia, "sue.student@example.org", "小猫呢，递归算法")
    _add(engine, mia, "sue.student@example.org", "没有那个字，递归算法")
    assert [hit.id for hit in _search(engine, mia, "猫 递归算法")] == [rare]
    alone = _search(engine, mia, "猫")
    assert {hit.id for hit in alone} == set(common) | {rare}
    assert all("猫" in _highlighted(hit) for hit in alone)
    monkeypatch.setattr(note_search, "RECENT_SCAN", 1)  # only the newest note: not the rare one
    approximate = {hit.id for hit in _search(engine, mia, "猫")}
    assert approximate <= set(common) and len(approximate) >= 3


def test_a_cjk_term_at_the_very_end_of_a_note_is_found(engine, people) -> None:
    note_id = _add(engine, people["mia"], "sam.student@example.org", "今天学习")
    assert [hit.id for hit in _search(engine, people["mia"], "学习")] == [note_id]
    assert [hit.id for hit in _search(engine, people["mia"], "习")] == [note_id]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unbalanced',
        "'",
        "*",
        "**",
        "-",
        "-x",
        "x-",
        ":",
        "note:x",
        "owner:x",
        "(",
        ")",
        "(a",
        "a)",
        "()",
        "NEAR",
        "NEAR(a b)",
        "NEAR(a b, 2)",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "OR b",
        "a NOT b",
        "^a",
        "a^",
        "+",
        "a + b",
        "{a b}",
        "{note}: x",
        "[a]",
        "\\",
        "a*b",
        "*a",
        "a**",
        "\x00",
        "a\x00b",
        "\x1b[31m",
        "\ud800",
        "%",
        "_",
        "'; DROP TABLE x",
        "\u202e",
        "\ufdd0",
        "\ue000",
        "\ufe0f",
        '学"习',
        "学*",
        "🎉*",
        '"学习"',
        "x" * 999,
    ],
)
def test_fts_syntax_in_a_query_never_crashes(engine, people, query) -> None:
    _add(engine, people["mia"], "sam.student@example.org", "a note about NEAR and OR, x-y: 学习")
    hits = _search(engine, people["mia"], query)
    assert all(hit.snippet for hit in hits)


def test_a_query_is_data_not_syntax(engine, people) -> None:
    mia = people["mia"]
    near = _add(engine, mia, "sam.student@example.org", "We sat near the window")
    hyphen = _add(engine, mia, "sam.student@example.org", "Send an e-mail to mum")
    assert [hit.id for hit in _search(engine, mia, "NEAR")] == [near]
    assert [hit.id for hit in _search(engine, mia, "e-mail")] == [hyphen]
    assert [hit.id for hit in _search(engine, mia, "-mail")] == [hyphen]
    assert _search(engine, mia, "window OR mum") == []


def test_blank_or_punctuation_only_queries_find_nothing(engine, people) -> None:
    _add(engine, people["mia"], "sam.student@example.org", "some words")
    for query in ("", "   ", "\n\t", "- * : ( )", '"'):
        assert _search(engine, people["mia"], query) == []


def test_search_limits_are_one_sentence(engine, people) -> None:
    with pytest.raises(UserError, match="between 1 and 500"):
        _search(engine, people["mia"], "x", limit=0)
    with pytest.raises(UserError, match="at most 1,000 characters"):
        _search(engine, people["mia"], "x" * 1001)
    with pytest.raises(UserError, match="at most 16 words"):
        _search(engine, people["mia"], " ".join(f"w{n}" for n in range(17)))


def test_search_respects_the_limit_and_ties_go_to_the_newest(engine, people) -> None:
    ids = [_add(engine, people["mia"], "sam.student@example.org", "same words") for _ in range(5)]
    hits = _search(engine, people["mia"], "same", limit=3)
    assert [hit.id for hit in hits] == ids[::-1][:3]


def test_highlights_are_ranges_never_markers_or_markup(engine, people) -> None:
    mia = people["mia"]
    marked = _add(
        engine,
        mia,
        "sam.student@example.org",
        f"odd {note_snippets.MARK_OPEN}chars{note_snippets.MARK_CLOSE} then target word",
    )
    [hit] = _search(engine, mia, "target")
    assert hit.id == marked
    assert _highlighted(hit) == ["target"]
    assert note_snippets.MARK_OPEN in hit.snippet  # the note's own character, kept as typed
    plain = _add(engine, mia, "sue.student@example.org", "[b]bold[/b] target")
    hit = next(h for h in _search(engine, mia, "target") if h.id == plain)
    assert hit.snippet == "[b]bold[/b] target" and _highlighted(hit) == ["target"]


def test_snippets_of_long_notes_are_cut_around_the_match(engine, people) -> None:
    body = "padding words here. " * 200 + "the interesting keyword sits here. " + "tail " * 200
    note_id = _add(engine, people["mia"], "sam.student@example.org", body)
    [hit] = _search(engine, people["mia"], "keyword")
    assert hit.id == note_id
    assert hit.snippet.startswith(note_snippets.ELLIPSIS)
    assert hit.snippet.endswith(note_snippets.ELLIPSIS)
    assert _highlighted(hit) == ["keyword"]
    huge_token = "x" * 10_000 + "needle" + "y" * 10_000
    other = _add(engine, people["mia"], "sam.student@example.org", huge_token)
    [hit] = _search(engine, people["mia"], "xxxxxxxx")
    assert hit.id == other and len(hit.snippet) <= note_snippets.SNIPPET_CHARS + 2
    assert hit.ranges and hit.ranges[0][0] <= 1


def test_edited_text_is_searched_by_its_new_words_only(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, "sam.student@example.org", "oldword 旧的词语")
    with session_scope(engine) as s:
        notes.save_note(s, mia, note_id, text="newword 新的词语")
    assert _search(engine, mia, "oldword") == [] and _search(engine, mia, "旧的") == []
    assert [h.id for h in _search(engine, mia, "newword")] == [note_id]
    assert [h.id for h in _search(engine, mia, "新的")] == [note_id]


def test_rebuilding_the_search_indexes_restores_them(engine, people) -> None:
    mia = people["mia"]
    words = _add(engine, mia, "sam.student@example.org", "rebuild me please")
    cjk = _add(engine, mia, "sam.student@example.org", "重建索引")
    with session_scope(engine) as s:
        s.execute(text("INSERT INTO notes_fts(notes_fts) VALUES ('delete-all')"))
        s.execute(text("INSERT INTO notes_grams(notes_grams) VALUES ('delete-all')"))
    assert _search(engine, mia, "rebuild") == [] and _search(engine, mia, "索引") == []
    with session_scope(engine) as s:
        note_search.rebuild_search_index(s)
    assert [h.id for h in _search(engine, mia, "rebuild")] == [words]
    assert [h.id for h in _search(engine, mia, "索引")] == [cjk]
    with session_scope(engine) as s:
        s.execute(text("INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1)"))


def test_the_trigram_index_pattern_matches_the_python_ranges(engine) -> None:
    with session_scope(engine) as s:
        stored = s.execute(text("SELECT glob FROM notes_grams_pattern")).scalar_one()
    assert stored == substring_glob()


def test_search_indexes_agree_with_the_notes_after_many_changes(engine, people) -> None:
    mia = people["mia"]
    ids = [
        _add(engine, mia, "sam.student@example.org", f"note {n} 学习{n} alpha") for n in range(6)
    ]
    with session_scope(engine) as s:
        notes.save_note(s, mia, ids[0], text="rewritten beta 复习")
        notes.delete_note(s, mia, ids[1])
        notes.save_note(s, mia, ids[2], text="plain english now")
    for table in ("notes_fts", "notes_grams"):
        with session_scope(engine) as s:
            s.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
    assert {h.id for h in _search(engine, mia, "alpha")} == set(ids[3:])
    assert {h.id for h in _search(engine, mia, "学习")} == set(ids[3:])
    assert [h.id for h in _search(engine, mia, "复习")] == [ids[0]]


# --- retention purge -----------------------------------------------------------------------


def _aged(engine, actor: Actor, student: str, body: str, days: int) -> str:
    with session_scope(engine) as s:
        row = MentorshipNote(
            mentor_id=actor.id,
            student_id=student,
            note=body,
            added_at=clock.now() - timedelta(days=days),
        )
        writes.insert(s, actor.id, row)
        return row.id


def test_purge_dry_run_counts_and_changes_nothing(engine, people) -> None:
    mia, sam = people["mia"], people["sam"].id
    _aged(engine, mia, sam, "ancient", 400)
    _aged(engine, mia, sam, "old", 366)
    _aged(engine, mia, sam, "recent", 30)
    _aged(engine, people["max"], people["tom"].id, "someone else's", 900)
    config = Config(note_retention_days=365)
    with session_scope(engine) as s:
        journal_before = s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
        assert notes.notes_due_for_purge(s, mia, config) == 2
        assert notes.purge_old_notes(s, mia, config, dry_run=True) == 2
    with session_scope(engine) as s:
        assert notes.count_notes(s, mia) == 3
        after = s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
        assert after == journal_before
        assert (
            s.execute(
                select(func.count()).where(AuditEntry.action == notes.PURGE_ACTION)
            ).scalar_one()
            == 0
        )


def test_purge_erases_and_tombstones_old_notes_and_is_audited(engine, people) -> None:
    mia, sam = people["mia"], people["sam"].id
    old = _aged(engine, mia, sam, "ancient secret purgeword", 400)
    keep = _aged(engine, mia, sam, "recent purgeword", 30)
    theirs = _aged(engine, people["max"], people["tom"].id, "someone else's", 900)
    with session_scope(engine) as s:
        assert notes.purge_old_notes(s, mia, Config(note_retention_days=365)) == 1
    with session_scope(engine) as s:
        gone = s.get(MentorshipNote, old)
        assert gone.deleted_at is not None and gone.note == "" and gone.version == 3
        assert s.get(MentorshipNote, keep).deleted_at is None
        assert s.get(MentorshipNote, theirs).deleted_at is None
        [summary] = s.execute(
            select(AuditEntry).where(AuditEntry.action == notes.PURGE_ACTION)
        ).scalars()
        assert summary.actor_id == mia.id and summary.detail["count"] == 1
        assert summary.detail["retention_days"] == 365
        per_row = s.execute(
            select(AuditEntry.action).where(AuditEntry.entity_id == old).order_by(AuditEntry.at)
        ).scalars()
        assert list(per_row) == ["create", "purge", "purge"]
    assert [e.op for e in _journal(engine, old)] == ["insert", "update", "delete"]
    assert [h.id for h in _search(engine, mia, "purgeword")] == [keep]


def test_purge_uses_the_configured_retention_and_now(engine, people) -> None:
    mia, sam = people["mia"], people["sam"].id
    _aged(engine, mia, sam, "forty days old", 40)
    later = clock.now() + timedelta(days=400)
    with session_scope(engine) as s:
        assert notes.notes_due_for_purge(s, mia, Config(note_retention_days=30)) == 1
        assert notes.notes_due_for_purge(s, mia, Config(note_retention_days=365)) == 0
        assert notes.notes_due_for_purge(s, mia, Config(note_retention_days=365), later) == 1


def test_only_mentors_purge_and_only_their_own(engine, people) -> None:
    config = Config()
    with session_scope(engine) as s:
        for who in ("ada", "sam"):
            with pytest.raises(AccessDenied):
                notes.purge_old_notes(s, people[who], config)
        with pytest.raises(AccessDenied):
            notes.notes_due_for_purge(s, people["sam"], config)
        # an admin sees how many the next purges remove (issue 18), never the notes
        assert isinstance(notes.notes_due_for_purge(s, people["ada"], config), int)


def test_migration_keeps_notes_searchable_from_an_older_store(db_path: Path) -> None:
    from legacy_store import legacy_store

    from mentor_tui.db.engine import make_engine

    conn = sqlite3.connect(legacy_store(db_path, 2), isolation_level=None)
    conn.execute(
        "INSERT INTO users (id, created_at, updated_at, version, full_name, email, role, status,"
        " timezone) VALUES ('m-1', '2025-01-01 00:00:00', '2025-01-01 00:00:00', 1, 'Mia',"
        " 'mia@example.org', 'mentor', 'Active', 'UTC'), ('s1', '2025-01-01 00:00:00',"
        " '2025-01-01 00:00:00', 1, 'Sam', 'sam@example.org', 'student', 'Active', 'UTC')"
    )
    for n, body in enumerate(["memoisation talk", "学习递归", "gone 学习"]):
        deleted = "'2025-02-01 00:00:00'" if n == 2 else "NULL"
        conn.execute(
            "INSERT INTO mentorship_notes (id, created_at, updated_at, version, deleted_at,"
            " mentor_id, student_id, kind, note, added_at, done) VALUES (?, '2025-01-01 00:00:00',"
            f" '2025-01-01 00:00:00', 1, {deleted}, 'm-1', 's1', 'note', ?,"
            " '2025-01-01 00:00:00', 0)",
            (f"n{n}", body),
        )
    conn.close()
    engine = make_engine(db_path)
    try:
        mia = Actor("m-1", "mentor", "mia@example.org", "Mia")
        assert [h.id for h in _search(engine, mia, "memo")] == ["n0"]
        assert [h.id for h in _search(engine, mia, "学习")] == ["n1"]
    finally:
        engine.dispose()


def test_each_author_has_an_owner_token_of_their_own(engine, people) -> None:
    with session_scope(engine) as s:
        assert note_search.owner_token(s, people["mia"].id) is None
    _add(engine, people["mia"], "sam.student@example.org", "one")
    _add(engine, people["max"], "tom.student@example.org", "two")
    with session_scope(engine) as s:
        mia = note_search.owner_token(s, people["mia"].id)
        max_ = note_search.owner_token(s, people["max"].id)
    assert mia != max_
    for token in (mia, max_):
        assert len(token) == 3 and all(unicodedata.category(c) == "Co" for c in token)
        assert unicodedata.normalize("NFD", token) == token
    for marker in (note_snippets.MARK_OPEN, note_snippets.MARK_CLOSE):
        assert unicodedata.normalize("NFC", marker) == unicodedata.normalize("NFD", marker)


def test_a_mentor_with_no_notes_finds_nothing(engine, people) -> None:
    _add(engine, people["max"], "tom.student@example.org", "shared words")
    assert _search(engine, people["mia"], "shared") == []


def test_the_ranking_window_counts_the_actors_notes_only(engine, people, monkeypatch) -> None:
    monkeypatch.setattr(note_search, "RANK_WINDOW", 3)
    mine = _add(engine, people["mia"], "sam.student@example.org", "shared words 共同的词")
    for _ in range(6):
        _add(engine, people["max"], "tom.student@example.org", "shared words 共同的词")
    for query in ("shared", "共同", "共同的词"):
        assert [hit.id for hit in _search(engine, people["mia"], query)] == [mine], query
