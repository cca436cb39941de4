"""``import FILE``: a file of learning records into the store, all of it or nothing.

An admin imports (SPEC section 2: admins manage everything); a mentor or a student is refused,
``--check`` included, since checking a file reads every account's email in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core.access import Actor, require_admin
from mentor_tui.core.learning.apply import Applied, Progress, apply_plan, tell_mentors
from mentor_tui.core.learning.check import plan
from mentor_tui.core.learning.files import read_path
from mentor_tui.core.learning.records import Problem
from mentor_tui.core.matching.auto import auto_assign_new_students
from mentor_tui.errors import UserError


class ImportRejected(UserError):
    """The file has problems; nothing was written. ``problems`` holds one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"Nothing was imported: the file has {len(problems)} {noun}.\n" + "\n".join(problems)
        )


@dataclass(frozen=True)
class ImportOutcome:
    records: int
    by_type: dict[str, int]
    applied: Applied | None  # None for a check

    @property
    def rows(self) -> int:
        return self.applied.rows if self.applied is not None else 0


def import_learning(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    check_only: bool = False,
    config: Config | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Check every record of ``path`` and, unless ``check_only``, write them all in the caller's
    transaction; any problem raises ``ImportRejected`` listing each, before anything is written."""
    require_admin(actor, "import learning records")
    records, problems = read_path(path)
    batch = plan(session, records)
    every: list[Problem] = sorted(problems + batch.problems)
    if every:
        raise ImportRejected([str(p) for p in every])
    if not records:
        raise UserError(f"{str(path)!r} holds no records.")
    by_type = {kind: len(rs) for kind, rs in batch.records.items() if rs}
    if check_only:
        return ImportOutcome(batch.count, by_type, None)
    config = config or load_config()
    applied = apply_plan(
        session, actor.id, batch, config, source=f"import {path.name}", progress=progress
    )
    # auto_assignment on: new students without a mentor are assigned at once, as `users add`
    # does, by the admin who imports
    auto = auto_assign_new_students(session, actor, applied.new_students, config=config)
    applied.auto_assigned = auto.assigned
    tell_mentors(session, config, actor.id, applied)
    return ImportOutcome(batch.count, by_type, applied)
