"""The one module that touches Textual's private parts (``mentor_tui/widgets/seams.py``),
checked against the pinned Textual: every private name it relies on is still there with the
shape it expects, and both savings it buys still behave."""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from textual import events
from textual._context import NoActiveAppError
from textual.app import App, ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from mentor_tui.widgets.seams import TEXTUAL_VERSION, FirstFrameHook, FirstShowStyles

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_seams_were_checked_against_the_textual_pinned_and_installed() -> None:
    deps = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = [d for d in deps if re.match(r"textual\s*==", d)]
    assert pins == [f"textual=={TEXTUAL_VERSION}"]
    assert version("textual") == TEXTUAL_VERSION


def test_the_private_names_are_where_the_seams_expect_them() -> None:
    assert list(inspect.signature(App._display).parameters) == ["self", "screen", "renderable"]
    assert list(inspect.signature(Screen._on_screen_resume).parameters) == ["self", "event"]
    assert "refresh_styles" in inspect.signature(events.ScreenResume).parameters
    assert issubclass(NoActiveAppError, Exception)
    app = App()
    for name in ("_running", "_batch_count", "_closed", "_css_update_count"):
        assert hasattr(app, name), name
    assert isinstance(app._css_update_count, int)
    from textual.widgets import DataTable

    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"]
    assert isinstance(DataTable()._update_count, int)
    assert DataTable()._row_label_column_width == 0  # the cut-columns hint's first x


class _Probe(FirstFrameHook[None]):
    def __init__(self) -> None:
        super().__init__()
        self.frames_told = 0

    def compose(self) -> ComposeResult:
        yield Static("hello", id="hello")

    def on_first_frame_written(self) -> None:
        self.frames_told += 1


async def test_the_first_frame_is_told_once() -> None:
    app = _Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.frames_told == 1 and app.first_frame_written
        app.query_one("#hello", Static).update("again")
        await pilot.pause()
        app.refresh()
        await pilot.pause()
        assert app.frames_told == 1


class _Shown(FirstShowStyles[None]):
    CSS = "#styled { color: #ff0000; }"

    def compose(self) -> ComposeResult:
        yield Static("styled", id="styled")


class _Dialog(FirstShowStyles[None], ModalScreen[None]):
    CSS = "#boxed { color: #00ff00; }"

    def compose(self) -> ComposeResult:
        yield Static("boxed", id="boxed")


class _Modes(App[None]):
    MODES = {"shown": _Shown}  # noqa: RUF012 - Textual's own class attribute


async def test_a_screen_shown_first_keeps_its_own_css_and_then_restyles_as_usual() -> None:
    app = _Modes()
    async with app.run_test() as pilot:
        await app.switch_mode("shown")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, _Shown)
        assert screen.query_one("#styled").styles.color.hex == "#FF0000"
        await pilot.pause()
        assert screen._styles_fresh is False  # later resumes re-style as usual
        await app.push_screen(_Dialog())
        await pilot.pause()
        dialog = app.screen
        assert dialog._styles_fresh is False  # a modal never takes the shortcut
        assert dialog.query_one("#boxed").styles.color.hex == "#00FF00"


async def test_a_table_drawn_before_its_columns_were_sized_is_drawn_again_once_they_are() -> None:
    """Textual sizes a DataTable's columns to their cells on an idle event, without changing
    the counter its line caches are keyed on; a frame drawn in between (a busy machine) stayed on
    screen with every column at its header's width. ``widen_tables_after_sizing`` fixes that."""
    from textual.widgets import DataTable

    from mentor_tui.widgets.seams import widen_tables_after_sizing

    widen_tables_after_sizing()

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = One()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(DataTable)
        table.add_columns("Name")
        table.focus()
        await pilot.pause()
        table.add_row("A rather long name")
        early = table.render_line(1).text  # drawn before the idle event sized the column
        assert "A rather long name" not in early
        # the idle event, with nothing else in between (as when the frame above lost the race)
        await table._on_idle(events.Idle())
        assert "A rather long name" in table.render_line(1).text


class _Typed(App[None]):
    CSS = "#auto { width: auto; }"

    def __init__(self) -> None:
        super().__init__()
        self.layouts = 0

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Input(id="fixed")
        yield Input(id="auto")


async def test_a_key_typed_into_a_fixed_size_input_repaints_it_without_laying_out_the_screen() -> (
    None
):
    """Textual's Input sets its virtual size (a reactive that asks for a layout) on every change
    of its value: each key typed laid out the whole screen. ``type_without_layout`` stores it
    first, so only a box of ``auto`` size still asks for a layout; every box still shows and
    scrolls its text."""
    from textual.widgets import Input

    from mentor_tui.widgets.seams import type_without_layout

    assert list(inspect.signature(Input._watch_value).parameters) == ["self", "value"]
    type_without_layout()
    type_without_layout()  # idempotent: wrapped once
    assert getattr(Input._watch_value, "_without_layout", False)

    app = _Typed()
    async with app.run_test(size=(40, 10)) as pilot:
        screen = app.screen
        layout = screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            app.layouts += 1
            layout(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counted  # type: ignore[method-assign]
        fixed = app.query_one("#fixed", Input)
        fixed.focus()
        await pilot.pause()
        app.layouts = 0
        await pilot.press(*"x" * 60)  # longer than the box: it scrolls
        await pilot.pause()
        assert fixed.value == "x" * 60
        assert app.layouts == 0
        assert fixed.virtual_size.width == 61 and fixed.scroll_x > 0
        assert "xxxx" in fixed.render_line(0).text
        auto = app.query_one("#auto", Input)
        auto.focus()
        await pilot.pause()
        app.layouts = 0
        await pilot.press("y")
        await pilot.pause()
        assert auto.value == "y" and app.layouts >= 1  # its size follows its text: laid out


async def test_a_partial_update_renders_only_the_widgets_it_touches() -> None:
    """A letter typed in a box at the top draws the box, not a list at the bottom of the
    screen (Textual drew every widget of the screen again); a full frame still draws all."""
    from textual.widgets import Input

    from mentor_tui.widgets.seams import render_only_what_changed

    render_only_what_changed()

    class Counted(Static):
        drawn = 0

        def render_lines(self, crop):  # type: ignore[no-untyped-def]
            type(self).drawn += 1
            return super().render_lines(crop)

    class TwoParts(App[None]):
        CSS = "Input { height: 3; } Counted { height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield Input()
            yield Counted("a long list")

    app = TwoParts()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        assert Counted.drawn >= 1  # the first frame drew it
        before = Counted.drawn
        await pilot.press("a", "b", "c")
        await pilot.pause()
        assert app.query_one(Input).value == "abc"
        assert Counted.drawn == before
        app.query_one(Counted).refresh()
        await pilot.pause()
        assert Counted.drawn == before + 1


def test_a_widget_class_default_css_is_what_its_first_mount_adds() -> None:
    from textual.widgets import Input, TextArea

    from mentor_tui.widgets.paged_table import PagedTable
    from mentor_tui.widgets.seams import widget_default_css

    for widget in (Input(), TextArea(), PagedTable([_column()])):
        assert widget_default_css(type(widget)) == widget._get_default_css()
        assert widget_default_css(type(widget))  # each has CSS of its own or its bases


def _column():  # type: ignore[no-untyped-def]
    from mentor_tui.widgets.paged_table import Column

    return Column("a", "A")


def test_the_focus_handlers_the_seam_replaces_are_where_it_expects_them() -> None:
    """``FocusPaintsPart`` stands in for these (see ``seams.py``): a Textual that renamed them
    would call its own again, or skip the seam's."""
    from textual.css.model import RuleSet
    from textual.css.stylesheet import Stylesheet
    from textual.dom import DOMNode
    from textual.message import Message
    from textual.widget import Widget

    for handler in (Widget._on_focus, Widget._on_blur):
        assert list(inspect.signature(handler).parameters) == ["self", "event"]
    assert list(inspect.signature(Widget.focus).parameters) == ["self", "scroll_visible"]
    assert list(inspect.signature(Widget.watch_has_focus).parameters) == ["self", "_has_focus"]
    assert isinstance(Stylesheet.rules_map, property)
    assert "pseudo_classes" in RuleSet.__dataclass_fields__
    assert isinstance(DOMNode()._selector_names, set)
    assert isinstance(DOMNode._get_component_classes(), frozenset)
    message = Message()
    message.prevent_default()
    assert message._no_default_action  # what ends Textual's walk up the handlers


async def test_a_focus_change_paints_and_restyles_only_what_shows_the_focus() -> None:
    """Textual repaints a focused or blurred widget whole (twice on focus) and re-styles it;
    ``FocusPaintsPart`` paints what ``paint_focus_change`` says, re-styles only when a rule
    names its focus, and still tells its parent (``:focus-within`` follows)."""
    from textual.containers import Vertical
    from textual.geometry import Region
    from textual.widgets import Input

    from mentor_tui.widgets.seams import FocusPaintsPart, focus_styled

    repaints: list[object] = []  # None: the whole widget

    class Part(FocusPaintsPart, can_focus=True):
        def paint_focus_change(self) -> None:
            self.refresh(Region(0, 0, 4, 1))

        def refresh(self, *regions, **kwargs):  # type: ignore[no-untyped-def]
            repaints.append(regions or None)
            return super().refresh(*regions, **kwargs)

    class Parts(App[None]):
        CSS = """
        Part { height: 2; }
        #box:focus-within { background: #0000ff; }
        #styled:focus { color: #ff0000; }
        """

        def compose(self) -> ComposeResult:
            yield Input()
            yield Part(id="plain")
            with Vertical(id="box"):
                yield Part(id="inner")
            yield Part(id="styled")

    app = Parts()
    async with app.run_test(size=(40, 14)) as pilot:
        plain, inner = app.query_one("#plain", Part), app.query_one("#inner", Part)
        styled, box, typed = (
            app.query_one("#styled", Part),
            app.query_one("#box"),
            app.query_one(Input),
        )
        await pilot.pause()
        assert not focus_styled(plain) and focus_styled(styled)
        restyled: list[object] = []
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes, animate=False):  # type: ignore[no-untyped-def]
            nodes = list(nodes)
            restyled.extend(nodes)
            update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = counted  # type: ignore[method-assign]
        for focused in (plain, typed):
            repaints.clear()
            restyled.clear()
            focused.focus()
            await pilot.pause()
            assert app.focused is focused and plain.has_focus is (focused is plain)
            assert repaints == [(Region(0, 0, 4, 1),)]  # the cursor's part, never all of it
            assert plain not in restyled
        inner.focus()
        await pilot.pause()
        assert box.styles.background.hex == "#0000FF"  # the parent was told
        typed.focus()
        await pilot.pause()
        assert box.styles.background.hex != "#0000FF"
        styled.focus()
        await pilot.pause()
        assert styled.styles.color.hex == "#FF0000"  # a rule names its focus: restyled
        typed.focus()
        await pilot.pause()
        assert styled.styles.color.hex != "#FF0000"


def test_the_scroll_view_names_layout_keeps_scrollbars_relies_on_are_there() -> None:
    """``LayoutKeepsScrollbars`` overrides ``ScrollView._size_updated`` and ``_scroll_update``
    and reads ``_size``, ``_container_size`` and ``_scrollbar_changes``."""
    from textual.scroll_view import ScrollView
    from textual.widget import Widget

    from mentor_tui.widgets.seams import LayoutKeepsScrollbars

    assert list(inspect.signature(ScrollView._size_updated).parameters) == [
        "self",
        "size",
        "virtual_size",
        "container_size",
        "layout",
    ]
    assert list(inspect.signature(Widget._scroll_update).parameters) == ["self", "virtual_size"]
    source = inspect.getsource(ScrollView._size_updated)
    assert "virtual_size = self.virtual_size" in source  # the layout's virtual size is ignored
    assert "self._scroll_update(virtual_size)" in source
    view = LayoutKeepsScrollbars()
    for name in ("_size", "_container_size", "_scrollbar_changes"):
        assert hasattr(view, name), name


def test_the_line_cache_names_refresh_keeping_moved_lines_relies_on_are_there() -> None:
    """``refresh_keeping_moved_lines`` reads and fills a widget's ``_styles_cache``: its
    finished lines by ``y`` (``_cache``) and the lines to draw again (``_dirty_lines``), which a
    whole-widget refresh clears and marks all dirty."""
    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    cache = Widget()._styles_cache
    assert isinstance(cache, StylesCache)
    assert isinstance(cache._cache, dict) and isinstance(cache._dirty_lines, set)
    source = inspect.getsource(StylesCache.render)
    assert "is_dirty(y) or y not in self._cache" in source
    assert "self._styles_cache.clear()" in inspect.getsource(Widget._set_dirty)


async def _layouts_for_new_lines(label: type[Static], rest: type[Static]) -> int:
    """How many layouts a label of ``label`` above ``rest`` takes to show two more lines."""

    class Page(App[None]):
        CSS = "#label { height: auto; } #rest { height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield label("one line", id="label")
            yield rest("the rest", id="rest")

    app = Page()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        counted: list[object] = []
        screen = app.screen
        refresh_layout = screen._refresh_layout

        def counting(*args: object, **kwargs: object) -> None:
            counted.append(args)
            refresh_layout(*args, **kwargs)

        screen._refresh_layout = counting  # type: ignore[method-assign]
        shown = app.query_one("#label", Static)
        shown.update("one\ntwo\nthree")
        for _ in range(4):
            await pilot.pause()
        assert shown.size.height == 3
        lines = [strip.text for strip in screen._compositor.render_strips()]
        assert lines[:4] == [f"{t:<40}" for t in ("one", "two", "three", "the rest")]
        return len(counted)


async def test_a_label_a_layout_resizes_does_not_lay_the_screen_out_again() -> None:
    """A label given another number of lines lays the screen out once (Textual laid it out
    again right after, for the label's new size), and shows every line."""
    from mentor_tui.widgets.seams import SizedByLayout

    class Sized(Static, SizedByLayout):
        pass

    # the rest, shorter, is not laid out again either
    assert await _layouts_for_new_lines(Static, Sized) == 2
    assert await _layouts_for_new_lines(Sized, Sized) == 1
