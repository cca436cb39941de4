"""Mentor management for admins (SPEC 4.6): the mentor list with each mentor's load, mentor
profiles (expertise, specializations, teaching style, capacity, hours, availability windows,
timezone, backup mentor), deactivation, and mentor unavailability with its student moves.

Every function here is admin-only: the check is the first thing each one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, find_user, require_admin, user_scope
from mentor_tui.core.assignment import assign_student, unassign_student
from mentor_tui.core.errors import UserError
from mentor_tui.core.matching import (
    Match,
    MentorOffer,
    PairScore,
    StudentNeeds,
    load_mentor_offers,
    load_students,
    local_today,
    mentor_is_available,
    mentor_loads,
    plan_matches,
    skill_key,
)
from mentor_tui.core.notifications import notify
from mentor_tui.core.text import clean_line, has_control
from mentor_tui.core.users import (
    add_user,
    check_capacity,
    check_expertise,
    check_name,
    check_timezone,
)
from mentor_tui.db.models import (
    TEACHING_STYLES,
    MentorProfile,
    MentorSpecialization,
    User,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_LABEL = 80
MAX_REASON = 300
MAX_URL = 500
HOURS_IN_WEEK = 168


# ---------------------------------------------------------------------------------------------
# Reading.


@dataclass(frozen=True)
class SpecializationView:
    name: str
    proficiency: int
    verified: bool
    certification_url: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "proficiency": self.proficiency,
            "verified": self.verified,
            "certification_url": self.certification_url,
        }


@dataclass(frozen=True)
class MentorSummary:
    """One mentor as the admin sees them: profile, load against capacity, availability."""

    id: str
    email: str
    full_name: str
    status: str
    timezone: str
    capacity: int
    student_count: int
    expertise: tuple[str, ...]
    specializations: tuple[SpecializationView, ...]
    teaching_style: str
    weekly_hours: int
    availability: tuple[dict[str, Any], ...]
    backup_mentor_id: str | None
    backup_mentor_email: str | None
    unavailable_reason: str | None
    unavailable_until: date | None
    available: bool

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.student_count)

    @property
    def availability_text(self) -> str:
        return format_availability(self.availability)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "full_name": self.full_name,
            "status": self.status,
            "timezone": self.timezone,
            "capacity": self.capacity,
            "student_count": self.student_count,
            "free_seats": self.free_seats,
            "expertise": list(self.expertise),
            "specializations": [s.to_json() for s in self.specializations],
            "teaching_style": self.teaching_style,
            "weekly_hours": self.weekly_hours,
            "availability": [dict(w) for w in self.availability],
            "backup_mentor_id": self.backup_mentor_id,
            "backup_mentor_email": self.backup_mentor_email,
            "available": self.available,
            "unavailable_reason": self.unavailable_reason,
            "unavailable_until": self.unavailable_until.isoformat()
            if self.unavailable_until
            else None,
        }


def list_mentors(
    session: Session,
    actor: Actor,
    *,
    config: Config,
    mentor_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> list[MentorSummary]:
    """Every mentor (or those of ``mentor_ids``), by name, with their load against capacity.
    A mentor without a profile row shows the config's default capacity."""
    require_admin(actor, "manage mentors")
    now = now or clock.now()
    query = (
        select(User, MentorProfile)
        .outerjoin(
            MentorProfile,
            and_(MentorProfile.user_id == User.id, MentorProfile.deleted_at.is_(None)),
        )
        .where(user_scope(actor), User.role == "mentor")
        .order_by(User.full_name, User.email)
    )
    if mentor_ids is not None:
        query = query.where(User.id.in_(list(mentor_ids)))
    rows = session.execute(query).all()
    loads = mentor_loads(session, mentor_ids)
    spec_query = (
        select(MentorSpecialization)
        .where(MentorSpecialization.deleted_at.is_(None))
        .order_by(MentorSpecialization.specialization)
    )
    if mentor_ids is not None:
        spec_query = spec_query.where(MentorSpecialization.mentor_id.in_(list(mentor_ids)))
    specs: dict[str, list[SpecializationView]] = {}
    for spec in session.execute(spec_query).scalars():
        specs.setdefault(spec.mentor_id, []).append(
            SpecializationView(
                spec.specialization,
                spec.proficiency_level,
                bool(spec.verified),
                spec.certification_url,
            )
        )
    backup_emails = {user.id: user.email for user, _ in rows}
    elsewhere = {
        p.backup_mentor_id
        for _, p in rows
        if p is not None and p.backup_mentor_id and p.backup_mentor_id not in backup_emails
    }
    if elsewhere:  # only when listing some mentors: their backups may not be among them
        found = session.execute(select(User.id, User.email).where(User.id.in_(elsewhere)))
        backup_emails.update({uid: email for uid, email in found})
    summaries = []
    for user, profile in rows:
        reason = profile.unavailable_reason if profile else None
        until = profile.unavailable_until if profile else None
        available = mentor_is_available(reason, until, local_today(now, user.timezone))
        backup_id = profile.backup_mentor_id if profile else None
        summaries.append(
            MentorSummary(
                id=user.id,
                email=user.email,
                full_name=user.full_name,
                status=user.status,
                timezone=user.timezone,
                capacity=profile.capacity if profile else config.max_students_per_mentor,
                student_count=loads.get(user.id, 0),
                expertise=tuple(profile.expertise) if profile else (),
                specializations=tuple(specs.get(user.id, ())),
                teaching_style=profile.teaching_style if profile else "mixed",
                weekly_hours=profile.weekly_hours if profile else 0,
                availability=tuple(profile.availability) if profile else (),
                backup_mentor_id=backup_id,
                backup_mentor_email=backup_emails.get(backup_id) if backup_id else None,
                unavailable_reason=None if available else reason,
                unavailable_until=None if available else until,
                available=available,
            )
        )
    return summaries


def find_mentor(session: Session, actor: Actor, key: str) -> User:
    """A mentor by email or id, or one clear sentence."""
    user = find_user(session, actor, key)
    if user.role != "mentor":
        raise UserError(f"{user.email} is not a mentor.")
    return user


def mentor_summary(
    session: Session, actor: Actor, key: str, *, config: Config, now: datetime | None = None
) -> MentorSummary:
    require_admin(actor, "manage mentors")
    mentor = find_mentor(session, actor, key)
    return list_mentors(session, actor, config=config, mentor_ids=[mentor.id], now=now)[0]


# ---------------------------------------------------------------------------------------------
# Checking what an admin typed.


def clean_label(value: str, what: str) -> str:
    """A short one-line label (a skill, an expertise area): trimmed and single-spaced."""
    if has_control(value) or "\n" in value:
        raise UserError(f"The {what} {clean_line(value)!r} contains control characters.")
    label = re.sub(r"\s+", " ", value).strip()
    if not label:
        raise UserError(f"A {what} cannot be empty.")
    if len(label) > MAX_LABEL:
        raise UserError(f"The {what} {label[:30]!r}... is longer than {MAX_LABEL} characters.")
    return label


def parse_list(text: str) -> list[str]:
    """'Python, SQL; data science' -> ['Python', 'SQL', 'data science'] (blanks dropped)."""
    return [part for part in re.split(r"[,;]", text) if part.strip()]


def check_whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"The {what} must be a whole number, not {clean_line(str(value))!r}.")
    if not low <= value <= high:
        raise UserError(f"The {what} must be between {low} and {high}, not {value}.")
    return value


def check_style(style: str) -> str:
    style = style.strip().lower()
    if style not in TEACHING_STYLES:
        raise UserError(
            f"The teaching style {clean_line(style)!r} is not one of {', '.join(TEACHING_STYLES)}."
        )
    return style


def check_url(url: str | None) -> str | None:
    """A certification link: an http(s) address, or nothing."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or has_control(url)
        or re.search(r"\s", url)
        or len(url) > MAX_URL
    ):
        raise UserError(
            f"The certification URL {clean_line(url)[:60]!r} is not an http(s) address."
        )
    return url


@dataclass(frozen=True)
class SpecializationInput:
    name: str
    proficiency: int = 3
    verified: bool = False
    certification_url: str | None = None


def clean_specializations(
    specs: Iterable[SpecializationInput],
) -> list[SpecializationInput]:
    cleaned: dict[str, SpecializationInput] = {}
    for spec in specs:
        name = clean_label(spec.name, "specialization")
        if skill_key(name) in cleaned:
            raise UserError(f"The specialization {name!r} is listed twice.")
        cleaned[skill_key(name)] = SpecializationInput(
            name=name,
            proficiency=check_whole(spec.proficiency, f"proficiency of {name!r}", 1, 5),
            verified=bool(spec.verified),
            certification_url=check_url(spec.certification_url),
        )
    return list(cleaned.values())


_WINDOW = re.compile(
    r"^\s*(?P<day>[A-Za-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(name: str) -> int | None:
    """0-6 for 'Mon' or 'monday' (any case), else None."""
    name = name.lower()
    for number, (short, full) in enumerate(zip(WEEKDAYS, DAY_NAMES, strict=True)):
        if name in (short.lower(), full):
            return number
    return None


def _clock_minutes(text: str) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if (
        not match
        or int(match[1]) > 24
        or int(match[2]) > 59
        or (int(match[1]) == 24 and int(match[2]))
    ):
        raise UserError(f"{clean_line(text)!r} is not a time of day; use HH:MM, such as 09:30.")
    return int(match[1]) * 60 + int(match[2])


def check_windows(windows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weekly availability windows ``{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}`` in the
    mentor's timezone: each ends after it starts and none overlaps another on its day."""
    cleaned = []
    for window in windows:
        try:
            weekday, start, end = window["weekday"], window["start"], window["end"]
        except (KeyError, TypeError):
            raise UserError("An availability window needs a weekday, a start and an end.") from None
        weekday = check_whole(weekday, "weekday of an availability window", 0, 6)
        low = _clock_minutes(str(start))
        high = _clock_minutes(str(end))
        if high <= low:
            raise UserError(
                f"The availability window {WEEKDAYS[weekday]} {start}-{end} ends before it starts."
            )
        cleaned.append((weekday, low, high))
    cleaned.sort()
    for (day_a, _, end_a), (day_b, start_b, _) in pairwise(cleaned):
        if day_a == day_b and start_b < end_a:
            raise UserError(f"Two availability windows overlap on {WEEKDAYS[day_a]}.")
    return [{"weekday": day, "start": _hhmm(low), "end": _hhmm(high)} for day, low, high in cleaned]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_availability(text: str) -> list[dict[str, Any]]:
    """'Mon 09:00-12:00, Wed 14:00-17:30' -> checked windows (empty text: none)."""
    windows = []
    for part in parse_list(text):
        match = _WINDOW.match(part)
        day = _weekday(match["day"]) if match else None
        if match is None or day is None:
            raise UserError(
                f"{clean_line(part.strip())!r} is not an availability window; "
                "use a weekday and hours such as 'Mon 09:00-12:00'."
            )
        windows.append({"weekday": day, "start": match["start"], "end": match["end"]})
    return check_windows(windows)


def format_availability(windows: Iterable[dict[str, Any]]) -> str:
    return ", ".join(f"{WEEKDAYS[int(w['weekday'])]} {w['start']}-{w['end']}" for w in windows)


# ---------------------------------------------------------------------------------------------
# Writing.


@dataclass(frozen=True)
class MentorEdit:
    """Changes to a mentor; a field left as None stays as it is. ``backup_mentor`` takes an
    email or id, or "" to clear it."""

    full_name: str | None = None
    timezone: str | None = None
    expertise: Sequence[str] | None = None
    specializations: Sequence[SpecializationInput] | None = None
    teaching_style: str | None = None
    capacity: int | None = None
    weekly_hours: int | None = None
    availability: Sequence[dict[str, Any]] | None = None
    backup_mentor: str | None = None
    bio: str | None = None
    contact_preferences: Sequence[str] | None = None


def _profile(session: Session, mentor_id: str) -> MentorProfile | None:
    return session.execute(
        select(MentorProfile).where(
            MentorProfile.user_id == mentor_id, MentorProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()


def _backup_id(session: Session, actor: Actor, mentor: User, key: str) -> str | None:
    if not key.strip():
        return None
    backup = find_mentor(session, actor, key)
    if backup.id == mentor.id:
        raise UserError("A mentor cannot be their own backup.")
    if backup.status != "Active":
        raise UserError(f"{backup.email} is not active and cannot be a backup mentor.")
    return backup.id


def _user_changes(edit: MentorEdit) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if edit.full_name is not None:
        changes["full_name"] = check_name(edit.full_name)
    if edit.timezone is not None:
        changes["timezone"] = check_timezone(edit.timezone)
    return changes


def _profile_changes(
    session: Session, actor: Actor, mentor: User, edit: MentorEdit, config: Config
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if edit.expertise is not None:
        changes["expertise"] = check_expertise(edit.expertise)
    if edit.teaching_style is not None:
        changes["teaching_style"] = check_style(edit.teaching_style)
    if edit.capacity is not None:
        changes["capacity"] = check_capacity(edit.capacity, config)
    if edit.weekly_hours is not None:
        changes["weekly_hours"] = check_whole(edit.weekly_hours, "weekly hours", 0, HOURS_IN_WEEK)
    if edit.availability is not None:
        changes["availability"] = check_windows(edit.availability)
    if edit.backup_mentor is not None:
        changes["backup_mentor_id"] = _backup_id(session, actor, mentor, edit.backup_mentor)
    if edit.bio is not None:
        changes["bio"] = edit.bio.strip()
    if edit.contact_preferences is not None:
        changes["contact_preferences"] = [
            clean_label(c, "contact preference") for c in edit.contact_preferences
        ]
    return changes


def _save_specializations(
    session: Session, actor: Actor, mentor: User, specs: Sequence[SpecializationInput]
) -> None:
    """Make the mentor's live specializations exactly ``specs``."""
    wanted = {skill_key(s.name): s for s in clean_specializations(specs)}
    current = session.execute(
        select(MentorSpecialization).where(
            MentorSpecialization.mentor_id == mentor.id, MentorSpecialization.deleted_at.is_(None)
        )
    ).scalars()
    for row in current:
        spec = wanted.pop(skill_key(row.specialization), None)
        if spec is None:
            writes.tombstone(session, actor.id, row)
            continue
        writes.update(
            session,
            actor.id,
            row,
            {
                "specialization": spec.name,
                "proficiency_level": spec.proficiency,
                "verified": spec.verified,
                "certification_url": spec.certification_url,
            },
        )
    for spec in wanted.values():
        writes.insert(
            session,
            actor.id,
            MentorSpecialization(
                mentor_id=mentor.id,
                specialization=spec.name,
                proficiency_level=spec.proficiency,
                verified=spec.verified,
                certification_url=spec.certification_url,
            ),
        )


def apply_mentor_edit(
    session: Session, actor: Actor, mentor: User, edit: MentorEdit, *, config: Config
) -> User:
    """Check every field first, then write them (a profile row is made if there is none)."""
    user_changes = _user_changes(edit)
    profile_changes = _profile_changes(session, actor, mentor, edit, config)
    if edit.specializations is not None:
        clean_specializations(edit.specializations)
    if user_changes:
        writes.update(session, actor.id, mentor, user_changes)
    profile = _profile(session, mentor.id)
    if profile is None:
        profile = MentorProfile(user_id=mentor.id, capacity=config.max_students_per_mentor)
        for key, value in profile_changes.items():
            setattr(profile, key, value)
        writes.insert(session, actor.id, profile)
    elif profile_changes:
        writes.update(session, actor.id, profile, profile_changes)
    if edit.specializations is not None:
        _save_specializations(session, actor, mentor, edit.specializations)
    session.flush()
    return mentor


def edit_mentor(
    session: Session, actor: Actor, mentor_key: str, edit: MentorEdit, *, config: Config
) -> User:
    require_admin(actor, "edit mentors")
    mentor = find_mentor(session, actor, mentor_key)
    return apply_mentor_edit(session, actor, mentor, edit, config=config)


def create_mentor(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    timezone: str = "UTC",
    profile: MentorEdit | None = None,
    config: Config,
) -> User:
    """A new active mentor with their profile (capacity default ``max_students_per_mentor``),
    in the caller's transaction: a refused field rolls the account back with it."""
    require_admin(actor, "create mentors")
    profile = profile or MentorEdit()
    mentor = add_user(
        session,
        actor,
        email=email,
        full_name=full_name,
        role="mentor",
        timezone=timezone,
        expertise=profile.expertise or (),
        capacity=profile.capacity,
        config=config,
    )
    rest = replace(profile, full_name=None, timezone=None, expertise=None, capacity=None)
    return apply_mentor_edit(session, actor, mentor, rest, config=config)


def deactivate_mentor(session: Session, actor: Actor, mentor_key: str) -> User:
    """Mark a mentor Inactive: they can no longer sign in or take students. Refused while they
    still have students, so nobody is left with an inactive mentor."""
    require_admin(actor, "deactivate mentors")
    mentor = find_mentor(session, actor, mentor_key)
    if mentor.id == actor.id:
        raise UserError("You cannot deactivate yourself.")
    students = mentor_loads(session, [mentor.id]).get(mentor.id, 0)
    if students:
        raise UserError(
            f"{mentor.email} still has {students} student{'s' if students != 1 else ''}; "
            "mark them unavailable to move their students first."
        )
    writes.update(session, actor.id, mentor, {"status": "Inactive"}, action="deactivate")
    return mentor


def reactivate_mentor(session: Session, actor: Actor, mentor_key: str) -> User:
    require_admin(actor, "reactivate mentors")
    mentor = find_mentor(session, actor, mentor_key)
    writes.update(session, actor.id, mentor, {"status": "Active"}, action="reactivate")
    return mentor


# ---------------------------------------------------------------------------------------------
# Unavailability.


@dataclass(frozen=True)
class StudentMove:
    """Where one of an unavailable mentor's students goes (``to`` None: unassigned)."""

    student_id: str
    student_email: str
    student_name: str
    to: MentorOffer | None
    via: str
    """'backup', 'best match' or 'nobody'."""
    score: PairScore | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "student_email": self.student_email,
            "student_name": self.student_name,
            "mentor_id": self.to.id if self.to else None,
            "mentor_email": self.to.email if self.to else None,
            "via": self.via,
            "score": self.score.score if self.score else None,
            "reasons": self.score.reasons if self.score else [],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class UnavailabilityPlan:
    mentor_id: str
    mentor_email: str
    mentor_name: str
    reason: str
    until: date | None
    backup_mentor_email: str | None
    moves: tuple[StudentMove, ...]

    def targets(self) -> dict[str, str | None]:
        return {m.student_id: (m.to.id if m.to else None) for m in self.moves}

    def to_json(self) -> dict[str, Any]:
        return {
            "mentor_id": self.mentor_id,
            "mentor_email": self.mentor_email,
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "backup_mentor_email": self.backup_mentor_email,
            "moves": [m.to_json() for m in self.moves],
        }


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if has_control(text) or "\n" in text:
        raise UserError("The reason must be one line of text.")
    if len(text) > MAX_REASON:
        raise UserError(f"The reason is longer than {MAX_REASON} characters.")
    return text


def _move(
    match: Match | None, student: StudentNeeds, backup_id: str | None, reason: str
) -> StudentMove:
    if match is None:
        return StudentMove(
            student.id, student.email, student.full_name, None, "nobody", None, reason
        )
    via = "backup" if match.mentor.id == backup_id else "best match"
    why = (
        f"backup mentor {match.mentor.email}"
        if via == "backup"
        else f"best-scoring mentor with a free seat, {match.score.score:.2f} points"
    )
    return StudentMove(
        student.id, student.email, student.full_name, match.mentor, via, match.score, why
    )


def plan_unavailability(
    session: Session,
    actor: Actor,
    mentor_key: str,
    *,
    reason: str | None,
    until: date | None,
    config: Config,
    now: datetime | None = None,
) -> UnavailabilityPlan:
    """Where each of the mentor's active students would go: to the backup mentor while they
    have free seats (the timezone limit does not apply to a chosen backup), the rest to the
    best-scoring mentors with free seats (the optimal batch matching), else nowhere. Nothing is
    written."""
    require_admin(actor, "mark mentors unavailable")
    now = now or clock.now()
    mentor = find_mentor(session, actor, mentor_key)
    reason = check_reason(reason)
    if until is not None and until < local_today(now, mentor.timezone):
        raise UserError(f"The date {until.isoformat()} is already past for {mentor.email}.")
    profile = _profile(session, mentor.id)
    backup_id = profile.backup_mentor_id if profile else None
    students = load_students(session, actor, mentor_id=mentor.id)
    mentors = load_mentor_offers(session, actor, config=config, now=now, exclude=[mentor.id])
    draft = plan_matches(students, mentors, config.matching, now, favoured_mentor_id=backup_id)
    reasons = {u.student.id: u.reason for u in draft.unplaced}
    moves = tuple(
        _move(draft.match_for(s.id), s, backup_id, reasons.get(s.id, "")) for s in students
    )
    backup_email = None
    if backup_id:
        backup = session.get(User, backup_id)
        backup_email = backup.email if backup else None
    return UnavailabilityPlan(
        mentor.id, mentor.email, mentor.full_name, reason, until, backup_email, moves
    )


def mark_unavailable(
    session: Session,
    actor: Actor,
    mentor_key: str,
    *,
    reason: str | None,
    until: date | None,
    config: Config,
    expected: UnavailabilityPlan | None = None,
    now: datetime | None = None,
) -> UnavailabilityPlan:
    """Mark the mentor unavailable and move their students as planned, in the caller's
    transaction; the mentor, each student and each new mentor are notified. With ``expected``
    (the preview the admin saw), a plan that has changed since is refused."""
    plan = plan_unavailability(
        session, actor, mentor_key, reason=reason, until=until, config=config, now=now
    )
    if expected is not None and expected.targets() != plan.targets():
        raise UserError("The mentors' loads changed since the preview; preview again.")
    mentor = session.get(User, plan.mentor_id)
    assert mentor is not None
    profile = _profile(session, mentor.id)
    marks = {"unavailable_reason": plan.reason, "unavailable_until": plan.until}
    if profile is None:
        profile = MentorProfile(user_id=mentor.id, capacity=config.max_students_per_mentor, **marks)
        writes.insert(session, actor.id, profile, action="mark_unavailable")
    else:
        writes.update(session, actor.id, profile, marks, action="mark_unavailable")
    why = f" ({plan.reason})" if plan.reason else ""
    back = f" until {plan.until.isoformat()}" if plan.until else ""
    for move in plan.moves:
        if move.to is not None:
            assign_student(session, actor, move.student_id, move.to.id, config=config)
        else:
            unassign_student(session, actor, move.student_id)
        notify(
            session,
            config,
            user_id=move.student_id,
            type="mentor_unavailable",
            title=f"Your mentor {mentor.full_name} is unavailable{back}",
            message=(
                f"Your new mentor is {move.to.full_name}."
                if move.to
                else "An admin will assign you a new mentor soon."
            ),
            data={"mentor_id": mentor.id, "new_mentor_id": move.to.id if move.to else None},
            actor_id=actor.id,
        )
    moved = sum(1 for m in plan.moves if m.to is not None)
    notify(
        session,
        config,
        user_id=mentor.id,
        type="mentor_unavailable",
        title=f"You are marked unavailable{back}{why}",
        message=(
            f"{moved} of your {len(plan.moves)} students moved to other mentors"
            + (
                f"; {len(plan.moves) - moved} wait for a new mentor."
                if moved < len(plan.moves)
                else "."
            )
        ),
        data={"until": plan.until.isoformat() if plan.until else None},
        actor_id=actor.id,
    )
    writes.audit(
        session,
        actor.id,
        "mentor_unavailable",
        "users",
        mentor.id,
        {"reason": plan.reason, "until": plan.until, "moves": plan.targets()},
    )
    return plan


def mark_available(session: Session, actor: Actor, mentor_key: str) -> User:
    """End a mentor's unavailability now (it also ends by itself the day after ``until``)."""
    require_admin(actor, "mark mentors available")
    mentor = find_mentor(session, actor, mentor_key)
    profile = _profile(session, mentor.id)
    if profile is not None:
        writes.update(
            session,
            actor.id,
            profile,
            {"unavailable_reason": None, "unavailable_until": None},
            action="mark_available",
        )
    return mentor


__all__ = [
    "MentorEdit",
    "MentorSummary",
    "SpecializationInput",
    "SpecializationView",
    "StudentMove",
    "UnavailabilityPlan",
    "create_mentor",
    "deactivate_mentor",
    "edit_mentor",
    "find_mentor",
    "format_availability",
    "list_mentors",
    "mark_available",
    "mark_unavailable",
    "mentor_summary",
    "parse_availability",
    "parse_list",
    "plan_unavailability",
    "reactivate_mentor",
]
