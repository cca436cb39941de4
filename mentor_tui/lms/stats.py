"""What one pass did, table by table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PassStats:
    taken_in: Counter[str] = field(default_factory=Counter)  # mentor-tui rows written
    written_out: Counter[str] = field(default_factory=Counter)  # platform rows written
    notified: int = 0  # notifications written here (new submissions)
    conflicts: int = 0
    new_students: list[str] = field(default_factory=list)  # taken in without a mentor
    auto_assigned: int = 0  # of those, assigned here by auto_assignment

    def wrote(self, table: str) -> None:
        self.taken_in[table] += 1

    def sent(self, table: str) -> None:
        self.written_out[table] += 1

    @property
    def rows_in(self) -> int:
        return sum(self.taken_in.values())

    @property
    def rows_out(self) -> int:
        return sum(self.written_out.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "in": dict(sorted(self.taken_in.items())),
            "out": dict(sorted(self.written_out.items())),
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "notified": self.notified,
            "conflicts": self.conflicts,
            "auto_assigned": self.auto_assigned,
        }

    def sentence(self) -> str:
        parts = [f"{self.rows_in} row(s) in", f"{self.rows_out} row(s) out"]
        if self.auto_assigned:
            parts.append(f"{self.auto_assigned} new student(s) assigned by auto-assignment")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict(s) for you in the conflicts centre")
        return "Learning platform pass done: " + ", ".join(parts) + "."
