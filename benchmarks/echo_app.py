"""The anchor for key press to repaint: a minimal Textual app that shows the key just pressed.

Timed by ``pilot_timing.echo_key_timings`` exactly like the real app's keys (the key posted as
the driver does, its messages handled, the frame rendered): the floor for key to screen with
this Textual on this machine, printed beside the key-latency figures.

    python benchmarks/echo_app.py      # type: each key replaces the line; ctrl+q quits
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Static

PROMPT = "press a key"


class EchoApp(App[None]):
    BINDINGS: ClassVar = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(PROMPT, id="echo", markup=False)

    def on_key(self, event: events.Key) -> None:
        self.query_one("#echo", Static).update(f"key: {event.key}")


if __name__ == "__main__":
    EchoApp().run()
