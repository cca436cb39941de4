"""One pass between the learning platform's PostgreSQL and a mentor-tui store: in, then out.

``platform_url`` picks the URL (``--from``, then ``MENTOR_TUI_LMS_URL``, then the config's
``[lms] url``); ``run_pass`` connects, checks the platform's tables against the mapping and
runs the pass; ``run_every`` repeats it until stopped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from mentor_tui.config import Config
from mentor_tui.errors import UserError
from mentor_tui.lms.inbound import take_in
from mentor_tui.lms.mapping import Names
from mentor_tui.lms.outbound import send_out
from mentor_tui.lms.platform import Tables, connect, redact, scrub
from mentor_tui.lms.stats import PassStats
from mentor_tui.lms.store import Store, store_of

URL_ENV = "MENTOR_TUI_LMS_URL"


def platform_url(given: str | None, config: Config) -> str:
    return (given or os.environ.get(URL_ENV) or config.lms.url or "").strip()


def run_pass(url: str, target: Store | Any, config: Config) -> PassStats:
    """One pass in and out between the platform and ``target`` (a ``Store``, or a local
    store's engine); a failure rolls back the table or row it was on (what was done before
    stays, the next pass does the rest) and is one sentence without the password."""
    store = store_of(target)
    names = Names(config.lms)
    pg = connect(url)
    stats = PassStats()
    try:
        tables = Tables(pg, names)
        pg.commit()
        ids = take_in(pg, store, tables, config, stats)
        send_out(pg, store, tables, stats, ids)
    except UserError as exc:
        raise UserError(scrub(str(exc), url)) from None
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg"):
            detail = scrub(" ".join(str(exc).split()), url).rstrip(".?! ")
            raise UserError(
                f"The learning platform at {redact(url)} refused the pass: {detail}."
            ) from None
        raise
    finally:
        pg.close()
    return stats


def run_every(
    url: str,
    target: Store | Any,
    config: Config,
    seconds: float,
    report: Callable[[PassStats | UserError], None],
    stop: threading.Event | None = None,
) -> None:
    """Pass every ``seconds`` until ``stop`` is set; a failed pass is reported and retried."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            report(run_pass(url, target, config))
        except UserError as exc:
            report(exc)
        stop.wait(seconds)
