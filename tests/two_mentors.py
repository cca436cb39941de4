"""A small store for the CLI tests: two mentors with a student each, and an admin."""

from __future__ import annotations

from pathlib import Path

from mentor_tui.core import writes
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import User

MIA = "mia.mentor@example.org"
MAX = "max.mentor@example.org"
ADA = "ada.admin@example.org"
SAM = "sam.student@example.org"
TOM = "tom.student@example.org"


def build_two_mentors(db_path: Path) -> dict[str, str]:
    """Mia (mentor of Sam), Max (mentor of Tom) and Ada (admin) in the store at ``db_path``;
    their ids by first name in lower case."""
    engine = make_engine(db_path)
    ids: dict[str, str] = {}
    with session_scope(engine) as s:

        def add(key: str, name: str, email: str, role: str, mentor: str | None = None) -> None:
            row = User(full_name=name, email=email, role=role, mentor_id=mentor)
            writes.insert(s, None, row)
            s.flush()
            ids[key] = row.id

        add("mia", "Mia Mentor", MIA, "mentor")
        add("max", "Max Mentor", MAX, "mentor")
        add("ada", "Ada Admin", ADA, "admin")
        add("sam", "Sam Student", SAM, "student", ids["mia"])
        add("tom", "Tom Student", TOM, "student", ids["max"])
    engine.dispose()
    return ids
