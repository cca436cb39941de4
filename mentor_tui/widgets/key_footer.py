"""The key footer (bottom line): the keys of the focused screen, drawn as one line.

It shows what Textual's ``Footer`` shows, drawn the same way, but as a single widget: Textual's
``Footer`` recomposes one ``FooterKey`` widget per key whenever the active bindings change (on
every screen switch and every focus change, e.g. opening a filter box), and styling those new
widgets took most of such a key press. This one recomputes a short list of items and repaints
one line, and only when the list differs from what it shows.

A click on a key presses it (a disabled key rings the bell); hovering shows the binding's
tooltip. The essential keys (issue #22: `?` help and, where the screen has one, `escape`) are
pinned at the right, before the command palette's key, so they show at any width; the other
keys fill the room left, and those that do not fit are counted in a hint ("+3", beside "? Help",
which lists them all).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class FooterItem:
    """One thing the footer draws: a key and its description, or a group's label."""

    key: str
    key_display: str
    description: str
    enabled: bool = True
    tooltip: str = ""
    grouped: bool = False  # a key of a binding group: no description, a margin each side
    label: bool = False  # a binding group's description after its keys: not a key


DRAWN_KEPT = 8  # lines the footer keeps drawn (a screen's few sets of keys, at one width)

HELP_IDS = (
    "app.help",
    "modal.help",
    "app.help_text",
    "modal.help_text",
)  # always shown (pinned right), with escape's binding


class KeyFooter(Widget, can_focus=False):
    """The keys of the current screen's active bindings, like Textual's ``Footer``."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--palette-border",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover {
            background: $block-hover-background;
        }
        & > .key-footer--palette-border {
            color: $foreground 20%;
        }
    }
    """

    def __init__(
        self,
        *,
        show_command_palette: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.show_command_palette = show_command_palette
        self._items: tuple[FooterItem, ...] = ()
        self._palette: FooterItem | None = None
        self._pinned: tuple[FooterItem, ...] = ()  # escape and help, drawn at the right
        self._spans: list[tuple[int, int, FooterItem]] = []  # (start, end) cells of each key
        self._hover: FooterItem | None = None
        self._update_pending = False
        # the lines drawn, by what they show and the width (see `render_line`)
        self._drawn: dict[tuple[object, ...], tuple[Strip, list[tuple[int, int, FooterItem]]]]
        self._drawn = {}

    @property
    def items(self) -> tuple[FooterItem, ...]:
        """What the footer shows now, left to right (without the command palette's key)."""
        return self._items

    @property
    def palette_item(self) -> FooterItem | None:
        return self._palette

    @property
    def pinned_items(self) -> tuple[FooterItem, ...]:
        """The essential keys, always drawn (at the right): escape's action, then help."""
        return self._pinned

    # ----------------------------------------------------------------- bindings

    def on_mount(self) -> None:
        # at once: only a flag and a call for later, so that an `update_keys` called directly
        # after the change (in the same handler) leaves nothing for later to read again
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen and not self._update_pending:
            self._update_pending = True
            self.call_later(self._update_if_pending)

    def _update_if_pending(self) -> None:
        # not again when `update_keys` was called directly since (a key's handler that wants
        # the footer in the frame it paints, e.g. the review queue's decision)
        if self._update_pending:
            self.update_keys()

    def _screen_changed(self, screen: Screen) -> None:
        # Bindings may have changed while this screen was not shown (e.g. sync linked).
        if screen is self.screen:
            self._bindings_changed(screen)

    def update_keys(self) -> None:
        """Read the screen's active bindings again; repaint only if what is shown changes."""
        self._update_pending = False
        if not self.is_attached:
            return
        # read once: the screen works it out again at every read (the focus chain, and every
        # binding's check_action)
        active = self.screen.active_bindings
        items, palette = self._read_bindings(active)
        pinned = self._read_pinned(active)
        items = tuple(i for i in items if i not in pinned)
        if items != self._items or palette != self._palette or pinned != self._pinned:
            self._items, self._palette, self._pinned = items, palette, pinned
            self._hover = None
            self.refresh()

    def _read_bindings(
        self, active: dict[str, ActiveBinding]
    ) -> tuple[tuple[FooterItem, ...], FooterItem | None]:
        app = self.app
        by_action: defaultdict[str, list] = defaultdict(list)
        rank: dict[str, int] = {}
        screen = self.screen
        for node, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
                # the keys of the pane in use first (a part of this screen, such as the admin's
                # Mentors pane), then the screen's own, then a reusable widget's (the table's),
                # then the app's: what this screen is for comes before what every screen has
                # (issue #22, 80x24)
                rank.setdefault(binding.action, _rank(node, screen, app))
        items: list[FooterItem] = []
        runs: list[tuple[object, list]] = []  # consecutive actions of the same binding group
        ordered = sorted(by_action.items(), key=lambda pair: rank[pair[0]])
        for _action, bindings in ordered:
            group = bindings[0][0].group
            if runs and group is not None and runs[-1][0] is group:
                runs[-1][1].append(bindings)
            else:
                runs.append((group, [bindings]))
        for group, actions in runs:
            grouped = group is not None and len(actions) > 1
            for bindings in actions:
                binding, enabled, tooltip = bindings[0]
                items.append(
                    FooterItem(
                        binding.key,
                        app.get_key_display(binding),
                        "" if grouped else binding.description,
                        enabled,
                        (tooltip or binding.description) if grouped else tooltip,
                        grouped=grouped,
                    )
                )
            if grouped:
                items.append(FooterItem("", "", group.description, label=True))  # type: ignore[union-attr]
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = FooterItem(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    binding.tooltip or binding.description,
                )
        return tuple(items), palette

    def _read_pinned(self, active: dict[str, ActiveBinding]) -> tuple[FooterItem, ...]:
        app = self.app
        pinned: list[FooterItem] = []
        escape = active.get("escape")
        if escape is not None and escape.enabled and escape.binding.description:
            binding = escape.binding
            pinned.append(
                FooterItem(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    escape.enabled,
                    escape.tooltip,
                )
            )
        for _node, binding, enabled, tooltip in active.values():
            if binding.id in HELP_IDS and binding.show:
                pinned.append(
                    FooterItem(
                        binding.key,
                        app.get_key_display(binding),
                        binding.description,
                        enabled,
                        tooltip,
                    )
                )
                break
        return tuple(pinned)

    # ----------------------------------------------------------------- mouse

    def _item_at(self, x: int) -> FooterItem | None:
        for start, end, item in self._spans:
            if start <= x < end:
                return item
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._item_at(event.x)
        if item is not self._hover:
            self._hover = item
            self.tooltip = (item.tooltip or None) if item is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    # ----------------------------------------------------------------- rendering

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()  # drawn in the styles before
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0 or width <= 0:
            return Strip.blank(width, self._blank_style())
        # The footer goes back and forth between a few sets of keys (the review queue's list
        # and its feedback editor at every `a` and `ctrl+s`): each drawn once (issue #21).
        key = (self._items, self._palette, self._pinned, self._hover, width)
        drawn = self._drawn.get(key)
        if drawn is None:
            if len(self._drawn) >= DRAWN_KEPT:
                self._drawn.clear()
            drawn = self._drawn[key] = self._draw(width)
        line, self._spans = drawn
        return line

    def _draw(self, width: int) -> tuple[Strip, list[tuple[int, int, FooterItem]]]:
        """The line for ``width``, and where each key is on it."""
        base = self._blank_style()  # between and after the keys: the background only
        key_style = self.get_component_rich_style("key-footer--key")
        text_style = self.get_component_rich_style("key-footer--description")
        palette: list[Segment] = []
        if self._palette is not None:
            palette = self._palette_segments(self._palette, key_style, text_style)
        pinned: list[Segment] = []
        pinned_spans: list[tuple[int, int, FooterItem]] = []
        for item in self._pinned:
            start = Segment.get_line_length(pinned)
            pinned += self._item_segments(item, key_style, text_style)
            pinned_spans.append((start, Segment.get_line_length(pinned), item))
        room = max(0, width - Segment.get_line_length(palette) - Segment.get_line_length(pinned))

        segments: list[Segment] = []
        spans: list[tuple[int, int, FooterItem]] = []
        x = 0
        left_out = self._left_out(room)
        if left_out:  # room for the hint: "+3", beside "? Help", which lists them all
            room = max(0, room - cell_len(self._hint(left_out)))
        for item in self._items:
            if x >= room or (left_out and x + self._width_of(item) > room):
                break  # with a hint, only whole keys
            if item.label:
                text = f"{item.description} "
                segments.append(Segment(text, text_style))
                x += cell_len(text)
                continue
            if item.grouped:
                segments.append(Segment(" ", base))
                x += 1
            start = x
            key = f" {item.key_display} "
            segments.append(Segment(key, self._item_style(item, key_style)))
            x += cell_len(key)
            if item.description:
                text = f"{item.description} "
                segments.append(Segment(text, self._item_style(item, text_style)))
                x += cell_len(text)
            spans.append((start, min(x, room), item))
            if item.grouped:
                segments.append(Segment(" ", base))
                x += 1
        if left_out:  # right after the last key shown
            hint = self._hint(left_out)
            segments = [*Strip(segments).crop(0, room), Segment(hint, text_style + Style(dim=True))]
            room += cell_len(hint)
        line = Strip(segments).crop(0, room).adjust_cell_length(room, base)
        if pinned:
            spans += [(room + start, room + end, item) for start, end, item in pinned_spans]
            line = Strip([*line, *pinned])
            room += Segment.get_line_length(pinned)
        if palette:
            spans.append((room, width, self._palette))  # type: ignore[arg-type]
            line = Strip([*line, *palette]).crop(0, width)
        return line.crop(0, width).adjust_cell_length(width, base), spans

    @staticmethod
    def _hint(left_out: int) -> str:
        return f" +{left_out} "

    def _width_of(self, item: FooterItem) -> int:
        if item.label:
            return cell_len(f"{item.description} ")
        width = cell_len(f" {item.key_display} ") + (2 if item.grouped else 0)
        return width + (cell_len(f"{item.description} ") if item.description else 0)

    def _left_out(self, room: int) -> int:
        """How many keys do not fit whole in ``room`` cells (0: all fit)."""
        widths = [self._width_of(item) for item in self._items]
        if sum(widths) <= room:
            return 0
        room -= cell_len(self._hint(len(widths)))
        x = shown = 0
        for width in widths:
            if x + width > room:
                break
            x += width
            shown += 1
        return sum(1 for item in self._items[shown:] if not item.label)

    def _item_segments(
        self, item: FooterItem, key_style: Style, text_style: Style
    ) -> list[Segment]:
        segments = [Segment(f" {item.key_display} ", self._item_style(item, key_style))]
        if item.description:
            segments.append(Segment(f"{item.description} ", self._item_style(item, text_style)))
        return segments

    def _blank_style(self) -> Style:
        return Style(bgcolor=self.rich_style.bgcolor)

    def _item_style(self, item: FooterItem, style: Style) -> Style:
        if item is self._hover:
            style += Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor)
        if not item.enabled:
            style += Style(dim=True)
        return style

    def _palette_segments(
        self, item: FooterItem, key_style: Style, text_style: Style
    ) -> list[Segment]:
        """The command palette's key, docked right: a thin rule, the key, the description."""
        border = self._item_style(item, self.get_component_rich_style("key-footer--palette-border"))
        return [
            Segment("\u258f", border),
            Segment(item.key_display, self._item_style(item, key_style)),
            Segment(f" {item.description}", self._item_style(item, text_style)),
            Segment(" ", self._item_style(item, self._blank_style())),
        ]


def _rank(node: object, screen: object, app: object) -> int:
    """Where a binding's keys go in the footer: 0 a pane of the screen (a widget the screens
    package defines), 1 the screen, 2 a reusable widget, 3 the app."""
    if node is app:
        return 3
    if node is screen:
        return 1
    return 0 if type(node).__module__.startswith("mentor_tui.screens.") else 2
