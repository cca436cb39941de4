"""Notifications by email: at once, or in a daily or weekly digest (issue 17), over SMTP.

Runs on the server's database, where every person's notifications and preferences meet:
``mentor-tui notifications send-digests`` (for cron; the database as ``serve`` takes it), and
``serve`` every minute when the config names an SMTP host (``mail_loop``).

Never twice. Two steps, each its own transaction:

1. **Plan**: each notification due by email gets a row in ``server_email_deliveries`` (one per
   notification for "email at once"; one per person and day, or ISO week, for a digest: the
   period is part of a unique key) and is named in ``server_email_items`` (its primary key: no
   notification is carried twice), in the same transaction. A digest with nothing new is not
   made.
2. **Send**: a claimed email is marked ``sending`` (committed) before it is handed to SMTP,
   and ``sent`` after. A refusal or a connection failure puts it back to be tried again later
   (up to ``MAX_ATTEMPTS``); a process killed while handing it over leaves it ``sending``, and
   the next run marks it ``unconfirmed``: it may have gone, so it is never sent again. Each
   email's Message-ID is its row's id, so a receiving server can also tell a copy.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from mentor_tui.config import Config, SmtpSettings
from mentor_tui.core import clock
from mentor_tui.core.notifications.prefs import DELIVERY_LABELS, EMAILED, kind_of
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.db.models import Notification, User
from mentor_tui.db.notification_models import NotificationPreference
from mentor_tui.errors import UserError
from mentor_tui.server.schema import email_deliveries, email_items, write_options

MAX_ATTEMPTS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# an email left "sending" this long was being handed over when its sender stopped
STALE_SENDING = timedelta(minutes=10)
MAX_DIGEST_LINES = 200


class Mailer(Protocol):
    def send_message(self, msg: EmailMessage) -> Any: ...
    def quit(self) -> Any: ...


@dataclass
class Summary:
    planned: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "unconfirmed": self.unconfirmed,
            "errors": self.errors,
        }


def connect(settings: SmtpSettings) -> Mailer:
    """An SMTP connection as ``[smtp]`` says (TLS by default, signed in when a user is set)."""
    if not settings.host:
        raise UserError("No SMTP server is set: add host (and from_address) under [smtp].")
    timeout = 30
    server: smtplib.SMTP
    if settings.security == "ssl":
        server = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if settings.user:
        server.login(settings.user, settings.secret())
    return server


# --- plan -------------------------------------------------------------------------------------


def _period(kind: str, local: datetime) -> str:
    if kind == "daily":
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def _digest_due(kind: str, local: datetime, hour: int) -> bool:
    if local.hour < hour:
        return False
    return kind == "daily" or local.isoweekday() == 1  # weekly: on Mondays


def _choices(session: Session) -> dict[str, dict[str, tuple[str, datetime]]]:
    """person -> kind -> (delivery, since when), for every emailed preference."""
    rows = session.execute(
        select(
            NotificationPreference.user_id,
            NotificationPreference.kind,
            NotificationPreference.delivery,
            NotificationPreference.updated_at,
        ).where(
            NotificationPreference.delivery.in_(EMAILED),
            NotificationPreference.deleted_at.is_(None),
        )
    ).all()
    found: dict[str, dict[str, tuple[str, datetime]]] = defaultdict(dict)
    for user_id, kind, delivery, since in rows:
        found[user_id][kind] = (delivery, clock.aware(since))
    return found


def _due(session: Session, user_id: str, kinds: dict[str, tuple[str, datetime]]) -> list[Any]:
    """The person's unread notifications not yet emailed, of a kind they want by email, made
    since they chose so."""
    since = min(s for _, s in kinds.values())
    carried = select(email_items.c.notification_id).where(
        email_items.c.notification_id == Notification.id
    )
    rows = session.execute(
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.deleted_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= since,
            ~carried.exists(),
        )
        .order_by(Notification.created_at, Notification.id)
    ).scalars()
    due = []
    for n in rows:
        choice = kinds.get(kind_of(n.type))
        if choice is not None and clock.aware(n.created_at) >= choice[1]:
            due.append((choice[0], n))
    return due


def _line(n: Notification, tz: str) -> str:
    when = clock.to_local(clock.aware(n.created_at), tz).strftime("%Y-%m-%d %H:%M")
    title = clean_line(n.title)
    return f"{when}  {title}: {clean_line(n.message)}" if n.message else f"{when}  {title}"


def _compose_one(n: Notification, person: User) -> tuple[str, str]:
    subject = f"[mentor-tui] {clean_line(n.title)}"
    body = clean_text(n.message or n.title)
    return subject, f"{body}\n\n-- \nmentor-tui: {DELIVERY_LABELS['email']} ({person.email})\n"


def _compose_digest(kind: str, items: list[Notification], person: User) -> tuple[str, str]:
    count = len(items)
    name = "daily" if kind == "daily" else "weekly"
    subject = f"[mentor-tui] Your {name} digest: {count} notification{'' if count == 1 else 's'}"
    lines = [_line(n, person.timezone) for n in items[:MAX_DIGEST_LINES]]
    if count > MAX_DIGEST_LINES:
        lines.append(f"... and {count - MAX_DIGEST_LINES} more in the app.")
    body = "\n".join(lines)
    return subject, f"{body}\n\n-- \nmentor-tui: your {name} digest ({person.email})\n"


def plan(engine: Engine, config: Config, now: datetime) -> int:
    """Claim every email and digest now due, with the notifications each carries, in one
    transaction; how many were claimed."""
    made = 0
    with (
        engine.connect().execution_options(**write_options(engine)) as conn,
        conn.begin(),
    ):
        session = Session(bind=conn, join_transaction_mode="rollback_only")
        for user_id, kinds in _choices(session).items():
            person = session.get(User, user_id)
            if person is None or person.deleted_at is not None or not person.email:
                continue
            local = clock.to_local(now, person.timezone)
            digests: dict[str, list[Notification]] = defaultdict(list)
            for delivery, n in _due(session, user_id, kinds):
                if delivery == "email":
                    _claim(conn, now, person, "email", n.id, [n], *_compose_one(n, person))
                    made += 1
                else:
                    digests[delivery].append(n)
            for kind, items in digests.items():
                period = _period(kind, local)
                if not _digest_due(kind, local, config.smtp.digest_hour):
                    continue
                if _made(conn, user_id, kind, period):
                    continue  # this period's digest went; these wait for the next
                _claim(
                    conn, now, person, kind, period, items, *_compose_digest(kind, items, person)
                )
                made += 1
        session.close()
    return made


def _made(conn: Connection, user_id: str, kind: str, period: str) -> bool:
    found = conn.execute(
        select(email_deliveries.c.id).where(
            email_deliveries.c.user_id == user_id,
            email_deliveries.c.kind == kind,
            email_deliveries.c.period == period,
        )
    ).first()
    return found is not None


def _claim(
    conn: Connection,
    now: datetime,
    person: User,
    kind: str,
    period: str,
    items: Iterable[Notification],
    subject: str,
    body: str,
) -> None:
    delivery_id = str(uuid.uuid4())
    conn.execute(
        insert(email_deliveries).values(
            id=delivery_id,
            user_id=person.id,
            kind=kind,
            period=period,
            status="claimed",
            attempts=0,
            to_address=person.email,
            subject=subject,
            body=body,
            created_at=now,
        )
    )
    conn.execute(
        insert(email_items), [{"notification_id": n.id, "delivery_id": delivery_id} for n in items]
    )


# --- send -------------------------------------------------------------------------------------


def _set(engine: Engine, delivery_id: str, expect: str, **values: Any) -> bool:
    """Move one email from status ``expect`` on, committed; False if someone else did."""
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        done = conn.execute(
            update(email_deliveries)
            .where(email_deliveries.c.id == delivery_id, email_deliveries.c.status == expect)
            .values(**values)
        )
        return done.rowcount == 1


def _message(row: Any, settings: SmtpSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.from_address or settings.user or f"mentor-tui@{settings.host}"
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = f"<{row.id}@mentor-tui>"
    msg.set_content(row.body)
    return msg


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _reason(exc: Exception) -> str:
    return clean_line(f"{type(exc).__name__}: {exc}")[:500]


def send_claimed(
    engine: Engine,
    settings: SmtpSettings,
    now: datetime,
    mailer_factory: Callable[[SmtpSettings], Mailer],
    summary: Summary,
) -> None:
    """Hand every claimed email that is due to SMTP, one connection for the run."""
    with engine.connect() as conn:
        stale = now - STALE_SENDING
        conn.execute(
            update(email_deliveries)
            .where(email_deliveries.c.status == "sending", email_deliveries.c.next_try_at < stale)
            .values(status="unconfirmed")
        )
        conn.commit()
        summary.unconfirmed = len(
            conn.execute(
                select(email_deliveries.c.id).where(email_deliveries.c.status == "unconfirmed")
            ).all()
        )
        due = conn.execute(
            select(email_deliveries)
            .where(
                email_deliveries.c.status == "claimed",
                (email_deliveries.c.next_try_at.is_(None))
                | (email_deliveries.c.next_try_at <= now),
            )
            .order_by(email_deliveries.c.created_at, email_deliveries.c.id)
        ).all()
    mailer: Mailer | None = None
    try:
        for row in due:
            if not _set(
                engine,
                row.id,
                "claimed",
                status="sending",
                attempts=row.attempts + 1,
                next_try_at=now,
            ):
                continue  # another sender has it
            try:
                if mailer is None:
                    mailer = mailer_factory(settings)
                mailer.send_message(_message(row, settings))
            except (smtplib.SMTPException, OSError, UserError) as exc:
                mailer = _drop(mailer)
                attempts = row.attempts + 1
                if _permanent(exc) or attempts >= MAX_ATTEMPTS:
                    _set(engine, row.id, "sending", status="failed", error=_reason(exc))
                    summary.failed += 1
                else:
                    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
                    _set(
                        engine,
                        row.id,
                        "sending",
                        status="claimed",
                        next_try_at=now + wait,
                        error=_reason(exc),
                    )
                    summary.retrying += 1
                summary.errors.append(_reason(exc))
                continue
            _set(engine, row.id, "sending", status="sent", sent_at=clock.now(), error=None)
            summary.sent += 1
    finally:
        _drop(mailer)


def _drop(mailer: Mailer | None) -> None:
    if mailer is not None:
        try:
            mailer.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return None


def send_due(
    engine: Engine,
    config: Config,
    *,
    now: datetime | None = None,
    mailer_factory: Callable[[SmtpSettings], Mailer] = connect,
) -> Summary:
    """One run: plan what is due, then send what is claimed."""
    if not config.smtp.host:
        raise UserError("No SMTP server is set: add host (and from_address) under [smtp].")
    moment = now or clock.now()
    summary = Summary()
    try:
        summary.planned = plan(engine, config, moment)
    except IntegrityError:
        summary.errors.append("another sender planned the same emails at once; sent theirs")
    send_claimed(engine, config.smtp, moment, mailer_factory, summary)
    return summary


def mail_loop(
    engine: Engine,
    config: Config,
    stop: threading.Event,
    *,
    every_seconds: float = 60.0,
    report: Callable[[str], None] | None = None,
) -> None:
    """``serve``'s sender: a run every ``every_seconds`` until ``stop`` is set (a run that
    fails is reported in a sentence and the next one tries again)."""
    while not stop.is_set():
        try:
            summary = send_due(engine, config)
            if report is not None and (summary.sent or summary.failed or summary.retrying):
                report(
                    f"email: sent {summary.sent}, to retry {summary.retrying}, "
                    f"failed {summary.failed}"
                )
        except (UserError, SQLAlchemyError) as exc:
            if report is not None:
                report(f"email: {clean_line(str(exc))}")
        stop.wait(every_seconds)


def deliveries(engine: Engine, *, user_id: str | None = None) -> list[dict[str, Any]]:
    """Every email made, newest first (no text): for the CLI and the tests."""
    query = select(
        email_deliveries.c.id,
        email_deliveries.c.user_id,
        email_deliveries.c.kind,
        email_deliveries.c.period,
        email_deliveries.c.status,
        email_deliveries.c.attempts,
        email_deliveries.c.created_at,
        email_deliveries.c.sent_at,
    ).order_by(email_deliveries.c.created_at.desc(), email_deliveries.c.id)
    if user_id is not None:
        query = query.where(and_(email_deliveries.c.user_id == user_id))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


__all__ = [
    "MAX_ATTEMPTS",
    "Summary",
    "connect",
    "deliveries",
    "mail_loop",
    "plan",
    "send_claimed",
    "send_due",
]
