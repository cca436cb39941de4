"""The figures against real server processes: sync, the learning platform bridge (PostgreSQL),
xAPI ingest and mentor-tui web's sessions. Each function is one entry of ``run.py``'s
``FIGURES``."""

from __future__ import annotations

import shutil
import statistics

from context import BenchRun
from report import Figure, log


def sync(run: BenchRun) -> None:
    import sync_pull

    data = run.data
    log("sync pull against a real server ...")
    folder = run.work / "sync"
    folder.mkdir()
    database = run.copy(data, "sync/server.db")
    rounds, pulls = run.sizes["sync_rounds"], run.sizes["sync_pulls"]
    result = sync_pull.measure(database, data.admin_email, data.mentor_email, folder, rounds, pulls)
    run.restore_env()
    rate, plain = result["rows_per_second"], result["plain_rows_per_second"]
    pull_runs = "/".join(f"{seconds:.2f}" for seconds in result["pull_runs"])
    plain_runs = "/".join(f"{seconds:.2f}" for seconds in result["plain_runs"])
    run.add(Figure(
        "sync_pull", f"sync initial pull, admin, {result['pulled_rows']:,} rows", rate,
        "rows/s", ">= 25,000 rows/s and >= 0.3x anchor", plain, rate / plain,
        rate >= 25_000 and rate / plain >= 0.3,
        f"medians: pulls {pull_runs} s, anchor (plain SELECT of the same rows) {plain_runs} s,"
        " interleaved",
    ))  # fmt: skip
    worst = max(result["a_to_b_seconds"])
    run.add(Figure(
        "sync_a_to_b", f"push on A to visible on B (worst of {rounds})", worst, "s", "< 1 s", None,
        None, worst < 1, f"median {statistics.median(result['a_to_b_seconds']):.2f} s",
    ))  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


def lms_bridge(run: BenchRun) -> None:
    import lms_bridge

    base = lms_bridge.database_url()
    if base is None:
        log(f"learning platform bridge: skipped ({lms_bridge.URL_VARIABLES[0]} is not set)")
        return
    log("learning platform bridge against PostgreSQL ...")
    folder = run.work / "lms"
    folder.mkdir()
    result = lms_bridge.measure(base, run.sizes["students"], folder)
    rate, plain = result["rows_per_second"], result["plain_rows_per_second"]
    run.add(Figure(
        "lms_first_pass",
        f"lms first pass, {result['students']:,} students, {result['rows']:,} rows", rate,
        "rows/s", f">= {lms_bridge.TARGET_RATIO}x anchor", plain, rate / plain,
        rate / plain >= lms_bridge.TARGET_RATIO, "anchor: plain SELECT of the same rows",
    ))  # fmt: skip
    seconds = result["incremental_seconds"]
    run.add(Figure(
        "lms_incremental", "lms incremental pass, 100 rows changed", seconds, "s",
        f"< {lms_bridge.TARGET_INCREMENTAL_SECONDS:g} s", None, None,
        seconds < lms_bridge.TARGET_INCREMENTAL_SECONDS,
        f"{result['incremental_rows_in']} rows taken in",
    ))  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


def xapi(run: BenchRun) -> None:
    import server_database
    import xapi_ingest

    data = run.data
    # a server's database, as `serve` makes one, holding the demo (cached; see its module)
    built = server_database.server_database(data.path, log=log)
    log("xAPI ingest against a real server ...")
    folder = run.work / "xapi"
    folder.mkdir()
    database = folder / "server.db"
    shutil.copyfile(built, database)
    count = run.sizes["xapi"]
    result = xapi_ingest.measure(database, folder, count)
    run.restore_env()
    rate = float(result["statements_per_second"])
    run.add(Figure(
        "xapi_ingest", f"xAPI statements posted in batches of {xapi_ingest.BATCH}", rate,
        "statements/s", f">= {xapi_ingest.TARGET:,} statements/s", None, None,
        rate >= xapi_ingest.TARGET,
        f"{result['applied']:,} of {result['statements']:,} applied to progress"
        + xapi_ingest.cpu_note(result),
    ))  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


def web_sessions(run: BenchRun) -> None:
    import web_sessions

    data = run.data
    log("mentor-tui web: sessions against a real server ...")
    folder = run.work / "web"
    folder.mkdir()
    database = run.copy(data, "web/server.db")
    result = web_sessions.measure(
        database, folder, run.sizes["web_sessions"], settle=run.sizes["web_settle"]
    )
    run.restore_env()
    per_session = float(result["rss_mib_median"])
    setting = int(result["memory_setting_mib"])
    per_host = float(result["sessions_per_host"])
    run.add(
        Figure(
            "web_session_memory",
            "web: memory of one session's app (RSS, median)",
            per_session,
            "MiB",
            f"<= {setting} MiB (the session limit's figure)",
            None,
            None,
            per_session <= setting,
            f"{result['sessions']} students signed in, each app on its first screen; "
            f"max {float(result['rss_mib_max']):.0f} MiB; sign-in (login and first sync) "
            f"{float(result['sign_in_seconds_median']):.1f} s median",
        )
    )
    run.add(Figure(
        "web_sessions_per_host", "web: sessions on a 2-core, 24 GiB host", per_host,
        "sessions", f">= {web_sessions.TARGET_PER_HOST} sessions", None, None,
        per_host >= web_sessions.TARGET_PER_HOST,
        f"75% of 24 GiB at the measured memory; `mentor-tui web` refuses past "
        f"{result['sessions_per_host_setting']} there (its setting: {setting} MiB each)",
    ))  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
