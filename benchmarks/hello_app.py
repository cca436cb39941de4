"""The anchor for start-up and memory: a hello-world Textual app (Header, a DataTable of 50
rows, Footer), started and measured exactly like mentor-tui by ``benchmarks/app_timing.py``.

    python benchmarks/hello_app.py
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

FIRST_FRAME_TEXT = "hello row 00"


class HelloApp(App[None]):
    TITLE = "Hello"
    BINDINGS: ClassVar = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="hello")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Status", "Done")
        table.add_rows((f"hello row {i:02d}", "Active", f"{i * 2}%") for i in range(50))


if __name__ == "__main__":
    HelloApp().run()
