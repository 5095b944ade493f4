"""Deliveries: every notification is stored first, then sent by email / SMS from a sweep that
runs after the commit (scheduler or `flask reminders deliver`). A failed send is recorded and
retried with exponential back-off; nothing goes out during quiet hours."""
from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.clock import utcnow
from app.database import UTCDateTime, skip_locked
from app.extensions import db
from app.notifications.models import Delivery, DeliveryStatus, Notification
from app.notifications.quiet_hours import first_allowed, is_quiet
from app.notifications.senders import Sender, senders_from_config
from app.transaction import commit

log = logging.getLogger(__name__)
CHANNEL_ADDRESS = {"email": User.email, "sms": User.phone}
LEASE = timedelta(minutes=10)  # a crashed sender's claim is retried after this


def enabled_channels() -> list[str]:
    names = current_app.config.get("NOTIFY_CHANNELS", "")
    return [c.strip() for c in names.split(",") if c.strip() in CHANNEL_ADDRESS]


def plan_deliveries(notification_ids, now: datetime | None = None) -> int:
    """Queues one delivery per enabled channel for each notification whose user has an
    address on it: one INSERT ... SELECT per channel (ids: a list or a SELECT of ids).
    Flushes only; the caller commits."""
    now = now or utcnow()
    if isinstance(notification_ids, list | tuple) and not notification_ids:
        return 0
    not_before = first_allowed(now, current_app.config.get("QUIET_HOURS", ""))
    total = 0
    db.session.flush()
    for channel in enabled_channels():
        address = CHANNEL_ADDRESS[channel]
        rows = (
            sa.select(Notification.id, sa.literal(channel), address,
                      sa.literal(DeliveryStatus.PENDING), sa.literal(0),
                      sa.literal(not_before, UTCDateTime), sa.literal(now, UTCDateTime))
            .join(User, User.id == Notification.user_id)
            .where(Notification.id.in_(notification_ids), address.is_not(None), address != "",
                   User.is_active.is_(True))
        )
        result = db.session.execute(sa.insert(Delivery).from_select(
            ["notification_id", "channel", "address", "status", "attempts", "next_attempt_at",
             "created_at"], rows).execution_options(preserve_rowcount=True))
        total += max(result.rowcount or 0, 0)
    return total


def backoff(attempts: int) -> timedelta:
    """base * 2^(attempts-1), capped: 1, 2, 4, 8 ... minutes with the default base."""
    base = current_app.config.get("DELIVERY_BACKOFF_SECONDS", 60)
    cap = current_app.config.get("DELIVERY_BACKOFF_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    quiet: bool = False
    errors: list[str] = field(default_factory=list)


def _claim_due(now: datetime, limit: int) -> list[int]:
    """Marks up to `limit` due deliveries as ours (a token, one more attempt, a lease) and
    commits, so two sweeps never send the same delivery. Returns their ids."""
    token = uuid.uuid4().hex
    due = (sa.select(Delivery.id)
           .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now)
           .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit))
    due = skip_locked(due)
    claimed = db.session.scalars(
        sa.update(Delivery)
        .where(Delivery.id.in_(due), Delivery.status == DeliveryStatus.PENDING,
               Delivery.next_attempt_at <= now)
        .values(claim_token=token, attempts=Delivery.attempts + 1, next_attempt_at=now + LEASE)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)).all()
    commit()
    return list(claimed)


def deliver_due(now: datetime | None = None, senders: dict[str, Sender] | None = None,
                limit: int | None = None) -> DeliveryReport:
    """Sends what is due, outside quiet hours. A job, not a service: its units of work are the
    claim (committed before sending) and each outcome (committed after)."""
    now = now or utcnow()
    config = current_app.config
    report = DeliveryReport()
    if is_quiet(now, config.get("QUIET_HOURS", "")):
        report.quiet = True
        return report
    senders = senders or senders_from_config(config)
    max_attempts = config.get("DELIVERY_MAX_ATTEMPTS", 12)
    while True:
        claimed = _claim_due(now, limit or config.get("DELIVERY_BATCH", 200))
        if not claimed:
            return report
        batch = db.session.scalars(sa.select(Delivery).where(Delivery.id.in_(claimed))
                                   .order_by(Delivery.id)).all()
        down: dict[str, str] = {}  # channels that failed to connect: not retried in this batch
        for delivery in batch:
            _send_one(delivery, senders, now, max_attempts, report, down)
            commit()
        if limit:
            return report


def is_channel_down(exc: Exception) -> bool:
    """A failure to reach the server (not a refusal of one message)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _send_one(delivery: Delivery, senders: dict[str, Sender], now: datetime, max_attempts: int,
              report: DeliveryReport, down: dict[str, str]) -> None:
    note = delivery.notification
    delivery.claim_token = None
    try:
        if delivery.channel in down:
            raise ConnectionError(down[delivery.channel])
        senders[delivery.channel].send(delivery.address, note.title, note.body or "")
    except Exception as exc:  # any failure of the channel: record it and retry later
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if is_channel_down(exc):
            down.setdefault(delivery.channel, str(exc)[:200])
        report.errors.append(delivery.last_error)
        if delivery.attempts >= max_attempts:
            delivery.status = DeliveryStatus.FAILED
            report.gave_up += 1
        else:
            delivery.next_attempt_at = first_allowed(
                now + backoff(delivery.attempts), current_app.config.get("QUIET_HOURS", ""))
            report.failed += 1
        log.warning("delivery %s (%s) failed: %s", delivery.id, delivery.channel,
                    delivery.last_error)
        return
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.last_error = None
    report.sent += 1
