"""The daily digest's new pool needs (issue 14): each need sent to a community's members' pool
since yesterday and still open to claim (urgent ones were told at once, app.orders.notices)
goes to the members it suits (its grid, or a fitting skill), at most POOL_NOTICES_PER_DAY a
day each counting the urgent ones already told today. Three reads and one INSERT, whatever the
number of needs."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.clock import day_start
from app.database import upsert
from app.extensions import db
from app.notifications.models import Notification
from app.orders.models import Order, OrderClaim, OrderStatus, Urgency
from app.orders.notices import POOL_KIND
from app.orders.skills import skill_matches
from app.registrations.models import Registration, RegistrationStatus
from app.reminders.models import Reminder, ReminderKind


def remind_pool_needs(today: date, now: datetime, has_digest: set[int]) -> int:
    """Adds today's POOL_NEED reminders; `has_digest`: who already has today's digest (their
    reminders wait for tomorrow's). Returns how many were added."""
    needs = db.session.scalars(sa.select(Order).where(
        Order.to_pool.is_(True), Order.status == OrderStatus.DISPATCHED,
        Order.urgency != Urgency.URGENT, Order.dispatched_at >= day_start(today - timedelta(days=1)),
        Order.dispatched_at < now,
        Order.claimed_count < Order.slots).order_by(Order.dispatched_at.desc(), Order.id.desc())).all()
    if not needs:
        return 0
    members = db.session.execute(
        sa.select(Registration.member_id, Registration.community_id, Registration.grid_id,
                  Registration.skills)
        .join(User, User.id == Registration.member_id)
        .where(Registration.community_id.in_({n.community_id for n in needs}),
               User.is_active.is_(True), Registration.status == RegistrationStatus.APPROVED)).all()
    claimed = set(db.session.execute(sa.select(OrderClaim.order_id, OrderClaim.member_id).where(
        OrderClaim.order_id.in_([n.id for n in needs]), OrderClaim.released_at.is_(None))).all())
    told_today = defaultdict(int, db.session.execute(
        sa.select(Notification.user_id, sa.func.count()).where(
            Notification.kind == POOL_KIND, Notification.created_at >= day_start(today))
        .group_by(Notification.user_id)).all())
    cap = current_app.config["POOL_NOTICES_PER_DAY"]
    rows = []
    for need in needs:  # newest first: the cap keeps the freshest
        for member_id, community_id, grid_id, skills in members:
            suits = community_id == need.community_id and (
                (need.grid_id is not None and grid_id == need.grid_id)
                or any(skill_matches(str(s), need.category) for s in (skills or [])))
            if not suits or (need.id, member_id) in claimed or told_today[member_id] >= cap:
                continue
            told_today[member_id] += 1
            rows.append({"user_id": member_id, "kind": ReminderKind.POOL_NEED, "subject_id": need.id,
                         "period": today.isoformat(), "due_on": today,
                         "text": f"新需求等你认领：{need.title}（/orders/{need.id}）", "created_at": now,
                         "sent_at": None if member_id in has_digest else now})
    if not rows:
        return 0
    result = db.session.execute(upsert(Reminder).values(rows).on_conflict_do_nothing()
                                .execution_options(preserve_rowcount=True))
    return max(result.rowcount or 0, 0)
