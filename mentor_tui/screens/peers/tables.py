"""The tables of the peers screens (issue 20), shared by the mentors' and admins' `8`
(`screens/peers/peers.py`) and the students' (`screens/student/peers.py`): a row-cursor
`DataTable` given its columns once, filled from the core's views with every cell user text,
and the item under its cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.widgets import DataTable

from mentor_tui.core.peers.groups import GroupView
from mentor_tui.core.peers.reviews import VERDICT_WORD, PeerReviewView
from mentor_tui.core.text import clean_line

T = TypeVar("T")

# (label, width) of each column
GROUP_COLUMNS = (("Group", 20), ("Facilitator", 18), ("Members", 32))


class PeerTable(DataTable[Text]):
    """A row-cursor table of one kind of peer item, its columns added as it mounts."""

    def __init__(self, columns: Sequence[tuple[str, int]], *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", classes="student-table")
        self._columns = tuple(columns)

    def on_mount(self) -> None:
        for label, width in self._columns:
            self.add_column(label, width=width)

    def fill(
        self, items: Sequence[T], key: Callable[[T], str], cells: Callable[[T], Sequence[Text]]
    ) -> None:
        """The table's rows, one per item, in order; the cursor back on the first row."""
        self.clear()
        for item in items:
            self.add_row(*cells(item), key=key(item))

    def highlighted(self, items: Sequence[T]) -> T | None:
        """The item of ``items`` (what the table was last filled with) under the cursor."""
        row = self.cursor_row
        return items[row] if items and 0 <= row < len(items) else None


def group_cells(group: GroupView) -> tuple[Text, ...]:
    return (
        Text(clean_line(group.name)),
        Text(clean_line(group.facilitator_name) or "-"),
        Text(clean_line(", ".join(name for _, name in group.members))[:60]),
    )


def verdict_word(review: PeerReviewView) -> Text:
    return Text(VERDICT_WORD.get(review.verdict, review.verdict))


def groups_table(id: str = "peers-groups") -> PeerTable:
    return PeerTable(GROUP_COLUMNS, id=id)


def fill_groups(table: PeerTable, groups: Sequence[GroupView]) -> None:
    table.fill(groups, lambda g: g.id, group_cells)
