"""The terms of a note search, and which of them need the trigram index (see ``search``).

A query is data: it is split at whitespace and every term must match (AND). Each term is quoted
for FTS5, so operators (``OR``, ``NEAR``, ``-``, ``:``, ``*``, quotes, parentheses) are just
characters; controls are dropped.

A term that holds a character of a script written without spaces, an emoji or ESC
(``SUBSTRING_RANGES``) is a substring term; the same ranges choose the notes that the trigram
index holds (``substring_glob``, stored by migration 0005).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mentor_tui.errors import UserError

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

MAX_QUERY_CHARS = 1000
MAX_TERMS = 16

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


def substring_glob() -> str:
    """The GLOB pattern that selects notes for the trigram index (see migration 0005)."""
    body = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in SUBSTRING_RANGES)
    return f"*[{body}]*"


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


__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "SUBSTRING_RANGES",
    "Term",
    "parse_query",
    "substring_glob",
]
