"""Learning platform passes on a server's database: one (`mentor-tui lms sync --database`) or
every so often inside the server (`mentor-tui serve --lms URL`, a thread beside uvicorn's).

The program's settings are the server's ``program_settings`` rows over this machine's config
file. On PostgreSQL a pass holds an advisory lock, so two server processes (or a server and a
command) never pass at once on one database: the second skips its pass with a sentence.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.people.program_settings import program_config
from mentor_tui.errors import UserError
from mentor_tui.lms.bridge import run_pass
from mentor_tui.lms.stats import PassStats
from mentor_tui.server.lms_store import ServerStore
from mentor_tui.server.schema import ensure_schema, is_postgres

PASS_LOCK = 7415002  # pg_try_advisory_lock class of a pass (7415001: the schema's), with the
# server id's hash: one lock per server database, even with several in one PostgreSQL database
DEFAULT_EVERY_SECONDS = 300.0
log = logging.getLogger("mentor_tui.server.lms")
_local = threading.Lock()  # SQLite: one pass at a time in this process


def server_config(engine: Engine, file_config: Config) -> Config:
    with Session(engine) as session:
        return program_config(session, file_config)


@contextmanager
def _exclusive(engine: Engine, server_id: str) -> Iterator[bool]:
    if not is_postgres(engine):
        got = _local.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                _local.release()
        return
    with engine.connect() as conn:
        key = {"c": PASS_LOCK, "s": server_id}
        got = bool(
            conn.execute(text("SELECT pg_try_advisory_lock(:c, hashtext(:s))"), key).scalar()
        )
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:c, hashtext(:s))"), key)
                conn.commit()


def server_pass(url: str, engine: Engine, file_config: Config) -> PassStats:
    """One pass between the platform at ``url`` and the server's database."""
    server_id = ensure_schema(engine)
    with _exclusive(engine, server_id) as got:
        if not got:
            raise UserError(
                "Another learning platform pass is running on this server's database; this "
                "one is skipped."
            )
        return run_pass(url, ServerStore(engine), server_config(engine, file_config))


def pass_every(
    url: str,
    engine: Engine,
    file_config: Config,
    seconds: float,
    report: Callable[[PassStats | UserError], None],
    stop: threading.Event,
) -> None:
    """A pass every ``seconds`` until ``stop`` is set; a failed pass is reported and retried."""
    while not stop.is_set():
        try:
            report(server_pass(url, engine, file_config))
        except UserError as exc:
            report(exc)
        except Exception:  # the server keeps serving; the next pass tries again
            log.exception("The learning platform pass failed")
        stop.wait(seconds)


def _log_report(result: PassStats | UserError) -> None:
    if isinstance(result, UserError):
        log.warning("%s", result)
    else:
        log.info("%s", result.sentence())


def start_passes(
    url: str, engine: Engine, file_config: Config, seconds: float
) -> Callable[[], None]:
    """Passes in a daemon thread of the server's process; returns what stops them."""
    stop = threading.Event()
    thread = threading.Thread(
        target=pass_every,
        args=(url, engine, file_config, seconds, _log_report, stop),
        name="lms-passes",
        daemon=True,
    )
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(60)

    return halt
