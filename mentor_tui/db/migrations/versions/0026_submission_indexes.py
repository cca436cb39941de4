"""Submissions' secondary indexes from twelve to eight: four that no read needs dropped
(issues 21 and 16: building them was most of a first snapshot's CPU and of the learning
platform bridge's first pass, and each one is written on every submission written). A store
whose first snapshot is under way (its indexes set aside by ``sync/bulk_load.py`` until the
snapshot completes) forgets them too, so that they are not built when it completes.

Runs 0026_submission_indexes.sql.

Revision ID: 0026
Revises: 0025
"""

import json

from mentor_tui.db.migrations.runner import run_sql_file, sql_statements

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

SQL_FILE = "0026_submission_indexes.sql"
# sync/bulk_load.py's DEFERRED_INDEXES (db may not import sync): the indexes a first snapshot
# set aside, each [table, sql] (or the bare sql of an older version), built when it completes
DEFERRED_KEY = "sync_deferred_indexes"


def _created(sql: str) -> str:
    """The name of the index a ``CREATE INDEX`` statement makes."""
    return sql.split()[2]


def upgrade() -> None:
    from alembic import op

    run_sql_file(SQL_FILE)
    dropped = {s.split()[-1].rstrip(";") for s in sql_statements(SQL_FILE)}
    bind = op.get_bind()
    row = bind.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (DEFERRED_KEY,)).first()
    if row is None:
        return
    kept = json.loads(row[0])
    entries = kept if isinstance(kept, list) else kept["indexes"]
    entries = [e for e in entries if _created(e[1] if isinstance(e, list) else e) not in dropped]
    if isinstance(kept, list):
        kept = entries
    else:
        kept["indexes"] = entries
    bind.exec_driver_sql(
        "UPDATE settings SET value = ? WHERE key = ?", (json.dumps(kept), DEFERRED_KEY)
    )
