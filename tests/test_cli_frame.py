"""The CLI frame: --db/--user before or after the verb, usage mistakes as one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor_tui.cli import build_parser, main


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "X.db", "--user", "a@example.org", "students"],
        ["students", "--db", "X.db", "--user", "a@example.org"],
        ["--db", "X.db", "users", "list", "--user", "a@example.org"],
    ],
)
def test_common_options_count_before_or_after_the_verb(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.db == "X.db"
    assert args.user == "a@example.org"


def test_no_options_leave_the_defaults() -> None:
    args = build_parser().parse_args(["students"])
    assert args.db is None and args.user is None


def test_unknown_verb_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mentor-tui: ") and "\n" not in err and "Traceback" not in err


def test_a_file_that_is_not_a_store_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a database " * 100)
    assert main(["--db", str(bogus), "students"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Cannot open" in err and "\n" not in err


def test_an_empty_store_says_how_to_start(tmp_path: Path, capsys) -> None:
    assert main(["--db", str(tmp_path / "new.db"), "students"]) == 2
    assert "no users yet" in capsys.readouterr().err


def test_an_unknown_user_is_one_sentence(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "d.db")
    assert main(["demo", "--no-launch", "--students", "5", "--mentors", "1", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--db", db, "--user", "nobody@example.org"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "mentor-tui: No user with the email 'nobody@example.org' in this database."


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    """`mentor-tui students --json | head -c 5`: the output is more than a pipe holds, so the
    CLI is still writing when the reader stops; it ends without a traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    db = tmp_path / "demo.db"
    # the demo is built in this process (the command is the same; a process start is saved)
    assert (
        main(["demo", "--students", "400", "--mentors", "10", "--no-launch", "--db", str(db)]) == 0
    )
    cli = f"{sys.executable} -m mentor_tui --db {db}"
    listing = f"{cli} --user admin@example.org students --json --limit 0"
    whole = subprocess.run(["bash", "-c", listing], env=env, capture_output=True, check=True)
    assert len(whole.stdout) > 128 * 1024, "more than a pipe's buffer"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{listing} | head -c 5"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.stdout == whole.stdout[:5].decode()
    assert done.stderr == ""
    assert done.returncode == 141
