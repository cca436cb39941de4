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

A query is data: it is split at whitespace and every term must match (AND). Each term is quoted
for FTS5, so operators (``OR``, ``NEAR``, ``-``, ``:``, ``*``, quotes, parentheses) are just
characters; controls are dropped. A query of plain words searches both indexes and keeps each
note's best rank; a query with a no-space-script term or an emoji searches the trigram index.

Ranking is bm25 over the ``RANK_WINDOW`` most recently stored matches: exact for any query that
matches fewer notes than that, and bounded in time for one or two letters matching everything.

Highlights come back as ``ranges`` into the snippet, never as markup: FTS5's ``snippet()`` marks
them with two Unicode noncharacters, which become ranges and are removed. A note that itself
holds one of those characters, and a note found through the trigram index, is highlighted here
in Python instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
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
from mentor_tui.errors import UserError
from mentor_tui.db.models import MentorshipNote, User

# The characters that send a note to the trigram index too; the same list builds the GLOB
# pattern stored by migration 0005 (a test keeps them equal).
SUBSTRING_RANGES: tuple[tuple[int, int], ...] = (
    (0x1B, 0x1B),  # ESC
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2600, 0x27BF),  # symbols and dingbats (older emoji)
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility Jamo, strokes
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0x1F000, 0x1FAFF),  # emoji and pictographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)

MARK_OPEN = "\ufdd0"
MARK_CLOSE = "\ufdd1"
ELLIPSIS = "\u2026"
SNIPPET_CHARS = 160
SNIPPET_LEAD = 50
SNIPPET_TOKENS = 16
RANK_WINDOW = 5000
MAX_EXPANSION = 100
RECENT_SCAN = 2000
MAX_QUERY_CHARS = 1000
MAX_TERMS = 16
MAX_LIMIT = 500

_SUBSTRING_CHAR = re.compile(
    "["
    + "".join(
        re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in SUBSTRING_RANGES
    )
    + "]"
)
# Controls and lone surrogates are never part of a term (FTS5 stops reading at NUL).
_NOT_TERM = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f]")
_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

_FTS = table("notes_fts", column("rowid"))
_GRAMS = table("notes_grams", column("rowid"))
_NOTE_ROWID = literal_column("mentorship_notes.rowid")


def substring_glob() -> str:
    """The GLOB pattern that selects notes for the trigram index (see migration 0005)."""
    body = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in SUBSTRING_RANGES)
    return f"*[{body}]*"


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


@dataclass(frozen=True)
class Term:
    text: str
    substring: bool  # holds a no-space-script character, an emoji or ESC

    @property
    def forms(self) -> list[str]:
        """As typed and in both Unicode normal forms (a note may hold either)."""
        nfc = unicodedata.normalize("NFC", self.text)
        return list(dict.fromkeys((self.text, nfc, unicodedata.normalize("NFD", self.text))))

    @property
    def long(self) -> bool:
        """Long enough (in every form) for the trigram index."""
        return min(len(f) for f in self.forms) >= 3


def parse_query(query: str) -> list[Term]:
    """The terms of ``query``; text with nothing searchable in it gives no terms."""
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(f"A search can be at most {MAX_QUERY_CHARS:,} characters long.")
    cleaned = _VARIATION_SELECTORS.sub("", _NOT_TERM.sub(" ", query))
    terms: dict[str, Term] = {}
    for word in cleaned.split():
        if any(_is_word_char(c) for c in word):
            terms.setdefault(word.casefold(), Term(word, bool(_SUBSTRING_CHAR.search(word))))
    if len(terms) > MAX_TERMS:
        raise UserError(f"A search can hold at most {MAX_TERMS} words.")
    return list(terms.values())


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co" or bool(_SUBSTRING_CHAR.match(char))


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


def _word_hits(owner: str, terms: list[Term]) -> Select:
    bm25 = literal_column("bm25(notes_fts, 1.0, 0.0)")
    return (
        select(_FTS.c.rowid.label("rid"), bm25.label("score"), literal(1).label("words"))
        .where(text("notes_fts MATCH :word_match").bindparams(word_match=word_match(owner, terms)))
        .order_by(_FTS.c.rowid.desc())
        .limit(RANK_WINDOW)
    )


def _gram_hits(session: Session, owner: str, terms: list[Term]) -> list[Select]:
    query = gram_query(session, owner, terms)
    if query is None:
        return []
    bm25 = literal_column("bm25(notes_grams, 1.0, 0.0)")
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


def _recent_holding(owner: str, terms: list[Term]) -> Select:
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
    snippets = _fts_snippets(session, word_match(owner, terms), by_words) if by_words else {}
    missing = [r.rid for r in rows if r.rid not in snippets]
    if missing:
        snippets |= _python_snippets(session, terms, missing)
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


Snippet = tuple[str, list[tuple[int, int]]]


def _fts_snippets(session: Session, match: str, rowids: list[int]) -> dict[int, Snippet]:
    """FTS5 snippets of the notes ``rowids`` (those not holding a marker character).

    One pass over the matches between the lowest and highest rowid, computing a snippet only
    for the wanted rows: a ``rowid IN`` constraint would re-run the whole query per row."""
    rows = session.execute(
        text(
            "SELECT rowid, CASE WHEN rowid IN :rowids THEN "
            "snippet(notes_fts, 0, :open, :close, :ellipsis, :tokens) END "
            "FROM notes_fts WHERE notes_fts MATCH :match AND rowid BETWEEN :low AND :high"
        ).bindparams(bindparam("rowids", expanding=True)),
        {
            "rowids": rowids,
            "open": MARK_OPEN,
            "close": MARK_CLOSE,
            "ellipsis": ELLIPSIS,
            "tokens": SNIPPET_TOKENS,
            "match": match,
            "low": min(rowids),
            "high": max(rowids),
        },
    ).all()
    marked = _rowids_holding_markers(session, rowids)
    return {
        rid: clip(*unmark(snippet))
        for rid, snippet in rows
        if snippet is not None and rid not in marked
    }


def _rowids_holding_markers(session: Session, rowids: list[int]) -> set[int]:
    rows = session.execute(
        text(
            "SELECT rowid FROM mentorship_notes WHERE rowid IN :rowids "
            "AND (instr(note, :open) > 0 OR instr(note, :close) > 0)"
        ).bindparams(bindparam("rowids", expanding=True)),
        {"rowids": rowids, "open": MARK_OPEN, "close": MARK_CLOSE},
    ).scalars()
    return set(rows)


def _python_snippets(session: Session, terms: list[Term], rowids: list[int]) -> dict[int, Snippet]:
    pattern = term_pattern(terms)
    rows = session.execute(
        text("SELECT rowid, note FROM mentorship_notes WHERE rowid IN :rowids").bindparams(
            bindparam("rowids", expanding=True)
        ),
        {"rowids": rowids},
    ).all()
    return {rid: snippet_around(note, pattern) for rid, note in rows}


def unmark(marked: str) -> Snippet:
    """Snippet text without FTS5's markers, and the spans they enclosed."""
    out: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{MARK_OPEN}{MARK_CLOSE}])", marked):
        if piece == MARK_OPEN:
            start = length
        elif piece == MARK_CLOSE:
            if start is not None and length > start:
                ranges.append((start, length))
            start = None
        else:
            out.append(piece)
            length += len(piece)
    return "".join(out), _merge(ranges)


def _highlighted(term: Term) -> str:
    """What to highlight for a term: a word without the punctuation around it (``-word``)."""
    if term.substring:
        return term.text
    return _EDGE_PUNCTUATION.sub("", term.text) or term.text


def term_pattern(terms: Iterable[Term]) -> re.Pattern[str]:
    """Every form of every term, longest first, matched case-insensitively."""
    forms = {f for t in terms for f in Term(_highlighted(t), t.substring).forms}
    return re.compile(
        "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)), re.IGNORECASE
    )


def snippet_around(note: str, pattern: re.Pattern[str]) -> Snippet:
    """About ``SNIPPET_CHARS`` characters of ``note`` around its first match, with every match
    inside highlighted."""
    first = pattern.search(note)
    if first is None:
        return _cut(note, 0, [])
    start = _word_start(note, max(0, first.start() - SNIPPET_LEAD), first.start())
    end = min(len(note), max(start + SNIPPET_CHARS, first.end()))
    spans = [
        (m.start(), m.end()) for m in pattern.finditer(note, start, end) if m.end() > m.start()
    ]
    return _cut(note, start, spans, end)


def clip(snippet: str, ranges: list[tuple[int, int]]) -> Snippet:
    """Shorten a snippet longer than ``SNIPPET_CHARS`` (one huge token) around its first span."""
    if len(snippet) <= SNIPPET_CHARS:
        return snippet, ranges
    first = ranges[0][0] if ranges else 0
    start = _word_start(snippet, max(0, first - SNIPPET_LEAD), first)
    end = min(len(snippet), start + SNIPPET_CHARS)
    inside = [(max(a, start), min(b, end)) for a, b in ranges if a < end and b > start]
    return _cut(snippet, start, inside, end)


def _cut(whole: str, start: int, spans: list[tuple[int, int]], end: int | None = None) -> Snippet:
    """``whole[start:end]`` with an ellipsis on each side that was cut, spans shifted to it."""
    end = min(len(whole), start + SNIPPET_CHARS) if end is None else end
    lead = ELLIPSIS if start > 0 and whole[start] != ELLIPSIS else ""
    tail = ELLIPSIS if end < len(whole) and whole[end - 1] != ELLIPSIS else ""
    shift = len(lead) - start
    return lead + whole[start:end] + tail, _merge([(a + shift, b + shift) for a, b in spans])


def _word_start(whole: str, start: int, limit: int) -> int:
    """Move ``start`` past a cut word (to just after a space before ``limit``) and past any
    combining mark, so a snippet does not begin mid-word or on a lone accent."""
    if start > 0 and not whole[start - 1].isspace():
        space = _SPACE.search(whole, start, limit)
        if space is not None:
            start = space.end()
    while start < limit and unicodedata.combining(whole[start]):
        start += 1
    return start


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
