"""The statements of the dashboard's student counts (``summary_counts``): every live student
grouped, the attention ranking counted from the rows (``RANKED_SQL``, the definition), from
the kept at-risk scores (``KEPT_RANKED_SQL``) and for a mentor's students (``MINE_SQL``).
Plain SQL for any ``sqlite3`` connection, in a module that imports no SQLAlchemy (the app
runs them before the ORM is loaded)."""

from __future__ import annotations

from mentor_tui.core.analytics import dashboard_figures as figures

ATTENTION_ROWS = 8

GROUPS_SQL = """
    SELECT u.status = 'Active', t.completed * 100.0 / t.modules, count(*)
    FROM users AS u LEFT JOIN student_progress_totals AS t ON t.user_id = u.id
    WHERE u.role = 'student' AND u.deleted_at IS NULL
    GROUP BY 1, 2
"""
"""Every live student by (active, completion rate or NULL without progress rows): a dozen
rows, from which the counts, the average completion and the cohort average are exact."""

_ABSENT = """
    SELECT r.sid FROM (
        SELECT a.student_id AS sid, a.attendance AS attendance,
               row_number() OVER (PARTITION BY a.student_id ORDER BY s.starts_at DESC) AS rn
        FROM session_attendees AS a JOIN mentorship_sessions AS s ON s.id = a.session_id
        WHERE a.student_id IN (
                SELECT student_id FROM session_attendees
                WHERE attendance = 'no_show' AND deleted_at IS NULL{among}
                GROUP BY student_id HAVING count(*) >= :no_show_limit)
          AND a.deleted_at IS NULL AND s.deleted_at IS NULL
          AND s.starts_at < :now AND s.status != 'cancelled'
    ) AS r
    WHERE r.rn <= :recent_sessions
    GROUP BY r.sid HAVING sum(r.attendance = 'no_show') >= :no_show_limit
"""
_ABSENT_SQL = _ABSENT.format(among="")

_RANK = f"""
    SELECT sid, (SELECT count(*) FROM flagged WHERE risk > 0), (SELECT count(*) FROM flagged)
    FROM flagged ORDER BY risk DESC, n DESC, name, sid LIMIT {ATTENTION_ROWS}
"""

RANKED_SQL = f"""
    WITH pending AS MATERIALIZED (
        SELECT student_id AS sid, count(*) AS n, max(submitted_at < :overdue_before) AS late
        FROM submissions INDEXED BY ix_submissions_queue
        WHERE status = 'pending' AND deleted_at IS NULL
        GROUP BY student_id
    ), lately AS MATERIALIZED (
        SELECT student_id AS sid FROM submissions
        WHERE submitted_at >= :idle_before AND deleted_at IS NULL
    ), absent AS MATERIALIZED ({_ABSENT_SQL}
    ), flagged AS MATERIALIZED (
        SELECT sid, name, n, risk FROM (
            SELECT u.id AS sid, u.full_name AS name, coalesce(p.n, 0) AS n,
                CASE WHEN u.status = 'Active' THEN
                    (NOT coalesce(t.last_activity_at >= :idle_before, 0) AND u.id NOT IN lately)
                    + coalesce(coalesce(t.completed * 100.0 / t.modules, 0.0) <= :behind, 0)
                    + coalesce(p.late, 0)
                    + (u.id IN absent)
                ELSE 0 END AS risk
            FROM users AS u
            LEFT JOIN student_progress_totals AS t ON t.user_id = u.id
            LEFT JOIN pending AS p ON p.sid = u.id
            WHERE u.role = 'student' AND u.deleted_at IS NULL
        ) WHERE risk > 0 OR n > 0
    ){_RANK}"""
"""The students at risk or with work pending, ranked as the attention table shows them (most
risks, then most pending, then name): the first few, how many are at risk and how many are
ranked. The progress figures are each student's totals kept by the store's triggers
(``db/derived_tables.py``); the pending work is read from the review queue's index (named:
SQLite would walk every submission by student instead), the recent submissions from the
index by time (none on a store nobody used for two weeks), the no-shows from theirs."""

BASIS_SQL = "SELECT now, idle_before, overdue_before, behind FROM student_risk_basis WHERE id = 1"

_SCORED = """
        SELECT u.id AS sid, u.full_name AS name, coalesce(s.pending, 0) AS n,
            CASE WHEN u.status = 'Active' THEN
                (NOT coalesce(t.last_activity_at >= :idle_before, 0)
                 AND NOT coalesce(s.last_submitted_at >= :idle_before, 0))
                + coalesce(coalesce(t.completed * 100.0 / t.modules, 0.0) <= :behind, 0)
                + coalesce(s.oldest_pending_at < :overdue_before, 0)
                + (u.id IN absent)
            ELSE 0 END AS risk
        FROM {among} AS m JOIN users AS u ON u.id = m.sid
        LEFT JOIN student_progress_totals AS t ON t.user_id = u.id
        LEFT JOIN student_submission_totals AS s ON s.user_id = u.id
        WHERE u.role = 'student' AND u.deleted_at IS NULL"""
"""The live students of ``among`` (a table of ``sid``), each with their pending work and
score counted from their kept totals: ``RANKED_SQL``'s rules (the last submission and the
oldest pending one are the submission totals', the same times as the submissions read)."""

_MOVED = """
        SELECT user_id FROM student_risk_stale
        UNION SELECT user_id FROM student_risk
            WHERE last_activity_at BETWEEN :idle_low AND :idle_high
        UNION SELECT user_id FROM student_risk
            WHERE oldest_pending_at BETWEEN :overdue_low AND :overdue_high
        UNION SELECT user_id FROM student_risk WHERE completion BETWEEN :behind_low AND :behind_high
        UNION SELECT student_id FROM session_attendees WHERE session_id IN (
            SELECT id FROM mentorship_sessions WHERE starts_at BETWEEN :now_low AND :now_high)"""
MOVED_SQL = f"SELECT count(*) FROM ({_MOVED.replace('UNION', 'UNION ALL')} LIMIT :moved_at + 1)"
"""How many students ``KEPT_RANKED_SQL`` would count afresh, up to one past ``summary_counts.MOVED_AT`` (some
counted twice: the parts' rows are not made distinct, which stops the count early)."""

KEPT_RANKED_SQL = f"""
    WITH moved(sid) AS MATERIALIZED ({_MOVED}
    ), absent AS MATERIALIZED ({_ABSENT.format(among=" AND student_id IN moved")}
    ), fresh AS MATERIALIZED (
        SELECT * FROM ({_SCORED.format(among="moved")}) WHERE risk > 0 OR n > 0
    ), levels AS MATERIALIZED (
        SELECT score AS risk, count(*) AS k FROM student_risk
        WHERE score > 0 AND user_id NOT IN moved GROUP BY score
        UNION ALL
        SELECT risk, count(*) FROM fresh WHERE risk > 0 GROUP BY risk
    ), floor AS MATERIALIZED (
        SELECT coalesce(max(risk), 0) AS risk FROM (
            SELECT risk, sum(k) OVER (ORDER BY risk DESC) AS above FROM levels
        ) WHERE above >= {ATTENTION_ROWS}
    ), waiting AS MATERIALIZED (
        SELECT r.user_id AS sid, r.full_name AS name, s.pending AS n, 0 AS risk
        FROM student_risk AS r JOIN student_submission_totals AS s ON s.user_id = r.user_id
        WHERE r.score = 0 AND s.pending > 0 AND r.user_id NOT IN moved
    ), flagged AS MATERIALIZED (
        SELECT r.user_id AS sid, r.full_name AS name, coalesce(s.pending, 0) AS n, r.score AS risk
        FROM student_risk AS r LEFT JOIN student_submission_totals AS s ON s.user_id = r.user_id
        WHERE r.score > 0 AND r.score >= (SELECT risk FROM floor) AND r.user_id NOT IN moved
        UNION ALL
        SELECT * FROM waiting WHERE (SELECT risk FROM floor) = 0
        UNION ALL
        SELECT * FROM fresh WHERE risk >= (SELECT risk FROM floor)
    )
    SELECT sid, (SELECT coalesce(sum(k), 0) FROM levels),
        (SELECT coalesce(sum(k), 0) FROM levels) + (SELECT count(*) FROM waiting)
        + (SELECT count(*) FROM fresh WHERE risk = 0)
    FROM flagged ORDER BY risk DESC, n DESC, name, sid LIMIT {ATTENTION_ROWS}
"""
"""``RANKED_SQL``'s figures from the kept scores (``student_risk``, revision 0023: each live
student's score as of the basis in ``student_risk_basis``, ``core/people/risk_keys.py``):
every kept score but those of the students that may have moved since (``risk_keys.moved``'s
rule: marked stale by the triggers, or with a kept value between the basis's bound and the
moment's), whose scores are counted afresh from their totals. Each bound pair is given as
(low, high), NULLs for none. The counts are the kept scores' index walked (``levels``, how
many at each score); only the students at or above the score of the first few shown are
ranked (``floor``: 5,000 of the demo's 40,000 at risk), and those with work pending but no
risk only when fewer are at risk than are shown."""


MINE_SQL = f"""
    WITH mine(sid) AS MATERIALIZED ({figures.MINE}
    ), absent AS MATERIALIZED ({_ABSENT.format(among=" AND student_id IN mine")}
    ), flagged AS MATERIALIZED (
        SELECT * FROM ({_SCORED.format(among="mine")}) WHERE risk > 0 OR n > 0
    ){_RANK}"""
"""``RANKED_SQL`` for a mentor's students (``:mentor``), each counted from their totals."""
MINE_GROUPS_SQL = GROUPS_SQL.replace("WHERE", "WHERE u.mentor_id = :mentor AND", 1)
"""``GROUPS_SQL`` for a mentor's students."""
COHORT_SQL = """
    SELECT avg(t.completed * 100.0 / t.modules)
    FROM users AS u JOIN student_progress_totals AS t ON t.user_id = u.id
    WHERE u.role = 'student' AND u.status = 'Active' AND u.deleted_at IS NULL AND t.modules > 0
"""
"""The program's cohort average as ``progress.cohort_average`` reads it (a mentor's threshold)."""

__all__ = [
    "ATTENTION_ROWS",
    "BASIS_SQL",
    "COHORT_SQL",
    "GROUPS_SQL",
    "KEPT_RANKED_SQL",
    "MINE_GROUPS_SQL",
    "MINE_SQL",
    "MOVED_SQL",
    "RANKED_SQL",
]
