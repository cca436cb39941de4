"""The review queue: the pending submissions of the actor's students (everyone's for an admin),
oldest first, counted, paged, filtered and stepped through after each decision.

Every query starts from ``submission_scope``. Counting and paging read an index and join only
the rows of the page, so a queue of 100,000 pending items opens as fast as one of twenty.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, student_scope, submission_scope, visible_student_ids
from mentor_tui.core.memo import memo
from mentor_tui.core.reviews.peer_marks import PeerMark, peer_marks
from mentor_tui.db.models import Assignment, Submission, User

QUEUE_COUNT_KEY = "review_queue_count"  # the memo key of ``count_queue``, with its arguments
STUDENT_BY_STUDENT_KEY = "review_queue_by_student"  # ``_reads_student_by_student``'s


def sla(config: Config) -> timedelta:
    return timedelta(hours=config.assignment_review_sla_hours)


# --- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """One pending submission as the queue shows it. Names and titles are user text."""

    id: str
    student_id: str
    student_name: str
    student_email: str
    assignment_id: str
    assignment_title: str
    submitted_at: datetime
    due_by: datetime
    overdue: bool
    time_left: timedelta  # negative when overdue
    attempt: int
    # the student asked for feedback on it (these come first in the queue)
    feedback_requested_at: datetime | None = None
    feedback_request: str | None = None
    # a certified peer mentor reviewed it already (issue 20): the review for its mentor
    peer: PeerMark | None = None


_ITEM_COLUMNS = (
    Submission.id,
    Submission.student_id,
    User.full_name,
    User.email,
    Submission.assignment_id,
    Assignment.title,
    Submission.submitted_at,
    Submission.attempt,
    Submission.feedback_requested_at,
    Submission.feedback_request,
)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Up to this many visible students, the queue is read student by student.
FEW_STUDENTS = 1000


def _reads_student_by_student(session: Session, actor: Actor) -> bool:
    """Which way SQLite should find the actor's pending items. A few students' items (a
    mentor's twenty) are found fastest student by student through
    ix_submissions_student_live and sorted; everyone's (an admin's 100,000) by walking
    ix_submissions_queue in order, which also counts them without reading the table. Without
    statistics SQLite walks the queue index for both, so the choice is made here, from the
    number of students the actor sees (counted up to the limit only), kept until the store
    changes (``core/memo.py``): every page read asks twice (issue #21)."""

    def compute() -> bool:
        visible = select(User.id).where(student_scope(actor)).limit(FEW_STUDENTS + 1).subquery()
        count: int = session.execute(select(func.count()).select_from(visible)).scalar_one()
        return count <= FEW_STUDENTS

    return memo(session, (STUDENT_BY_STUDENT_KEY, actor.id, actor.role), compute)


def _unindexed(column: Any) -> ColumnElement[Any]:
    """SQLite's unary ``+``: the same value, but the term no longer picks an index."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _queue_conditions(
    session: Session,
    actor: Actor,
    *,
    text_filter: str,
    overdue_only: bool,
    config: Config,
    now: datetime,
    asked: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE of the queue, on ``submissions`` alone so that counting and paging read an
    index and only the rows of the page are joined. ``asked``: only the items whose student
    asked for feedback, found through their own index (see ``ASKED_FLOOR``)."""
    conditions: list[ColumnElement[bool]] = [submission_scope(actor)]
    if asked:
        conditions.append(asked_feedback())
    if _reads_student_by_student(session, actor):
        # the visible students drive the per-student index (a mentor's scope already says
        # so; an admin's does not), and status stays out of index choice
        conditions += [
            Submission.student_id.in_(visible_student_ids(actor)),
            _unindexed(Submission.status) == "pending",
        ]
    elif asked:  # the few asked ones by their index, not every pending one by the queue's
        conditions.append(_unindexed(Submission.status) == "pending")
    else:
        conditions.append(Submission.status == "pending")
    if overdue_only:
        conditions.append(Submission.submitted_at < now - sla(config))
    for word in text_filter.split():
        pattern = _like_pattern(word)
        students = select(User.id).where(
            student_scope(actor),  # a mentor's filter reads their own students, not everyone
            or_(User.full_name.like(pattern, escape="\\"), User.email.like(pattern, escape="\\")),
        )
        assignments = select(Assignment.id).where(Assignment.title.like(pattern, escape="\\"))
        conditions.append(
            or_(Submission.student_id.in_(students), Submission.assignment_id.in_(assignments))
        )
    return conditions


# Before any real time: ``feedback_requested_at > ASKED_FLOOR`` is "asked at all", written as a
# range so that SQLite finds the few asked items through ix_submissions_feedback_requested. As
# ``IS NOT NULL`` it walks every pending item in ix_submissions_queue instead and reads each
# row (the statistics of a store where almost nobody asked make the index look useless for
# it): 170 ms a count at 19,000 pending, paid for every page and every decision. The status
# term of those queries is kept out of index choice (``_queue_conditions(asked=True)``) so that
# SQLite, with statistics or without, cannot pick the queue index for them.
ASKED_FLOOR = datetime(1970, 1, 1, tzinfo=UTC)


def asked_feedback() -> ColumnElement[bool]:
    """The submissions whose student asked for feedback on them (they come first in the queue)."""
    return Submission.feedback_requested_at > ASKED_FLOOR


def joined(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """``query`` on submissions joined to their student and assignment."""
    return query.join(User, User.id == Submission.student_id).join(
        Assignment, Assignment.id == Submission.assignment_id
    )


def _items(
    session: Session, actor: Actor, ids: Select[Any], config: Config, now: datetime
) -> list[QueueItem]:
    """The queue items for a page of submission ids (a subquery already ordered and limited):
    the page is found in the index first and only its rows are read and joined."""
    query = (
        joined(select(*_ITEM_COLUMNS))
        .where(Submission.id.in_(ids))
        .order_by(Submission.submitted_at, Submission.id)
    )
    items = [_item(row, config, now) for row in session.execute(query)]
    return _with_peer_marks(session, actor, items)


def _with_peer_marks(session: Session, actor: Actor, items: list[QueueItem]) -> list[QueueItem]:
    """``items`` with the peer review each has that the actor may see (one lookup for the
    page, by submission)."""
    if not items:
        return items
    marks = peer_marks(session, actor, [i.id for i in items])
    return [replace(i, peer=marks.get(i.id)) for i in items]


def _item(row: Any, config: Config, now: datetime) -> QueueItem:
    submitted = clock.aware(row[6])
    due = submitted + sla(config)
    return QueueItem(
        id=row[0],
        student_id=row[1],
        student_name=row[2],
        student_email=row[3],
        assignment_id=row[4],
        assignment_title=row[5],
        submitted_at=submitted,
        due_by=due,
        overdue=due < now,
        time_left=due - now,
        attempt=row[7],
        feedback_requested_at=clock.aware(row[8]) if row[8] is not None else None,
        feedback_request=row[9],
    )


def count_queue(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> int:
    """How many pending submissions the queue holds (with the same filters as ``list_queue``).

    Kept until the store changes (``core/memo.py``): counting 100,000 pending items reads their
    whole index (8 ms of CPU), which a queue opened again, or after the app's warm-up counted
    it (``warm_up_queries``), does not pay twice. The overdue count depends on the time: it is
    counted every time."""
    config = config or load_config()

    def compute() -> int:
        conditions = _queue_conditions(
            session,
            actor,
            text_filter=text_filter,
            overdue_only=overdue_only,
            config=config,
            now=now or clock.now(),
        )
        query = select(func.count()).select_from(Submission).where(*conditions)
        return int(session.execute(query).scalar_one())

    if overdue_only:
        return compute()
    return memo(session, (QUEUE_COUNT_KEY, actor.id, actor.role, text_filter), compute)


def list_queue(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    offset: int = 0,
    limit: int = 100,
    config: Config | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """Pending submissions of the actor's students: the ones their student asked feedback on
    first (in the order asked), then the rest oldest first (ties by id, so pages are stable). ``text_filter`` matches every word against student name, email or assignment."""
    config = config or load_config()
    now = now or clock.now()
    conditions = _queue_conditions(
        session, actor, text_filter=text_filter, overdue_only=overdue_only, config=config, now=now
    )
    offset, limit = max(0, offset), max(0, limit)
    # the ones a student asked feedback on first (few: read by their own index), in the order
    # asked; then the rest, oldest first
    asked = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=overdue_only,
        config=config,
        now=now,
        asked=True,
    )
    first = select(Submission.id).where(*asked)
    total_asked = int(
        session.execute(select(func.count()).select_from(first.subquery())).scalar_one()
    )
    items: list[QueueItem] = []
    if offset < total_asked:
        page = first.order_by(Submission.feedback_requested_at, Submission.id)
        page = page.offset(offset).limit(min(limit, total_asked - offset))
        wanted = list(session.execute(page).scalars())
        found = {i.id: i for i in _items(session, actor, page, config, now)}
        items = [found[i] for i in wanted if i in found]
    rest = limit - len(items)
    if rest > 0:
        page = (
            select(Submission.id)
            .where(*conditions, Submission.feedback_requested_at.is_(None))
            .order_by(Submission.submitted_at, Submission.id)
            .offset(max(0, offset - total_asked))
            .limit(rest)
        )
        items += _items(session, actor, page, config, now)
    return items


def get_queue_item(
    session: Session,
    actor: Actor,
    submission_id: str,
    *,
    config: Config | None = None,
    now: datetime | None = None,
) -> QueueItem | None:
    """One pending submission as a queue item; None when it is decided or not the actor's."""
    config = config or load_config()
    now = now or clock.now()
    query = joined(select(*_ITEM_COLUMNS)).where(
        Submission.id == submission_id, submission_scope(actor), Submission.status == "pending"
    )
    row = session.execute(query).first()
    return _with_peer_marks(session, actor, [_item(row, config, now)])[0] if row else None


def _after(submitted_at: datetime, submission_id: str) -> ColumnElement[bool]:
    """Queue order is (submitted_at, id): the items after this position. Written as a range on
    submitted_at so SQLite walks the queue index."""
    return and_(
        Submission.submitted_at >= submitted_at,
        not_(and_(Submission.submitted_at == submitted_at, Submission.id <= submission_id)),
    )


def _before(submitted_at: datetime, submission_id: str) -> ColumnElement[bool]:
    return and_(
        Submission.submitted_at <= submitted_at,
        not_(and_(Submission.submitted_at == submitted_at, Submission.id >= submission_id)),
    )


def queue_position(
    session: Session,
    actor: Actor,
    submitted_at: datetime,
    submission_id: str,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> int:
    """The row index this position has (or would have) in the queue: the number of pending
    items before it. The screen uses it to page to the item it lands on."""
    config = config or load_config()
    now = now or clock.now()
    conditions = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=overdue_only,
        config=config,
        now=now,
    )
    # the order of list_queue: the ones asked feedback on first (in the order asked), the rest
    # by (submitted_at, id)
    asked = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=overdue_only,
        config=config,
        now=now,
        asked=True,
    )
    asked_at = session.execute(
        select(Submission.feedback_requested_at).where(Submission.id == submission_id)
    ).scalar_one_or_none()
    if asked_at is not None:
        earlier = or_(
            Submission.feedback_requested_at < asked_at,
            and_(Submission.feedback_requested_at == asked_at, Submission.id < submission_id),
        )
        return _count(session, [*asked, earlier])
    rest = [*conditions, Submission.feedback_requested_at.is_(None)]
    return _count(session, asked) + _count(session, [*rest, _before(submitted_at, submission_id)])


def _count(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    query = select(func.count()).select_from(Submission).where(*conditions)
    return int(session.execute(query).scalar_one())


def next_pending_after(
    session: Session,
    actor: Actor,
    submitted_at: datetime,
    submission_id: str,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> QueueItem | None:
    """Where the queue lands after deciding the item at (submitted_at, submission_id): the
    next pending item after it, else the closest one before it, else None (queue empty)."""
    config = config or load_config()
    now = now or clock.now()
    conditions = _queue_conditions(
        session, actor, text_filter=text_filter, overdue_only=overdue_only, config=config, now=now
    )
    base = select(Submission.id).where(*conditions).limit(1)
    after = base.where(_after(submitted_at, submission_id)).order_by(
        Submission.submitted_at, Submission.id
    )
    before = base.where(_before(submitted_at, submission_id)).order_by(
        Submission.submitted_at.desc(), Submission.id.desc()
    )
    found = _items(session, actor, after, config, now) or _items(
        session, actor, before, config, now
    )
    return found[0] if found else None


__all__ = [
    "ASKED_FLOOR",
    "FEW_STUDENTS",
    "QueueItem",
    "asked_feedback",
    "count_queue",
    "get_queue_item",
    "joined",
    "list_queue",
    "next_pending_after",
    "queue_position",
    "sla",
]
