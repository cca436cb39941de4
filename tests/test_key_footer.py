"""KeyFooter: the keys of the focused screen on one line, drawn like Textual's Footer but
repainted in place instead of recomposed."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from mentor_tui.widgets.key_footer import KeyFooter

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class KeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("f2", "ring", "Ring"),
        Binding("x", "never", "Never shown", show=False),
        Binding("f3", "dim", "Disabled"),
    ]

    def __init__(self, footer: type = KeyFooter) -> None:
        super().__init__()
        self.footer = footer
        self.rung = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield Input(id="box")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dim":
            return None  # shown, but disabled
        return True

    def action_ring(self) -> None:
        self.rung += 1


def bottom_line(app: App) -> list[tuple[str, str]]:
    strips = app.screen._compositor.render_strips()
    return [(segment.text, str(segment.style)) for segment in strips[-1]]


async def test_draws_what_textuals_footer_draws() -> None:
    drawn = {}
    for footer in (Footer, KeyFooter):
        app = KeysApp(footer)
        async with app.run_test(size=(60, 5)) as pilot:
            app.set_focus(None)
            await pilot.pause()
            await pilot.pause()
            drawn[footer] = bottom_line(app)
    assert drawn[KeyFooter] == drawn[Footer]
    text = "".join(text for text, _ in drawn[KeyFooter])
    assert "Quit" in text and "Ring" in text and "Never shown" not in text
    assert text.rstrip().endswith("^p palette")


async def test_follows_the_focus_without_new_widgets() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 5)) as pilot:
        footer = app.query_one(KeyFooter)
        app.set_focus(None)
        await pilot.pause()
        unfocused = {item.description for item in footer.items}
        assert {"Quit", "Ring", "Disabled"} <= unfocused
        disabled = [item for item in footer.items if item.description == "Disabled"]
        assert not disabled[0].enabled
        app.query_one(Input).focus()
        await pilot.pause()
        focused = {item.description for item in footer.items}
        # `q` types into the box now; the function keys still work
        assert "Quit" not in focused and {"Ring", "Disabled"} <= focused
        assert not footer.children  # one widget, whatever the keys
        app.set_focus(None)
        await pilot.pause()
        assert {item.description for item in footer.items} == unfocused


async def test_a_click_presses_the_key_and_a_disabled_one_rings() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        spans = {item.description: start for start, _end, item in footer._spans}
        await pilot.click(KeyFooter, offset=(spans["Ring"] + 1, 0))
        await pilot.pause()
        assert app.rung == 1
        await pilot.click(KeyFooter, offset=(spans["Disabled"] + 1, 0))
        await pilot.pause()
        assert app.rung == 1  # nothing ran


async def test_each_set_of_keys_is_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer going back to keys it showed before (the review queue's list after its
    feedback editor, at every decision) paints the line it drew then, and a click finds the
    keys where that line has them; a new theme draws again."""
    drawn: list[int] = []
    draw = KeyFooter._draw

    def counted(self: KeyFooter, width: int):  # type: ignore[no-untyped-def]
        drawn.append(width)
        return draw(self, width)

    monkeypatch.setattr(KeyFooter, "_draw", counted)
    app = KeysApp()
    async with app.run_test(size=(100, 5)) as pilot:
        footer = app.query_one(KeyFooter)
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        unfocused = bottom_line(app)
        for _ in range(2):
            app.query_one(Input).focus()
            await pilot.pause()
            await pilot.pause()
            app.set_focus(None)
            await pilot.pause()
            await pilot.pause()
        assert len(drawn) == 2 and bottom_line(app) == unfocused
        spans = {item.description: start for start, _end, item in footer._spans}
        await pilot.click(KeyFooter, offset=(spans["Ring"] + 1, 0))
        await pilot.pause()
        assert app.rung == 1
        drawn.clear()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        bottom_line(app)
        assert drawn
