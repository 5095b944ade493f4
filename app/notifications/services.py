"""Notifications: the in-app inbox. Each notification also queues its email / SMS deliveries
in the same transaction (app.notifications.delivery); they are sent after the commit."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.clock import utcnow
from app.errors import NotFound
from app.extensions import db
from app.notifications.delivery import plan_deliveries
from app.notifications.models import Notification
from app.params import valid_id


def notify(user_ids: Iterable[int], *, kind: str, title: str, body: str = "",
           link: str | None = None, now: datetime | None = None) -> list[Notification]:
    """Stores one notification per distinct user, and queues its email / SMS deliveries, in the
    caller's transaction (flushes; sent by the delivery sweep after the commit)."""
    now = now or utcnow()
    rows = [
        Notification(user_id=uid, kind=kind, title=title, body=body, link=link, created_at=now)
        for uid in dict.fromkeys(u for u in user_ids if u)
    ]
    db.session.add_all(rows)
    if rows:
        db.session.flush()
        plan_deliveries([row.id for row in rows], now)
    return rows


def inbox(user_id: int, unread_only: bool = False):
    """The user's notifications, newest first (a SELECT for paginate)."""
    stmt = (
        sa.select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user_id: int, notification_id: int, now: datetime | None = None) -> Notification:
    """Marks the user's own notification read (idempotent); anyone else's id is a 404."""
    note = db.session.get(Notification, notification_id) if valid_id(notification_id) else None
    if note is None or note.user_id != user_id:
        raise NotFound(_("消息不存在"))
    if note.read_at is None:
        note.read_at = now or utcnow()
        db.session.flush()
    return note


def mark_all_read(user_id: int, now: datetime | None = None) -> int:
    """Marks every unread notification of the user read; returns how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount or 0
