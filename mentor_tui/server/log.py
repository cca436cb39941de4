"""The server's ordered change log, written as the last step of a write transaction.

Every write transaction collects the rows it changed (and rows it must re-send to a new
audience, and revocations) in a ``LogWriter``; ``finish`` then takes a block of positions from
the single-row counter with ``UPDATE ... RETURNING`` and stamps them. The counter row stays
locked until commit, so a later writer cannot take a position before an earlier one commits:
a reader that sees position P committed has every position below P committed too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select, update

from mentor_tui.server.bulk import among, insert_many, update_many
from mentor_tui.server.schema import log_counter, log_revokes, log_rows

Key = tuple[str, str]


def take_positions(conn: Connection, count: int) -> int:
    """Reserve ``count`` positions; returns the first. Holds the counter lock until commit."""
    end = conn.execute(
        update(log_counter)
        .where(log_counter.c.id == 1)
        .values(position=log_counter.c.position + count)
        .returning(log_counter.c.position)
    ).scalar_one()
    return int(end) - count + 1


def current_position(conn: Connection) -> int:
    return int(
        conn.execute(select(log_counter.c.position).where(log_counter.c.id == 1)).scalar_one()
    )


class LogWriter:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._versions: dict[Key, dict[str, list[Any]]] = {}
        self._known: set[Key] = set()
        self._touched: dict[Key, None] = {}
        self._revokes: list[tuple[str | None, str, str]] = []
        self.audit: list[dict[str, Any]] = []  # audit rows, written with the batch

    # -- field versions ----------------------------------------------------------------------

    def field_versions(self, entity: str, entity_id: str) -> dict[str, list[Any]]:
        """field -> [version, origin] of the row's last change of that field."""
        key = (entity, entity_id)
        if key not in self._versions:
            found = self.conn.execute(
                select(log_rows.c.field_versions).where(
                    log_rows.c.entity == entity, log_rows.c.entity_id == entity_id
                )
            ).first()
            if found is not None:
                self._known.add(key)
            self._versions[key] = dict(found[0]) if found is not None else {}
        return self._versions[key]

    def preload(self, entity: str, ids: Iterable[str]) -> None:
        """Read the field versions of many rows at once (instead of one query per row)."""
        wanted = [i for i in dict.fromkeys(ids) if (entity, i) not in self._versions]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found = self.conn.execute(
                select(log_rows.c.entity_id, log_rows.c.field_versions).where(
                    log_rows.c.entity == entity, among(self.conn, log_rows.c.entity_id, chunk)
                )
            )
            for entity_id, versions in found:
                self._known.add((entity, entity_id))
                self._versions[(entity, entity_id)] = dict(versions)
            for entity_id in chunk:
                self._versions.setdefault((entity, entity_id), {})

    def changed(
        self, entity: str, entity_id: str, fields: Iterable[str], version: int, origin: str
    ) -> None:
        versions = self.field_versions(entity, entity_id)
        for name in fields:
            versions[name] = [version, origin]
        self.touch(entity, entity_id)

    def created(self, entity: str, entity_id: str, fields: Iterable[str], origin: str) -> None:
        """A new row: every field at version 1 (nothing to read first)."""
        key = (entity, entity_id)
        mark = [1, origin]  # one list for every field: a field's mark is replaced, never edited
        self._versions[key] = dict.fromkeys(fields, mark)
        self._known.discard(key)
        self.touch(entity, entity_id)

    # -- positions ---------------------------------------------------------------------------

    def touch(self, entity: str, entity_id: str) -> None:
        """Give the row a new position: everyone who may read it pulls it again."""
        self._touched[(entity, entity_id)] = None

    def touch_many(self, entity: str, ids: Iterable[str]) -> None:
        for entity_id in ids:
            self.touch(entity, entity_id)

    def revoke(self, account_id: str | None, entity: str, entity_id: str) -> None:
        """Tell ``account_id`` (None: everyone) to drop the row and what hangs off it."""
        self._revokes.append((account_id, entity, entity_id))

    def finish(self) -> int | None:
        """Stamp positions (revocations first, then rows); the last position, or None."""
        count = len(self._revokes) + len(self._touched)
        if count == 0:
            return None
        position = take_positions(self.conn, count)
        if self._revokes:
            self.conn.execute(
                insert(log_revokes),
                [
                    {"position": position + i, "account_id": a, "entity": e, "entity_id": i_}
                    for i, (a, e, i_) in enumerate(self._revokes)
                ],
            )
            position += len(self._revokes)
        self._load_known(key for key in self._touched if key not in self._versions)
        new, old = [], []
        for offset, key in enumerate(self._touched):
            values = {"entity": key[0], "entity_id": key[1], "position": position + offset}
            if key in self._versions:
                values["field_versions"] = self._versions[key]
            (old if key in self._known else new).append(values)
        for values in new:
            values.setdefault("field_versions", {})
        insert_many(self.conn, log_rows, new)
        for batch in (
            [v for v in old if "field_versions" in v],
            [v for v in old if "field_versions" not in v],
        ):
            update_many(self.conn, log_rows, ["entity", "entity_id"], batch)
        last = position + len(self._touched) - 1
        self._touched.clear()
        self._revokes.clear()
        return last

    def _load_known(self, keys: Iterable[Key]) -> None:
        by_entity: dict[str, list[str]] = {}
        for entity, entity_id in keys:
            by_entity.setdefault(entity, []).append(entity_id)
        for entity, ids in by_entity.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found = self.conn.execute(
                    select(log_rows.c.entity_id).where(
                        log_rows.c.entity == entity, among(self.conn, log_rows.c.entity_id, chunk)
                    )
                )
                self._known.update((entity, row[0]) for row in found)
