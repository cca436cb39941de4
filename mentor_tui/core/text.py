"""User text is data: strip what a terminal would act on, keep everything a person wrote."""

from __future__ import annotations

import functools
import re

# C0 controls except TAB and LF, DEL, and C1 controls (U+0080-U+009F). ESC (0x1b) is among the C0
# ones, so CSI/OSC sequences lose their introducer and can no longer reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The Unicode Bidi_Control characters: the embeddings and overrides (U+202A-U+202E), the
# isolates (U+2066-U+2069) and the marks (U+061C, U+200E, U+200F). A terminal that lays text out
# right to left would let them reorder what is shown (a right-to-left override makes "exe.txt"
# read "txt.exe"), so they never reach it either: shown as U+FFFD in lists and labels (one
# character for one, so highlighted ranges still line up), escaped as ``\u202e`` in editors and
# in the CLI's plain output.
_BIDI_CHARS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI = re.compile(f"[{_BIDI_CHARS}]")
_SHOWN_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI_CHARS}]")
_SHOWN_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI_CHARS}]")


def clean_text(value: str | None) -> str:
    """Multi-line text for display: control and bidi characters become U+FFFD, tabs and newlines
    stay."""
    if not value:
        return ""
    return _SHOWN_TEXT.sub("\N{REPLACEMENT CHARACTER}", value)


def clean_line(value: str | None) -> str:
    """One-line text for a table cell or label: every control character, newlines included,
    and every bidi control is shown as a visible replacement so a row never breaks, escapes or
    reorders."""
    if not value:
        return ""
    return _SHOWN_LINE.sub(
        lambda m: " " if m.group() in "\n\t\r" else "\N{REPLACEMENT CHARACTER}", value
    )


# In an editor a control character is shown as its Unicode control picture (ESC as U+241B, BEL
# as U+2407, NUL as U+2400, DEL as U+2421) so a person sees what was there; a C1 control has no
# picture and becomes U+FFFD. TAB, LF and CR stay in multi-line text: the TextArea breaks lines
# on LF and CR and expands tabs, so none of them is ever written to the terminal.
_EDIT_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\N{SYMBOL FOR DELETE}" if code == 0x7F else "\N{REPLACEMENT CHARACTER}"


def editable_text(value: str | None) -> str:
    """Stored text for a multi-line editor (TextArea): each control character becomes a visible
    symbol, never emitted, and each bidi control is escaped (``\\u202e``); tabs and line breaks
    stay. Saving the editor back stores the symbol, not the control character: the editor only
    ever holds what it shows."""
    if not value:
        return ""
    return _EDIT_CONTROL_TEXT.sub(_picture, _BIDI.sub(_escaped, value))


def editable_line(value: str | None) -> str:
    """Stored text for a one-line Input: every control character, tabs and line breaks
    included, becomes a visible symbol (see ``editable_text``)."""
    if not value:
        return ""
    return _CONTROL_ONE_LINE.sub(_picture, _BIDI.sub(_escaped, value))


def terminal_line(value: str | None) -> str:
    """One line of the CLI's plain output: ``clean_line``, and bidi controls escaped."""
    return clean_line(_BIDI.sub(_escaped, value or ""))


def terminal_text(value: str | None) -> str:
    """Multi-line plain output: ``clean_text``, and bidi controls escaped."""
    return clean_text(_BIDI.sub(_escaped, value or ""))


def has_control(value: str) -> bool:
    return bool(_CONTROL.search(value))


@functools.lru_cache(maxsize=4096)
def skill_key(name: str) -> str:
    """The form skills are compared in: case-folded, single-spaced."""
    return re.sub(r"\s+", " ", name).strip().casefold()
