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


MAX_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _screen_classes() -> list[tuple[str, ast.ClassDef]]:
    found = []
    for path in (PACKAGE / "screens").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found.append((str(path.relative_to(PACKAGE)), node))
    return found


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


def test_every_screen_subclasses_the_app_s_base_screen() -> None:
    """No screen or modal is built on Textual's Screen or ModalScreen directly: each gets the
    one thread helper (run_db), the worker error reporting and the first-show styling."""
    direct = [
        f"{where}: {node.name}"
        for where, node in _screen_classes()
        if where != "screens/base.py" and _base_names(node) & {"Screen", "ModalScreen"}
    ]
    assert direct == []
    import mentor_tui.screens.base as base

    assert issubclass(base.MentorModal, base.MentorScreen)


def test_textual_private_names_are_used_in_one_module_only() -> None:
    """Textual's private modules and attributes are touched in ``widgets/seams.py`` alone."""
    private_attr = (
        "._display(",
        "._css_update_count",
        "._batch_count",
        "def _on_",  # Textual's private message handlers (_on_mount, _on_click, ...)
        "    _on_",
        "textual._",
        "from textual._",
    )
    offenders = []
    textual_parts = [PACKAGE / "app", PACKAGE / "screens", PACKAGE / "widgets"]
    for path in [p for part in textual_parts for p in part.rglob("*.py")]:
        if path.name == "seams.py":
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(PACKAGE)}: {p}" for p in private_attr if p in text]
    assert offenders == []
