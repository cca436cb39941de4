"""xAPI statements (Experience API 1.0.3) and what they mean to a student's module progress.

Statements are checked with pydantic models of our own. ralph-malph's xAPI models would be
the kept library for this, but the package is not among those this project may install (it is
not in the package list the project draws from), and it would bring its own pinned pydantic
and a tree of dependencies into the server extra for the few fields read here. The models below
check exactly what mentor-tui reads (actor, verb, object, result, timestamp) and let every
other property through untouched: the statement is stored as received.

Meaning:

- the actor's ``mbox`` (``mailto:``) or ``account.name`` (when it is an email) names a student
  by email;
- the object's activity id names a module (``ActivityMap``: the module imported under that id,
  or the id's last ``/module/<id>`` part; configurable with a pattern);
- the verbs ``completed``, ``passed``, ``failed``, ``scored``, ``progressed`` and ``attempted``
  (the last part of the verb's IRI) with their ``result`` move ``module_progress``: completion,
  percent (the cmi5 ``progress`` extension), quiz score (``score.scaled`` as a percentage, or
  ``raw`` within ``min``..``max``), time spent (``duration``, ISO 8601, added) and last activity
  (the statement's ``timestamp``).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from mentor_tui.core.learning.keys import row_id

VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
VERBS = ("completed", "passed", "failed", "scored", "progressed", "attempted")
PROGRESS_EXTENSIONS = (
    "https://w3id.org/xapi/cmi5/result/extensions/progress",
    "http://w3id.org/xapi/cmi5/result/extensions/progress",
)
DEFAULT_MODULE_PATTERN = r"/modules?/(?P<module>[^/?#]+)/?$"
_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def version_ok(value: str | None) -> bool:
    return value is not None and bool(_VERSION.match(value.strip()))


@functools.lru_cache(maxsize=4096)  # a batch repeats a few durations: each read once
def duration_minutes(value: str) -> float:
    """An ISO 8601 duration (``PT1H30M``, ``P1DT2H``, ``PT45.5S``) in minutes."""
    found = _DURATION.match(value.strip())
    if found is None or value.strip() in ("P", "PT") or value.strip().endswith("T"):
        raise ValueError(f"{value!r} is not an ISO 8601 duration like PT1H30M")
    parts = {k: float(v) for k, v in found.groupdict().items() if v}
    return (
        parts.get("d", 0) * 1440
        + parts.get("h", 0) * 60
        + parts.get("m", 0)
        + parts.get("s", 0) / 60
    )


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Account(_Open):
    homePage: str = Field(min_length=1, max_length=2048)
    name: str = Field(min_length=1, max_length=320)


class Agent(_Open):
    objectType: str | None = None
    mbox: str | None = Field(default=None, max_length=330)
    account: Account | None = None
    mbox_sha1sum: str | None = None
    openid: str | None = None

    @field_validator("mbox")
    @classmethod
    def _mailto(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith("mailto:"):
            raise ValueError("an mbox is a mailto: IRI")
        return value


class Verb(_Open):
    id: str = Field(min_length=1, max_length=2048)


class Activity(_Open):
    objectType: str | None = None
    id: str = Field(min_length=1, max_length=2048)


class Score(_Open):
    scaled: float | None = Field(default=None, ge=-1, le=1)
    raw: float | None = None
    min: float | None = None
    max: float | None = None


class Result(_Open):
    score: Score | None = None
    success: bool | None = None
    completion: bool | None = None
    duration: str | None = Field(default=None, max_length=64)
    extensions: dict[str, Any] | None = None

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            duration_minutes(value)
        return value


class Statement(_Open):
    id: uuid.UUID | None = None
    actor: Agent
    verb: Verb
    object: Activity | dict[str, Any]
    result: Result | None = None
    timestamp: datetime | None = None


_STATEMENTS = TypeAdapter(list[Statement])


def check_statement(raw: Any) -> Statement:
    """The statement, or ValueError with one sentence saying what is wrong."""
    return check_statements([raw])[0]


def check_statements(raws: Sequence[Any]) -> list[Statement]:
    """The statements, checked as one list (one validation, not one per statement), or
    ValueError with one sentence saying what is wrong with the first wrong one and, in a
    batch of more than one, which it is (counted from 1)."""
    one = len(raws) == 1
    for position, raw in enumerate(raws):
        if not isinstance(raw, dict):
            if one:
                raise ValueError("A statement is a JSON object.")
            raise ValueError(f"Statement {position + 1} of the batch is not a JSON object.")
    try:
        return _STATEMENTS.validate_python(raws)
    except ValidationError as exc:
        first = exc.errors()[0]
        index, *inside = first["loc"]  # the statement's place in the list first
        where = ".".join(str(p) for p in inside) or "statement"
        whose = "The statement's" if one else f"Statement {int(index) + 1}'s"
        raise ValueError(f"{whose} {where} is not valid: {first['msg']}.") from None


def statement_id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    return str(uuid.UUID(str(value))) if value is not None else None


@dataclass(frozen=True)
class Effect:
    """What one statement says of a student's progress in a module."""

    email: str | None
    activity_id: str | None
    verb: str | None
    at: datetime | None
    completed: bool | None = None
    percent: float | None = None
    quiz_score: float | None = None
    minutes: float = 0.0


def actor_email(statement: Statement) -> str | None:
    agent = statement.actor
    if agent.mbox:
        return agent.mbox.split(":", 1)[1].strip().lower() or None
    if agent.account and _EMAIL.match(agent.account.name.strip()):
        return agent.account.name.strip().lower()
    return None


def _quiz(score: Score | None) -> float | None:
    if score is None:
        return None
    if score.scaled is not None:
        return round(max(score.scaled, 0.0) * 100, 2)
    if score.raw is not None and score.min is not None and score.max is not None:
        if score.max > score.min:
            share = (score.raw - score.min) / (score.max - score.min)
            return round(min(max(share, 0.0), 1.0) * 100, 2)
    return None


def _progress(result: Result) -> float | None:
    for key in PROGRESS_EXTENSIONS:
        value = (result.extensions or {}).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(min(max(value, 0), 100))
    return None


def effect_of(statement: Statement) -> Effect:
    verb = statement.verb.id.rstrip("/").rsplit("/", 1)[-1].lower()
    activity = statement.object.id if isinstance(statement.object, Activity) else None
    at = statement.timestamp.astimezone(UTC) if statement.timestamp else None
    base = Effect(actor_email(statement), activity, verb if verb in VERBS else None, at)
    if base.verb is None:
        return base
    result = statement.result or Result()
    completed = result.completion
    if base.verb in ("completed", "passed") and completed is None:
        completed = True
    percent = _progress(result)
    if completed:
        percent = 100.0
    quiz = _quiz(result.score) if base.verb in ("passed", "failed", "scored", "completed") else None
    minutes = duration_minutes(result.duration) if result.duration else 0.0
    return Effect(base.email, activity, base.verb, at, completed or None, percent, quiz, minutes)


class ActivityMap:
    """Which module an activity id names: the module imported under that very id, else the
    ``module`` group of ``pattern`` (default: the part after ``/module/`` or ``/modules/``),
    as an imported module's id or a mentor-tui module id."""

    def __init__(self, pattern: str = DEFAULT_MODULE_PATTERN) -> None:
        compiled = re.compile(pattern)
        if "module" not in compiled.groupindex:
            raise ValueError("the activity pattern needs a named group (?P<module>...)")
        self.pattern = compiled

    def candidates(self, activity_id: str) -> list[str]:
        """Module row ids to look for, in order."""
        found = [row_id("module", activity_id)]
        match = self.pattern.search(activity_id)
        if match:
            key = match.group("module")
            found += [row_id("module", key), key]
        return found


def progress_changes(current: dict[str, Any], effect: Effect, now: datetime) -> dict[str, Any]:
    """The fields of a ``module_progress`` row (``current``: its values, empty for a new row)
    that ``effect`` changes."""
    wanted: dict[str, Any] = {}
    if effect.completed and not current.get("is_completed"):
        wanted["is_completed"] = True
        wanted["completed_at"] = effect.at or now
    if effect.percent is not None and effect.percent != current.get("percent"):
        if effect.percent > float(current.get("percent") or 0) or effect.completed:
            wanted["percent"] = effect.percent
    if effect.quiz_score is not None and effect.quiz_score != current.get("quiz_score"):
        wanted["quiz_score"] = effect.quiz_score
    if effect.minutes:
        spent = int(current.get("time_spent_minutes") or 0) + round(effect.minutes)
        if spent != current.get("time_spent_minutes"):
            wanted["time_spent_minutes"] = spent
    moment = effect.at or now
    last = current.get("last_activity_at")
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or moment > last:
        wanted["last_activity_at"] = moment
    return wanted
