"""What every CLI verb gets: the parsed arguments, the store, the config and the acting user."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentor_tui.errors import UserError

if TYPE_CHECKING:  # opening the app imports none of these before its first frame
    from sqlalchemy import Engine

    from mentor_tui.config import Config
    from mentor_tui.core.actor import Actor

STORE_NAME = "mentor.db"  # in the data dir (db.engine.default_db_path; tests check they agree)


class CommandContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._engine: Engine | None = None
        self._config: Config | None = None
        self._file_config: Config | None = None

    @property
    def db_path(self) -> Path:
        from mentor_tui.paths import data_dir

        return Path(self.args.db).expanduser() if self.args.db else data_dir() / STORE_NAME

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from mentor_tui.db.engine import make_engine

            path = self.db_path
            if path.exists() and path.is_dir():
                raise UserError(f"{path} is a folder, not a database file.")
            try:
                self._engine = make_engine(path)
            except UserError:
                raise
            except Exception as exc:  # sqlite3.DatabaseError etc.: a file that is not a store
                raise UserError(f"Cannot open {path} as a mentor-tui database ({exc}).") from exc
        return self._engine

    @property
    def engine_opened(self) -> bool:
        """Whether the store was opened already (SQLAlchemy and the migrations paid for)."""
        return self._engine is not None

    @property
    def file_config(self) -> Config:
        """This machine's config file alone (the defaults where it is silent)."""
        if self._file_config is None:
            from mentor_tui.config import load_config

            self._file_config = load_config()
        return self._file_config

    @property
    def config(self) -> Config:
        if self._config is None:
            from mentor_tui.config import with_settings
            from mentor_tui.core.people.settings_peek import peek_program_settings

            # the program's settings (synced rows an admin set) over this machine's file
            self._config = with_settings(self.file_config, peek_program_settings(self.db_path))
        return self._config

    def session(self):
        from mentor_tui.db.engine import session_scope

        return session_scope(self.engine)

    def actor(self) -> Actor:
        """The acting user: --user, else the last user signed in on this store. For an admin,
        the mentors' absences that are due start or end first (``mentors due`` does that
        itself: its parser sets ``upkeep`` off)."""
        from mentor_tui.core.people.settings import sign_in

        with self.session() as session:
            actor = sign_in(session, self.args.user)
        if actor.is_admin and getattr(self.args, "upkeep", True):
            self._start_and_end_substitutions(actor)
        return actor

    def _start_and_end_substitutions(self, actor: Actor) -> None:
        """Before an admin's command: the mentors' absences due today start or end (students
        to their substitutes and back), in a transaction of their own; a refusal is said on
        stderr and the command goes on."""
        from mentor_tui.core.matching.open_absences import any_open_absence

        with self.session() as session:
            if not any_open_absence(session):
                return
        from mentor_tui.core.matching.substitution import run_due

        config = self.config  # a bad config file is the command's error, said as usual
        try:
            with self.session() as session:
                run_due(session, actor, config=config)
        except UserError as error:
            sys.stderr.write(f"Mentor substitutions were not started or ended: {error}\n")

    @property
    def wants_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def print_json(self, value: Any) -> None:
        json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")

    def say_partial(self, shown: int, total: int, what: str, *, offset: int = 0) -> None:
        """On stderr, when a list printed fewer than all of its rows: how many of how many, and
        how to see them all (stdout stays the rows alone, for scripts and ``--json``)."""
        if shown < total:
            first = f"{offset + 1:,}-{offset + shown:,}" if offset else f"{shown:,}"
            sys.stderr.write(f"Showing {first} of {total:,} {what}; --limit 0 lists them all.\n")

    def print_rows(self, columns: list[str], rows: list[list[Any]]) -> None:
        """A plain aligned table; user text has control characters made visible."""
        from mentor_tui.core.text import terminal_line

        cells = [[terminal_line("" if v is None else str(v)) for v in row] for row in rows]
        widths = [len(c) for c in columns]
        for row in cells:
            widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
        line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")
        for row in cells:
            line = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
            sys.stdout.write(line.rstrip() + "\n")

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
