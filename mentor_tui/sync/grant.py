"""A grant: one way an actor may change rows of a synced table (``sync/scopes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import ColumnElement, and_

ALL_OPS = frozenset({"insert", "update", "delete"})


@dataclass(frozen=True, eq=False)
class Grant:
    """One way an actor may change rows: which operations, on rows meeting ``where`` (before
    the change, and after it unless it deletes), with ``after`` also true after the change,
    changing only ``fields`` (None: any field)."""

    where: ColumnElement[bool]
    ops: frozenset[str] = ALL_OPS
    fields: frozenset[str] | None = None
    after: ColumnElement[bool] | None = None

    @cached_property
    def after_change(self) -> ColumnElement[bool]:
        """What must hold once the row has changed."""
        return self.where if self.after is None else and_(self.where, self.after)


def f(*names: str) -> frozenset[str]:
    return frozenset(names)


__all__ = ["ALL_OPS", "Grant", "f"]
