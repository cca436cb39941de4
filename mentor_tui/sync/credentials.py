"""Login tokens, one per local store, in a file only its owner can read.

``<platform config dir>/credentials.json`` (mode 0600, in a 0700 folder) maps a store's client
id to the server URL and its token. The token is never printed or logged; this module's
objects hide it from ``repr``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from mentor_tui.errors import UserError
from mentor_tui.paths import config_dir


@dataclass(frozen=True)
class Credential:
    server_url: str
    token: str = field(repr=False)


def credentials_path() -> Path:
    return config_dir() / "credentials.json"


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        data = json.loads(raw)
    except ValueError:
        raise UserError(f"{path} is damaged; delete it and log in again.") from None
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def save_token(client_id: str, server_url: str, token: str) -> Path:
    path = credentials_path()
    data = _read(path)
    data[client_id] = {"server_url": server_url, "token": token}
    _write(path, data)
    return path


def load_token(client_id: str) -> Credential | None:
    entry = _read(credentials_path()).get(client_id)
    if not isinstance(entry, dict) or not entry.get("token"):
        return None
    return Credential(str(entry.get("server_url", "")), str(entry["token"]))


def forget_token(client_id: str) -> bool:
    path = credentials_path()
    data = _read(path)
    if client_id not in data:
        return False
    del data[client_id]
    _write(path, data)
    return True
