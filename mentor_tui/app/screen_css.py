"""The stylesheets of the screens a person may open, read into the app's stylesheet once
start-up is over instead of on the first press of each area key.

Textual reads a screen's ``CSS_PATH`` when the screen is first shown, and adding a source
makes it parse every stylesheet of the app again (in a fresh stylesheet, whose parse cache is
thrown away after) and apply the styles to every widget of every screen: 40-70 ms of the
first `2` or `3` after starting, before the screen is even composed. Read ahead, all at once,
that happens once while the person is still reading the dashboard; the first press of each
area key then finds its stylesheet there.

The widgets the screens mount are read ahead the same way: Textual adds a widget class's
``DEFAULT_CSS`` when its first instance mounts, and parses every source again at the next style
lookup (the review queue's first `3`: its filter box, list and feedback editor, three parses).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable
from pathlib import Path

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

from mentor_tui.widgets.seams import widget_default_css

# The modules whose widget classes are read ahead: the app's screens and widgets (and the
# Textual widgets they import)
WIDGET_MODULES = ("mentor_tui.screens.", "mentor_tui.widgets.")


def css_paths(screen: type[Screen]) -> list[Path]:
    """The files of ``screen``'s ``CSS_PATH``, resolved the way Textual resolves them (relative
    to the module that defines the class)."""
    paths = screen.CSS_PATH
    if paths is None:
        return []
    listed = [paths] if isinstance(paths, (str, Path)) else list(paths)
    here = Path(inspect.getfile(screen)).parent
    return [Path(p) if Path(p).is_absolute() else (here / p).resolve() for p in listed]


def screen_widgets() -> set[type[Widget]]:
    """The widget classes named in the app's screen and widget modules imported so far (any
    thread): the ones its screens mount."""
    found: set[type[Widget]] = set()
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(WIDGET_MODULES):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, type) and issubclass(value, Widget):
                found.add(value)
    return found


def preload_css(
    app: App[object], screens: Iterable[type[Screen]], widgets: Iterable[type[Widget]] = ()
) -> bool:
    """Read the stylesheets of ``screens`` and the default CSS of ``widgets`` that the app has
    not read yet, then parse and apply once (on the UI thread). True when anything was read."""
    stylesheet = app.stylesheet
    read = False
    for screen in screens:
        for path in css_paths(screen):
            if not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                read = True
    for widget in sorted(widgets, key=lambda w: (w.__module__, w.__qualname__)):
        for (where, name), css, tie_breaker, scope in widget_default_css(widget):
            if not stylesheet.has_source(where, name):
                stylesheet.add_source(
                    css,
                    read_from=(where, name),
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
                read = True
    if read:
        # `parse`, not Textual's `reparse`: the stylesheet keeps what it parses (the sources
        # read before come from its cache), so the widgets' stylesheets added when a screen
        # first mounts them cost only their own parse
        stylesheet.parse()
        stylesheet.update(app)
    return read
