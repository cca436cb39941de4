"""Small display helpers shared by screens: figures, ages and user text as rich Text."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from mentor_tui.core import clock
from mentor_tui.core.text import clean_line


def user_text(value: str | None, style: str = "") -> Text:
    """A person's text for a table cell: literal, one line, no control characters."""
    return Text(clean_line(value), style=style, no_wrap=True, overflow="ellipsis")


def percent(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:.0f}%", justify="right")


def count(value: int, *, warn_above: int | None = None) -> Text:
    style = "bold yellow" if warn_above is not None and value > warn_above else ""
    return Text(str(value), style=style, justify="right")


def age(moment: datetime | None, reference: datetime | None = None) -> Text:
    if moment is None:
        return Text("never", style="dim")
    return Text(clock.humanize_age(moment, reference))


def local_time(moment: datetime, tz_name: str, fmt: str = "%a %d %b %H:%M") -> str:
    return clock.to_local(moment, tz_name).strftime(fmt)
