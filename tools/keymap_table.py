"""Rewrite README's Keymap table from the bindings (tests/test_app_keymap.py checks it):
`.venv/bin/python tools/keymap_table.py`."""

from __future__ import annotations

from pathlib import Path

from mentor_tui.app.keymap import binding_catalog
from mentor_tui.app.main import MentorApp

HEADER = "| id | default keys | does | where |\n| --- | --- | --- | --- |\n"


def table() -> str:
    rows: dict[str, tuple[str, str, list[str]]] = {}
    for info in binding_catalog(MentorApp):
        if info.id in rows:
            rows[info.id][2].append(info.owner)
            continue
        keys = " ".join(f"`{k}`" for k in info.keys)
        rows[info.id] = (keys, info.description or info.action, [info.owner])
    return HEADER + "".join(
        f"| `{bid}` | {keys} | {does} | {', '.join(owners)} |\n"
        for bid, (keys, does, owners) in rows.items()
    )


def main() -> None:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index(HEADER)
    end = text.index("\n\n", start) + 1
    readme.write_text(text[:start] + table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
