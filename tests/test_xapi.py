"""The xAPI statements endpoint of `mentor-tui serve`, through real HTTP (FastAPI's TestClient):
statements move a student's progress and a mentor's client pulls it; the same statement twice
changes nothing; a different one under a known id is a 409; credentials are an integration
account's, which can do nothing else."""

from __future__ import annotations

import base64
import io
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from sync_helpers import PASSWORD, Harness, fast_hashing, seed_program

from mentor_tui.cli import main
from mentor_tui.core.learning.keys import progress_row_id, row_id
from mentor_tui.core.learning.xapi import ActivityMap, duration_minutes
from mentor_tui.db.models import Module, ModuleProgress, Notification
from mentor_tui.server import pull
from mentor_tui.server.schema import xapi_statements

LMS = "lms@example.org"
NOW = datetime.now(UTC).replace(microsecond=0)
V = {"X-Experience-API-Version": "1.0.3"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def h(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fast_hashing(monkeypatch)
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    harness = Harness(tmp_path, url)
    yield harness
    harness.close()


def basic(email: str = LMS, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", **V}


def statement(email: str, activity: str, verb: str = COMPLETED, **result: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}", "name": "Someone"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": NOW.isoformat(),
        "context": {"platform": "Moodle"},
    }
    if result:
        body["result"] = result
    return body


def progress_of(engine: Any, student: str, module: str) -> ModuleProgress:
    with Session(engine) as s:
        row = s.execute(
            select(ModuleProgress).where(
                ModuleProgress.user_id == student, ModuleProgress.module_id == module
            )
        ).scalar_one()
        s.expunge(row)
        return row


def test_statements_move_progress_and_the_mentor_pulls_it(h: Harness) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    mentor = h.store("m1")
    h.login(mentor, "m1@example.org")
    before = progress_of(mentor, program.ids["s1"], program.ids["module"])
    assert (before.is_completed, before.time_spent_minutes) == (False, 30)
    activity = f"https://lms.example.org/course/7/modules/{program.ids['module']}"
    batch = [
        statement("s1@example.org", activity, score={"scaled": 0.9}, duration="PT45M"),
        statement("s1@example.org", "https://lms.example.org/quiz/unmapped"),
        statement("nobody@example.org", activity),
    ]
    answer = h.client.post("/xapi/statements", json=batch, headers=basic())
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Experience-API-Version"] == "1.0.3"
    ids = answer.json()
    assert len(ids) == 3 and all(uuid.UUID(i) for i in ids)
    server = progress_of(h.engine, program.ids["s1"], program.ids["module"])
    assert (server.is_completed, server.percent, server.quiz_score) == (True, 100.0, 90.0)
    assert server.time_spent_minutes == 75
    assert server.last_activity_at == NOW
    # the mentor's client pulls it as a synced change
    report = h.sync(mentor)
    assert report.rejected == 0
    pulled = progress_of(mentor, program.ids["s1"], program.ids["module"])
    assert (pulled.is_completed, pulled.quiz_score, pulled.time_spent_minutes) == (True, 90.0, 75)
    assert pulled.version == server.version
    # a milestone: the mentor is told on their machine, the student on the server
    with Session(mentor) as s:
        told = s.execute(
            select(Notification.user_id, Notification.message).where(
                Notification.type == "student_milestone_achieved"
            )
        ).all()
    assert [tuple(r) for r in told] == [
        (program.ids["m1"], "Sam One completed the module “Python 1”.")
    ]
    with Session(h.engine) as s:
        told = s.execute(
            select(Notification.user_id, Notification.message)
            .where(Notification.type == "student_milestone_achieved")
            .order_by(Notification.message)
        ).all()
    assert [tuple(r) for r in told] == [
        (program.ids["m1"], "Sam One completed the module “Python 1”."),
        (program.ids["s1"], "You completed the module “Python 1”."),
    ]
    # every statement is kept; the unknown activity is listed for admins
    with h.engine.connect() as conn:
        rows = conn.execute(select(xapi_statements.c.id, xapi_statements.c.outcome))
        outcomes = {r.id: r.outcome for r in rows}
    assert [outcomes[i] for i in ids] == ["applied", "unknown activity", "unknown actor"]
    listed = h.client.get("/xapi/activities/unknown", headers=h.token("admin@example.org"))
    assert listed.status_code == 200
    assert [(a["activity_id"], a["statements"]) for a in listed.json()] == [
        ("https://lms.example.org/quiz/unmapped", 1)
    ]
    refused = h.client.get("/xapi/activities/unknown", headers=h.token("m1@example.org"))
    assert refused.status_code == 403
    # a later mapping: the module is imported under the activity's id; the kept statement
    # is applied again on an admin's word
    unmapped = "https://lms.example.org/quiz/unmapped"
    with Session(program.admin_store) as s:
        from mentor_tui.core import writes

        course_id = s.get(Module, program.ids["module"]).course_id
        writes.insert(s, None, Module(id=row_id("module", unmapped), course_id=course_id,
                                      title="Quiz"))  # fmt: skip
        s.commit()
    assert h.sync(program.admin_store).rejected == 0
    assert h.client.post(
        "/xapi/activities/reapply", headers=h.token("m1@example.org")
    ).status_code == 403  # fmt: skip
    again = h.client.post("/xapi/activities/reapply", headers=h.token("admin@example.org"))
    assert (again.status_code, again.json()) == (200, {"applied": 1, "unmatched": 1})
    quiz = progress_of(h.engine, program.ids["s1"], row_id("module", unmapped))
    assert quiz.is_completed
    h.sync(mentor)
    assert progress_of(mentor, program.ids["s1"], row_id("module", unmapped)).is_completed


def test_progressed_moves_percent_and_an_imported_module_id_maps(h: Harness) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    activity = f"https://lms.example.org/modules/{program.ids['module']}"
    extension = {"https://w3id.org/xapi/cmi5/result/extensions/progress": 65}
    answer = h.client.post(
        "/xapi/statements",
        json=statement("s2@example.org", activity, PROGRESSED, extensions=extension),
        headers=basic(),
    )
    assert answer.status_code == 200, answer.text
    row = progress_of(h.engine, program.ids["s2"], program.ids["module"])
    assert (row.is_completed, row.percent, row.time_spent_minutes) == (False, 65.0, 50)
    # a student with no progress row in the module yet gets one, made by the statement
    s3 = h.client.post(
        "/xapi/statements",
        json=statement("s3@example.org", activity, score={"raw": 7, "min": 0, "max": 10}),
        headers=basic(),
    )
    assert s3.status_code == 200, s3.text
    made = progress_of(h.engine, program.ids["s3"], program.ids["module"])
    assert made.id == progress_row_id(program.ids["s3"], program.ids["module"])
    assert (made.is_completed, made.quiz_score, made.version) == (True, 70.0, 1)
    # an activity named by a module's id in the platform (imported as c1-m1) maps to it
    assert ActivityMap().candidates("https://lms.example.org/modules/c1-m1")[1] == row_id(
        "module", "c1-m1"
    )


def test_the_same_statement_twice_changes_nothing_and_a_different_one_is_409(
    h: Harness,
) -> None:
    program = seed_program(h)
    h.account(LMS, "integration", "The LMS")
    activity = f"https://lms.example.org/modules/{program.ids['module']}"
    sid = str(uuid.uuid4())
    body = statement("s1@example.org", activity, duration="PT10M")
    first = h.client.put(
        "/xapi/statements", params={"statementId": sid}, json=body, headers=basic()
    )
    assert first.status_code == 204, first.text
    row = progress_of(h.engine, program.ids["s1"], program.ids["module"])
    position = pull.position(h.engine)
    again = h.client.put(
        "/xapi/statements", params={"statementId": sid}, json=body, headers=basic()
    )
    assert again.status_code == 204
    posted = h.client.post("/xapi/statements", json={**body, "id": sid}, headers=basic())
    assert (posted.status_code, posted.json()) == (200, [sid])
    assert pull.position(h.engine) == position  # nothing new in the change log
    same = progress_of(h.engine, program.ids["s1"], program.ids["module"])
    assert (same.version, same.time_spent_minutes) == (row.version, 40)
    # a different statement under the known id: 409, and nothing of its batch is stored
    other = str(uuid.uuid4())
    conflict = h.client.post(
        "/xapi/statements",
        json=[{**body, "id": other}, {**body, "id": sid, "result": {"duration": "PT1H"}}],
        headers=basic(),
    )
    assert conflict.status_code == 409
    assert sid in conflict.json()["detail"]
    assert h.client.get(
        "/xapi/statements", params={"statementId": other}, headers=basic()
    ).status_code == 404  # fmt: skip
    put = h.client.put(
        "/xapi/statements",
        params={"statementId": sid},
        json={**body, "verb": {"id": PROGRESSED}},
        headers=basic(),
    )
    assert put.status_code == 409
    assert progress_of(h.engine, program.ids["s1"], program.ids["module"]).version == row.version
    # GET gives the statement as received
    got = h.client.get("/xapi/statements", params={"statementId": sid}, headers=basic())
    assert got.status_code == 200
    stored = got.json()
    assert stored["id"] == sid and "stored" in stored
    assert {k: v for k, v in stored.items() if k not in ("id", "stored")} == body


def test_credentials_and_the_version_header(h: Harness) -> None:
    seed_program(h)
    h.account(LMS, "integration", "The LMS")
    body = statement("s1@example.org", "https://lms.example.org/x")
    about = h.client.get("/xapi/about")
    assert (about.status_code, about.json()["version"]) == (200, ["1.0.3"])
    none = h.client.post("/xapi/statements", json=body, headers=V)
    assert none.status_code == 401 and none.headers["WWW-Authenticate"].startswith("Basic")
    wrong = h.client.post("/xapi/statements", json=body, headers=basic(password="wrong pass"))
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "Wrong email or password.")
    admin = h.client.post(
        "/xapi/statements", json=body, headers=basic("admin@example.org", PASSWORD)
    )
    assert admin.status_code == 403
    user_token = h.client.post(
        "/xapi/statements", json=body, headers={**h.token("admin@example.org"), **V}
    )
    assert user_token.status_code == 403
    no_version = h.client.post("/xapi/statements", json=body, headers=basic() | {V_KEY: ""})
    assert no_version.status_code == 400 and "1.0.x" in no_version.json()["detail"]
    old = h.client.post("/xapi/statements", json=body, headers=basic() | {V_KEY: "0.95"})
    assert old.status_code == 400
    bad = h.client.post("/xapi/statements", json={"actor": {}, "verb": {}}, headers=basic())
    assert bad.status_code == 400 and bad.json()["detail"].startswith("The statement's ")
    # the integration account logs in for a bearer token, which posts statements ...
    token = h.token(LMS)
    assert h.client.post("/xapi/statements", json=body, headers=token | V).status_code == 200
    # ... and can do nothing else: no pull, no snapshot, no push
    for answer in (
        h.client.get("/sync/pull", params={"after": 0}, headers=token),
        h.client.get("/sync/snapshot", headers=token),
        h.client.post("/sync/push", json={"client_id": "x", "changes": []}, headers=token),
        h.client.get("/sync/me", headers=token),
    ):
        assert answer.status_code == 403, answer.text
        assert answer.json()["detail"] == "An integration account may only post xAPI statements."


V_KEY = "X-Experience-API-Version"


def test_server_user_add_integration(
    h: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_program(h)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(
        ["server-user", "add", LMS, "--role", "integration", "--name", "Moodle",
         "--password-stdin", "--database", h.url]
    )  # fmt: skip
    assert (code, capsys.readouterr().out) == (0, f"Created integration account {LMS}.\n")
    body = statement("s1@example.org", "https://lms.example.org/x")
    assert h.client.post("/xapi/statements", json=body, headers=basic()).status_code == 200
    # an integration account is no user: it is never synced to anyone
    with Session(h.engine) as s:
        from mentor_tui.db.models import User

        assert s.execute(select(func.count()).where(User.email == LMS)).scalar_one() == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(
        ["server-user", "add", "m1@example.org", "--role", "integration", "--name", "X",
         "--password-stdin", "--database", h.url]
    )  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err == (
        "mentor-tui: m1@example.org is a mentor on this server, not an integration account.\n"
    )


def test_durations() -> None:
    assert duration_minutes("PT1H30M") == 90
    assert duration_minutes("P1DT2H") == 1440 + 120
    assert duration_minutes("PT45.5S") == pytest.approx(45.5 / 60)
    for bad in ("P", "PT", "1H", "PT1H30", "P1DT"):
        with pytest.raises(ValueError):
            duration_minutes(bad)
