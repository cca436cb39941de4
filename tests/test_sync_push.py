"""Pushing: the same change twice applies once (a lost answer and a retry included), and
conflicts lose nothing: a note keeps both versions, a review decision made first wins and the
loser is told, other fields merge field by field."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from mentor_tui.core import writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, MentorshipNote, Submission, User
from mentor_tui.server.schema import applied_changes, log_rows
from mentor_tui.sync import (
    KEEP_MINE,
    KEEP_THEIRS,
    list_conflicts,
    pending_change_count,
    resolve_conflict,
)
from mentor_tui.sync.http import RetryPolicy, SyncHttp
from mentor_tui.sync.push import push_all
from tests import factory, sync_helpers
from tests.sync_helpers import Program, actor_in

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _mentor_store(program: Program, name: str, email: str = "m1@example.org"):
    store = program.harness.store(name)
    program.harness.login(store, email)
    return store


def _edit(store, model, row_id: str, **changes) -> None:
    with session_scope(store) as s:
        row = s.get(model, row_id)
        who = actor_in(store, _account(store))
        writes.update(s, who.id, row, changes)


def _account(store) -> str:
    from mentor_tui.sync import sync_status

    return sync_status(store).account_email or ""


def _server_value(program: Program, model, row_id: str, column: str):
    with program.harness.engine.connect() as conn:
        return conn.execute(select(getattr(model, column)).where(model.id == row_id)).scalar_one()


def _new_note(store, text: str, student: str) -> str:
    with session_scope(store) as s:
        me = s.get(User, actor_in(store, _account(store)).id)
        return factory.note(s, me, s.get(User, student), text).id


def test_pushing_the_same_changes_twice_applies_them_once(program: Program) -> None:
    h = program.harness
    laptop = _mentor_store(program, "laptop")
    note_id = _new_note(laptop, "first session went well", program.ids["s1"])
    with session_scope(laptop) as s:
        entries = (
            s.execute(select(JournalEntry).where(JournalEntry.pushed_at.is_(None))).scalars().all()
        )
        changes = [
            {"change_id": e.change_id, "entity": e.entity, "entity_id": e.entity_id, "op": e.op,
             "base_version": e.base_version, "fields": e.fields}
            for e in entries
        ]  # fmt: skip
    headers = h.token("m1@example.org")
    first = h.client.post(
        "/sync/push", json={"client_id": "c", "changes": changes}, headers=headers
    ).json()
    second = h.client.post(
        "/sync/push", json={"client_id": "c", "changes": changes}, headers=headers
    ).json()
    assert [r["status"] for r in first["results"]] == ["applied"]
    assert [(r["status"], r["duplicate"]) for r in second["results"]] == [("applied", True)]
    assert second["results"][0]["row"]["version"] == 1
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MentorshipNote)).scalar() == 1
        assert (
            conn.execute(select(func.count()).where(AuditEntry.entity_id == note_id)).scalar() == 1
        )
        assert (
            conn.execute(
                select(func.count()).where(applied_changes.c.entity_id == note_id)
            ).scalar()
            == 1
        )


def test_a_change_id_twice_in_one_push_is_applied_once(program: Program) -> None:
    """Found by the schema fuzz (tests/test_server_schema.py): the second answered 500."""
    h = program.harness
    note = {"change_id": "twice", "entity": "no_such_table", "entity_id": "x", "op": "insert",
            "base_version": 0, "fields": {}}  # fmt: skip
    answer = h.client.post(
        "/sync/push",
        json={"client_id": "c", "changes": [note, note]},
        headers=h.token("m1@example.org"),
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["status"], r["duplicate"]) for r in results] == [
        ("rejected", False),
        ("rejected", True),
    ]
    with h.engine.connect() as conn:
        stored = conn.execute(
            select(applied_changes.c.status).where(applied_changes.c.change_id == "twice")
        ).scalar()
    assert stored == "rejected"


def test_a_timeout_after_the_server_committed_then_a_retry_does_not_duplicate(
    program: Program,
) -> None:
    """The answer is lost after the commit (httpx.MockTransport around the real app); the
    client retries the same change ids and the server recognises them."""
    h = program.harness
    laptop = _mentor_store(program, "laptop")
    note_id = _new_note(laptop, "talked about testing", program.ids["s1"])
    calls = {"push": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        answer = h.client.request(
            request.method, str(request.url), headers=request.headers, content=request.content
        )
        if request.url.path == "/sync/push":
            calls["push"] += 1
            if calls["push"] == 1:
                raise httpx.ReadTimeout("the answer never came", request=request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    sleeps: list[float] = []
    from mentor_tui.sync import credentials
    from mentor_tui.sync.store import state_of

    state = state_of(laptop)
    token = credentials.load_token(state.client_id)
    assert token is not None
    http = SyncHttp(h.base, token.token, client=httpx.Client(transport=httpx.MockTransport(flaky)),
                    retry=RetryPolicy(sleep=sleeps.append))  # fmt: skip
    report = push_all(laptop, http, state.client_id)
    assert calls["push"] == 2 and len(sleeps) == 1
    assert report.pushed == 1 and pending_change_count(laptop) == 0
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(MentorshipNote.id == note_id)).scalar() == 1
        assert conn.execute(
            select(log_rows.c.entity_id).where(log_rows.c.entity_id == note_id)
        ).all() == [(note_id,)]


def test_a_note_edited_on_two_devices_keeps_both_versions(program: Program) -> None:
    h = program.harness
    laptop, phone = _mentor_store(program, "laptop"), _mentor_store(program, "phone")
    note_id = _new_note(laptop, "Sam: recursion is fine", program.ids["s1"])
    h.sync(laptop)
    h.sync(phone)
    _edit(laptop, MentorshipNote, note_id, note="Sam: recursion is fine; next: generators")
    _edit(
        phone,
        MentorshipNote,
        note_id,
        note="Sam: recursion is fine, wants pairing on Friday",
        done=True,
    )
    assert h.sync(laptop).conflicts == 0
    report = h.sync(phone)
    assert report.conflicts == 1
    assert (
        _server_value(program, MentorshipNote, note_id, "note")
        == "Sam: recursion is fine; next: generators"
    )
    assert _server_value(program, MentorshipNote, note_id, "done") is True, "the other field merged"
    [conflict] = list_conflicts(phone)
    assert conflict.kind == "note" and conflict.entity_id == note_id
    assert conflict.fields["note"] == {
        "mine": "Sam: recursion is fine, wants pairing on Friday",
        "theirs": "Sam: recursion is fine; next: generators",
    }
    with session_scope(phone) as s:
        assert s.get(MentorshipNote, note_id).note == "Sam: recursion is fine; next: generators"
    merged = "Sam: recursion is fine; next: generators; wants pairing on Friday"
    resolve_conflict(phone, conflict.id, merged)
    assert list_conflicts(phone) == []
    assert h.sync(phone).conflicts == 0
    assert _server_value(program, MentorshipNote, note_id, "note") == merged
    h.sync(laptop)
    with session_scope(laptop) as s:
        assert s.get(MentorshipNote, note_id).note == merged


def test_keep_mine_and_keep_theirs(program: Program) -> None:
    h = program.harness
    laptop, phone = _mentor_store(program, "laptop"), _mentor_store(program, "phone")
    note_id = _new_note(laptop, "v1", program.ids["s1"])
    h.sync(laptop), h.sync(phone)
    _edit(laptop, MentorshipNote, note_id, note="laptop text")
    _edit(phone, MentorshipNote, note_id, note="phone text")
    h.sync(laptop), h.sync(phone)
    [conflict] = list_conflicts(phone)
    resolve_conflict(phone, conflict.id, KEEP_MINE)
    h.sync(phone)
    assert _server_value(program, MentorshipNote, note_id, "note") == "phone text"
    _edit(laptop, MentorshipNote, note_id, note="laptop again")  # made on the old version
    assert h.sync(laptop).conflicts == 1
    [conflict] = list_conflicts(laptop)
    resolve_conflict(laptop, conflict.id, KEEP_THEIRS)
    assert h.sync(laptop).pushed == 0
    assert _server_value(program, MentorshipNote, note_id, "note") == "phone text"
    assert [c.fields["note"]["mine"] for c in list_conflicts(laptop, include_resolved=True)] == [
        "laptop again"
    ], "a settled conflict stays on record, with the text that lost"
    assert [c.fields["note"]["mine"] for c in list_conflicts(phone, include_resolved=True)] == [
        "phone text"
    ]


def test_a_note_deleted_on_one_device_and_edited_on_another_is_kept(program: Program) -> None:
    h = program.harness
    laptop, phone = _mentor_store(program, "laptop"), _mentor_store(program, "phone")
    note_id = _new_note(laptop, "draft", program.ids["s1"])
    h.sync(laptop), h.sync(phone)
    _edit(laptop, MentorshipNote, note_id, note="draft, and the important part")
    with session_scope(phone) as s:
        writes.tombstone(s, program.ids["m1"], s.get(MentorshipNote, note_id))
    h.sync(laptop)
    assert h.sync(phone).conflicts == 1
    assert _server_value(program, MentorshipNote, note_id, "deleted_at") is None
    with session_scope(phone) as s:
        kept = s.get(MentorshipNote, note_id)
        assert kept.deleted_at is None and kept.note == "draft, and the important part"
    [conflict] = list_conflicts(phone)
    assert conflict.mine_deleted
    resolve_conflict(phone, conflict.id, KEEP_MINE)  # delete after all
    h.sync(phone)
    assert _server_value(program, MentorshipNote, note_id, "deleted_at") is not None


def test_a_review_decision_made_first_wins_and_the_loser_is_told(program: Program) -> None:
    h = program.harness
    mentor = _mentor_store(program, "mentor")
    sub = program.ids["sub1"]
    _edit(program.admin_store, Submission, sub, status="rejected", feedback="Missing tests.",
          reviewer_id=actor_in(program.admin_store, "admin@example.org").id)  # fmt: skip
    _edit(
        mentor,
        Submission,
        sub,
        status="approved",
        feedback="Lovely work!",
        reviewer_id=program.ids["m1"],
    )
    h.sync(program.admin_store)
    report = h.sync(mentor)
    assert report.conflicts == 1
    assert _server_value(program, Submission, sub, "status") == "rejected"
    assert _server_value(program, Submission, sub, "feedback") == "Missing tests."
    [conflict] = list_conflicts(mentor)
    assert conflict.kind == "review"
    assert "decided this submission first" in conflict.message
    assert conflict.fields["feedback"] == {"mine": "Lovely work!", "theirs": "Missing tests."}
    assert conflict.fields["status"] == {"mine": "approved", "theirs": "rejected"}
    with session_scope(mentor) as s:
        assert s.get(Submission, sub).status == "rejected", "the mentor's store shows the decision"


def test_other_fields_merge_field_by_field(program: Program) -> None:
    h = program.harness
    second_admin = program.harness.store("admin2")
    h.login(second_admin, "admin@example.org")
    s3 = program.ids["s3"]
    _edit(program.admin_store, User, s3, status="Inactive")
    _edit(second_admin, User, s3, timezone="Asia/Tokyo")
    assert h.sync(program.admin_store).conflicts == 0
    assert h.sync(second_admin).conflicts == 0
    assert _server_value(program, User, s3, "status") == "Inactive"
    assert _server_value(program, User, s3, "timezone") == "Asia/Tokyo"
    h.sync(program.admin_store)
    for store in (program.admin_store, second_admin):
        with session_scope(store) as s:
            row = s.get(User, s3)
            assert (row.status, row.timezone) == ("Inactive", "Asia/Tokyo")
    # the same field on both sides: the first to reach the server stands, the other is told
    _edit(program.admin_store, User, s3, full_name="Sid the Third")
    _edit(second_admin, User, s3, full_name="Sidney Three")
    h.sync(program.admin_store)
    assert h.sync(second_admin).conflicts == 1
    assert _server_value(program, User, s3, "full_name") == "Sid the Third"
    [conflict] = list_conflicts(second_admin)
    assert conflict.kind == "field" and conflict.fields["full_name"]["mine"] == "Sidney Three"


def test_several_offline_edits_of_one_row_are_not_a_conflict_with_themselves(
    program: Program,
) -> None:
    h = program.harness
    laptop = _mentor_store(program, "laptop")
    note_id = _new_note(laptop, "a", program.ids["s1"])
    for text in ("ab", "abc", "abcd"):
        _edit(laptop, MentorshipNote, note_id, note=text)
    _edit(laptop, MentorshipNote, note_id, done=True)
    report = h.sync(laptop)
    assert (report.pushed, report.conflicts, report.rejected) == (5, 0, 0)
    assert _server_value(program, MentorshipNote, note_id, "note") == "abcd"
    _edit(laptop, MentorshipNote, note_id, note="abcde")
    assert h.sync(laptop).conflicts == 0
    assert _server_value(program, MentorshipNote, note_id, "version") == 6


def test_a_pulled_change_to_a_row_with_pending_local_edits_keeps_the_local_edit(
    program: Program,
) -> None:
    h = program.harness
    laptop, phone = _mentor_store(program, "laptop"), _mentor_store(program, "phone")
    note_id = _new_note(laptop, "shared", program.ids["s1"])
    h.sync(laptop), h.sync(phone)
    _edit(laptop, MentorshipNote, note_id, note="from the laptop")
    h.sync(laptop)
    _edit(phone, MentorshipNote, note_id, note="typed on the phone, offline")
    from mentor_tui.sync.client import _http_for
    from mentor_tui.sync.pull import pull_log
    from mentor_tui.sync.store import state_of

    pull_log(phone, _http_for(state_of(phone), h.client))  # a pull alone, before any push
    with session_scope(phone) as s:
        assert s.get(MentorshipNote, note_id).note == "typed on the phone, offline"
    assert pending_change_count(phone) == 1
    assert h.sync(phone).conflicts == 1
    [conflict] = list_conflicts(phone)
    assert conflict.fields["note"]["mine"] == "typed on the phone, offline"
