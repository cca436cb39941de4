"""Property: three clients (a mentor's laptop and phone, and the admin) make random offline
creates, edits and deletes, reviews, reassignments and syncs in random order. After everyone
syncs twice, every store equals the server's view for its account, and no note text anyone
typed is lost: each sync finds it on the server or in that client's conflicts."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from mentor_tui.core import clock, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, Message, Submission, User
from mentor_tui.sync import list_conflicts
from tests import sync_helpers
from tests.sync_helpers import (
    Program,
    Template,
    fast_hashing,
    logged_in_template,
    program_from,
    server_view,
    store_view,
)

program_template = sync_helpers.program_template  # a fixture

CLIENTS = ("laptop", "phone", "admin")
EMAILS = {"laptop": "m1@example.org", "phone": "m1@example.org", "admin": "admin@example.org"}

# Any text a person might type, control characters and all scripts included, except NUL
# (which PostgreSQL cannot hold; the server turns it into U+FFFD, tested on its own).
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
)
mentor_client = st.sampled_from(("laptop", "phone"))
any_client = st.sampled_from(CLIENTS)
students = st.sampled_from(("s1", "s3"))

operations = st.one_of(
    st.tuples(st.just("note"), mentor_client, students, texts),
    st.tuples(st.just("edit"), mentor_client, st.integers(0, 5), texts),
    st.tuples(st.just("delete"), mentor_client, st.integers(0, 5)),
    st.tuples(
        st.just("review"),
        any_client,
        st.sampled_from(("approved", "rejected", "changes_requested")),
        texts,
    ),
    st.tuples(st.just("move"), students, st.sampled_from(("m1", "m2"))),
    st.tuples(st.just("status"), any_client, students, st.sampled_from(("Active", "Inactive"))),
    st.tuples(st.just("message"), mentor_client, students, texts),
    st.tuples(st.just("sync"), any_client),
)


@dataclass
class World:
    program: Program
    stores: dict[str, Engine]

    @property
    def ids(self) -> dict[str, str]:
        return self.program.ids

    def actor_id(self, client: str) -> str:
        return (
            self.ids["m1"]
            if client != "admin"
            else _user_id(self.stores["admin"], "admin@example.org")
        )


def _user_id(store: Engine, email: str) -> str:
    with session_scope(store) as s:
        return s.execute(select(User.id).where(User.email == email)).scalar_one()


def _live_notes(s: Any) -> list[MentorshipNote]:
    query = (
        select(MentorshipNote)
        .where(MentorshipNote.deleted_at.is_(None))
        .order_by(MentorshipNote.id)
    )
    return list(s.execute(query).scalars())


def _mine(s: Any, student_id: str, mentor_id: str) -> User | None:
    student = s.get(User, student_id)
    if student is None or student.deleted_at is not None or student.mentor_id != mentor_id:
        return None
    return student


def apply(world: World, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "sync":
        sync(world, op[1])
        return
    if kind == "move":
        _, student, mentor = op
        with session_scope(world.stores["admin"]) as s:
            row = s.get(User, world.ids[student])
            writes.update(
                s, world.actor_id("admin"), row, {"mentor_id": world.ids[mentor]}, action="assign"
            )
        return
    client = op[1]
    me = world.actor_id(client)
    with session_scope(world.stores[client]) as s:
        if kind == "note":
            if _mine(s, world.ids[op[2]], me) is not None:
                writes.insert(
                    s,
                    me,
                    MentorshipNote(
                        mentor_id=me, student_id=world.ids[op[2]], note=op[3], added_at=clock.now()
                    ),
                )
        elif kind in ("edit", "delete"):
            notes = _live_notes(s)
            if notes:
                note = notes[op[2] % len(notes)]
                if kind == "edit":
                    writes.update(s, me, note, {"note": op[3]})
                else:
                    writes.tombstone(s, me, note)
        elif kind == "review":
            sub = s.get(Submission, world.ids["sub1"])
            if sub is not None and (client == "admin" or _mine(s, sub.student_id, me) is not None):
                writes.update(
                    s,
                    me,
                    sub,
                    {
                        "status": op[2],
                        "feedback": op[3],
                        "reviewer_id": me,
                        "reviewed_at": clock.now(),
                    },
                )
        elif kind == "status":
            student = s.get(User, world.ids[op[2]])
            if student is not None and (client == "admin" or _mine(s, student.id, me) is not None):
                writes.update(s, me, student, {"status": op[3]})
        elif kind == "message" and _mine(s, world.ids[op[2]], me) is not None:
            writes.insert(
                s,
                me,
                Message(sender_id=me, recipient_id=world.ids[op[2]], kind="direct", body=op[3]),
            )


def _typed_pending(store: Engine) -> dict[str, str]:
    """Note id -> the text this client typed and has not pushed yet."""
    with store.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT n.id, n.note FROM mentorship_notes n WHERE n.deleted_at IS NULL AND EXISTS ("
            "SELECT 1 FROM change_journal j WHERE j.entity = 'mentorship_notes' AND j.entity_id = n.id"
            " AND j.pushed_at IS NULL AND (j.op = 'insert' OR json_extract(j.fields, '$.note') IS NOT NULL))"
        ).all()
    return dict(rows)


def sync(world: World, client: str) -> None:
    store = world.stores[client]
    typed = _typed_pending(store)
    world.program.harness.sync(store)
    with world.program.harness.engine.connect() as conn:
        on_server = dict(conn.execute(select(MentorshipNote.id, MentorshipNote.note)).all())
    kept = {
        (c.entity_id, c.fields["note"]["mine"])
        for c in list_conflicts(store, include_resolved=True)
        if "note" in c.fields
    }
    for note_id, text in typed.items():
        assert on_server.get(note_id) == text or (note_id, text) in kept, (
            f"{client} typed {text!r} into note {note_id} and it is neither on the server nor kept as a conflict"
        )


@pytest.fixture(scope="session")
def clients_template(
    program_template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Template:
    """The programme with the mentor's laptop and phone stores logged in (each login pulls the
    programme): made once, copied for each example."""
    logins = {client: EMAILS[client] for client in ("laptop", "phone")}
    return logged_in_template(program_template, tmp_path_factory.mktemp("clients"), logins)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(ops=st.lists(operations, min_size=1, max_size=25))
def test_three_clients_converge_and_lose_no_typed_text(
    ops: list[tuple[Any, ...]],
    clients_template: Template,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast_hashing(monkeypatch)
    with tempfile.TemporaryDirectory() as root:
        program = program_from(clients_template, Path(root))
        try:
            world = World(program, {"admin": program.admin_store})
            for client in ("laptop", "phone"):
                world.stores[client] = program.harness.store(client)  # logged in already
            for op in ops:
                apply(world, op)
            for _round in range(2):
                for client in CLIENTS:
                    sync(world, client)
            for client in CLIENTS:
                store = world.stores[client]
                assert store_view(store) == server_view(
                    program.harness.engine, store, EMAILS[client]
                ), client
                with store.connect() as conn:  # pulled and pruned notes kept the search index
                    conn.exec_driver_sql(
                        "INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')"
                    )
        finally:
            program.harness.close()
