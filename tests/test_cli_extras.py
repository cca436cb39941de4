"""The server and PostgreSQL are extras: without their packages `serve` and `server-user` say in
one sentence what to install (stderr, exit 2), never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mentor_tui.cli import main


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn"])
def test_serve_without_the_server_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # find_spec answers None: not installed
    code = main(["serve", "--port", "8799"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "pip install 'mentor-tui[server]'" in err
    assert missing in err
    assert "Traceback" not in err and out == ""
    assert err.count("\n") == 1


def test_a_postgresql_url_without_psycopg_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    code = main(
        ["serve", "--database", "postgresql://postgres@127.0.0.1:5432/test", "--port", "8799"]
    )
    _out, err = capsys.readouterr()
    assert code == 2
    assert "pip install 'mentor-tui[postgres]'" in err
    assert "Traceback" not in err
