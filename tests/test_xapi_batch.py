"""xAPI batches (issue 21): a batch is applied batch-wise, its reads a fixed few whatever its
size, and what it tells and writes is what the statements say, each milestone once."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, func, select
from sqlmodel import Session
from sync_helpers import Harness, Program, seed_program
from test_xapi import LMS, PROGRESSED, V, progress_of, statement
from test_xapi import h as h  # the fixture: a server on SQLite, then PostgreSQL

from mentor_tui.db.models import Module, Notification
from mentor_tui.server.schema import xapi_statements


@contextmanager
def reads(h: Harness) -> Iterator[list[str]]:
    """The SELECTs the server runs meanwhile (the login and the token check left out)."""
    seen: list[str] = []

    def count(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT") and "server_tokens" not in sql:
            seen.append(sql)

    event.listen(h.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(h.engine, "before_cursor_execute", count)


def modules(h: Harness, program: Program) -> list[str]:
    with Session(h.engine) as s:
        course = s.get(Module, program.ids["module"]).course_id
        return list(
            s.execute(
                select(Module.id).where(Module.course_id == course).order_by(Module.position)
            ).scalars()
        )


def told(h: Harness) -> list[tuple[str, str]]:
    with Session(h.engine) as s:
        rows = s.execute(
            select(Notification.user_id, Notification.message)
            .where(Notification.type == "student_milestone_achieved")
            .order_by(Notification.user_id, Notification.message)
        ).all()
    return [(r.user_id, r.message) for r in rows]


def test_a_batch_reads_a_fixed_few_and_tells_each_milestone_once(h: Harness) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    first, second = (f"https://lms.example.org/modules/{m}" for m in modules(h, program))
    token = h.token(LMS) | V  # a bearer token: no password hash among the reads
    with reads(h) as one:
        answer = h.client.post(
            "/xapi/statements", json=[statement("s2@example.org", first)], headers=token
        )
    assert answer.status_code == 200, answer.text
    before = set(told(h))
    batch = [
        statement("s1@example.org", first),
        statement("s1@example.org", second),
        statement("s2@example.org", second),
        statement("s3@example.org", second),
    ]
    with reads(h) as four:
        answer = h.client.post("/xapi/statements", json=batch, headers=token)
    assert answer.status_code == 200, answer.text
    # four completions (three new rows, two courses done) read no more than one did
    assert len(four) == len(one), "\n".join(four)
    ids = program.ids
    course = "Sam One completed the course “Python”."
    after = told(h)
    assert len(after) == len(set(after))  # the course told once, not with each module
    new = sorted(set(after) - before)
    assert new == sorted(
        [
            (ids["m1"], "Sam One completed the module “Python 1”."),
            (ids["m1"], "Sam One completed the module “Python 2”."),
            (ids["m1"], course),
            (ids["m1"], "Sid Three completed the module “Python 2”."),
            (ids["m2"], "Sue Two completed the course “Python”."),
            (ids["m2"], "Sue Two completed the module “Python 2”."),
            (ids["s1"], "You completed the course “Python”."),
            (ids["s1"], "You completed the module “Python 1”."),
            (ids["s1"], "You completed the module “Python 2”."),
            (ids["s2"], "You completed the course “Python”."),
            (ids["s2"], "You completed the module “Python 2”."),
            (ids["s3"], "You completed the module “Python 2”."),
        ]
    )
    for student in ("s1", "s2"):
        for module in modules(h, program):
            assert progress_of(h.engine, ids[student], module).is_completed


def test_one_id_twice_in_a_batch(h: Harness) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    activity = f"https://lms.example.org/modules/{program.ids['module']}"
    sid, other = str(uuid.uuid4()), str(uuid.uuid4())
    body = {**statement("s1@example.org", activity, PROGRESSED, duration="PT10M"), "id": sid}
    token = h.token(LMS) | V
    # the same statement twice: stored and applied once
    answer = h.client.post("/xapi/statements", json=[body, body], headers=token)
    assert (answer.status_code, answer.json()) == (200, [sid, sid]), answer.text
    row = progress_of(h.engine, program.ids["s1"], program.ids["module"])
    assert row.time_spent_minutes == 40  # 30 and ten minutes once
    with h.engine.connect() as conn:
        kept = conn.execute(select(xapi_statements.c.id, xapi_statements.c.outcome)).all()
    assert [tuple(r) for r in kept] == [(sid, "applied")]
    # two different statements under one new id: the batch refused whole, saying why
    fresh = str(uuid.uuid4())
    one = {**body, "id": fresh}
    two = {**one, "result": {"duration": "PT1H"}}
    refused = h.client.post(
        "/xapi/statements", json=[{**body, "id": other}, one, two], headers=token
    )
    assert refused.status_code == 400
    assert (
        refused.json()["detail"] == f"The batch has two different statements with the id {fresh}."
    )
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(xapi_statements)).scalar() == 1
    assert progress_of(h.engine, program.ids["s1"], program.ids["module"]).version == row.version


def test_a_batchs_wrong_statement_is_named_and_nothing_is_stored(h: Harness) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    activity = f"https://lms.example.org/modules/{program.ids['module']}"
    good = statement("s1@example.org", activity, PROGRESSED, duration="PT10M")
    token = h.token(LMS) | V
    for batch, detail in (
        (
            [good, {**good, "result": {"duration": "ten minutes"}}],
            "Statement 2's result.duration is not valid: Value error, 'ten minutes' is not an "
            "ISO 8601 duration like PT1H30M.",
        ),
        ([good, good, 7], "Statement 3 of the batch is not a JSON object."),
        ([{**good, "actor": {"mbox": "s1@example.org"}}], "The statement's actor.mbox is not "
         "valid: Value error, an mbox is a mailto: IRI."),
    ):  # fmt: skip
        refused = h.client.post("/xapi/statements", json=batch, headers=token)
        assert (refused.status_code, refused.json()["detail"]) == (400, detail)
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(xapi_statements)).scalar() == 0


def test_a_started_server_sets_what_it_holds_out_of_the_collectors_sight(
    tmp_path: Path,
) -> None:
    from fastapi.testclient import TestClient

    from mentor_tui.server.app import create_app
    from mentor_tui.server.schema import make_server_engine

    engine = make_server_engine(str(tmp_path / "server.db"))
    gc.unfreeze()
    try:
        with TestClient(create_app(engine)) as client:  # ``with``: the app's start-up runs
            assert gc.get_freeze_count() > 0
            assert client.get("/health").status_code == 200
    finally:
        gc.unfreeze()
        engine.dispose()
