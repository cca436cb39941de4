"""User text is data: strip what a terminal would act on, keep everything a person wrote."""

from __future__ import annotations

import functools
import re

# C0 controls except TAB and LF, DEL, and C1 controls (U+0080-U+009F). ESC (0x1b) is among the C0
# ones, so CSI/OSC sequences lose their introducer and can no longer reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_text(value: str | None) -> str:
    """Multi-line text for display: control characters become U+FFFD, tabs and newlines stay."""
    if not value:
        return ""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", value)


def clean_line(value: str | None) -> str:
    """One-line text for a table cell or label: every control character, newlines included,
    is shown as a visible replacement so a row never breaks or escapes."""
    if not value:
        return ""
    return _CONTROL_ONE_LINE.sub(
        lambda m: " " if m.group() in "\n\t\r" else "\N{REPLACEMENT CHARACTER}", value
    )


def has_control(value: str) -> bool:
    return bool(_CONTROL.search(value))


@functools.lru_cache(maxsize=4096)
def skill_key(name: str) -> str:
    """The form skills are compared in: case-folded, single-spaced."""
    return re.sub(r"\s+", " ", name).strip().casefold()
