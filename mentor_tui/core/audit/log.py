"""The audit-log viewer's query (admins only): filter by actor, entity, action and day, paged,
newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core.access import Actor, require_admin
from mentor_tui.db.models import AuditEntry, User
from mentor_tui.errors import UserError


@dataclass(frozen=True)
class AuditFilter:
    """Empty fields match everything. ``actor`` matches the actor's email or name (contains),
    ``entity`` and ``action`` match exactly, ``day`` is one UTC day."""

    actor: str = ""
    entity: str = ""
    action: str = ""
    day: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: str
    at: datetime
    actor_email: str | None
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    actor_id: str | None = None

    @property
    def detail_text(self) -> str:
        return json.dumps(self.detail, sort_keys=True, ensure_ascii=False, default=str)


def parse_day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` day, or None for an empty text; anything else is one sentence."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{text!r} is not a date; write it as YYYY-MM-DD.") from None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(flt: AuditFilter, who: Any) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if flt.actor.strip():
        pattern = _like(flt.actor.strip())
        where.append(
            or_(who.email.like(pattern, escape="\\"), who.full_name.like(pattern, escape="\\"))
        )
    if flt.entity.strip():
        where.append(AuditEntry.entity == flt.entity.strip())
    if flt.action.strip():
        where.append(AuditEntry.action == flt.action.strip())
    if flt.day is not None:
        start = datetime.combine(flt.day, time.min, tzinfo=UTC)
        where.append(AuditEntry.at >= start)
        where.append(AuditEntry.at < start + timedelta(days=1))
    return where


def count_audit(session: Session, actor: Actor, flt: AuditFilter | None = None) -> int:
    require_admin(actor, "read the audit log")
    flt = flt or AuditFilter()
    who = aliased(User)
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .outerjoin(who, who.id == AuditEntry.actor_id)
        .where(*_where(flt, who))
    )
    return int(session.execute(query).scalar_one())


def list_audit(
    session: Session,
    actor: Actor,
    flt: AuditFilter | None = None,
    *,
    offset: int = 0,
    limit: int = 100,
) -> list[AuditRow]:
    """One page of audit entries, newest first (ties by id, so pages never overlap)."""
    require_admin(actor, "read the audit log")
    if offset < 0 or limit < 0:
        raise UserError("Offset and limit must be zero or more.")
    flt = flt or AuditFilter()
    who = aliased(User)
    query = (
        select(AuditEntry, who.email)
        .outerjoin(who, who.id == AuditEntry.actor_id)
        .where(*_where(flt, who))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        AuditRow(
            entry.id,
            entry.at,
            email,
            entry.action,
            entry.entity,
            entry.entity_id,
            dict(entry.detail or {}),
            entry.actor_id,
        )
        for entry, email in session.execute(query).all()
    ]


__all__ = ["AuditFilter", "AuditRow", "count_audit", "list_audit", "parse_day"]
