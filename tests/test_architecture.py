"""The core never imports textual: it is shared by the CLI, the screens, sync and the server."""

from __future__ import annotations

import ast
from pathlib import Path

import mentor_tui

PACKAGE = Path(mentor_tui.__file__).parent
TERMINAL_FREE = ["core", "db", "sync", "server"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_db_sync_server_never_import_textual_or_rich() -> None:
    offenders = []
    files = 0
    for folder in TERMINAL_FREE:
        for path in (PACKAGE / folder).rglob("*.py"):
            files += 1
            for name in _imports(path):
                top = name.split(".")[0]
                if top in {"textual", "rich", "textual_plotext"} or name.startswith(
                    ("mentor_tui.screens", "mentor_tui.widgets", "mentor_tui.app.main")
                ):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert files > 5, "the core package should have been scanned"
    assert offenders == []


def test_the_checker_catches_a_textual_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport rich.text\n")
    assert {"textual.app", "rich.text"} <= _imports(bad)
