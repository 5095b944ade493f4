"""Demo activities: three per community (one past with attendance, two coming), members
signed up; through the real services, so the ledger, totals and checklist are consistent.
Idempotent: does nothing when activities exist. Returns the lines to print."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app.activities.models import Activity
from app.activities.services import create_activity, record_attendance, sign_up
from app.clock import utcnow
from app.demo.registrations import communities_with_staff_and_members
from app.extensions import db

ACTIVITIES = [("垃圾分类宣传", "洁净家园"), ("敬老院探访", "关爱老人"), ("夜间平安巡逻", "守护平安"),
              ("文明交通劝导", "文明出行"), ("邻里议事会", "和睦邻里"), ("四点半课堂", "课业辅导")]


def seed(ctx=None) -> list[str]:
    if db.session.scalar(sa.select(Activity.id).limit(1)) is not None:
        return []
    now = (ctx or {}).get("now") or utcnow()
    rng = random.Random(5)
    added = {"activities": 0}
    for community, staff, members in communities_with_staff_and_members():
        _seed_community(community, staff, members, rng, now, added)
    return [f"activities: {added['activities']}"]


def _seed_community(community, staff, members, rng, now, added) -> None:
    for n, (title, category) in enumerate(rng.sample(ACTIVITIES, 3)):
        start = now + timedelta(days=(-10, 1, 7)[n], hours=rng.randint(0, 6))
        activity = create_activity(staff, community_id=community.id, title=title, category=category,
                                   starts_at=start, ends_at=start + timedelta(hours=2), capacity=20,
                                   location=f"{community.name}党群服务中心", now=now - timedelta(days=20))
        added["activities"] += 1
        joined = rng.sample(members, min(len(members), rng.randint(3, 8)))
        for member in joined:
            sign_up(member, activity.id, now=now - timedelta(days=15))
        if n == 0:  # the past one: most came, the rest are no-shows
            for member in joined[: max(1, len(joined) - 2)]:
                record_attendance(staff, activity.id, member.id, now=start + timedelta(hours=1))
