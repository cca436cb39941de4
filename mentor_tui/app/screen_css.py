"""The stylesheets of the screens a person may open, read into the app's stylesheet once
start-up is over instead of on the first press of each area key.

Textual reads a screen's ``CSS_PATH`` when the screen is first shown, and adding a source
makes it parse every stylesheet of the app again (in a fresh stylesheet, whose parse cache is
thrown away after) and apply the styles to every widget of every screen: 40-70 ms of the
first `2` or `3` after starting, before the screen is even composed. Read ahead, all at once,
that happens once while the person is still reading the dashboard; the first press of each
area key then finds its stylesheet there.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path

from textual.app import App
from textual.screen import Screen


def css_paths(screen: type[Screen]) -> list[Path]:
    """The files of ``screen``'s ``CSS_PATH``, resolved the way Textual resolves them (relative
    to the module that defines the class)."""
    paths = screen.CSS_PATH
    if paths is None:
        return []
    listed = [paths] if isinstance(paths, (str, Path)) else list(paths)
    here = Path(inspect.getfile(screen)).parent
    return [Path(p) if Path(p).is_absolute() else (here / p).resolve() for p in listed]


def preload_css(app: App[object], screens: Iterable[type[Screen]]) -> bool:
    """Read the stylesheets of ``screens`` that the app has not read yet, then parse and apply
    once (on the UI thread). True when anything was read."""
    stylesheet = app.stylesheet
    read = False
    for screen in screens:
        for path in css_paths(screen):
            if not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                read = True
    if read:
        # `parse`, not Textual's `reparse`: the stylesheet keeps what it parses (the sources
        # read before come from its cache), so the widgets' stylesheets added when a screen
        # first mounts them cost only their own parse
        stylesheet.parse()
        stylesheet.update(app)
    return read
