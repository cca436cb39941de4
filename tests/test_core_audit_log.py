"""The audit-log viewer's query: admins only, filters by actor, entity, action and day, paged."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR, copy_store, services_for
from sqlalchemy import select

from mentor_tui.core.access import Actor
from mentor_tui.core.assignment.seats import assign_student
from mentor_tui.core.audit.log import AuditFilter, count_audit, list_audit, parse_day
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, User
from mentor_tui.errors import AccessDenied, UserError


def _assign_one(services) -> tuple[str, str]:
    with session_scope(services.engine) as session:
        student = (
            session.execute(select(User).where(User.role == "student", User.mentor_id.is_(None)))
            .scalars()
            .first()
        )
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        assign_student(
            session, services.actor, student.id, mentor.id, force=True, config=services.config
        )
        return student.id, student.email


def test_filters_and_pages(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), ADMIN)
    student_id, _ = _assign_one(services)
    actor = services.actor
    with session_scope(services.engine) as session:
        total = count_audit(session, actor)
        assert total == len(session.execute(select(AuditEntry.id)).all())
        assigns = list_audit(session, actor, AuditFilter(action="assign"))
        assert student_id in {row.entity_id for row in assigns}
        assert all(row.action == "assign" for row in assigns)
        mine = list_audit(session, actor, AuditFilter(actor="admin@", action="assign"))
        assert mine and all(row.actor_email == ADMIN for row in mine)
        assert count_audit(session, actor, AuditFilter(entity="users", action="assign")) == len(
            list_audit(session, actor, AuditFilter(entity="users", action="assign"), limit=10_000)
        )
        assert count_audit(session, actor, AuditFilter(entity="no-such-table")) == 0
        day = mine[0].at.date()
        assert count_audit(session, actor, AuditFilter(action="assign", day=day)) >= 1
        assert count_audit(session, actor, AuditFilter(action="assign", day=date(1999, 1, 1))) == 0
        # newest first, pages neither overlap nor skip
        first = list_audit(session, actor, limit=5)
        second = list_audit(session, actor, offset=5, limit=5)
        both = list_audit(session, actor, limit=10)
        assert [r.id for r in first + second] == [r.id for r in both]
        assert all(a.at >= b.at for a, b in itertools.pairwise(both))
        # wildcards in the actor filter are literal
        assert count_audit(session, actor, AuditFilter(actor="%")) == 0


def test_mentor_refused(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    actor: Actor = services.actor
    with session_scope(services.engine) as session, pytest.raises(AccessDenied):
        list_audit(session, actor)
    with session_scope(services.engine) as session, pytest.raises(AccessDenied):
        count_audit(session, actor)


def test_parse_day() -> None:
    assert parse_day("") is None
    assert parse_day(" 2026-03-02 ") == date(2026, 3, 2)
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_day("yesterday")
