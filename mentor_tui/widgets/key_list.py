"""The actions a screen offers now, each once with all its keys: what `?` help lists and what
the command palette offers (issue #22: one row per action, with its key as the user's keymap
has it)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

# the text boxes, where `?` is a letter of the text (by name: Textual's TextArea module is not
# imported for this)
_TEXT_BOXES = frozenset({"Input", "TextArea"})


def typing_in(widget: Widget | None) -> bool:
    """Whether ``widget`` is a text box that takes printable keys as text (issue #22: there
    `?` is typed, and f1 opens help)."""
    if widget is None or getattr(widget, "read_only", False):
        return False
    return any(cls.__name__ in _TEXT_BOXES for cls in type(widget).__mro__)


@dataclass
class ScreenAction:
    """One action of a screen: its keys as shown ("y/enter"), what it does, where it runs."""

    keys: str
    description: str
    node: DOMNode
    action: str
    enabled: bool
    ours: bool = True  # a binding of mentor-tui (with an id), not one of Textual's own


def screen_actions(screen: Screen) -> list[ScreenAction]:
    """The screen's active bindings grouped by action (the first binding's description): the
    screen's own first, then the focused widget's, then the app's (as the footer orders
    them), then Textual's own (focus next, copy); bindings without a description (nothing to say) are left out."""
    app = screen.app
    found: dict[tuple[int, str], ScreenAction] = {}
    shown: dict[tuple[int, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        group = (id(active.node), binding.action)
        display = binding.key_display or app.get_key_display(binding)
        if group not in found:
            found[group] = ScreenAction(
                display,
                binding.description,
                active.node,
                binding.action,
                active.enabled,
                ours=binding.id is not None,
            )
            shown[group] = [display]
        elif display not in shown[group]:
            shown[group].append(display)
            found[group].keys = "/".join(shown[group])
            found[group].enabled = found[group].enabled or active.enabled

    def rank(item: ScreenAction) -> int:
        if not item.ours:  # Textual's own (focus next, copy): last
            return 3
        return 0 if item.node is screen else 2 if item.node is app else 1

    return sorted(found.values(), key=rank)
