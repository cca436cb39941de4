"""Agenda templates (SPEC 4.5): a title and a Markdown agenda that fill a new session's agenda.

Who sees and changes what:
- A template with an owner is that mentor's own: only they see, edit and delete it.
- A template without an owner is shared: everyone sees it, and only admins create, edit or
  delete it. An admin's new template is shared; a mentor's new template is their own.
- Admins do not see mentors' own templates (like comment banks, they are personal).
- Students keep no templates (the sync server sends them the shared ones).

The sync server enforces the same rule for pushed changes (``sync/scopes.py``: a mentor may
change rows they own; an admin any row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, live
from mentor_tui.core.sessions.rules import check_agenda, check_title
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import SessionTemplate
from mentor_tui.errors import AccessDenied, NotFound, UserError

SHARED_REFUSAL = "Only an admin can change a shared agenda template."


@dataclass(frozen=True)
class TemplateView:
    """A template as the actor sees it, with whether they may change it."""

    id: str
    title: str
    agenda: str
    shared: bool
    editable: bool
    version: int
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "agenda": self.agenda,
            "shared": self.shared,
            "editable": self.editable,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
        }


def template_scope(actor: Actor) -> ColumnElement[bool]:
    """The live templates ``actor`` sees: their own and the shared ones (no owner)."""
    return and_(
        live(SessionTemplate),
        or_(SessionTemplate.owner_id.is_(None), SessionTemplate.owner_id == actor.id),
    )


def may_change(actor: Actor, row: SessionTemplate) -> bool:
    """Whether ``actor`` may edit or delete ``row`` (one they can see)."""
    if actor.is_student:
        return False
    if row.owner_id is None:
        return actor.is_admin
    return row.owner_id == actor.id


def list_templates(s: Session, actor: Actor) -> list[SessionTemplate]:
    """The actor's templates by title (case-insensitive in any script). A person keeps tens of
    templates, so sorting here beats SQLite's ASCII-only lower()."""
    rows = s.execute(select(SessionTemplate).where(template_scope(actor))).scalars()
    return sorted(rows, key=lambda t: (t.title.casefold(), t.id))


def template_views(s: Session, actor: Actor) -> list[TemplateView]:
    return [view_of(actor, row) for row in list_templates(s, actor)]


def view_of(actor: Actor, row: SessionTemplate) -> TemplateView:
    return TemplateView(
        id=row.id,
        title=row.title,
        agenda=row.agenda,
        shared=row.owner_id is None,
        editable=may_change(actor, row),
        version=row.version,
        updated_at=clock.aware(row.updated_at),
    )


def get_template(s: Session, actor: Actor, template_id: str) -> SessionTemplate:
    """A template the actor sees, by its id."""
    row: SessionTemplate | None = s.execute(
        select(SessionTemplate).where(template_scope(actor), SessionTemplate.id == template_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("No such agenda template that you can use.")
    return row


def find_template(s: Session, actor: Actor, key: str) -> SessionTemplate:
    """A template the actor sees, by id, an unambiguous id prefix (8+ characters) or its title
    (case-insensitive)."""
    key = " ".join((key or "").split())
    if not key:
        raise UserError("Give an agenda template's id or title.")
    rows = list_templates(s, actor)
    for row in rows:
        if row.id == key.lower():
            return row
    found = [r for r in rows if r.title.casefold() == key.casefold()]
    if not found and len(key) >= 8:
        found = [r for r in rows if r.id.startswith(key.lower())]
    if len(found) > 1:
        raise UserError(
            f"More than one agenda template matches '{clean_line(key)[:80]}'; give its id."
        )
    if not found:
        raise NotFound(f"No agenda template '{clean_line(key)[:80]}' that you can use.")
    return found[0]


def template_for_change(
    s: Session, actor: Actor, key: str, *, expected_version: int | None = None
) -> SessionTemplate:
    """The template ``key`` names, if the actor may change it; ``expected_version`` (the one
    the person opened) refuses a template that changed elsewhere meanwhile."""
    row = find_template(s, actor, key)
    if not may_change(actor, row):
        if actor.is_student:
            raise AccessDenied("Only mentors and admins keep agenda templates.")
        raise AccessDenied(SHARED_REFUSAL)
    if expected_version is not None and row.version != expected_version:
        raise UserError(
            "That agenda template changed elsewhere since you opened it; open it again."
        )
    return row


def _checked_title(s: Session, actor: Actor, title: str, *, keep: str | None = None) -> str:
    name = check_title(title)
    if not name:
        raise UserError("An agenda template needs a title.")
    folded = name.casefold()
    if any(t.title.casefold() == folded and t.id != keep for t in list_templates(s, actor)):
        raise UserError(f"There is already an agenda template called '{clean_line(name)}'.")
    return name


def add_template(s: Session, actor: Actor, *, title: str, agenda: str) -> SessionTemplate:
    """A new template: shared when an admin makes it, else the mentor's own."""
    if actor.is_student:
        raise AccessDenied("Only mentors and admins keep agenda templates.")
    name = _checked_title(s, actor, title)
    owner = None if actor.is_admin else actor.id
    row = writes.insert(
        s,
        actor.id,
        SessionTemplate(title=name, agenda=check_agenda(agenda), owner_id=owner),
        action="create_template",
    )
    s.flush()
    return row


def edit_template(
    s: Session,
    actor: Actor,
    key: str,
    *,
    title: str | None = None,
    agenda: str | None = None,
    expected_version: int | None = None,
) -> SessionTemplate:
    """Change a template's title and/or agenda (``None`` keeps a field as it is)."""
    row = template_for_change(s, actor, key, expected_version=expected_version)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _checked_title(s, actor, title, keep=row.id)
    if agenda is not None:
        changes["agenda"] = check_agenda(agenda)
    writes.update(s, actor.id, row, changes, action="edit_template")
    s.flush()
    return row


def save_template(
    s: Session,
    actor: Actor,
    *,
    title: str,
    agenda: str,
    template_id: str | None = None,
    expected_version: int | None = None,
) -> SessionTemplate:
    """Create a template, or with ``template_id`` edit that one (the template form's save)."""
    if template_id:
        return edit_template(
            s, actor, template_id, title=title, agenda=agenda, expected_version=expected_version
        )
    return add_template(s, actor, title=title, agenda=agenda)


def delete_template(s: Session, actor: Actor, key: str) -> SessionTemplate:
    """Tombstone a template; sessions made from it keep their agenda (it was copied)."""
    row = template_for_change(s, actor, key)
    writes.tombstone(s, actor.id, row, action="delete_template")
    s.flush()
    return row


__all__ = [
    "SHARED_REFUSAL",
    "TemplateView",
    "add_template",
    "delete_template",
    "edit_template",
    "find_template",
    "get_template",
    "list_templates",
    "may_change",
    "save_template",
    "template_for_change",
    "template_scope",
    "template_views",
    "view_of",
]
