"""Peer mentorship's audiences on the server (issue 20): a pushed study group, membership or
certification changes who holds which rows (a facilitator their mentees' names and work,
members each other's names, the group and its facilitator's certification), beyond the
columns ``push_audience`` watches. The rows that reach someone new are given new positions
(so they are pulled), and a row someone may no longer hold is revoked for them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from mentor_tui.db.models import Submission
from mentor_tui.db.peer_models import PeerMentor, StudyGroup, StudyGroupMember
from mentor_tui.server.log import LogWriter

PEER_TABLES = frozenset({"study_groups", "study_group_members", "peer_mentors"})


def resend_peer_rows(
    conn: Connection,
    log: LogWriter,
    table: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """After a change to a peer table: re-send what hangs off the group(s) it touches, and
    revoke a left member's view for everyone (each re-checks; who may still hold it gets it
    again)."""
    if table not in PEER_TABLES:
        return
    if table == "study_groups":
        groups = {after["id"]}
    elif table == "study_group_members":
        groups = {after["group_id"]}
        if after.get("deleted_at") is not None and (before or {}).get("deleted_at") is None:
            _revoke_group(conn, log, after["group_id"], after["student_id"])
    else:
        groups = {
            r[0]
            for r in conn.execute(
                select(StudyGroup.id).where(StudyGroup.facilitator_id == after["student_id"])
            )
        }
        if after.get("revoked_at") is not None:
            mentees = _members(conn, groups)
            _revoke_work(conn, log, mentees, after["student_id"])
    for group in groups:
        _resend_group(conn, log, group)


def _members(conn: Connection, groups: set[str]) -> set[str]:
    if not groups:
        return set()
    rows = conn.execute(
        select(StudyGroupMember.student_id).where(
            StudyGroupMember.group_id.in_(groups), StudyGroupMember.deleted_at.is_(None)
        )
    )
    return {r[0] for r in rows}


def _resend_group(conn: Connection, log: LogWriter, group_id: str) -> None:
    row = conn.execute(select(StudyGroup.facilitator_id).where(StudyGroup.id == group_id)).first()
    if row is None:
        return
    log.touch("study_groups", group_id)
    members = conn.execute(
        select(StudyGroupMember.id, StudyGroupMember.student_id).where(
            StudyGroupMember.group_id == group_id
        )
    ).all()
    log.touch_many("study_group_members", (m.id for m in members))
    people = {m.student_id for m in members} | ({row[0]} if row[0] else set())
    log.touch_many("users", sorted(people))
    if row[0]:
        log.touch_many(
            "peer_mentors",
            (
                r[0]
                for r in conn.execute(select(PeerMentor.id).where(PeerMentor.student_id == row[0]))
            ),
        )
        work = conn.execute(
            select(Submission.id).where(Submission.student_id.in_([m.student_id for m in members]))
        )
        log.touch_many("submissions", (r[0] for r in work))


def _revoke_group(conn: Connection, log: LogWriter, group_id: str, student_id: str) -> None:
    """A member left: the group's facilitator may no longer hold their work. (Their name
    stays in the others' stores, as a past member's.)"""
    row = conn.execute(select(StudyGroup.facilitator_id).where(StudyGroup.id == group_id)).first()
    if row is not None and row[0]:
        _revoke_work(conn, log, {student_id}, row[0])


def _revoke_work(conn: Connection, log: LogWriter, students: set[str], peer_id: str) -> None:
    if not students:
        return
    for (sub_id,) in conn.execute(select(Submission.id).where(Submission.student_id.in_(students))):
        log.revoke(peer_id, "submissions", sub_id)


__all__ = ["PEER_TABLES", "resend_peer_rows"]
