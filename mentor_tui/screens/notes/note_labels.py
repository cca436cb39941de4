"""A note's entry in the notes screen's list: the day it was added, its kind, an action item's
state and the note's first line. User text is cleaned and shown literally (never as markup)."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from mentor_tui.core import dates
from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.notes.notes import KIND_LABELS, NoteLine
from mentor_tui.core.text import clean_line
from mentor_tui.widgets.figures import local_time

LABEL_CHARS = 38


def note_label(note: NoteLine, timezone: str) -> Text:
    label = Text()
    label.append(local_time(note.added_at, timezone, "%d %b %Y"), style="dim")
    label.append(f"  {KIND_LABELS[note.kind]}", style="bold")
    if note.kind == "action_item":
        label.append(*due_mark(note, dates.today_in(timezone)))
    first = next((line for line in note.note.splitlines() if line.strip()), "")
    first = clean_line(first.strip()) or "(empty)"
    label.append("\n" + (first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1] + "…"))
    return label


def due_mark(note: NoteLine, today: date) -> tuple[str, str]:
    """An action item's state in the list, short enough for one line: done, open, due
    (the day), due today, or overdue (which stands out)."""
    if note.done:
        return " ✔ done", "green"
    if core_notes.is_overdue(note, today):
        return " ○ overdue", "bold red"
    if note.due_date is None:
        return " ○ open", "yellow"
    if note.due_date == today:
        return " ○ due today", "bold yellow"
    shown = (
        f"{note.due_date:%d %b}"
        if note.due_date.year == today.year
        else f"{note.due_date:%d %b %Y}"
    )
    return f" ○ due {shown}", "yellow"
