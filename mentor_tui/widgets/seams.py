"""The one place that touches Textual's private parts, each where Textual has no public way.

Two start-up savings depend on them (issue #4, measured in ``benchmarks/run.py``):

- **The first frame written.** Work after start-up (SQLAlchemy's import, the status worker,
  reminders) waits until the first frame has gone to the terminal. Textual has no event for
  that; ``App._display`` is where a frame is written, and ``_running``, ``_batch_count`` and
  ``_closed`` say whether it really was. :class:`FirstFrameHook` wraps it and calls the
  public :meth:`FirstFrameHook.on_first_frame_written`.
- **A screen's first show without re-styling.** Textual re-parses every stylesheet and
  re-styles every widget when a mode's screen is shown for the first time, though its widgets
  were styled by their mount a moment before. :class:`FirstShowStyles` marks a new screen as
  current with the app's CSS (``_css_update_count``) and skips the re-style on its first resume
  (Screen's private ``_on_screen_resume`` handler runs before the public one), and on a later
  resume when neither the app's CSS nor its focus changed since the screen was last shown
  (``_on_screen_suspend`` notes both): switching areas (`1`, `2`) paints only what changed.

A saving per key typed (issue #21, ``key_filter_p95`` in ``benchmarks/run.py``):

- **Typing repaints the text box alone.** ``Input._watch_value`` sets the box's
  ``virtual_size`` to its text's width, a reactive declared with ``layout=True``: every key
  typed into any text box laid out and painted the whole screen again (a students list's 40
  rows), though Textual itself asks for a layout there only when the box's size is ``auto``.
  :func:`type_without_layout` stores that virtual size first without the layout, so the
  watcher finds it unchanged; a box with an ``auto`` size keeps Textual's layout.

- **A partial update renders only the widgets it touches.** For a partial update Textual's
  ``Compositor._get_renders`` renders every widget whose *clip* (for a widget of the screen:
  the whole screen) overlaps the box around the changed regions, then keeps only the changed
  lines: a letter typed in the filter box, or its cursor's blink, drew the students list's 40
  rows and its scrollbar again. :func:`render_only_what_changed` leaves out the widgets whose
  visible part (region within clip) does not overlap that box; they have no line in it.

- **Widgets' stylesheets read ahead.** Textual adds a widget class's ``DEFAULT_CSS`` to the
  app's stylesheet when its first instance mounts (``Widget._post_register``), and the next
  style lookup parses every source again: the review queue's first `3` parsed three times (its
  filter box, its list, its feedback editor). :func:`widget_default_css` gives what that mount
  adds, so ``app/screen_css.py`` adds it with the screens' stylesheets once start-up is over.

- **A focus change paints what it changes.** Textual's ``Widget.focus`` repaints the whole
  widget before the focus moves, its ``_on_focus``/``_on_blur`` repaint it again, and
  ``has_focus`` (``watch_has_focus``) re-applies the stylesheet to it and everything in it.
  A table whose focus shows on one row (``PagedTable``'s cursor) drew every visible line on
  each focus change: the review queue's `a` and `ctrl+s` (issue #21). :class:`FocusPaintsPart`
  has handlers of its own, dispatched before Widget's (Textual walks the class's MRO and
  ``prevent_default`` ends the walk), that set ``has_focus``, call the public
  :meth:`FocusPaintsPart.paint_focus_change` and tell the parent as Textual does; and it
  re-styles only when a rule of the stylesheet names the focus (``:focus``, ``:blur``) for it,
  its component classes or a widget in it.

- **A layout repaints a scrolling view's scrollbars only when they change.** Every layout
  of the screen calls ``ScrollView._size_updated`` on each scroll view, which compares the
  view's own virtual size (its rows) with the size the layout gives (its region): never equal,
  so the scrollbars were set up and repainted after every layout, a frame of their own after
  the one the layout painted (the review queue's `a` and `ctrl+s`, issue #21).
  :class:`LayoutKeepsScrollbars` skips that when nothing ``_scroll_update`` reads changed since
  it last ran (sizes, virtual size, scrollbar styles, offsets).

- **Rows that moved keep their painted lines.** ``Widget.refresh`` of the whole widget throws
  away Textual's cache of its finished lines (``_styles_cache``: the content line with the
  widget's styles and the app's colour filter applied, new strips each time), so a decision
  taking one row out of the review queue drew the list's 37 lines again though all but two
  only moved up by one (issue #21). :func:`refresh_keeping_moved_lines` repaints the whole
  widget with the finished lines of those that only moved put back at their new place; the
  compositor paints them from the same strips (and their own caches of cuts and filters).

- **A label resized by a layout does not ask for another.** ``Widget._size_updated`` stores the
  size a layout gives a widget in ``virtual_size``, a reactive declared with ``layout=True``:
  every widget whose size changed asks for a second layout (and frame) right after the first.
  The review queue's preview header changed height with the next item at ~40% of decisions
  (issue #21). :class:`SizedByLayout` stores it without that layout, for a widget whose virtual
  size nothing lays out (a label: no children, no scrolling); it is still painted again.

And one repair:

- **Tables drawn before their columns were sized.** Textual sizes a ``DataTable``'s columns to
  their cells on an idle event (``_update_dimensions``) but keys its line caches on
  ``_update_count``, which that sizing leaves alone. A frame drawn between ``add_row`` and the
  idle event (a busy machine) was kept, every column cut to its header's width, until the
  cursor moved. :func:`widen_tables_after_sizing` counts the sizing as an update.

And one addition:

- **A hint for cut columns.** :func:`hint_data_tables` draws "→ 2 more" over the right end of
  every ``DataTable``'s header line while columns are cut off at the right, and "← 2" over its
  left end while it is scrolled past columns (issue #22); where the columns start needs the row labels' width (``_row_label_column_width``).

``tests/test_textual_seams.py`` checks each of these names against the pinned Textual (see
``TEXTUAL_VERSION``) and that the savings still behave; a Textual upgrade starts there.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import wraps
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from textual import events
from textual._compositor import Compositor
from textual._context import NoActiveAppError
from textual.app import App, ReturnType
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Input

from mentor_tui.widgets import column_hint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from rich.console import RenderableType

TEXTUAL_VERSION = "8.2.8"
"""The Textual these seams were checked against (pinned in pyproject.toml)."""


class FirstFrameHook(App[ReturnType]):
    """An app told once, by :meth:`on_first_frame_written`, that its first frame was written
    (or, headless, as good as written)."""

    _first_frame_written = False

    @property
    def first_frame_written(self) -> bool:
        """Whether the first frame went out (start-up's follow-up work may begin)."""
        return self._first_frame_written

    def on_first_frame_written(self) -> None:
        """Called once, on the UI thread, right after the first frame went out."""

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if self._first_frame_written or renderable is None or not self._running:
            return
        if self._batch_count or self._closed:
            return
        self._first_frame_written = True
        self.on_first_frame_written()


class FirstShowStyles(Screen[ScreenResultType]):
    """A screen whose first show skips Textual's redundant stylesheet re-parses and re-styling
    (its own CSS is still loaded and applied). A pushed modal draws over the screen below and
    needs Textual's full styling on show (its own CSS was seen to be skipped otherwise), so it
    keeps Textual's usual path."""

    FIRST_SHOW_SHORTCUT: ClassVar[bool] = True
    """False for a screen pushed over another (a modal is never given the shortcut)."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        # until the first frame shown
        self._styles_fresh = self.FIRST_SHOW_SHORTCUT and not isinstance(self, ModalScreen)
        if self._styles_fresh:
            try:
                self._css_update_count = self.app._css_update_count
            except NoActiveAppError:
                pass

    _styled_for: tuple[int, bool] | None = None
    """(the app's CSS count, its focus) when the screen was last current: set on suspend."""

    def _on_screen_suspend(self) -> None:
        super()._on_screen_suspend()
        if not isinstance(self, ModalScreen):
            self._styled_for = (self.app._css_update_count, self.app.app_focus)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """On its first show a screen's widgets were styled by their mount a moment ago, so
        Textual's re-style of every widget on resume (two, for a mode's first show) is skipped
        until that first frame. A later resume (a mode switched back to: `1`, `2`) skips it too
        when nothing a style depends on changed while the screen was away: the app's CSS (a
        theme, a stylesheet: Textual re-styles for those before the resume and counts them) and
        its focus (Textual re-styles only the current screen for that). Otherwise every widget
        is re-styled, told of it and painted again from nothing (a DataTable drops its caches),
        for the same styles: Textual's own ``pop_screen`` skips it the same way."""
        if self._styles_fresh:
            event.refresh_styles = False
            self.call_after_refresh(setattr, self, "_styles_fresh", False)
        elif self._styled_for is not None and self._styled_for == (
            self.app._css_update_count,
            self.app.app_focus,
        ):
            event.refresh_styles = False
        self._styled_for = None


FOCUS_PSEUDO_CLASSES = frozenset({"focus", "blur"})
"""The pseudo-classes that ``has_focus`` changes on the widget itself (``:focus-within`` of it
and its ancestors is re-styled by ``Screen.set_focus``)."""


def focus_styled(widget: Widget) -> bool:
    """Whether a rule of the app's stylesheet that names the focus (``:focus``, ``:blur``) may
    apply to ``widget``, one of its component classes or a widget in it."""
    rules_map = widget.app.stylesheet.rules_map
    for node in widget.walk_children(with_self=True):
        names = node._selector_names | {f".{name}" for name in node._get_component_classes()}
        for name in names & rules_map.keys():
            for rule in rules_map[name]:
                if not FOCUS_PSEUDO_CLASSES.isdisjoint(rule.pseudo_classes):
                    return True
    return False


class FocusPaintsPart(Widget):
    """A focusable widget whose focus change paints only what :meth:`paint_focus_change`
    refreshes (all of it, unless overridden), and re-styles it only where the stylesheet has a
    rule for its focus (see :func:`focus_styled`). A second base, after the widget's Textual
    one (``class Table(ScrollView, FocusPaintsPart)``): Textual reads the ``DEFAULT_CSS`` of
    the first base's line only."""

    def paint_focus_change(self) -> None:
        """Called on the UI thread once ``has_focus`` changed: refresh what shows the focus."""
        self.refresh()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Give the widget the focus, without Textual's repaint of all of it first."""

        def set_focus() -> None:
            try:
                self.screen.set_focus(self, scroll_visible=scroll_visible)
            except NoScreen:
                pass

        self.app.call_later(set_focus)
        return self

    def watch_has_focus(self, _has_focus: bool) -> None:
        if focus_styled(self):
            super().watch_has_focus(_has_focus)

    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # Widget._on_focus would repaint all of it
        self._focus_changed(True, events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self._focus_changed(False, events.DescendantBlur(self))

    def _focus_changed(self, focused: bool, tell: events.Event) -> None:
        self.has_focus = focused
        self.paint_focus_change()
        if self.parent is not None:
            self.parent.post_message(tell)


class LayoutKeepsScrollbars(ScrollView):
    """A scroll view whose scrollbars a layout of the screen leaves alone unless what they
    show may have changed (see the module's notes)."""

    _scrolled_for: tuple[object, ...] | None = None

    def _scroll_inputs(self) -> tuple[object, ...]:
        styles = self.styles
        return (
            self._size,
            self._container_size,
            self.virtual_size,
            styles.gutter.totals,
            styles.overflow_x,
            styles.overflow_y,
            styles.scrollbar_size_vertical,
            styles.scrollbar_size_horizontal,
            styles.scrollbar_gutter,
            self.show_vertical_scrollbar,
            self.show_horizontal_scrollbar,
            self.scroll_x,
            self.scroll_y,
        )

    def _scroll_update(self, virtual_size: Size) -> None:
        super()._scroll_update(virtual_size)
        self.scrollbars_updated()

    def scrollbars_updated(self) -> None:
        """The scrollbars show what they should now: the view updated them itself (a new
        virtual height, with no layout), or ``_scroll_update`` did."""
        self._scrolled_for = self._scroll_inputs()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if size == self._size and size - self.styles.gutter.totals == self._container_size:
            if self._scrolled_for == self._scroll_inputs():
                self._scrollbar_changes.clear()  # as ScrollView does before its update
                return self._container_size != container_size  # ScrollView's answer
        return super()._size_updated(size, virtual_size, container_size, layout)


def refresh_keeping_moved_lines(widget: Widget, moved: Mapping[int, int]) -> None:
    """``widget.refresh()``, keeping Textual's finished lines of those whose content only moved:
    ``moved`` maps a line (``y`` in the widget) to the line that showed the same content before
    (the same strip, for the same width and styles). Only a widget without a border, an
    outline or vertical padding keeps a line that moved: a finished line is then its content
    line alone, the same at any ``y``. A line not painted since the widget's last change is
    drawn again."""
    with keeping_painted_lines(widget, moved):
        widget.refresh()


@contextmanager
def keeping_painted_lines(widget: Widget, moved: Mapping[int, int] | None = None) -> Iterator[None]:
    """Around a change that repaints all of ``widget`` (``refresh()``, its visibility) but not
    what its lines show: its finished lines are put back after, at the lines ``moved`` gives
    (see `refresh_keeping_moved_lines`), or where they were. A change of the widget's size
    or styles after still draws every line again (Textual clears the cache for those)."""
    cache = widget._styles_cache
    painted, dirty = cache._cache, cache._dirty_lines
    if moved is None:
        moved = {y: y for y in painted}
    styles = widget.styles
    plain = (
        not any(edge for edge, _ in styles.border)
        and not any(edge for edge, _ in styles.outline)
        and styles.padding.top == 0
        and styles.padding.bottom == 0
    )
    kept = {
        new: painted[old]
        for new, old in moved.items()
        if old in painted and old not in dirty and (plain or new == old)
    }
    yield
    cache._cache.update(kept)
    cache._dirty_lines.difference_update(kept)


class SizedByLayout(Widget):
    """A widget (a label: no children, no scrolling) whose new size from a layout does not ask
    for another layout. A second base, after the widget's Textual one
    (``class Header(Static, SizedByLayout)``), as for :class:`FocusPaintsPart`."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


def _replace_once(owner: type, name: str, marker: str, wrap: Callable[[Any], Any]) -> None:
    """Set ``owner.name`` to ``wrap(original)``, marked ``marker``: once, however often it is
    called."""
    original = getattr(owner, name)
    if getattr(original, marker, False):
        return
    replacement = wraps(original)(wrap(original))
    setattr(replacement, marker, True)
    setattr(owner, name, replacement)


def widen_tables_after_sizing() -> None:
    """Make every DataTable draw its lines again once its columns are sized (idempotent)."""

    def wrap(sizing: Callable[..., None]) -> Callable[..., None]:
        def update_dimensions(self: DataTable[Any], new_rows: Iterable[Any]) -> None:
            sizing(self, new_rows)
            self._update_count += 1  # lines cached at the old widths are not used again

        return update_dimensions

    _replace_once(DataTable, "_update_dimensions", "_counts_as_update", wrap)


def data_table_cells(table: DataTable[Any]) -> list[tuple[int, int]]:
    """(x, width) of each column of a ``DataTable`` on its whole line."""
    x = table._row_label_column_width
    cells = []
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        cells.append((x, width))
        x += width
    return cells


def hint_data_tables() -> None:
    """Give every ``DataTable`` the cut-columns hint on its header line (idempotent)."""

    def wrap(render_line: Callable[[DataTable[Any], int], Strip]) -> Callable[..., Strip]:
        def render_line_with_hint(self: DataTable[Any], y: int) -> Strip:
            strip = render_line(self, y)
            if y != 0 or not self.show_header or not self.columns:
                return strip
            width = self.scrollable_content_region.width
            cells, scroll_x = data_table_cells(self), int(self.scroll_x)
            hint = column_hint.hint_for(cells, scroll_x, width)
            left = column_hint.left_hint_for(cells, scroll_x)
            if not hint and not left:
                return strip
            style = self.rich_style + self.get_component_rich_style("datatable--header")
            return column_hint.with_hint(strip, hint, width, style + column_hint.HINT_STYLE, left)

        return render_line_with_hint

    _replace_once(DataTable, "render_line", "_hints_columns", wrap)


def render_only_what_changed() -> None:
    """Make a partial update render only the widgets whose visible part it overlaps
    (idempotent); a full update (no crop) renders every widget, as before."""

    def wrap(get_renders: Callable[..., Any]) -> Callable[..., Any]:
        def _get_renders(self: Compositor, crop: Region | None = None) -> Any:
            if not crop:
                return get_renders(self, crop)
            visible = self.visible_widgets
            touched = {
                widget: (region, clip)
                for widget, (region, clip) in visible.items()
                if crop.overlaps(region.intersection(clip))
            }
            if len(touched) == len(visible):
                return get_renders(self, crop)
            return _renders_of(self, touched, get_renders, crop)

        return _get_renders

    _replace_once(Compositor, "_get_renders", "_renders_touched_only", wrap)


def _renders_of(
    compositor: Compositor,
    widgets: dict[Widget, tuple[Region, Region]],
    get_renders: Callable[..., Any],
    crop: Region,
) -> Any:
    """Textual's own renders for ``widgets`` alone (its ``visible_widgets`` set aside)."""
    saved = compositor._visible_widgets
    compositor._visible_widgets = widgets
    try:
        return list(get_renders(compositor, crop))
    finally:
        compositor._visible_widgets = saved


def type_without_layout() -> None:
    """Make a key typed into a fixed-size Input repaint the box, not lay out the screen
    (idempotent). The box still scrolls its text: its virtual size is the same as before."""

    def wrap(watch: Callable[[Input, str], None]) -> Callable[[Input, str], None]:
        def _watch_value(self: Input, value: str) -> None:
            if not self.styles.auto_dimensions:
                self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
            watch(self, value)

        return _watch_value

    _replace_once(Input, "_watch_value", "_without_layout", wrap)


__all__ = [
    "TEXTUAL_VERSION",
    "FirstFrameHook",
    "FirstShowStyles",
    "FocusPaintsPart",
    "SizedByLayout",
    "focus_styled",
    "hint_data_tables",
    "keeping_painted_lines",
    "refresh_keeping_moved_lines",
    "render_only_what_changed",
    "type_without_layout",
    "widen_tables_after_sizing",
]


def widget_default_css(widget: type[Widget]) -> list[tuple[tuple[str, str], str, int, str]]:
    """The sources (location, CSS, tie-breaker, scope) that the first mount of a ``widget``
    adds to the app's stylesheet: its class's and its bases' ``DEFAULT_CSS``, as Textual's
    ``DOMNode._get_default_css`` lists them for an instance (it reads only ``_node_bases``)."""
    bases = SimpleNamespace(_node_bases=widget._css_bases(widget))
    return list(Widget._get_default_css(cast("Widget", bases)))
