"""Mentor performance and the program overview: the dashboard's last card, a mentor's own
figures or, for an admin, the program-wide view.

Mentor performance (SPEC section 8, the seed's ``mentor_performance`` view and mentor report):

- students: live students assigned to the mentor, whatever their status;
- average completion rate: mean completion rate of those students who have progress rows;
- average review time: mean of ``reviewed_at - submitted_at`` in hours over the decisions the
  mentor made (``reviewer_id``); the share within the SLA counts those of at most
  ``assignment_review_sla_hours``;
- session attendance: attended / (attended + no-show) over the mentor's past sessions that were
  not cancelled (excused and unrecorded attendance count neither way);
- average rating: the mean of the ratings students gave the mentor's sessions;
- graduated: the mentor's students whose status is "Passed out / Completed".

A figure with nothing to measure is None rather than a made-up zero. The statements are
``dashboard_figures``'s, which the dashboard's early read runs too.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_user, require_admin
from mentor_tui.core.analytics import dashboard_figures as figures
from mentor_tui.core.analytics.dashboard_figures import MentorPerformance, ProgramOverview
from mentor_tui.errors import UserError


def mentor_performance(
    session: Session,
    actor: Actor,
    mentor_key: str,
    config: Config,
    *,
    now: datetime | None = None,
) -> MentorPerformance:
    """One mentor's figures as the module docstring defines them, for the mentor themself or
    an admin: ``dashboard_figures``'s statements, the ones the dashboard's early read runs."""
    mentor = find_user(session, actor, mentor_key)
    if mentor.id != actor.id:
        require_admin(actor, "see another mentor's performance")
    if mentor.role != "mentor":
        raise UserError(f"{mentor.email} is not a mentor.")
    moment = figures.stored_time(clock.aware(now) if now else clock.now())
    return figures.read_mentor_performance(
        store_connection(session), mentor.id, moment, config.assignment_review_sla_hours
    )


def program_overview(session: Session, actor: Actor, config: Config) -> ProgramOverview:
    """Program-wide figures, for admins: ``dashboard_figures``'s statements, the ones the
    dashboard's early read runs."""
    require_admin(actor, "see the program overview")
    return figures.read_program_overview(store_connection(session), config.max_students_per_mentor)


def store_connection(session: Session) -> sqlite3.Connection:
    """The local store's own connection under ``session`` (in its transaction), on which the
    dashboard's figures are read in plain SQL; one clear sentence on another database."""
    dbapi = session.connection().connection.driver_connection
    if not isinstance(dbapi, sqlite3.Connection):
        raise UserError("The dashboard's figures are read from a local store only.")
    return dbapi


__all__ = [
    "MentorPerformance",
    "ProgramOverview",
    "mentor_performance",
    "program_overview",
    "store_connection",
]
