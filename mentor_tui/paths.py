"""Where mentor-tui keeps its data and config (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "mentor-tui"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"
