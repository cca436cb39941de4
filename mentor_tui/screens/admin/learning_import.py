"""Importing learning records from the admin screen (key `I`, any pane): the path of a JSON Lines
file or of a folder of CSV files, then a progress bar by records while ``core.learning`` checks
and writes them in a worker, all or nothing (``mentor-tui import`` in the app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from mentor_tui.core.learning.importer import ImportOutcome, import_learning
from mentor_tui.errors import UserError
from mentor_tui.screens.admin.part import AdminPart


def outcome_sentence(outcome: ImportOutcome) -> str:
    noun = "record" if outcome.records == 1 else "records"
    if outcome.rows == 0:
        return (
            f"Read {outcome.records:,} {noun}; wrote 0 rows: the database already holds all of it."
        )
    rows = "row" if outcome.rows == 1 else "rows"
    return f"Imported {outcome.records:,} {noun}; wrote {outcome.rows:,} {rows}."


class LearningImportPart(AdminPart):
    def action_import_learning(self) -> None:
        from mentor_tui.screens.admin.csv_import import CsvImportScreen

        actor, config = self.actor, self.config

        def run(
            path: str, progress: Callable[[int, int], None], finished: Callable[[bool], None]
        ) -> None:
            def job(session: Session) -> str | UserError:
                try:
                    outcome = import_learning(
                        session, actor, Path(path).expanduser(), config=config, progress=progress
                    )
                except UserError as error:
                    session.rollback()
                    return error
                return outcome_sentence(outcome)

            def done(outcome: str | UserError) -> None:
                if isinstance(outcome, UserError):
                    self.notify(str(outcome), severity="warning", markup=False, timeout=15)
                    finished(False)
                else:
                    finished(True)
                    self._wrote(outcome)

            self.run_db(job, done, group="admin-import")

        self.app.push_screen(
            CsvImportScreen(
                run,
                title="Import learning records",
                label="A JSON Lines file or a folder of CSV files (course.csv, ...)",
                writing="Writing records: {done:,} of {total:,}",
            )
        )
