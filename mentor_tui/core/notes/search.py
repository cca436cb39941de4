"""Full-text search over the acting mentor's own notes, in any script (SPEC 4.4, issue 6).

Two FTS5 indexes, both kept by triggers (migration 0005), answer a search. Each holds an owner
column, the author's token (``owner_token``), so a query ANDed with it walks that mentor's notes
only, whatever else the store holds; tombstoned notes are not in them. The final query still
starts from ``access.note_scope``.

- ``notes_fts`` (unicode61) holds every live note. A word is found by its prefix, case and
  diacritics folded (``resume`` finds ``Résumé``), and ranked by bm25.
- ``notes_grams`` (trigram) holds the live notes that contain characters of scripts written
  without spaces (Chinese, Japanese, Korean, Thai, Khmer, ...), emoji or ESC. In those notes
  any substring is found: ``学习了`` in ``我们今天学习了递归``, ``python`` in ``用Python写``.
  The indexed text ends in two newlines, so every character begins a trigram: a term of one
  or two characters (``学习``, ``🎉``) stands for the indexed trigrams it begins, looked up in
  the index's vocabulary. A character too common to expand (more than ``MAX_EXPANSION``
  trigrams) is checked with ``instr`` on the notes the query's other terms find. Alone, its
  most widespread trigrams stand for it, and the ``RECENT_SCAN`` newest notes are checked with
  ``instr``: every hit is real; an older note holding it only in rare trigrams may be missed.

A query is data, read into terms by ``terms.parse_query``; every term must match (AND). A query
of plain words searches both indexes and keeps each note's best rank; a query with a
no-space-script term or an emoji searches the trigram index.

Ranking is bm25 over the ``RANK_WINDOW`` most recently stored matches: exact for any query that
matches fewer notes than that, and bounded in time for one or two letters matching everything.

The snippets and their highlights come from ``snippets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlmodel import Session

from mentor_tui.core.access import Actor, note_scope
from mentor_tui.core.notes.snippets import fts_snippets, python_snippets
from mentor_tui.core.notes.terms import Term, parse_query
from mentor_tui.db.models import MentorshipNote, User
from mentor_tui.errors import UserError

RANK_WINDOW = 5000
MAX_EXPANSION = 100
RECENT_SCAN = 2000
MAX_LIMIT = 500

_FTS = table("notes_fts", column("rowid"))
_GRAMS = table("notes_grams", column("rowid"))
_NOTE_ROWID: ColumnClause[int] = literal_column("mentorship_notes.rowid")


def owner_token(session: Session, mentor_id: str) -> str | None:
    """The token that marks a mentor's notes in both indexes (``notes_owner``, migration 0005),
    or ``None`` for a mentor who has never written a note."""
    return session.execute(
        text("SELECT owner FROM notes_owner WHERE mentor_id = :mentor_id"), {"mentor_id": mentor_id}
    ).scalar_one_or_none()


@dataclass(frozen=True)
class SearchHit:
    """One note found; ``ranges`` are (start, end) spans of ``snippet`` to highlight, and
    ``rank`` follows FTS5's bm25: the lower, the better the match."""

    id: str
    student_id: str
    student_name: str
    kind: str
    snippet: str
    ranges: list[tuple[int, int]]
    rank: float
    added_at: datetime


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _owner_only(owner: str) -> str:
    return f"owner : {_fts_string(owner)}"


def _owned(owner: str, expression: str) -> str:
    return f"{_owner_only(owner)} AND note : ({expression})"


def word_match(owner: str, terms: list[Term]) -> str:
    """The ``notes_fts`` query: the owner's notes with a word starting with each term."""
    return _owned(owner, " AND ".join(_fts_string(t.text) + "*" for t in terms))


@dataclass(frozen=True)
class GramQuery:
    """The ``notes_grams`` query for the owner's notes holding every term; the terms too common
    to expand fully, checked with ``instr`` on what the query finds instead; and whether the
    query only approximates (every term too common: its most widespread trigrams stand for it)."""

    match: str
    checked: list[Term]
    approximate: bool


def gram_query(session: Session, owner: str, terms: list[Term]) -> GramQuery | None:
    """``None`` when some term is nowhere in the index. A form of three or more characters is
    a trigram phrase; a shorter one stands for the indexed trigrams it begins. A term with more
    than ``MAX_EXPANSION`` such trigrams (one very common character) is checked on the notes
    the other terms find; when no term is rarer, its most widespread trigrams stand for it."""
    expanded: list[tuple[Term, list[str], bool]] = []
    for term in terms:
        phrases: list[str] = []
        capped = False
        for form in term.forms:
            if len(form) >= 3:
                phrases.append(form)
            else:
                starts = _trigrams_starting(session, form)
                capped |= len(starts) == MAX_EXPANSION
                phrases.extend(starts)
        if not phrases:
            return None
        expanded.append((term, list(dict.fromkeys(phrases)), capped))
    approximate = all(capped for _, _, capped in expanded)
    if approximate:
        expanded = [(term, phrases, False) for term, phrases, _ in expanded]
    each = [
        "(" + " OR ".join(_fts_string(p) for p in phrases) + ")"
        for _, phrases, capped in expanded
        if not capped
    ]
    checked = [term for term, _, capped in expanded if capped]
    return GramQuery(_owned(owner, " AND ".join(each)), checked, approximate)


def _trigrams_starting(session: Session, start: str) -> list[str]:
    """Up to ``MAX_EXPANSION`` indexed trigrams that begin with ``start`` (folded as the trigram
    tokenizer folds), those in the most notes first."""
    low = "".join(lower if len(lower := c.lower()) == 1 else c for c in start)
    if ord(low[-1]) >= 0x10FFFF:
        return []
    rows = session.execute(
        text(
            "SELECT term FROM notes_grams_terms WHERE term >= :low AND term < :high "
            "AND col = 'note' ORDER BY doc DESC LIMIT :cap"
        ),
        {"low": low, "high": low[:-1] + chr(ord(low[-1]) + 1), "cap": MAX_EXPANSION},
    ).scalars()
    return list(rows)


def _holds(term: Term) -> ColumnElement[bool]:
    """The note holds ``term`` in any form or letter case (``instr`` is exact)."""
    forms = dict.fromkeys(v for f in term.forms for v in (f, f.lower(), f.upper()))
    return or_(*(func.instr(MentorshipNote.note, f) > 0 for f in forms))


def rebuild_search_index(session: Session) -> None:
    """Rebuild both indexes from the notes (after a VACUUM, which may renumber rowids, or a
    bulk load that bypassed the triggers). Index upkeep: not journaled."""
    session.execute(text("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')"))
    session.execute(text("INSERT INTO notes_grams(notes_grams) VALUES ('delete-all')"))
    session.execute(
        text(
            "INSERT INTO notes_grams(rowid, note, owner) "
            "SELECT rid, note, owner FROM notes_grams_source"
        )
    )


def _word_hits(owner: str, terms: list[Term]) -> Select[*tuple[Any, ...]]:
    bm25: ColumnClause[float] = literal_column("bm25(notes_fts, 1.0, 0.0)")
    return (
        select(_FTS.c.rowid.label("rid"), bm25.label("score"), literal(1).label("words"))
        .where(text("notes_fts MATCH :word_match").bindparams(word_match=word_match(owner, terms)))
        .order_by(_FTS.c.rowid.desc())
        .limit(RANK_WINDOW)
    )


def _gram_hits(session: Session, owner: str, terms: list[Term]) -> list[Select[*tuple[Any, ...]]]:
    query = gram_query(session, owner, terms)
    if query is None:
        return []
    bm25: ColumnClause[float] = literal_column("bm25(notes_grams, 1.0, 0.0)")
    hits = select(_GRAMS.c.rowid.label("rid"), bm25.label("score"), literal(0).label("words"))
    if query.checked:
        hits = hits.join_from(_GRAMS, MentorshipNote, _NOTE_ROWID == _GRAMS.c.rowid)
    hits = (
        hits.where(
            text("notes_grams MATCH :gram_match").bindparams(gram_match=query.match),
            *(_holds(term) for term in query.checked),
        )
        .order_by(_GRAMS.c.rowid.desc())
        .limit(RANK_WINDOW)
    )
    if not query.approximate:
        return [hits]
    return [hits, _recent_holding(owner, terms)]


def _recent_holding(owner: str, terms: list[Term]) -> Select[*tuple[Any, ...]]:
    """The owner's ``RECENT_SCAN`` newest notes in the trigram index that hold every term, by
    ``instr``: what an approximate query must not miss. Unranked (bm25 is below zero)."""
    recent = (
        select(_GRAMS.c.rowid)
        .where(text("notes_grams MATCH :owner_only").bindparams(owner_only=_owner_only(owner)))
        .order_by(_GRAMS.c.rowid.desc())
        .limit(RECENT_SCAN)
        .subquery("recent")
    )
    return (
        select(recent.c.rowid.label("rid"), literal(0.0).label("score"), literal(0).label("words"))
        .join_from(recent, MentorshipNote, _NOTE_ROWID == recent.c.rowid)
        .where(*(_holds(term) for term in terms))
    )


def search_notes(session: Session, actor: Actor, query: str, *, limit: int = 50) -> list[SearchHit]:
    """The actor's own live notes matching every term of ``query``, best match first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UserError(f"The number of search results must be between 1 and {MAX_LIMIT}.")
    terms = parse_query(query)
    owner = owner_token(session, actor.id)
    if not terms or owner is None:
        return []
    plain_words = not any(t.substring for t in terms)
    parts = []
    if plain_words:
        parts.append(_word_hits(owner, terms))
    if not plain_words or all(t.long for t in terms):
        parts.extend(_gram_hits(session, owner, terms))
    if not parts:
        return []
    found = union_all(*(select(*p.subquery().c) for p in parts)).subquery("found")
    hits = (
        select(
            found.c.rid,
            func.min(found.c.score).label("score"),
            func.max(found.c.words).label("words"),
        )
        .group_by(found.c.rid)
        .order_by(func.min(found.c.score), found.c.rid.desc())
        .limit(limit)
        .subquery("hits")
    )
    rows = session.execute(
        select(
            MentorshipNote.id,
            MentorshipNote.student_id,
            User.full_name,
            MentorshipNote.kind,
            MentorshipNote.added_at,
            hits.c.rid,
            hits.c.score,
            hits.c.words,
        )
        .select_from(hits)
        .join(MentorshipNote, _NOTE_ROWID == hits.c.rid)
        .join(User, User.id == MentorshipNote.student_id)
        .where(note_scope(actor))
        .order_by(hits.c.score, hits.c.rid.desc())
    ).all()
    by_words = [r.rid for r in rows if r.words]
    snippets = fts_snippets(session, word_match(owner, terms), by_words) if by_words else {}
    missing = [r.rid for r in rows if r.rid not in snippets]
    if missing:
        snippets |= python_snippets(session, terms, missing)
    return [
        SearchHit(
            id=r.id,
            student_id=r.student_id,
            student_name=r.full_name,
            kind=r.kind,
            snippet=snippets[r.rid][0],
            ranges=snippets[r.rid][1],
            rank=float(r.score),
            added_at=r.added_at,
        )
        for r in rows
    ]
