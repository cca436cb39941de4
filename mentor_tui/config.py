"""The TOML config file in the platform config directory, with SPEC section 3 defaults.

A missing file means all defaults. A bad value is one sentence naming the key and the file.

Every key is also settable one at a time (``mentor-tui settings set KEY VALUE``): ``SETTINGS``
names each with its meaning in words; ``parse_setting`` checks a typed value in one sentence;
``write_setting`` writes one key back into the file with tomlkit, keeping the user's comments
and layout. The program's keys (``PROGRAM_KEYS``, SPEC section 3) are also synced rows that
override the file for every client of a program (``with_settings``; see
``core/people/program_settings.py``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mentor_tui.errors import UserError
from mentor_tui.paths import config_path


@dataclass(frozen=True)
class Notifications:
    new_student_assignment: bool = True
    pending_submission_reminder: bool = True
    student_milestone_achieved: bool = True
    session_reminders: bool = True
    overdue_feedback_alert: bool = True


@dataclass(frozen=True)
class MatchingWeights:
    """How much each criterion counts in a student-mentor score (points out of their sum), and
    the hard limit on the timezone gap between a student and a mentor, in hours."""

    skills: int = 40
    teaching_style: int = 15
    timezone: int = 20
    weekly_hours: int = 10
    load: int = 15
    max_timezone_gap_hours: int = 8


@dataclass(frozen=True)
class LmsSettings:
    """The learning platform's database (``mentor-tui lms sync``): its URL and the names of its
    tables and columns where they differ from the defaults (``mentor_tui/lms/platform_schema.sql``).

    ``tables`` maps a default table name to the platform's; ``columns`` maps a default table
    name to {default column name: the platform's}. The bridge checks the names it is given."""

    url: str = ""
    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)


SMTP_SECURITY = ("starttls", "ssl", "none")
SMTP_PASSWORD_ENV = "MENTOR_TUI_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    """Where the server's emails and digests go out (``[smtp]``; no host: none are sent).
    The password comes from $MENTOR_TUI_SMTP_PASSWORD, else ``password`` here; it is never
    printed (``repr`` leaves it out)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = field(default="", repr=False)
    from_address: str = ""
    security: str = "starttls"
    digest_hour: int = 7  # a person's local hour from which their daily and weekly digests go

    def secret(self) -> str:
        return os.environ.get(SMTP_PASSWORD_ENV, "") or self.password


@dataclass(frozen=True)
class Config:
    max_students_per_mentor: int = 20
    assignment_review_sla_hours: int = 48
    session_duration_minutes: int = 60
    note_retention_days: int = 365
    session_reminder_minutes: int = 15
    auto_assignment: bool = False
    sync_interval_seconds: int = 60
    sync_deadline_seconds: int = 60
    reminder_interval_seconds: int = 60
    notifications: Notifications = field(default_factory=Notifications)
    matching: MatchingWeights = field(default_factory=MatchingWeights)
    lms: LmsSettings = field(default_factory=LmsSettings, hash=False)
    # binding id -> keys ("reviews.approve" = "A"); checked against the bindings by the app
    keymap: dict[str, str] = field(default_factory=dict, hash=False)
    smtp: SmtpSettings = field(default_factory=SmtpSettings, hash=False)

    def to_toml(self) -> str:
        import tomlkit

        return tomlkit.dumps(asdict(self))


# (minimum, maximum) for each integer setting
_LIMITS: dict[str, tuple[int, int]] = {
    "max_students_per_mentor": (1, 10_000),
    "assignment_review_sla_hours": (1, 24 * 365),
    "session_duration_minutes": (5, 24 * 60),
    "note_retention_days": (1, 365 * 100),
    "session_reminder_minutes": (1, 7 * 24 * 60),
    "sync_interval_seconds": (5, 24 * 60 * 60),
    "sync_deadline_seconds": (1, 24 * 60 * 60),
    "reminder_interval_seconds": (5, 24 * 60 * 60),
    **{
        f"matching.{name}": (0, 100)
        for name in ("skills", "teaching_style", "timezone", "weekly_hours", "load")
    },
    "matching.max_timezone_gap_hours": (0, 12),
    "smtp.port": (1, 65535),
    "smtp.digest_hour": (0, 23),
}


SETTINGS: dict[str, str] = {
    "max_students_per_mentor": "the capacity a new mentor gets: most students at once",
    "assignment_review_sla_hours": "hours a submission may wait for its review before it is "
    "overdue",
    "session_duration_minutes": "the length of a new session, in minutes",
    "note_retention_days": "days a private note is kept before the purge removes it",
    "auto_assignment": "assign every new student to the best mentor with room at once",
    "notifications.new_student_assignment": "tell a mentor when a student is assigned to them",
    "notifications.pending_submission_reminder": "remind a mentor of submissions waiting",
    "notifications.student_milestone_achieved": "tell a mentor when a student reaches a milestone",
    "notifications.session_reminders": "remind everyone before a session starts",
    "notifications.overdue_feedback_alert": "alert when a review is past the review SLA",
    "session_reminder_minutes": "minutes before a session that its reminder goes out",
    "sync_interval_seconds": "seconds between background syncs in the app",
    "sync_deadline_seconds": "seconds a whole sync may take before it gives up",
    "reminder_interval_seconds": "seconds between checks for reminders in the app",
    "matching.skills": "weight of skills against needs in a match score",
    "matching.teaching_style": "weight of teaching style against learning style",
    "matching.timezone": "weight of the time zone distance",
    "matching.weekly_hours": "weight of a mentor's weekly hours per seat",
    "matching.load": "weight of a mentor's free seats",
    "matching.max_timezone_gap_hours": "the most hours apart a student and mentor may be",
}
# SPEC section 3: the program's settings, one value for every client of a program.
PROGRAM_KEYS: tuple[str, ...] = (
    "max_students_per_mentor",
    "assignment_review_sla_hours",
    "session_duration_minutes",
    "note_retention_days",
    "auto_assignment",
    *(f"notifications.{f.name}" for f in fields(Notifications)),
)


def _check(path: Path, key: str, value: Any, expected: type) -> Any:
    if expected is bool:
        if not isinstance(value, bool):
            raise UserError(f"{key} in {path} must be true or false, not {value!r}.")
        return value
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{key} in {path} must be a whole number, not {value!r}.")
        low, high = _LIMITS[key]
        if not low <= value <= high:
            raise UserError(f"{key} in {path} must be between {low} and {high}, not {value}.")
        return value
    raise AssertionError(expected)


def _names(value: Any, key: str, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise UserError(f"{key} in {path} must be a table of names (text).")
    return {k: v.strip() for k, v in value.items()}


def _lms(value: Any, path: Path) -> LmsSettings:
    if not isinstance(value, dict):
        raise UserError(f"lms in {path} must be a table (url, tables, columns).")
    unknown = set(value) - {"url", "tables", "columns"}
    if unknown:
        raise UserError(f"Unknown setting 'lms.{sorted(unknown)[0]}' in {path}.")
    url = value.get("url", "")
    if not isinstance(url, str):
        raise UserError(f"lms.url in {path} must be text (a postgresql:// URL).")
    columns = value.get("columns", {})
    if not isinstance(columns, dict):
        raise UserError(f"lms.columns in {path} must be a table of tables of names.")
    return LmsSettings(
        url=url.strip(),
        tables=_names(value.get("tables", {}), "lms.tables", path),
        columns={t: _names(c, f"lms.columns.{t}", path) for t, c in columns.items()},
    )


def _keymap(value: Any, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.strip() for v in value.values()
    ):
        raise UserError(
            f"keymap in {path} must be a table of binding ids and keys (text), e.g. "
            f'"reviews.approve" = "A".'
        )
    return {k: v.strip() for k, v in value.items()}


def _smtp(value: Any, path: Path) -> SmtpSettings:
    if not isinstance(value, dict):
        raise UserError(f"smtp in {path} must be a table (host, port, user, from_address, ...).")
    known = {f.name for f in fields(SmtpSettings)}
    unknown = set(value) - known
    if unknown:
        raise UserError(f"Unknown setting 'smtp.{sorted(unknown)[0]}' in {path}.")
    values: dict[str, Any] = {}
    for name in ("host", "user", "password", "from_address", "security"):
        if name in value:
            if not isinstance(value[name], str):
                raise UserError(f"smtp.{name} in {path} must be text.")
            values[name] = value[name] if name == "password" else value[name].strip()
    if values.get("security", "starttls") not in SMTP_SECURITY:
        raise UserError(f"smtp.security in {path} must be one of {', '.join(SMTP_SECURITY)}.")
    for name in ("port", "digest_hour"):
        if name in value:
            values[name] = _check(path, f"smtp.{name}", value[name], int)
    return SmtpSettings(**values)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    known = {f.name: f for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise UserError(f"Unknown setting {key!r} in {path}.")
        if key == "notifications":
            if not isinstance(value, dict):
                raise UserError(f"notifications in {path} must be a table of true/false toggles.")
            toggles = {f.name for f in fields(Notifications)}
            for name, flag in value.items():
                if name not in toggles:
                    raise UserError(f"Unknown setting 'notifications.{name}' in {path}.")
                _check(path, f"notifications.{name}", flag, bool)
            values[key] = Notifications(**value)
        elif key == "matching":
            if not isinstance(value, dict):
                raise UserError(f"matching in {path} must be a table of whole numbers.")
            known_weights = {f.name for f in fields(MatchingWeights)}
            for name, number in value.items():
                if name not in known_weights:
                    raise UserError(f"Unknown setting 'matching.{name}' in {path}.")
                _check(path, f"matching.{name}", number, int)
            values[key] = MatchingWeights(**value)
        elif key == "lms":
            values[key] = _lms(value, path)
        elif key == "keymap":
            values[key] = _keymap(value, path)
        elif key == "smtp":
            values[key] = _smtp(value, path)
        else:
            expected = int if known[key].type in (int, "int") else bool
            values[key] = _check(path, key, value, expected)
    return Config(**values)


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise UserError(f"Cannot read the config file {path}: {exc.strerror}.") from exc
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"The config file {path} is not valid TOML: {exc}.") from exc
    return parse_config(data, path)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the whole config atomically (a crash never leaves half a file)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(config.to_toml(), encoding="utf-8")
    tmp.replace(path)
    return path


def setting_value(config: Config, key: str) -> Any:
    """The value of the dotted ``key`` in ``config``."""
    if key not in SETTINGS:
        raise UserError(f"Unknown setting {key!r}; `mentor-tui settings` lists them.")
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _expected(key: str) -> type:
    return bool if isinstance(setting_value(Config(), key), bool) else int


def parse_setting(key: str, text: str) -> int | bool:
    """A setting typed as text ('48', 'true') -> its checked value, or one sentence."""
    expected = _expected(key)
    raw = (text or "").strip().lower()
    if expected is bool:
        if raw not in ("true", "false", "on", "off", "yes", "no"):
            raise UserError(f"{key} must be true or false, not {text!r}.")
        return raw in ("true", "on", "yes")
    if not raw.lstrip("-").isdigit():
        raise UserError(f"{key} must be a whole number, not {text!r}.")
    value = int(raw)
    low, high = _LIMITS[key]
    if not low <= value <= high:
        raise UserError(f"{key} must be between {low} and {high}, not {value}.")
    return value


def with_settings(config: Config, values: dict[str, Any]) -> Config:
    """``config`` with the dotted keys of ``values`` replaced (each already checked)."""
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if key not in SETTINGS or not isinstance(value, _expected(key)):
            continue  # a row from a newer mentor-tui, or a damaged one: the file's value stands
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = _LIMITS[key]
            if not low <= value <= high:
                continue
        if "." in key:
            table, name = key.split(".", 1)
            nested.setdefault(table, {})[name] = value
        else:
            top[key] = value
    for table, changes in nested.items():
        top[table] = replace(getattr(config, table), **changes)
    return replace(config, **top)


def write_setting(key: str, value: int | bool, path: Path | None = None) -> Path:
    """Write one key into the config file, keeping every comment and the rest of its layout
    (tomlkit); the file is checked whole first and replaced atomically."""
    import tomlkit  # only here: opening the app never writes the config

    path = path or config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raw = ""
    except OSError as exc:
        raise UserError(f"Cannot read the config file {path}: {exc.strerror}.") from exc
    try:
        document = tomlkit.parse(raw)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise UserError(f"The config file {path} is not valid TOML: {exc}.") from exc
    parse_config(document.unwrap(), path)  # a file already wrong is not written over
    if "." in key:
        table_name, name = key.split(".", 1)
        table = document.get(table_name)
        if table is None:
            table = tomlkit.table()
            document[table_name] = table
        table[name] = value
    else:
        document[key] = value
    text = tomlkit.dumps(document)
    parse_config(tomllib.loads(text), path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = [
    "PROGRAM_KEYS",
    "SETTINGS",
    "Config",
    "LmsSettings",
    "MatchingWeights",
    "Notifications",
    "load_config",
    "parse_config",
    "parse_setting",
    "replace",
    "save_config",
    "setting_value",
    "with_settings",
    "write_setting",
]
