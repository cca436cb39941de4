"""Authorisation holes (issue 15), each tried the way it would be: a push or a pull with a
valid token of the wrong person against the real server app. A mentor's own agenda template
reaches nobody else; a client writes only the notifications its own actions cause; a
student's new submission carries the work alone, never a decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mentor_tui.core.sessions.templates import add_template
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import SessionTemplate, User
from tests import factory, sync_helpers
from tests.sync_helpers import Program, pull_everything

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def _on_server(program: Program, model: Any, **where: str) -> set[str]:
    query = select(model.id)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with program.harness.engine.connect() as conn:
        return set(conn.execute(query).scalars())


# --- 1. a mentor's own agenda template is theirs alone --------------------------------------


def test_a_mentors_own_agenda_template_reaches_no_other_store(program: Program) -> None:
    h, ids = program.harness, program.ids
    m2_store = h.store("m2")
    h.login(m2_store, "m2@example.org")
    with session_scope(m2_store) as s:
        m2 = factory.actor(s.get_one(User, ids["m2"]))
        private = add_template(s, m2, title="My 1:1", agenda="- how is Sue doing").id
    assert h.sync(m2_store).rejected == 0
    with session_scope(program.admin_store) as s:
        admin = factory.actor(s.execute(select(User).where(User.role == "admin")).scalar_one())
        shared = add_template(s, admin, title="Kick-off", agenda="- goals").id
    assert h.sync(program.admin_store).rejected == 0

    assert pull_everything(h, h.token("m2@example.org"))["session_templates"] == {private, shared}
    for email in ("m1@example.org", "admin@example.org", "s1@example.org"):
        seen = pull_everything(h, h.token(email))
        assert seen["session_templates"] == {shared}, f"{email} is sent M2's own template"
    m1_store = h.store("m1")
    h.login(m1_store, "m1@example.org")
    with session_scope(m1_store) as s:
        assert set(s.execute(select(SessionTemplate.id)).scalars()) == {shared}
