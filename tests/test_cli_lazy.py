"""Start-up stays light (issue #4): the command line imports only the module of the verb given,
and opening the app reaches its first frame without SQLAlchemy, SQLModel or the sync client."""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR

from mentor_tui.app.areas import AREAS
from mentor_tui.cli import build_parser, chosen_verb, common_options, main, parse
from mentor_tui.commands import COMMAND_MODULES, VERBS

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "httpx", "fastapi", "pylmcf")


def _loaded_after(code: str) -> set[str]:
    """The module names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_imports_no_database_or_network_library() -> None:
    loaded = _loaded_after("import mentor_tui.cli")
    assert "mentor_tui.cli" in loaded
    assert [name for name in HEAVY if name in loaded] == []


def test_the_first_frame_path_imports_no_database_or_network_library() -> None:
    """What `mentor-tui` imports before the dashboard's first frame: the parse, the peek, the
    app and the dashboard screen. SQLAlchemy and the sync client load in workers after it."""
    loaded = _loaded_after(
        "from mentor_tui.cli import parse\n"
        "parse(['--db', 'x.db', '--user', 'a@example.org'])\n"
        "import mentor_tui.commands.open_app, mentor_tui.core.people.sign_in_peek\n"
        "import mentor_tui.app.main, mentor_tui.screens.dashboard\n"
    )
    assert {"mentor_tui.app.main", "mentor_tui.screens.dashboard", "textual.app"} <= loaded
    assert [name for name in HEAVY if name in loaded] == []
    # nor the screens of the other areas, nor the paged table (the dashboard has none)
    later = {"mentor_tui.widgets.paged_table", "mentor_tui.app.sync_loop", "mentor_tui.core.dates"}
    later |= {f"mentor_tui.widgets.table_{part}" for part in ("keys", "loading", "rendering")}
    later |= {f"mentor_tui.screens.{a.screen.split(':')[0]}" for a in AREAS[1:]}
    assert sorted(later & loaded) == []
    verbs = {f"mentor_tui.commands.{m}" for m in COMMAND_MODULES}
    assert sorted(verbs & loaded) == []


def test_the_widgets_package_still_names_the_paged_table() -> None:
    """The package's re-exports load the paged table on first use, not on import."""
    loaded = _loaded_after(
        "import mentor_tui.widgets, sys\n"
        "assert 'mentor_tui.widgets.paged_table' not in sys.modules\n"
        "from mentor_tui.widgets import Column, PagedTable\n"
        "from mentor_tui.widgets import paged_table\n"
        "assert (PagedTable, Column) == (paged_table.PagedTable, paged_table.Column)\n"
    )
    assert "mentor_tui.widgets.paged_table" in loaded
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        importlib.import_module("mentor_tui.widgets").Nothing  # noqa: B018


def test_a_verb_loads_its_own_module_only() -> None:
    loaded = _loaded_after("from mentor_tui.cli import parse\nparse(['review', '7', '--approve'])")
    commands = {name for name in loaded if name.startswith("mentor_tui.commands.")}
    assert commands == {"mentor_tui.commands.context", "mentor_tui.commands.queue"}


def test_verbs_table_matches_what_the_modules_register() -> None:
    common = common_options(default=argparse.SUPPRESS)
    registered: dict[str, str] = {}
    helps: dict[str, str] = {}
    for module in COMMAND_MODULES:
        scratch = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"mentor_tui.commands.{module}").register(scratch, common)
        for choice in scratch._choices_actions:
            registered[choice.dest] = module
            helps[choice.dest] = choice.help
    assert list(registered.items()) == list(VERBS.items())
    assert all(helps.values())  # each verb has a line in --help


def test_help_lists_every_verb_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for choice in build_parser()._subparsers._group_actions[0]._choices_actions:
        assert f"{choice.dest} {' '.join(choice.help.split())}" in out, choice.dest


@pytest.mark.parametrize(
    ("argv", "verb"),
    [
        ([], None),
        (["--db", "x.db", "--user", "a@example.org"], None),
        (["--db", "students", "users", "list"], "users"),
        (["--us", "students", "queue"], "queue"),
        (["--db=x.db", "review", "3", "--approve"], "review"),
        (["--version"], None),
        (["--", "students"], "students"),
    ],
)
def test_chosen_verb_skips_options_and_their_values(argv: list[str], verb: str | None) -> None:
    assert chosen_verb(argv) == verb


@pytest.mark.parametrize(
    "argv",
    [
        ["students", "--limit", "5", "--json"],
        ["--db", "X.db", "users", "list", "--user", "a@example.org", "--role", "mentor"],
        ["review", "7", "--approve", "--feedback", "fine"],
        ["--db", "queue", "match", "--apply"],
        ["--us", "a@example.org", "logout"],
        ["sessions", "add", "--student", "s@example.org", "--at", "2026-03-02 10:00"],
        ["--db", "X.db"],
        [],
    ],
)
def test_the_lazy_parse_equals_the_full_one(argv: list[str]) -> None:
    assert vars(parse(argv)) == vars(build_parser().parse_args(argv))


def test_an_unknown_verb_still_names_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["studnets"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mentor-tui: ") and "students" in err and "\n" not in err


def test_reopening_the_demo_paints_before_any_database_library(tmp_path) -> None:
    """`mentor-tui demo` on the demo it built before (README's first command, run again) takes
    the same path as `mentor-tui`: the app starts with the store unopened and neither SQLAlchemy
    nor the demo builder loaded; its first use of the store signs in as the demo mentor and remembers them."""
    from mentor_tui.core.people.sign_in_peek import LAST_USER
    from mentor_tui.demo.build import ADMIN_EMAIL, DEMO_MENTOR_EMAIL

    db = tmp_path / "demo.db"
    sizes = ["--students", "12", "--mentors", "2", "--db", str(db)]
    assert main(["demo", "--no-launch", *sizes]) == 0
    with sqlite3.connect(db) as conn:  # someone else signed in since
        conn.execute("UPDATE settings SET value = ? WHERE key = ?", (ADMIN_EMAIL, LAST_USER))
    conn.close()
    probe = (
        "import json, sys\n"
        "import mentor_tui.commands.open_app as open_app\n"
        "def fake_run(services):\n"
        "    import mentor_tui.app.main, mentor_tui.screens.dashboard\n"
        f"    heavy = [n for n in {HEAVY!r} + ('mentor_tui.demo.build',) if n in sys.modules]\n"
        "    first = [services.actor.email, services.is_open, heavy]\n"
        "    from mentor_tui.core.people.settings import LAST_USER, get_setting\n"
        "    remembered = services.run(lambda s: get_setting(s, LAST_USER))\n"
        "    print(json.dumps([first, services.actor.email, remembered]))\n"
        "    services.close()\n"
        "    return 0\n"
        "open_app._run = fake_run\n"
        "from mentor_tui.cli import main\n"
        f"sys.exit(main(['demo', *{sizes!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    first, actor, remembered = json.loads(done.stdout.splitlines()[-1])
    assert first == [DEMO_MENTOR_EMAIL, False, []]
    assert actor == remembered == DEMO_MENTOR_EMAIL
    assert "Opening the demo already at" in done.stderr


AFTER_FRAME_PROBE = """
import sys
from textual.drivers._writer_thread import WriterThread
from mentor_tui.app.main import MentorApp
from mentor_tui.app.reminders import AppReminders
from mentor_tui.screens.dashboard import DashboardScreen
log = open(sys.argv[1], "w", buffering=1)
def recorded(name, real):
    def record(self, *args):
        log.write(name + "\\n")
        return real(self, *args)
    return record
HEAVY = {heavy!r}
def write(self, text, real=WriterThread.write):
    if "Needs attention" in text:
        if not frames:  # what the UI thread imported before the first frame
            loaded = [name for name in HEAVY if name in sys.modules]
            log.write("frame\\nloaded-before-frame:" + ",".join(loaded) + "\\n")
        else:
            log.write("frame\\n")
        frames.append(text)
    real(self, text)
frames = []
WriterThread.write = write
DashboardScreen.action_reload = recorded("readers", DashboardScreen.action_reload)
AppReminders.run_now = recorded("reminders", AppReminders.run_now)
MentorApp._count_pending = recorded("status", MentorApp._count_pending)
MentorApp.home_figures_painted = recorded("painted", MentorApp.home_figures_painted)
from mentor_tui.cli import main
sys.exit(main(sys.argv[2:]))
""".replace("{heavy!r}", repr(HEAVY))


def _start_probed(template: Path, tmp_path: Path, email: str) -> list[str]:
    """`mentor-tui` in a terminal, under AFTER_FRAME_PROBE: the events it logged, in order."""
    from app_support import copy_store

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from app_timing import start_in_pty

    store = copy_store(template, tmp_path / "store.db")
    log = tmp_path / "events.txt"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-c", AFTER_FRAME_PROBE, str(log), "--db", str(store), "--user", email]
    # the attention table's count: painted by the summary part's own worker (an admin's cards
    # may come sooner, from the early read), the costliest part and the last one in
    run = start_in_pty(
        argv, "Needs attention", then=("Pending reviews", "2: all"), env=env, timeout=60
    )
    assert run.exit_status == 0
    return log.read_text().split()


@pytest.mark.parametrize("email", [ADMIN, MENTOR])
def test_the_work_after_start_up_waits_for_the_first_frame_to_be_written(
    template, tmp_path, email: str
) -> None:
    """`mentor-tui` in a terminal: the dashboard's readers, the reminders and the status worker
    (threads importing SQLAlchemy, holding the GIL that drawing the frame needs) start only once
    the first frame has gone to the terminal. Not after the first layout: drawn while the app
    still mounts, it is never written, and work started after it raced the frame shown.
    The reminders and the status (the sync client's import) wait further, until every part of
    the dashboard is painted (issue #21: they took the dashboard's CPU)."""
    events = _start_probed(template, tmp_path, email)
    assert events[0] == "frame", events
    assert {"readers", "reminders", "status"} <= set(events), events
    assert events.index("readers") < events.index("painted"), events
    assert events.index("painted") < min(events.index("reminders"), events.index("status"))


@pytest.mark.parametrize("email", [ADMIN, MENTOR])
def test_the_first_frame_is_written_before_any_database_library_is_imported(
    template, tmp_path, email: str
) -> None:
    """The whole path to the first frame in a terminal, not only the modules it names: what the
    screens and widgets do while they mount (the status bar asked for the kept status figures
    through `core.memo`, which loads SQLModel, SQLAlchemy and pydantic: 0.3 s of CPU on the UI
    thread before the dashboard's first frame, issue #21)."""
    events = _start_probed(template, tmp_path, email)
    assert events[:2] == ["frame", "loaded-before-frame:"], events


@pytest.mark.parametrize(("email", "admin_screen"), [(MENTOR, False), (ADMIN, True)])
def test_once_started_the_app_imports_the_screens_its_user_may_open(
    template: Path, tmp_path: Path, email: str, admin_screen: bool
) -> None:
    """In a worker after start-up, so the first press of an area key does not import it; not
    the matching solver (numpy, pylmcf), which loads with the first draft or ranking."""
    store = tmp_path / "store.db"
    store.write_bytes(template.read_bytes())
    loaded = _loaded_after(
        f"import asyncio, sys\nsys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from pathlib import Path\nfrom app_support import services_for, settle\n"
        "from mentor_tui.app.main import MentorApp\n"
        "async def run():\n"
        f"    app = MentorApp(services_for(Path({str(store)!r}), {email!r}))\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await settle(pilot)\n"
        "asyncio.run(run())\n"
    )

    def screens(role: str) -> set[str]:
        return {
            f"mentor_tui.screens.{a.screen.split(':')[0]}"
            for a in AREAS
            if not a.admin_only and role in a.roles
        }

    assert sorted(screens("mentor") - loaded) == []
    only_students = screens("student") - screens("mentor")
    assert sorted(only_students & loaded) == []  # a student's own screens: not theirs
    assert ("mentor_tui.screens.admin.admin" in loaded) is admin_screen
    assert "pylmcf" not in loaded and "numpy" not in loaded
