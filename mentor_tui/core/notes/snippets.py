"""The snippets of a note search and what they highlight.

Highlights come back as ``ranges`` into the snippet, never as markup: FTS5's ``snippet()`` marks
them with two Unicode noncharacters, which become ranges and are removed. A note that itself
holds one of those characters, and a note found through the trigram index, is highlighted here
in Python instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlmodel import Session

from mentor_tui.core.notes.terms import Term

MARK_OPEN = "\ufdd0"
MARK_CLOSE = "\ufdd1"
ELLIPSIS = "\u2026"
SNIPPET_CHARS = 160
SNIPPET_LEAD = 50
SNIPPET_TOKENS = 16

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

Snippet = tuple[str, list[tuple[int, int]]]


def fts_snippets(session: Session, match: str, rowids: list[int]) -> dict[int, Snippet]:
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


def python_snippets(session: Session, terms: list[Term], rowids: list[int]) -> dict[int, Snippet]:
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


__all__ = [
    "ELLIPSIS",
    "MARK_CLOSE",
    "MARK_OPEN",
    "SNIPPET_CHARS",
    "Snippet",
    "clip",
    "fts_snippets",
    "python_snippets",
    "snippet_around",
    "term_pattern",
    "unmark",
]
