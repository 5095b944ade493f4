"""Notifications: in-app inbox. Delivery by mail/SMS is layered on top of these rows."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.database import utcnow
from app.errors import NotFound
from app.extensions import db
from app.reminders.models import Notification


def notify(user_ids: Iterable[int], *, kind: str, title: str, body: str = "",
           link: str | None = None, now: datetime | None = None) -> list[Notification]:
    """Stores one notification per distinct user in the caller's transaction."""
    now = now or utcnow()
    rows = [
        Notification(user_id=uid, kind=kind, title=title, body=body, link=link, created_at=now)
        for uid in dict.fromkeys(u for u in user_ids if u)
    ]
    db.session.add_all(rows)
    return rows


def inbox(user_id: int):
    return (
        sa.select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user_id: int, notification_id: int, now: datetime | None = None) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        raise NotFound("notification not found")
    if note.read_at is None:
        note.read_at = now or utcnow()
        db.session.flush()
    return note
