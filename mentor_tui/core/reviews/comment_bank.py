"""The comment bank: a reviewer's reusable feedback snippets, inserted into feedback by key.

A snippet belongs to the mentor or admin who wrote it; nobody else sees or edits it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select
from sqlmodel import Session

from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.db.review_models import CommentSnippet
from mentor_tui.errors import AccessDenied, NotFound, UserError

MAX_TITLE_CHARS = 80


def snippet_scope(actor: Actor) -> ColumnElement[bool]:
    """A snippet reaches its owner alone."""
    return and_(CommentSnippet.deleted_at.is_(None), CommentSnippet.owner_id == actor.id)


def list_snippets(session: Session, actor: Actor) -> list[CommentSnippet]:
    """The actor's snippets by title (case-insensitive in any script), so their order and keys
    stay put. A bank holds tens of snippets, so sorting here beats SQLite's ASCII-only lower()."""
    snippets = session.execute(select(CommentSnippet).where(snippet_scope(actor))).scalars()
    return sorted(snippets, key=lambda s: (s.title.casefold(), s.created_at))


def find_snippet(session: Session, actor: Actor, snippet_id: str) -> CommentSnippet:
    snippet: CommentSnippet | None = session.execute(
        select(CommentSnippet).where(CommentSnippet.id == snippet_id, snippet_scope(actor))
    ).scalar_one_or_none()
    if snippet is None:
        raise NotFound("No snippet with that id in your comment bank.")
    return snippet


def add_snippet(session: Session, actor: Actor, title: str, body: str) -> CommentSnippet:
    _require_reviewer(actor)
    title = _checked_title(session, actor, title)
    _check_body(body)
    snippet = CommentSnippet(owner_id=actor.id, title=title, body=body)
    return writes.insert(session, actor.id, snippet, action="comment_bank.add")


def update_snippet(
    session: Session,
    actor: Actor,
    snippet_id: str,
    *,
    title: str | None = None,
    body: str | None = None,
) -> CommentSnippet:
    snippet = find_snippet(session, actor, snippet_id)
    changes: dict[str, str] = {}
    if title is not None:
        changes["title"] = _checked_title(session, actor, title, keep=snippet.id)
    if body is not None:
        _check_body(body)
        changes["body"] = body
    return writes.update(session, actor.id, snippet, changes, action="comment_bank.edit")


def delete_snippet(session: Session, actor: Actor, snippet_id: str) -> None:
    snippet = find_snippet(session, actor, snippet_id)
    writes.tombstone(session, actor.id, snippet, action="comment_bank.delete")


def _require_reviewer(actor: Actor) -> None:
    if actor.is_student:
        raise AccessDenied("Only mentors and admins keep a comment bank.")


def _checked_title(session: Session, actor: Actor, title: str, keep: str | None = None) -> str:
    title = title.strip()
    if not title:
        raise UserError("Give the snippet a title.")
    if "\n" in title or "\r" in title:
        raise UserError("A snippet title is one line.")
    if len(title) > MAX_TITLE_CHARS:
        raise UserError(f"A snippet title is at most {MAX_TITLE_CHARS} characters.")
    folded = title.casefold()
    if any(s.title.casefold() == folded and s.id != keep for s in list_snippets(session, actor)):
        raise UserError(f"You already have a snippet called {title!r}.")
    return title


def _check_body(body: str) -> None:
    if not body.strip():
        raise UserError("A snippet needs some text.")


__all__ = [
    "MAX_TITLE_CHARS",
    "add_snippet",
    "delete_snippet",
    "find_snippet",
    "list_snippets",
    "snippet_scope",
    "update_snippet",
]
